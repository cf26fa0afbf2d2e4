import { Readable } from "node:stream";
import { pack } from "tar-stream";
import { describe, expect, it } from "vitest";
import { sanitizeTar } from "../../src/files/tarSanitizer.js";

async function tarOf(entries: Array<{ name: string; type?: "file" | "directory" | "symlink"; linkname?: string; body?: string }>): Promise<Buffer> {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? "file", linkname: e.linkname }, e.body ?? "");
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function run(tar: Buffer, limits: { entries: number; nameBytes: number }) {
  const s = sanitizeTar(Readable.from([tar]), Number.POSITIVE_INFINITY, limits);
  s.output.resume();
  return s.report;
}

describe("tar uploads: every entry counts", () => {
  it("refuses an archive with more entries than the limit, empty ones and skipped ones included", async () => {
    const many = await tarOf(Array.from({ length: 20 }, (_, i) => ({ name: `/abs/${i}` })));
    await expect(run(many, { entries: 10, nameBytes: 4096 })).rejects.toMatchObject({ tooLarge: true });
    const fits = await tarOf(Array.from({ length: 10 }, (_, i) => ({ name: `f${i}` })));
    await expect(run(fits, { entries: 10, nameBytes: 4096 })).resolves.toMatchObject({ entries: 10 });
  });

  it("refuses a name or a link target longer than the limit", async () => {
    await expect(run(await tarOf([{ name: `${"d/".repeat(40)}x` }]), { entries: 10, nameBytes: 64 })).rejects.toMatchObject({ invalidTar: true });
    await expect(run(await tarOf([{ name: "l", type: "symlink", linkname: "t".repeat(100) }]), { entries: 10, nameBytes: 64 })).rejects.toMatchObject({ invalidTar: true });
  });
});
