import {
  ArchiveQuerySchema,
  DeleteFileQuerySchema,
  ListFilesQuerySchema,
  MkdirBodySchema,
  ReadFileQuerySchema,
  RenameBodySchema,
  WriteFileBodySchema,
  WriteFileQuerySchema,
  type WakeTier,
} from "@clawdspace/shared";
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { HttpError } from "../http/httpError.js";
import { jsonBody } from "../http/jsonBody.js";
import { spaceName } from "../http/params.js";
import { parse } from "../core/validate.js";
import type { FileService } from "./fileService.js";
import { actorOf } from "../http/actor.js";
import { clientGone, streamOut } from "../http/streaming.js";
import { markWake } from "../spaces/routes.js";

const wakeTo = (res: Response) => (tier: WakeTier) => markWake(res, tier);
const isRaw = (req: Request) => Boolean(req.is(["application/octet-stream"]));

/** Files routes: JSON for the compatible shapes, raw bytes and tar streams for large content. */
export function fileRoutes(files: FileService, bodyLimit: number): Router {
  const r = Router();
  const json = jsonBody(bodyLimit);
  // Raw bytes stream through untouched; anything else must be JSON.
  const jsonUnlessRaw: RequestHandler[] = json.map((mw) => (req: Request, res: Response, next: NextFunction) => (isRaw(req) ? next() : mw(req, res, next)));

  r.get("/spaces/:name/files", async (req, res) => {
    const name = spaceName(req);
    const q = parse(ListFilesQuerySchema, req.query, "query");
    const { wake, ...answer } = await files.list(name, q.path, actorOf(req, res), wakeTo(res));
    res.json({ ...answer, ...(wake ? { wake } : {}) });
  });

  r.get("/spaces/:name/file", async (req, res) => {
    const name = spaceName(req);
    const q = parse(ReadFileQuerySchema, req.query, "query");
    const who = actorOf(req, res);
    if (q.raw) {
      return streamOut(req, res, "application/octet-stream", (sink, signal) =>
        files.readStream(name, q.path, sink, who, { maxBytes: q.maxBytes, signal, onWake: wakeTo(res) }),
      );
    }
    const { wake, ...answer } = await files.readJson(name, q.path, q.maxBytes, who, wakeTo(res));
    res.json({ ...answer, ...(wake ? { wake } : {}) });
  });

  r.put("/spaces/:name/file", ...jsonUnlessRaw, async (req, res) => {
    const name = spaceName(req);
    const q = parse(WriteFileQuerySchema, req.query, "query");
    const who = actorOf(req, res);
    let answer;
    if (isRaw(req)) {
      const length = req.headers["content-length"];
      if (length === undefined) throw new HttpError(411, "LENGTH_REQUIRED", "Send Content-Length with a raw upload (it is how a cut-off upload is told from a complete one)");
      const size = Number(length);
      answer = await files.write(name, q.path, req, size, who, { signal: clientGone(req, res), onWake: wakeTo(res) });
    } else {
      const body = parse(WriteFileBodySchema, req.body, "request body");
      const content = Buffer.from(body.contentBase64, "base64");
      answer = await files.write(name, q.path, content, content.length, who, { mode: body.mode, onWake: wakeTo(res) });
    }
    const { wake, ...rest } = answer;
    res.json({ ...rest, ...(wake ? { wake } : {}) });
  });

  r.delete("/spaces/:name/file", async (req, res) => {
    const name = spaceName(req);
    const q = parse(DeleteFileQuerySchema, req.query, "query");
    const { wake, message } = await files.remove(name, q.path, q.recursive, actorOf(req, res), wakeTo(res));
    res.json({ message, ...(wake ? { wake } : {}) });
  });

  r.post("/spaces/:name/files/mkdir", ...json, async (req, res) => {
    const name = spaceName(req);
    const body = parse(MkdirBodySchema, req.body, "request body");
    const { wake, message } = await files.mkdir(name, body.path, actorOf(req, res), wakeTo(res));
    res.json({ message, ...(wake ? { wake } : {}) });
  });

  r.post("/spaces/:name/files/rename", ...json, async (req, res) => {
    const name = spaceName(req);
    const body = parse(RenameBodySchema, req.body, "request body");
    const { wake, message } = await files.rename(name, body.from, body.to, actorOf(req, res), wakeTo(res));
    res.json({ message, ...(wake ? { wake } : {}) });
  });

  r.get("/spaces/:name/archive", async (req, res) => {
    const name = spaceName(req);
    const q = parse(ArchiveQuerySchema, req.query, "query");
    const who = actorOf(req, res);
    const base = q.path.split("/").filter(Boolean).pop() ?? name;
    await streamOut(req, res, "application/x-tar", (sink, signal) => files.download(name, q.path, sink, who, { signal, onWake: wakeTo(res) }), `${base}.tar`);
  });

  r.put("/spaces/:name/archive", async (req, res) => {
    const name = spaceName(req);
    const q = parse(ArchiveQuerySchema, req.query, "query");
    if (!req.is(["application/x-tar", "application/octet-stream", "application/tar"])) {
      throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the archive as application/x-tar");
    }
    const length = Number(req.headers["content-length"] ?? 0);
    if (length > files.opts.maxUploadBytes) throw new HttpError(413, "PAYLOAD_TOO_LARGE", `Archive is larger than the limit of ${files.opts.maxUploadBytes} bytes`);
    const { wake, ...answer } = await files.upload(name, q.path, req, actorOf(req, res), { signal: clientGone(req, res), onWake: wakeTo(res) });
    res.json({ ...answer, ...(wake ? { wake } : {}) });
  });

  return r;
}
