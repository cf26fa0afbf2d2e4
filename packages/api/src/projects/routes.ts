import { BUNDLE_MEDIA_TYPE, ProjectDiffQuerySchema, ProjectImportQuerySchema, type WakeTier } from "@clawdspace/shared";
import { Router, type Request, type Response } from "express";
import { HttpError } from "../http/httpError.js";
import { spaceName } from "../http/params.js";
import { actorOf } from "../http/actor.js";
import { clientGone, streamOut } from "../http/streaming.js";
import { parse } from "../core/validate.js";
import { markWake } from "../spaces/routes.js";
import type { ProjectService } from "./projectService.js";

const wakeTo = (res: Response) => (tier: WakeTier) => markWake(res, tier);
const TAR_TYPES = ["application/x-tar", "application/tar"];

/** A body announced larger than the limit is refused before a byte of it is read. */
function checkLength(req: Request, max: number) {
  if (Number(req.headers["content-length"] ?? 0) > max) throw new HttpError(413, "PAYLOAD_TOO_LARGE", `The body is larger than the limit of ${max} bytes`);
}

/** Project routes: a repository or folder in, the space's work out (docs/PROJECTS.md). */
export function projectRoutes(projects: ProjectService, maxBytes: number): Router {
  const r = Router();

  r.put("/spaces/:name/project", async (req, res) => {
    const name = spaceName(req);
    const q = parse(ProjectImportQuerySchema, req.query, "query");
    const who = actorOf(req, res);
    const opts = { signal: clientGone(req, res), onWake: wakeTo(res) };
    let answer;
    if (req.is([BUNDLE_MEDIA_TYPE, "application/octet-stream"])) {
      checkLength(req, maxBytes);
      answer = await projects.importBundle(name, req, q.branch, who, opts);
    } else if (req.is(TAR_TYPES)) {
      if (q.branch) throw new HttpError(400, "VALIDATION_FAILED", "branch is for a git bundle, not a folder's tar", { issues: [{ path: "branch", message: "only with a git bundle" }] });
      checkLength(req, maxBytes);
      answer = await projects.importFolder(name, req, who, opts);
    } else {
      throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", `Send a git bundle as ${BUNDLE_MEDIA_TYPE}, or a folder as application/x-tar`);
    }
    res.json(answer);
  });

  r.get("/spaces/:name/project/diff", async (req, res) => {
    const name = spaceName(req);
    const q = parse(ProjectDiffQuerySchema, req.query, "query");
    const who = actorOf(req, res);
    await streamOut(req, res, "text/plain; charset=utf-8", (sink, signal) => projects.diff(name, q.stat ?? false, sink, who, { signal, onWake: wakeTo(res) }));
  });

  r.get("/spaces/:name/project/bundle", async (req, res) => {
    const name = spaceName(req);
    const who = actorOf(req, res);
    await streamOut(req, res, BUNDLE_MEDIA_TYPE, (sink, signal) => projects.bundle(name, sink, who, { signal, onWake: wakeTo(res) }), `${name}.bundle`);
  });

  return r;
}
