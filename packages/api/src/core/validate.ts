import type { z } from "zod";
import { InvalidInputError } from "./errors.js";

/** Parses input with a zod schema or throws an InvalidInputError listing every issue. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw InvalidInputError.fromZod(result.error, where);
  return result.data;
}
