import express, { Router, type RequestHandler } from "express";
import { jsonBody } from "../http/jsonBody.js";
import type { TemplateService } from "./templateService.js";
import { actorOf } from "../http/actor.js";

const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

export function templateRoutes(templates: TemplateService, bodyLimit: number): Router {
  const r = Router();
  // YAML may come as the body itself; it is handed on as {yaml} like the JSON form.
  const yamlBody = express.text({ type: YAML_TYPES, limit: bodyLimit });
  const asYaml: RequestHandler = (req, _res, next) => {
    if (typeof req.body === "string") req.body = { yaml: req.body };
    next();
  };
  const json = jsonBody(bodyLimit);
  const body: RequestHandler[] = [yamlBody, asYaml, (req, res, next) => (req.body !== undefined ? next() : json[0]!(req, res, next)), json[1]!];

  r.get("/templates", (_req, res) => {
    res.json({ templates: templates.list() });
  });

  r.get("/templates/:name", (req, res) => {
    res.json(templates.get(String(req.params.name)));
  });

  r.put("/templates", ...body, async (req, res) => {
    const { template, created } = await templates.put(req.body, actorOf(req, res));
    res.status(created ? 201 : 200).json({ message: `Template ${template.name} ${created ? "created" : "updated"}`, template });
  });

  r.delete("/templates/:name", (req, res) => {
    res.json({ message: templates.delete(String(req.params.name), actorOf(req, res)) });
  });

  return r;
}
