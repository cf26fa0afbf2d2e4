import { ConflictError } from "../../../src/engine/errors.js";
import { LABEL, NETWORK_KIND } from "../../../src/engine/naming.js";
import type { NetworkInfo, NetworkSpec, NetworksPort } from "../../../src/engine/ports/networks.js";
import type { FakeWorld } from "./world.js";

/** Networks in memory; one a container still uses cannot go. */
export class FakeNetworks implements NetworksPort {
  constructor(private readonly world: FakeWorld) {}

  async ensure(spec: NetworkSpec): Promise<NetworkInfo> {
    this.world.enter("networkCreate");
    const existing = this.world.networks.get(spec.name);
    if (existing) {
      if (existing.labels[LABEL.kind] !== NETWORK_KIND) throw new ConflictError(`Network "${spec.name}" is not ours`, "other");
      return existing;
    }
    const n = { name: spec.name, bridge: spec.bridge, labels: { ...spec.labels, [LABEL.kind]: NETWORK_KIND } };
    this.world.networks.set(spec.name, n);
    return n;
  }

  async list(labelFilter: string[]): Promise<NetworkInfo[]> {
    this.world.enter("networkList");
    const match = (n: NetworkInfo) =>
      labelFilter.every((f) => {
        const [k, v] = f.split("=");
        return v === undefined ? k! in n.labels : n.labels[k!] === v;
      });
    return [...this.world.networks.values()].filter((n) => n.labels[LABEL.kind] === NETWORK_KIND && match(n));
  }

  async remove(name: string): Promise<void> {
    this.world.enter("networkRemove");
    const n = this.world.networks.get(name);
    if (!n) return;
    if (n.labels[LABEL.kind] !== NETWORK_KIND) throw new ConflictError(`Network "${name}" is not ours`, "other");
    if ([...this.world.containers.values()].some((c) => c.spec.networkName === name)) throw new ConflictError(`Network "${name}" has active endpoints`, "other");
    this.world.networks.delete(name);
  }
}
