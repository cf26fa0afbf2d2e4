import { EventEmitter } from "node:events";
import type { TaskChangeEvent } from "@clawdspace/shared";

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

  /** Returns the unsubscribe function. */
  on(listener: (event: SpaceEvent) => void): () => void {
    const safe = (e: SpaceEvent) => {
      try {
        listener(e);
      } catch {
        // a broken listener must not stop the others nor the operation that emitted
      }
    };
    this.emitter.on("change", safe);
    return () => this.emitter.off("change", safe);
  }

  /** A task started or ended (the same bus, so one event stream carries both). */
  emitTask(event: TaskChangeEvent): void {
    this.emitter.emit("task", event);
  }

  onTask(listener: (event: TaskChangeEvent) => void): () => void {
    const safe = (e: TaskChangeEvent) => {
      try {
        listener(e);
      } catch {
        // as for space changes: one broken listener must not stop the rest
      }
    };
    this.emitter.on("task", safe);
    return () => this.emitter.off("task", safe);
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
