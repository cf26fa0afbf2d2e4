import type { QueryClient } from "@tanstack/react-query";
import { client } from "../client";

/**
 * After a change to a space's files: a listing still on its first load started before the change, and
 * invalidation alone joins that load rather than starting another (a query with no data is not cancelled),
 * so the old listing would stand. Cancel first, then fetch again.
 */
export async function refreshFiles(qc: QueryClient, space: string): Promise<void> {
  await qc.cancelQueries({ queryKey: ["files", space] });
  await qc.invalidateQueries({ queryKey: ["files", space] });
}

export const filesQuery = (space: string, path: string) => ({
  queryKey: ["files", space, path] as const,
  queryFn: () => client.listFiles(space, path),
});

export const fileQuery = (space: string, path: string) => ({
  queryKey: ["file", space, path] as const,
  queryFn: async () => {
    const r = await client.readFile(space, path);
    const bytes = Uint8Array.from(atob(r.contentBase64), (c) => c.charCodeAt(0));
    return { text: new TextDecoder().decode(bytes), truncated: r.truncated, size: r.size };
  },
});

export const fileActions = {
  /** Raw bytes (an upload's File as it is, text as UTF-8), so no size limit of a JSON body applies. */
  write: (space: string, path: string, body: Blob | string) => {
    const blob = typeof body === "string" ? new Blob([body]) : body;
    return client.writeFileStream(space, path, blob, blob.size);
  },
  remove: (space: string, path: string, recursive: boolean) => client.deleteFile(space, path, { recursive }),
  mkdir: (space: string, path: string) => client.mkdir(space, path),
  download: async (space: string, path: string) => new Response(await client.readFileStream(space, path)).blob(),
};
