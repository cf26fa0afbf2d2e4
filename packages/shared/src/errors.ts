import { z } from "zod";

/** Stable codes clients branch on. Add new ones; never change the meaning of one. */
export const ERROR_CODES = [
  "VALIDATION_FAILED",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "SPACE_NOT_FOUND",
  "NOT_FOUND",
  "SPACE_EXISTS",
  "SPACE_STATE_CONFLICT",
  "IMAGE_NOT_FOUND",
  "PAYLOAD_TOO_LARGE",
  "LENGTH_REQUIRED",
  "FILE_CONFLICT",
  "UNSUPPORTED_MEDIA_TYPE",
  "METHOD_NOT_ALLOWED",
  "RUNTIME_UNAVAILABLE",
  "NODE_UNREACHABLE",
  "NODE_NOT_FOUND",
  "LIMIT_REACHED",
  "AUDIT_UNAVAILABLE",
  "RUNTIME_ERROR",
  "TEMPLATE_BUILTIN",
  "REPO_CLONE_FAILED",
  "TASK_STATE_CONFLICT",
  "TASKS_UNSUPPORTED",
  "TASK_START_FAILED",
  "AGENT_UNSUPPORTED",
  "PROJECT_CONFLICT",
  "SPACE_AGENT_FAILED",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorBodySchema = z.object({
  error: z.string(),
  code: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export interface ValidationIssue {
  path: string;
  message: string;
}
