import { EventEmitter } from "node:events";
import type { AuditAppended, TaskChangeEvent } from "@clawdspace/shared";

/** What a space became; finer than Docker's state (the contract's `state`, plus `destroyed`). */
export type SpaceEventState = "running" | "paused" | "sleeping" | "hibernated" | "stopped" | "destroyed";

export interface SpaceEvent {
  space: string;
  state: SpaceEventState;
  /** Why: "create", "user", "idle", "wake:<cause>", "restore", ... */
  cause: string;
  /** Epoch milliseconds. */
  at: number;
}

/**
 * In-process bus of space state changes. The space and sleep services and the worker emit on
 * every change; terminals (status messages) and the dashboard's event stream listen.
 * Listeners run synchronously and must not throw into the emitter.
 */
export class SpaceEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open terminal session and every dashboard stream listens: no fixed limit fits.
    this.emitter.setMaxListeners(0);
  }

  emit(event: SpaceEvent): void {
    this.emitter.emit("change", event);
  }

  on(listener: (event: SpaceEvent) => void): () => void {
    return this.listen("change", listener);
  }

  /** A task started or ended (the same bus, so one event stream carries both). */
  emitTask(event: TaskChangeEvent): void {
    this.emitter.emit("task", event);
  }

  onTask(listener: (event: TaskChangeEvent) => void): () => void {
    return this.listen("task", listener);
  }

  /** An audit event was written (the dashboard's audit page follows it). */
  emitAudit(event: AuditAppended): void {
    this.emitter.emit("audit", event);
  }

  onAudit(listener: (event: AuditAppended) => void): () => void {
    return this.listen("audit", listener);
  }

  /** Returns the unsubscribe function; a broken listener must not stop the others nor the operation that emitted. */
  private listen<T>(name: string, listener: (event: T) => void): () => void {
    const safe = (e: T) => {
      try {
        listener(e);
      } catch {
        // swallowed on purpose (see above)
      }
    };
    this.emitter.on(name, safe);
    return () => this.emitter.off(name, safe);
  }

  /** Tells long-lived listeners (event streams) the server is shutting down, so they end now. */
  close(): void {
    this.emitter.emit("close");
  }

  onClose(listener: () => void): () => void {
    this.emitter.once("close", listener);
    return () => this.emitter.off("close", listener);
  }

  listenerCount(): number {
    return this.emitter.listenerCount("change");
  }
}
