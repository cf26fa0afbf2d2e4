import { ConflictError } from "../../../src/engine/errors.js";
import { LABEL, VOLUME_KIND } from "../../../src/engine/naming.js";
import type { VolumeInfo, VolumesPort } from "../../../src/engine/ports/volumes.js";
import type { FakeWorld } from "./world.js";

/** Volumes in memory; one in use by a container cannot go. */
export class FakeVolumes implements VolumesPort {
  constructor(private readonly world: FakeWorld) {}

  async inspect(volumeName: string): Promise<VolumeInfo | null> {
    this.world.enter("volumeInspect");
    return this.world.volumes.get(volumeName) ?? null;
  }

  async create(volumeName: string, labels: Record<string, string>): Promise<VolumeInfo> {
    this.world.enter("volumeCreate");
    const existing = this.world.volumes.get(volumeName);
    if (existing) return existing;
    const v = { name: volumeName, mountpoint: `/fake/volumes/${volumeName}/_data`, labels: { ...labels, [LABEL.kind]: VOLUME_KIND } };
    this.world.volumes.set(volumeName, v);
    return v;
  }

  async remove(volumeName: string): Promise<void> {
    this.world.enter("volumeRemove");
    const v = this.world.volumes.get(volumeName);
    if (!v) return;
    if (v.labels[LABEL.kind] !== VOLUME_KIND) throw new ConflictError(`Volume "${volumeName}" is not ours`, "other");
    const inUse = [...this.world.containers.values()].some((c) => c.spec.volumeName === volumeName);
    if (inUse) throw new ConflictError(`Volume "${volumeName}" is in use`, "other");
    this.world.volumes.delete(volumeName);
  }
}
