import type { z } from "zod";
import { HttpError } from "./httpError.js";

/** Parses a request part with a zod schema or throws a 400 listing every issue. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw HttpError.validation(result.error, where);
  return result.data;
}
