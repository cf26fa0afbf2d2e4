import { z } from "zod";

/** A path inside the workspace: "/" is /workspace; confinement is checked by the server. */
export const FilePathSchema = z
  .string({ error: "path must be a string" })
  .max(4096, { error: "path must be at most 4096 characters" })
  .refine((v) => !v.includes("\0"), { error: "path must not contain NUL" });

const Bool = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", "yes", "no", ""])])
  .transform((v) => v === true || v === "true" || v === "1" || v === "yes");

export const FileEntrySchema = z.object({
  name: z.string(),
  path: z.string().describe("workspace path, starting with /"),
  type: z.enum(["file", "dir", "symlink", "other"]),
  size: z.number(),
  mtimeMs: z.number(),
  /** ours: where a symlink points, as written in the link */
  target: z.string().optional(),
  mode: z.number().optional(),
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const ListFilesQuerySchema = z.object({ path: FilePathSchema.default("/") });
export const FileListSchema = z.object({ path: z.string(), entries: z.array(FileEntrySchema) });
export type FileList = z.infer<typeof FileListSchema>;

export const ReadFileQuerySchema = z.object({
  path: FilePathSchema,
  maxBytes: z.coerce.number({ error: "maxBytes must be a number" }).int().min(0).optional(),
  raw: Bool.optional(),
});
export const FileContentSchema = z.object({
  path: z.string(),
  contentBase64: z.string(),
  truncated: z.boolean(),
  size: z.number().describe("ours: the file's full size in bytes"),
});
export type FileContent = z.infer<typeof FileContentSchema>;

export const WriteFileQuerySchema = z.object({ path: FilePathSchema });
export const WriteFileBodySchema = z.strictObject({
  contentBase64: z
    .string({ error: "contentBase64 must be a string (it may be empty)" })
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: "contentBase64 must be base64" }),
  /** ours: file mode, default 0644 */
  mode: z.number().int().min(0).max(0o777).optional(),
});
export type WriteFileBody = z.input<typeof WriteFileBodySchema>;

export const DeleteFileQuerySchema = z.object({ path: FilePathSchema, recursive: Bool.default(false) });
export const MkdirBodySchema = z.strictObject({ path: FilePathSchema });
export const RenameBodySchema = z.strictObject({ from: FilePathSchema, to: FilePathSchema });
export const ArchiveQuerySchema = z.object({ path: FilePathSchema.default("/") });

export const FileWriteAnswerSchema = z.object({
  message: z.string(),
  path: z.string(),
  bytes: z.number(),
  wake: z.enum(["warm", "cold"]).optional(),
});
export type FileWriteAnswer = z.infer<typeof FileWriteAnswerSchema>;

export const MessageAnswerSchema = z.object({ message: z.string(), wake: z.enum(["warm", "cold"]).optional() });

export const ArchiveUploadAnswerSchema = z.object({
  message: z.string(),
  path: z.string(),
  entries: z.number(),
  bytes: z.number(),
  skipped: z.array(z.object({ name: z.string(), reason: z.enum(["absolute", "escapes", "type", "through-symlink", "link-escapes"]) })),
  modesStripped: z.number(),
  wake: z.enum(["warm", "cold"]).optional(),
});
export type ArchiveUploadAnswer = z.infer<typeof ArchiveUploadAnswerSchema>;
