/** The networks role of the engine port: the bridges the network policy puts spaces on. */
export interface NetworkSpec {
  name: string;
  /** The Linux bridge's name, so firewall rules can match the space traffic by interface. */
  bridge: string;
  labels: Record<string, string>;
}

export interface NetworkInfo {
  name: string;
  bridge: string;
  labels: Record<string, string>;
}

export interface NetworksPort {
  /** Creates a bridge network carrying our label unless one of that name exists; ConflictError when it is not ours. */
  ensure(spec: NetworkSpec): Promise<NetworkInfo>;
  /** Our networks (by label), in one call. */
  list(labelFilter: string[]): Promise<NetworkInfo[]>;
  /** Removes a network only when it carries our label; absent is fine. */
  remove(name: string): Promise<void>;
}
