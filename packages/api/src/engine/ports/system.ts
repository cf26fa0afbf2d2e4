/** The engine's own facts: is it there, and what can it do. */
export interface EngineInfo {
  version: string;
  apiVersion: string;
  cpus: number;
  memoryBytes: number;
  containers: number;
  containersRunning: number;
  containersPaused: number;
  images: number;
  runtimes: string[];
  os: string;
}

export interface SystemPort {
  /** Resolves when the engine answers; throws RuntimeUnavailableError otherwise. */
  ping(): Promise<void>;
  info(): Promise<EngineInfo>;
}
