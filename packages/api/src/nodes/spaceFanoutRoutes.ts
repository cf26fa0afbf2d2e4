import { CreateSpaceRequestSchema, type CreateSpaceInput } from "@clawdspace/shared";
import { Router, type Request, type Response } from "express";
import { InvalidInputError } from "../core/errors.js";
import { parse } from "../core/validate.js";
import { actorOf } from "../http/actor.js";
import { HttpError } from "../http/httpError.js";
import { jsonBody } from "../http/jsonBody.js";
import type { SpaceCreation } from "../spaces/creation.js";
import { CREATE_TIMEOUT_MS, type ClusterContext } from "./clusterContext.js";
import { choosePlacement, type PlacementCandidate } from "./placement.js";

export interface FanoutOptions {
  bodyLimit: number;
  defaults: { memory: number; cpus: number };
}

const since = (t: number | null) => (t === null ? "" : ` since ${new Date(t).toISOString()}`);

/** GET /api/spaces over every node, and POST /api/spaces placed on one (pinned, or the most headroom). */
export function spaceFanoutRoutes(ctx: ClusterContext, creation: Pick<SpaceCreation, "create">, opts: FanoutOptions): Router {
  const r = Router();

  r.get("/spaces", async (req, res) => {
    res.json({ spaces: await ctx.spaces.list(actorOf(req, res)) });
  });

  r.post("/spaces", ...jsonBody(opts.bodyLimit), async (req, res) => {
    const input = parse(CreateSpaceRequestSchema, req.body, "request body");
    await refuseTaken(input.name);
    const target = input.node ?? (await place(input));
    if (target === ctx.membership.self) {
      const space = await creation.create(input, actorOf(req, res));
      return void res.status(201).json({ space });
    }
    await createOn(target, req, res);
  });

  /** Names are the cluster's: one held anywhere, reachable or not, is taken. */
  async function refuseTaken(name: string): Promise<void> {
    const owner = await ctx.spaces.locate(name);
    if (!owner) return;
    if (owner.kind === "self") throw new HttpError(409, "SPACE_EXISTS", `Space ${name} already exists on node ${ctx.membership.self}`, { node: ctx.membership.self });
    const where = owner.peer.name;
    if (owner.kind === "peer") throw new HttpError(409, "SPACE_EXISTS", `Space ${name} already exists on node ${where}`, { node: where });
    throw new HttpError(409, "SPACE_EXISTS", `Space ${name} is held by node ${where}, which is unreachable${since(owner.peer.since)}; the name stays taken until it is back or the space is removed there`, { node: where, unreachable: true });
  }

  async function place(input: CreateSpaceInput): Promise<string> {
    const self = await ctx.selfReport();
    const candidates: PlacementCandidate[] = [{ name: self.name, report: self }];
    for (const p of ctx.membership.peers()) if (p.status === "online" && p.report) candidates.push({ name: p.name, report: p.report });
    const need = { memory: input.memory ?? opts.defaults.memory, cpus: input.cpus ?? opts.defaults.cpus, gpu: input.gpu !== undefined && input.gpu !== false };
    const placed = choosePlacement(candidates, need);
    if (placed.node === null) throw new InvalidInputError(`Cannot place space ${input.name}: ${placed.reason}`, [{ path: "node", message: placed.reason }]);
    return placed.node;
  }

  async function createOn(node: string, req: Request, res: Response): Promise<void> {
    const peer = ctx.membership.get(node);
    if (!peer) {
      const known = [ctx.membership.self, ...ctx.membership.peers().map((p) => p.name)].join(", ");
      throw InvalidInputError.at("request body", "node", `no node named ${node} (nodes: ${known})`);
    }
    if (peer.status === "offline") throw new HttpError(503, "NODE_UNREACHABLE", `Node ${node} is unreachable${since(peer.since)}: pin another node or leave node out`, { node });
    // The owner parses and checks the body itself (templates, limits, its GPU), and writes the audit event.
    const answer = await ctx.transport.call(peer, { method: "POST", path: "/api/spaces", body: req.body, ...actorOf(req, res), timeoutMs: CREATE_TIMEOUT_MS });
    if (answer.status === 201) ctx.spaces.remember((req.body as { name: string }).name, node);
    res.status(answer.status).json(answer.body);
  }

  return r;
}
