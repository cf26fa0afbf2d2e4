/** The helper-runs role of the engine port. */

/** A short-lived privileged helper (e.g. to apply firewall rules): runs to completion and is removed. */
export interface HelperSpec {
  image: string;
  argv: string[];
  labels: Record<string, string>;
  capAdd: string[];
  hostNetwork: boolean;
}

export interface HelperRun {
  exitCode: number;
  output: string;
}

export interface HelpersPort {
  run(spec: HelperSpec): Promise<HelperRun>;
}
