import type { ClawdspaceClient, Task, TaskLogStreamLine } from "@clawdspace/shared";
import { isTaskEnded } from "@clawdspace/shared";

/** Polls until the task has ended (the watcher, a follow or a cancel ended it), or fails after timeoutMs. */
export async function waitEnded(client: ClawdspaceClient, space: string, id: string, timeoutMs = 60_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await client.tasks.get(space, id);
    if (isTaskEnded(t)) return t;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${t.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Follows a task's log, collecting output, until `stop` says so or the end line comes. */
export async function collect(client: ClawdspaceClient, space: string, id: string, o: { offset?: number; stop?: (text: string) => boolean } = {}) {
  const controller = new AbortController();
  let text = "";
  let offset = o.offset ?? 0;
  let end: Extract<TaskLogStreamLine, { end: true }> | undefined;
  try {
    for await (const line of client.tasks.follow(space, id, { offset, signal: controller.signal })) {
      if ("stream" in line) {
        text += line.data;
        offset = line.offset;
        if (o.stop?.(text)) {
          controller.abort();
          break;
        }
      } else if ("end" in line) end = line;
    }
  } catch (e) {
    if (!controller.signal.aborted) throw e;
  }
  return { text, offset, end };
}

/** The command lines of every process in the space (ours excluded). */
export async function processes(client: ClawdspaceClient, space: string): Promise<string[]> {
  const r = await client.exec(space, { command: ["ps", "-eo", "pid,ppid,args", "--no-headers"] });
  return r.stdout.split("\n").filter((l) => l.trim() && !/ps -eo/.test(l));
}
