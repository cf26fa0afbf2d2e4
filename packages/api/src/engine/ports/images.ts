/** The images role of the engine port: our own images, built (and their base pulled) on this node. */
export interface BuildContextFile {
  path: string;
  content: Buffer;
  mode?: number;
}

export interface ImageBuildSpec {
  tag: string;
  files: BuildContextFile[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  onProgress: (line: string) => void;
  /** Every step again (the benchmark's cold build); off, the engine's layer cache makes an unchanged build cheap. */
  noCache?: boolean;
}

export interface ImagesPort {
  exists(ref: string): Promise<boolean>;
  build(spec: ImageBuildSpec): Promise<void>;
  /** Pulls an image from its registry (used only for the base of our own image, never for spaces). */
  pull(ref: string, onProgress: (line: string) => void): Promise<void>;
}
