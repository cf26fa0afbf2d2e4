import { TaskIdSchema, TaskListQuerySchema, TaskLogQuerySchema, TaskRequestSchema, TaskStateSchema, type TaskLogStreamLine } from "@clawdspace/shared";
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { parse } from "../core/validate.js";
import { actorOf } from "../http/actor.js";
import { jsonBody } from "../http/jsonBody.js";
import { spaceName } from "../http/params.js";
import { clientGone, ndjsonAnswer } from "../http/streaming.js";
import { markWake } from "../spaces/routes.js";
import type { TaskLogs } from "./taskLogs.js";
import type { TaskService } from "./taskService.js";

const taskId = (req: Request) => parse(TaskIdSchema, req.params.id, "task id");
const SpaceListQuery = z.object({ state: TaskStateSchema.optional() }).strict();

export function taskRoutes(tasks: TaskService, logs: TaskLogs, bodyLimit: number): Router {
  const r = Router();

  r.post("/spaces/:name/tasks", ...jsonBody(bodyLimit), async (req, res) => {
    const name = spaceName(req);
    const input = parse(TaskRequestSchema, req.body, "request body");
    const { task, wake } = await tasks.start(name, input, actorOf(req, res));
    markWake(res, wake);
    res.status(201).json({ task, ...(wake ? { wake } : {}) });
  });

  r.get("/spaces/:name/tasks", async (req, res) => {
    const name = spaceName(req);
    const { state } = parse(SpaceListQuery, req.query, "query");
    res.json({ tasks: await tasks.listSpace(name, state) });
  });

  r.get("/tasks", (req, res) => {
    res.json({ tasks: tasks.listAll(parse(TaskListQuerySchema, req.query, "query")) });
  });

  r.get("/spaces/:name/tasks/:id", (req, res) => {
    res.json({ task: tasks.view(tasks.get(spaceName(req), taskId(req))) });
  });

  r.post("/spaces/:name/tasks/:id/cancel", async (req, res) => {
    res.json({ task: await tasks.cancel(spaceName(req), taskId(req), actorOf(req, res)) });
  });

  r.delete("/spaces/:name/tasks/:id", async (req, res) => {
    const name = spaceName(req);
    const id = taskId(req);
    await tasks.remove(name, id, actorOf(req, res));
    res.json({ message: `Task ${id} and its logs deleted` });
  });

  r.get("/spaces/:name/tasks/:id/logs", async (req, res) => {
    const name = spaceName(req);
    const id = taskId(req);
    const q = parse(TaskLogQuerySchema, req.query, "query");
    const ndjson = q.follow || /application\/x-ndjson/i.test(req.get("accept") ?? "");
    if (!ndjson) {
      const { wake, ...page } = await logs.page(name, id, q, actorOf(req, res));
      markWake(res, wake);
      return res.json(page);
    }
    await streamLogs(name, id, q, req, res, tasks, logs);
  });

  return r;
}

/** NDJSON: headers go out with the first line, so an error before any output is still a real status. */
async function streamLogs(name: string, id: string, q: z.output<typeof TaskLogQuerySchema>, req: Request, res: Response, tasks: TaskService, logs: TaskLogs) {
  tasks.get(name, id);
  const signal = clientGone(req, res);
  const { write, fail } = ndjsonAnswer<TaskLogStreamLine>(req, res);
  try {
    if (q.follow) await logs.follow(name, id, q, write, signal, actorOf(req, res));
    else {
      const page = await logs.page(name, id, q, actorOf(req, res));
      for (const line of page.lines) await write(line);
      await write({ end: true, nextOffset: page.nextOffset, task: page.task });
    }
    if (!res.writableEnded) res.end();
  } catch (e) {
    fail(e, signal, "task log stream");
  }
}
