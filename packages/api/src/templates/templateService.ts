import { PutTemplateRequestSchema, TemplateNameSchema, TemplateSchema, type Template, type TemplateDetail, type TemplateInput, type TemplateSummary } from "@clawdspace/shared";
import YAML from "yaml";
import { InvalidInputError, NotFoundError, StateConflictError } from "../core/errors.js";
import { parse } from "../core/validate.js";
import type { AuditLog } from "../audit/auditLog.js";
import type { TemplateRepo } from "./templateRepo.js";
import type { Actor } from "../core/actor.js";
import type { HostFacts } from "../system/hostFacts.js";
import { builtinTemplates } from "./builtin.js";

/** Named presets: the built-ins, which a stored template of the same name overrides, and the operator's own. */
export class TemplateService {
  constructor(
    private readonly repo: TemplateRepo,
    private readonly host: HostFacts,
    private readonly audit: AuditLog,
    private readonly clock: () => number = Date.now,
    private readonly builtins: Record<string, TemplateInput> = builtinTemplates(),
  ) {}

  list(): TemplateSummary[] {
    const stored = new Map(this.repo.list().map((r) => [r.name, r]));
    const names = new Set([...Object.keys(this.builtins), ...stored.keys()]);
    return [...names].sort().map((name) => {
      const t = this.resolve(name)!;
      return { name, description: t.description, builtin: name in this.builtins, overridden: name in this.builtins && stored.has(name) };
    });
  }

  get(name: string): TemplateDetail {
    const n = this.checkName(name);
    const row = this.repo.get(n);
    const builtin = this.builtins[n];
    if (!row && !builtin) throw new NotFoundError(`No template named "${n}"`);
    const yaml = row ? row.yaml : YAML.stringify(builtin);
    return { name: n, yaml, builtin: Boolean(builtin), overridden: Boolean(builtin && row), template: this.resolve(n)! as unknown as Record<string, unknown> };
  }

  /** The parsed template, or null when no template has this name. */
  resolve(name: string): Template | null {
    const row = this.repo.get(name);
    if (row) return TemplateSchema.parse(YAML.parse(row.yaml));
    const builtin = this.builtins[name];
    return builtin ? TemplateSchema.parse(builtin) : null;
  }

  /** Stores a template (YAML or JSON text in {yaml}, or the fields as JSON); a built-in's name stores an override of it. */
  async put(body: unknown, who: Actor = {}): Promise<{ template: TemplateDetail; created: boolean }> {
    const req = parse(PutTemplateRequestSchema, body, "request body");
    let fields: unknown;
    let text: string;
    if ("yaml" in req && typeof req.yaml === "string") {
      text = req.yaml;
      fields = parseText(text);
    } else {
      fields = req;
      text = YAML.stringify(req);
    }
    const template = parse(TemplateSchema, fields, "template");
    await this.checkEngine(template);
    const created = !this.repo.get(template.name) && !(template.name in this.builtins);
    this.repo.put(template.name, text, this.clock());
    // Names only: a template's env values may be secrets.
    this.audit.append({ ...who, type: "template.put", meta: { name: template.name, created, envNames: Object.keys(template.env ?? {}) } });
    return { template: this.get(template.name), created };
  }

  /** Deletes a stored template; on a built-in's name, drops the override (the built-in comes back) or refuses. */
  delete(name: string, who: Actor = {}): string {
    const n = this.checkName(name);
    const builtin = n in this.builtins;
    if (this.repo.delete(n)) {
      this.audit.append({ ...who, type: "template.delete", meta: { name: n, reverted: builtin } });
      return builtin ? `Template ${n} reverted to the built-in` : `Template ${n} deleted`;
    }
    if (builtin) throw new StateConflictError("TEMPLATE_BUILTIN", `Template ${n} is built in and cannot be deleted (PUT one of the same name to override it)`);
    throw new NotFoundError(`No template named "${n}"`);
  }

  /** A runtime the engine lacks is refused when the template is stored, not when a space is made from it. */
  async checkEngine(t: { security: { runtime?: string } }, path = "security.runtime"): Promise<void> {
    const runtime = t.security.runtime;
    if (!runtime) return;
    const { runtimes } = await this.host.get();
    if (!runtimes.includes(runtime)) {
      throw new InvalidInputError(`Invalid template: ${path}: the engine has no runtime "${runtime}"`, [
        { path, message: `the engine has no runtime "${runtime}" (it has: ${runtimes.join(", ")}); see docs/TEMPLATES.md for gVisor` },
      ]);
    }
  }

  private checkName(name: string): string {
    const r = TemplateNameSchema.safeParse(name);
    if (!r.success) throw InvalidInputError.fromZod(r.error, "template name");
    return r.data;
  }
}

function parseText(text: string): unknown {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const issues = doc.errors.map((e) => ({ path: "yaml", message: e.message.split("\n")[0]! }));
    throw new InvalidInputError(`Invalid template: yaml: ${issues[0]!.message}`, issues);
  }
  const value = doc.toJS({ maxAliasCount: 16 });
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidInputError("Invalid template: yaml: must be a mapping of fields", [
      { path: "yaml", message: "must be a mapping of fields (name, resources, network, ...)" },
    ]);
  }
  return value;
}
