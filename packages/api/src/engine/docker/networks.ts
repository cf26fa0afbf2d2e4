import { ConflictError } from "../errors.js";
import { LABEL, NETWORK_KIND } from "../naming.js";
import type { NetworkInfo, NetworkSpec, NetworksPort } from "../ports/networks.js";
import type { DockerClient } from "./client.js";
import { orNull } from "./translate.js";

const BRIDGE_OPTION = "com.docker.network.bridge.name";

function infoOf(n: { Name: string; Options?: Record<string, string>; Labels?: Record<string, string> }): NetworkInfo {
  return { name: n.Name, bridge: n.Options?.[BRIDGE_OPTION] ?? "", labels: n.Labels ?? {} };
}

/** The policy's bridge networks on a Docker engine. */
export class DockerNetworks implements NetworksPort {
  constructor(private readonly client: DockerClient) {}

  async ensure(spec: NetworkSpec): Promise<NetworkInfo> {
    const existing = await this.inspect(spec.name);
    if (existing) {
      if (existing.labels[LABEL.kind] !== NETWORK_KIND) throw new ConflictError(`Network "${spec.name}" exists and was not made by Clawdspace`, "other");
      return existing;
    }
    const labels = { ...spec.labels, [LABEL.kind]: NETWORK_KIND };
    await this.client
      .call("networkCreate", () =>
        this.client.docker.createNetwork({ Name: spec.name, Driver: "bridge", CheckDuplicate: true, EnableIPv6: false, Labels: labels, Options: { [BRIDGE_OPTION]: spec.bridge } }),
      )
      .catch(async (e) => {
        // Another create won the race: theirs is as good as ours.
        if (!(e instanceof ConflictError) && !/already exists/i.test((e as Error).message)) throw e;
      });
    return (await this.inspect(spec.name)) ?? { name: spec.name, bridge: spec.bridge, labels };
  }

  private async inspect(name: string): Promise<NetworkInfo | null> {
    const n = await orNull(this.client.call("networkInspect", () => this.client.docker.getNetwork(name).inspect()));
    return n && infoOf(n);
  }

  async list(labelFilter: string[]): Promise<NetworkInfo[]> {
    const nets = await this.client.call("networkList", () =>
      this.client.docker.listNetworks({ filters: { label: [`${LABEL.kind}=${NETWORK_KIND}`, ...labelFilter] } }),
    );
    return nets.map(infoOf);
  }

  async remove(name: string): Promise<void> {
    const n = await this.inspect(name);
    if (!n) return;
    if (n.labels[LABEL.kind] !== NETWORK_KIND) throw new ConflictError(`Network "${name}" does not carry our label; refusing to remove it`, "other");
    await orNull(this.client.call("networkRemove", () => this.client.docker.getNetwork(name).remove()));
  }
}
