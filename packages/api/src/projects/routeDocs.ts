import { BUNDLE_MEDIA_TYPE, ProjectDiffQuerySchema, ProjectImportAnswerSchema, ProjectImportQuerySchema } from "@clawdspace/shared";
import type { RouteDoc } from "../system/openapiSpec.js";

/** The project routes, for the OpenAPI document. */
export const PROJECT_ROUTES: RouteDoc[] = [
  {
    method: "put",
    path: "/api/spaces/:name/project",
    summary: `Import a project into an empty /workspace: a git bundle (${BUNDLE_MEDIA_TYPE}; HEAD checked out on branch, default space/NAME; refs/clawdspace/index and refs/clawdspace/worktree give the staged and working states) or a folder's tar`,
    query: ProjectImportQuerySchema,
    rawBody: [BUNDLE_MEDIA_TYPE, "application/x-tar"],
    response: ProjectImportAnswerSchema,
  },
  { method: "get", path: "/api/spaces/:name/project/diff", summary: "What the space changed since its base: its commits, then its uncommitted work (text; stat=1 for a summary)", query: ProjectDiffQuerySchema, rawResponse: "text/plain" },
  { method: "get", path: "/api/spaces/:name/project/bundle", summary: "A git bundle of the space's commits since its base (prerequisite), HEAD being one more commit of its uncommitted work when there is any", rawResponse: BUNDLE_MEDIA_TYPE },
];
