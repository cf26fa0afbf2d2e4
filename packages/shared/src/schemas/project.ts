import { z } from "zod";
import { QueryFlagSchema } from "./common.js";

/** A git branch name as `git check-ref-format --branch` would take it (the space re-checks it with git). */
export const ProjectBranchSchema = z
  .string({ error: "branch must be a string" })
  .min(1)
  .max(200, { error: "branch must be at most 200 characters" })
  .regex(/^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)(?!.*\.lock(\/|$))[A-Za-z0-9._\/-]+(?<![./])$/, {
    error: "branch must be a git branch name: letters, digits, '.', '_', '-' and '/', no '..'",
  });

/** PUT /api/spaces/:name/project: where the imported history goes (default `space/<name>`). */
export const ProjectImportQuerySchema = z.strictObject({ branch: ProjectBranchSchema.optional() });
export type ProjectImportQuery = z.infer<typeof ProjectImportQuerySchema>;

const Oid = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/);

export const ProjectImportAnswerSchema = z.object({
  message: z.string(),
  project: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("git"),
      branch: z.string(),
      base: Oid.describe("the commit the branch starts at (recorded as refs/clawdspace/base in the space)"),
      index: Oid.describe("commit whose tree is the staged state"),
      worktree: Oid.describe("commit whose tree is the working tree (untracked files included)"),
      bytes: z.number(),
    }),
    z.object({ kind: z.literal("folder"), bytes: z.number(), entries: z.number(), skipped: z.number() }),
  ]),
  wake: z.enum(["warm", "cold"]).optional(),
});
export type ProjectImportAnswer = z.infer<typeof ProjectImportAnswerSchema>;

/** GET …/project/diff: patches (default) or only the per-file summary. */
export const ProjectDiffQuerySchema = z.strictObject({ stat: QueryFlagSchema.optional() });
export type ProjectDiffQuery = z.infer<typeof ProjectDiffQuerySchema>;
