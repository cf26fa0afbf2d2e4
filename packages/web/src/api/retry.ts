import { ClawdspaceApiError } from "@clawdspace/shared/client";

/** Waits `ms`, or less when `signal` aborts (it resolves either way: the caller checks the signal). */
export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

// A 4xx other than these will not get better by asking again (the task was deleted, the key is wrong).
export const retriable = (e: unknown) => !(e instanceof ClawdspaceApiError) || e.status >= 500 || e.status === 408 || e.status === 429;
