import { describe, expect, it } from "vitest";
import { BundleHeaderError, formatBundleHeader, headerEnd, parseBundleHeader } from "./bundle.js";

const A = "a".repeat(40);
const B = "b".repeat(40);

describe("bundle headers", () => {
  it("reads what git writes: v2 with prerequisites and refs, v3 with the object format", () => {
    expect(parseBundleHeader(`# v2 git bundle\n-${B} a comment\n${A} HEAD\n${A} refs/heads/main\n\n`)).toEqual({
      version: 2,
      objectFormat: "sha1",
      prerequisites: [B],
      refs: [
        { oid: A, name: "HEAD" },
        { oid: A, name: "refs/heads/main" },
      ],
    });
    const long = "c".repeat(64);
    expect(parseBundleHeader(`# v3 git bundle\n@object-format=sha256\n${long} HEAD\n\n`)).toMatchObject({ version: 3, objectFormat: "sha256" });
  });

  it("writes what it reads", () => {
    const h = { objectFormat: "sha1" as const, prerequisites: [B], refs: [{ oid: A, name: "HEAD" }] };
    expect(parseBundleHeader(formatBundleHeader(h))).toEqual({ version: 2, ...h });
  });

  it.each([
    ["another file", "PK\x03\x04 zip\n\n"],
    ["a short oid", "# v2 git bundle\nabc HEAD\n\n"],
    ["a ref outside refs/", `# v2 git bundle\n${A} ../../etc/passwd\n\n`],
    ["a ref with ..", `# v2 git bundle\n${A} refs/heads/../../x\n\n`],
    ["a ref with a space", `# v2 git bundle\n${A} refs/heads/a b\n\n`],
    ["no refs", `# v2 git bundle\n-${A}\n\n`],
    ["a filter capability", `# v3 git bundle\n@filter=blob:none\n${A} HEAD\n\n`],
    ["a sha1 oid in a sha256 bundle", `# v3 git bundle\n@object-format=sha256\n${A} HEAD\n\n`],
  ])("refuses %s", (_what, text) => {
    expect(() => parseBundleHeader(text)).toThrow(BundleHeaderError);
  });

  it("finds the header's end only at a blank line", () => {
    expect(headerEnd(Buffer.from("# v2 git bundle\nx HEAD\n"))).toBe(-1);
    expect(headerEnd(Buffer.from("# v2 git bundle\nx HEAD\n\nPACK"))).toBe(24);
  });
});
