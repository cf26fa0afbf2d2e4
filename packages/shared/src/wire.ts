/** Encoding helpers of the fetch client: query strings, base64, and the streamed answer formats. */

/** A body the client can stream: bytes, a Blob (a browser's File), a web stream, or an async iterable of chunks (Node streams are). */
export type BinaryBody = Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export const enc = encodeURIComponent;

export function query(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** What fetch can send as-is; only iterables need wrapping (and a half-duplex stream). */
export function toPayload(b: BinaryBody): { payload: Uint8Array | Blob | ReadableStream<Uint8Array>; streaming: boolean } {
  if (b instanceof Uint8Array || (typeof Blob !== "undefined" && b instanceof Blob)) return { payload: b, streaming: false };
  return { payload: b instanceof ReadableStream ? b : toWebStream(b as AsyncIterable<Uint8Array>), streaming: true };
}

function toWebStream(it: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = it[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** The body's text split at `separator`, decoded across chunk boundaries; the tail after the last one too. */
async function* chunksOf(res: Response, separator: string): AsyncGenerator<string> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = buffered.indexOf(separator)) >= 0) {
      yield buffered.slice(0, at);
      buffered = buffered.slice(at + separator.length);
    }
  }
  buffered += decoder.decode();
  if (buffered) yield buffered;
}

export async function* ndjson<T>(res: Response): AsyncGenerator<T> {
  for await (const line of chunksOf(res, "\n")) if (line.trim()) yield JSON.parse(line) as T;
}

/** The `data:` of each server-sent event as JSON; comments (keep-alives) and malformed data are skipped. */
/** Server-sent events as {event, data}: `event` is the block's event name ("message" when it has none). */
export async function* sseJson<T>(res: Response): AsyncGenerator<T> {
  for await (const e of sseEvents<T>(res)) yield e.data;
}

export async function* sseEvents<T>(res: Response): AsyncGenerator<{ event: string; data: T }> {
  for await (const block of chunksOf(res, "\n\n")) {
    const lines = block.split("\n");
    const data = lines
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).replace(/^ /, ""))
      .join("\n");
    if (!data) continue;
    const event = lines.find((l) => l.startsWith("event:"))?.slice(6).trim() || "message";
    try {
      yield { event, data: JSON.parse(data) as T };
    } catch {
      // one malformed event must not end the stream
    }
  }
}
