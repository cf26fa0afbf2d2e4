import { AgentRunRequestSchema, AgentTranscriptQuerySchema, TaskIdSchema, type AgentTranscriptStreamLine } from "@clawdspace/shared";
import { Router, type Request, type Response } from "express";
import { parse } from "../core/validate.js";
import { actorOf } from "../http/actor.js";
import { jsonBody } from "../http/jsonBody.js";
import { spaceName } from "../http/params.js";
import { clientGone, ndjsonAnswer } from "../http/streaming.js";
import { markWake } from "../spaces/routes.js";
import type { AgentRuns } from "./agentRuns.js";
import type { AgentTranscripts } from "./agentTranscripts.js";

const runId = (req: Request) => parse(TaskIdSchema, req.params.id, "run id");

export function agentRoutes(runs: AgentRuns, transcripts: AgentTranscripts, bodyLimit: number): Router {
  const r = Router();

  r.post("/spaces/:name/agent/runs", ...jsonBody(bodyLimit), async (req, res) => {
    const name = spaceName(req);
    const input = parse(AgentRunRequestSchema, req.body, "request body");
    const { run, wake } = await runs.start(name, input, actorOf(req, res));
    markWake(res, wake);
    res.status(201).json({ run, ...(wake ? { wake } : {}) });
  });

  r.get("/spaces/:name/agent/runs", async (req, res) => {
    res.json({ runs: await runs.list(spaceName(req)) });
  });

  r.get("/spaces/:name/agent/runs/:id", async (req, res) => {
    const name = spaceName(req);
    const id = runId(req);
    const q = parse(AgentTranscriptQuerySchema, req.query, "query");
    if (q.follow || /application\/x-ndjson/i.test(req.get("accept") ?? "")) return follow(name, id, q.offset, q.follow, req, res, runs, transcripts);
    const { wake, ...page } = await transcripts.page(name, id, q.offset, actorOf(req, res));
    markWake(res, wake);
    res.json(page);
  });

  r.post("/spaces/:name/agent/runs/:id/cancel", async (req, res) => {
    res.json({ run: await runs.cancel(spaceName(req), runId(req), actorOf(req, res)) });
  });

  return r;
}

/** NDJSON: headers go out with the first line, so an error before any event is still a real status. */
async function follow(name: string, id: string, offset: number, live: boolean, req: Request, res: Response, runs: AgentRuns, transcripts: AgentTranscripts) {
  runs.rows(name, id);
  const signal = clientGone(req, res);
  const { write, fail } = ndjsonAnswer<AgentTranscriptStreamLine>(req, res);
  try {
    if (live) await transcripts.follow(name, id, offset, write, signal, actorOf(req, res));
    else {
      const page = await transcripts.page(name, id, offset, actorOf(req, res));
      for (const event of page.events) await write({ event });
      await write({ end: true, nextOffset: page.nextOffset, run: page.run });
    }
    if (!res.writableEnded) res.end();
  } catch (e) {
    fail(e, signal, "agent transcript stream");
  }
}
