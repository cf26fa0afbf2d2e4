import type { Context } from "../context.js";
export async function run(_ctx: Context): Promise<void> {}
