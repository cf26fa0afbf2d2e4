import { SshKeyAnswerSchema, SshKeyRequestSchema, TerminalTicketSchema } from "@clawdspace/shared";
import type { RouteDoc } from "../system/openapiSpec.js";

/** The tunnel's REST routes, for the OpenAPI document; the WebSocket upgrade is described in docs/API.md and docs/SSH.md, as the terminal's is. */
export const TUNNEL_ROUTES: RouteDoc[] = [
  { method: "post", path: "/api/spaces/:name/tunnel/ticket", summary: "A single-use ticket (30 s) for the tunnel WebSocket", response: TerminalTicketSchema, status: 201 },
  { method: "post", path: "/api/spaces/:name/ssh/keys", summary: "Authorize an SSH public key for the space's user (idempotent); answers the space's host key and user", body: SshKeyRequestSchema, response: SshKeyAnswerSchema },
];
