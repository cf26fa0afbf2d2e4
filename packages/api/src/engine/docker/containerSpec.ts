import type Docker from "dockerode";
import { SPACE_USER, WORKSPACE, containerNameOf } from "../naming.js";
import type { ContainerSpec, GpuSpec, RestartPolicy } from "../ports/containers.js";

/** Docker's device request for a GPU spec: all GPUs (-1), a count, or device ids. */
export function deviceRequestsOf(gpu: GpuSpec) {
  if (gpu === false) return undefined;
  const base = { Driver: "", Capabilities: [["gpu"]] };
  return ["deviceIds" in gpu ? { ...base, DeviceIDs: gpu.deviceIds } : { ...base, Count: gpu.count }];
}

function tmpfsOf(spec: ContainerSpec): Record<string, string> {
  const tmp = { "/tmp": `rw,nosuid,nodev,exec,size=${spec.tmpfsBytes}` };
  if (!spec.readOnlyRootfs) return tmp;
  // A read-only root still needs somewhere for the user's home (npm -g, pip --user) and for runtime files.
  return {
    ...tmp,
    "/home/sandbox": `rw,nosuid,nodev,exec,size=${spec.tmpfsBytes},uid=1001,gid=1001,mode=0755`,
    "/run": "rw,nosuid,nodev,size=16m",
    "/var/tmp": `rw,nosuid,nodev,size=${spec.tmpfsBytes}`,
  };
}

/** Our container spec in the engine's create-body terms. */
export function createOptionsOf(spec: ContainerSpec): Docker.ContainerCreateOptions {
  return {
    name: containerNameOf(spec.name),
    Hostname: spec.name,
    Image: spec.image,
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    WorkingDir: WORKSPACE,
    // Whatever USER the image names: the space's processes are the sandbox user's (root only through an exec that asks).
    User: SPACE_USER,
    Env: envList(spec.env),
    Labels: spec.labels,
    HostConfig: {
      Mounts: [
        { Type: "volume", Source: spec.volumeName, Target: WORKSPACE },
        ...(spec.binds ?? []).map((b) => ({ Type: "bind" as const, Source: b.source, Target: b.target, ReadOnly: b.readOnly })),
      ],
      Memory: spec.memory,
      MemorySwap: spec.memory,
      NanoCpus: Math.round(spec.cpus * 1e9),
      PidsLimit: spec.pidsLimit,
      // relaxed keeps the engine's default capability set and lets an exec as root use it (no-new-privileges
      // would keep root's execve from gaining the capabilities), so root in the space can apt-get install
      SecurityOpt: spec.privileges === "strict" ? ["no-new-privileges=true"] : [],
      CapDrop: spec.privileges === "strict" ? ["ALL"] : undefined,
      ReadonlyRootfs: spec.readOnlyRootfs,
      Tmpfs: tmpfsOf(spec),
      // On a policy network the engine must not start the space before the server has its rules in place
      // (after a reboot the firewall is empty): the server starts it again itself, rules first.
      RestartPolicy: { Name: restartPolicyOf(spec) },
      Init: true,
      NetworkMode: spec.network === "none" ? "none" : spec.networkName,
      // The policy's rules are IPv4 (iptables): no IPv6 at all on its networks, not even link-local between spaces.
      Sysctls: spec.networkName ? { "net.ipv6.conf.all.disable_ipv6": "1", "net.ipv6.conf.default.disable_ipv6": "1" } : undefined,
      Runtime: spec.runtime && spec.runtime !== "runc" ? spec.runtime : undefined,
      DeviceRequests: deviceRequestsOf(spec.gpu),
    },
  };
}

export const restartPolicyOf = (spec: Pick<ContainerSpec, "networkName">): RestartPolicy => (spec.networkName ? "no" : "unless-stopped");

/** KEY=value lines, as the engine takes environment variables. */
export function envList(env: Record<string, string>): string[];
export function envList(env: Record<string, string> | undefined): string[] | undefined;
export function envList(env: Record<string, string> | undefined): string[] | undefined {
  return env ? Object.entries(env).map(([k, v]) => `${k}=${v}`) : undefined;
}
