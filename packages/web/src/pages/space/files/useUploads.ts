import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { refreshFiles } from "../../../api/queries/files";
import { uploadFile } from "../../../api/upload";
import { join } from "./paths";

export interface UploadState {
  names: string[];
  sent: number;
  total: number;
  error: Error | null;
  done: boolean;
}

/** Uploads files one after another into a folder, with the bytes sent over the bytes of them all. */
export function useUploads(space: string) {
  const qc = useQueryClient();
  const [state, setState] = useState<UploadState | null>(null);
  const start = async (dir: string, files: File[]) => {
    if (files.length === 0) return;
    const total = files.reduce((n, f) => n + f.size, 0);
    const names = files.map((f) => f.name);
    setState({ names, sent: 0, total, error: null, done: false });
    let before = 0;
    try {
      for (const f of files) {
        await uploadFile(space, join(dir, f.name), f, (sent) => setState((s) => s && { ...s, sent: before + sent }));
        before += f.size;
      }
      setState((s) => s && { ...s, sent: total, done: true });
    } catch (e) {
      setState((s) => s && { ...s, error: e as Error, done: true });
    } finally {
      void refreshFiles(qc, space);
    }
  };
  return { state, start, clear: () => setState(null) };
}
