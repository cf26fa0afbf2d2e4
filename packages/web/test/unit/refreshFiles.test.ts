import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { refreshFiles } from "../../src/api/queries/files";

describe("refreshFiles", () => {
  it("a listing on its first load from before a change does not stand: the list is fetched again", async () => {
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    let calls = 0;
    let written = false;
    const queryKey = ["files", "box", "/"];
    // The first load saw the folder before the upload and answers only afterwards.
    const queryFn = async () => {
      calls++;
      const sawWritten = written;
      await new Promise((r) => setTimeout(r, calls === 1 ? 50 : 0));
      return sawWritten ? ["upload.txt"] : [];
    };
    const observer = new QueryObserver(qc, { queryKey, queryFn });
    const unsubscribe = observer.subscribe(() => undefined);
    await new Promise((r) => setTimeout(r, 5));
    written = true;
    await refreshFiles(qc, "box");
    await new Promise((r) => setTimeout(r, 80));
    expect(qc.getQueryData(queryKey)).toEqual(["upload.txt"]);
    expect(calls).toBe(2);
    unsubscribe();
  });
});
