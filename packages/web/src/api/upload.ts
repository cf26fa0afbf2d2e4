import { toApiError } from "@clawdspace/shared/client";
import type { FileWriteAnswer } from "@clawdspace/shared";
import { client, keyStore, reportUnauthorized } from "./client";

/**
 * PUTs a file's raw bytes with XMLHttpRequest, the one browser API that reports upload progress
 * over HTTP/1.1 (a fetch with a streamed body needs HTTP/2). Same route, key and errors as
 * `client.writeFileStream`.
 */
export function uploadFile(space: string, path: string, file: Blob, onProgress: (sent: number) => void, signal?: AbortSignal): Promise<FileWriteAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", client.fileWriteUrl(space, path));
    const key = keyStore.get();
    if (key) xhr.setRequestHeader("authorization", `Bearer ${key}`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onerror = () => reject(new Error(`The upload of ${path} failed: the server could not be reached`));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled", "AbortError"));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size);
        resolve(JSON.parse(xhr.responseText) as FileWriteAnswer);
        return;
      }
      if (xhr.status === 401) reportUnauthorized();
      void toApiError(new Response(xhr.responseText, { status: xhr.status })).then(reject);
    };
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
