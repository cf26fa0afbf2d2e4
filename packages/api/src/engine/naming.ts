/** Docker naming shared with Clawdspace, so its containers and volumes are adopted as they are. */
export const LABEL = {
  kind: "clawdspace.kind",
  space: "clawdspace.space",
  volume: "clawdspace.volume",
  memory: "clawdspace.memory",
  cpus: "clawdspace.cpus",
  template: "clawdspace.template",
  gpu: "clawdspace.gpu",
  node: "clawdspace.node",
  network: "clawdspace.network",
  runtime: "clawdspace.runtime",
  privileges: "clawdspace.privileges",
  writableRootfs: "clawdspace.writable-rootfs",
  gpuRequest: "clawdspace.gpu-request",
  idleTimeoutMs: "clawdspace.idle-timeout-ms",
  hibernateAfterMs: "clawdspace.hibernate-after-ms",
  tunnelSsh: "clawdspace.tunnel-ssh",
  tunnelPorts: "clawdspace.tunnel-ports",
} as const;

export const SPACE_KIND = "space";
export const NETWORK_KIND = "space-network";
export const HELPER_KIND = "helper";
export const VOLUME_KIND = "space-volume";
export const WORKSPACE = "/workspace";
/** The space's user and group (docker/space/Dockerfile); every exec of ours that acts for the space runs as it. */
export const SPACE_USER = "1001:1001";
/** Where our images carry the space agent (docs/SPACE-AGENT.md); other images have nothing there. */
export const AGENT_BINARY = "/opt/clawdspace/bin/clawdspace-agent";

export const containerNameOf = (space: string) => `clawdspace-${space}`;
export const volumeNameOf = (space: string) => `clawdspace-vol-${space}`;
