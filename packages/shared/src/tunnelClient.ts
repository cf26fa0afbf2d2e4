import type { ClawdspaceClient } from "./client.js";
import type { SshKeyAnswer, TunnelQuery } from "./schemas/tunnel.js";
import type { TerminalTicket } from "./schemas/terminal.js";
import { enc } from "./wire.js";

/** The tunnel routes: a key for the space's sshd, and the URL of a tunnel (the key goes in a header, never in it). */
export class TunnelClient {
  constructor(private readonly client: ClawdspaceClient) {}

  /** ws:// URL of a tunnel: `{target: "ssh"}` or `{target: "port", port}`. */
  url(name: string, q: TunnelQuery, ticket?: string): string {
    return this.client.socketUrl(`/api/spaces/${enc(name)}/tunnel`, q.target === "ssh" ? { target: "ssh", ticket } : { port: q.port, ticket });
  }

  installKey(name: string, publicKey: string) {
    return this.client.json<SshKeyAnswer>("POST", `/api/spaces/${enc(name)}/ssh/keys`, { publicKey });
  }

  ticket(name: string) {
    return this.client.json<TerminalTicket>("POST", `/api/spaces/${enc(name)}/tunnel/ticket`);
  }
}
