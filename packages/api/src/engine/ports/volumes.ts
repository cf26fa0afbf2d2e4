/** The volumes role of the engine port: a space's named volume at /workspace. */
export interface VolumeInfo {
  name: string;
  mountpoint: string;
  labels: Record<string, string>;
}

export interface VolumesPort {
  /** null when no volume of that name exists. */
  inspect(volumeName: string): Promise<VolumeInfo | null>;
  create(volumeName: string, labels: Record<string, string>): Promise<VolumeInfo>;
  /** Removes a volume only when it carries our label; absent is fine. */
  remove(volumeName: string): Promise<void>;
}
