import { randomUUID } from "node:crypto";
import type { SshKeyAnswer, TunnelQuery, WakeTier } from "@clawdspace/shared";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { AuditLog } from "../audit/auditLog.js";
import type { Actor } from "../core/actor.js";
import { ForbiddenError } from "../core/errors.js";
import type { ContainersPort } from "../engine/ports/containers.js";
import type { ExecPort } from "../engine/ports/exec.js";
import type { SpaceEvents } from "../events/spaceEvents.js";
import { EXEC_ID_ENV, killExec } from "../exec/execCleanup.js";
import type { ActivityTracker } from "../sleep/activity.js";
import type { SpaceLifecycle } from "../spaces/lifecycle.js";
import { TicketStore } from "../terminal/tickets.js";
import { DEFAULT_PUMP_LIMITS, TunnelPump, type PumpLimits } from "./pump.js";
import { portArgv } from "./connector.js";
// Every tunnel and key call runs as the space's user: a non-root sshd can log in only its own user, which is the point.
import { SPACE_USER } from "../engine/naming.js";
import { installKeyArgv, parseKeyAnswer, sshdArgv } from "./sshd.js";
import { tunnelRefusal } from "./tunnelPolicy.js";

export interface TunnelLimits extends PumpLimits {
  perSpace: number;
  total: number;
}

export const DEFAULT_TUNNEL_LIMITS: TunnelLimits = { ...DEFAULT_PUMP_LIMITS, perSpace: 64, total: 1024 };
/** Activity marks from bytes are coalesced to one a second per tunnel. */
const MARK_EVERY_MS = 1000;
/** A sleeping space under an open tunnel is woken by client bytes, at most this often per tunnel. */
const WAKE_EVERY_MS = 2000;
/** After the client left, the process has this long to end by itself (sshd and socat see EOF) before it is killed. */
const LINGER_MS = 10_000;

interface Tunnel {
  id: string;
  space: string;
  state: string;
}

/** Byte tunnels into spaces (sshd, or a port on the space's loopback) and the SSH key they log in with. */
export class TunnelService {
  readonly tickets: TicketStore;
  private readonly open = new Map<string, Tunnel>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly d: {
      /** The server's own exec (fixed PATH): the connector runs our binaries, never ones the space planted. */
      exec: ExecPort;
      containers: Pick<ContainersPort, "inspect">;
      lifecycle: SpaceLifecycle;
      activity: ActivityTracker;
      audit: AuditLog;
      events: SpaceEvents;
      log: Logger;
      clock?: () => number;
    },
    private readonly limits: TunnelLimits = DEFAULT_TUNNEL_LIMITS,
  ) {
    this.tickets = new TicketStore(d.clock);
    this.unsubscribe = d.events.on((e) => {
      for (const t of this.open.values()) if (t.space === e.space) t.state = e.state;
    });
  }

  count(space?: string): number {
    return space ? [...this.open.values()].filter((t) => t.space === space).length : this.open.size;
  }

  /** Throws when the space's template closes this tunnel (403) or the space does not exist (404); a limit is a string. */
  async check(space: string, q: TunnelQuery): Promise<string | null> {
    const record = await this.d.containers.inspect(space);
    const why = tunnelRefusal(record.labels, q);
    if (why) throw new ForbiddenError(why);
    if (this.open.size >= this.limits.total) return `the server already carries ${this.limits.total} tunnels`;
    if (this.count(space) >= this.limits.perSpace) return `space ${space} already has ${this.limits.perSpace} tunnels`;
    return null;
  }

  /** Installs a public key for the space's sshd (idempotent) and answers its host key, so the client trusts it at once. */
  async installKey(space: string, publicKey: string, who: Actor): Promise<SshKeyAnswer & { wake?: WakeTier }> {
    await this.check(space, { target: "ssh", port: undefined });
    const out: Buffer[] = [];
    const { value, wake } = await this.d.lifecycle.withWake(space, "ssh", who, () =>
      this.d.exec.run(space, { argv: installKeyArgv(), user: SPACE_USER, cwd: "/", stdin: Buffer.from(publicKey + "\n") }, (s, c) => void (s === "stdout" && out.push(c))),
    );
    const answer = value.exitCode === 0 ? parseKeyAnswer(Buffer.concat(out).toString("utf8")) : null;
    if (!answer) throw new Error(`installing the SSH key in ${space} failed (exit ${value.exitCode})`);
    const [type, , comment] = publicKey.split(" ");
    this.d.audit.append({ ...who, space, type: "ssh.key", meta: { keyType: type, comment: comment ?? "", added: answer.added } });
    return { ...answer, ...(wake ? { wake } : {}) };
  }

  /** Serves an upgraded socket until either end closes; the audit log gets the open and the close with byte counts. */
  async serve(ws: WebSocket, space: string, q: TunnelQuery, who: Required<Actor>, wake?: WakeTier): Promise<void> {
    const clock = this.d.clock ?? Date.now;
    const started = clock();
    const tunnel: Tunnel = { id: randomUUID(), space, state: "running" };
    this.open.set(tunnel.id, tunnel);
    let lastMark = 0;
    let lastWake = 0;
    const pump = new TunnelPump(ws, this.limits, (direction) => {
      const now = clock();
      if (now - lastMark >= MARK_EVERY_MS) {
        lastMark = now;
        this.d.activity.record(space, "tunnel");
      }
      if (direction === "in" && tunnel.state !== "running" && now - lastWake >= WAKE_EVERY_MS) {
        lastWake = now;
        // Bytes into a sleeping space wake it; they wait in the stream until it runs.
        this.d.lifecycle.wake(space, "tunnel", who).catch((err) => this.d.log.warn({ err, space }, "could not wake the space for tunnel input"));
      }
    });
    const meta = { tunnel: tunnel.id, target: q.target, ...(q.port !== undefined ? { port: q.port } : {}) };
    this.d.audit.append({ ...who, space, type: "tunnel.open", meta: { ...meta, ...(wake ? { wake } : {}) } });
    this.d.activity.record(space, "tunnel");

    const controller = new AbortController();
    let linger: NodeJS.Timeout | undefined;
    let clientGone = false;
    ws.once("close", () => {
      clientGone = true;
      pump.end();
      linger = setTimeout(() => controller.abort(new Error("client gone")), LINGER_MS);
      linger.unref();
    });
    const execId = randomUUID();
    const argv = q.target === "ssh" ? sshdArgv() : portArgv(q.port!);
    let exitCode: number | undefined;
    let reason = "ended";
    try {
      const { value } = await this.d.lifecycle.withWake(space, "tunnel", who, () =>
        this.d.exec.run(space, { argv, user: SPACE_USER, cwd: "/", env: { [EXEC_ID_ENV]: execId }, stdin: pump.stdin }, pump.sink, controller.signal),
      );
      exitCode = value.exitCode;
      reason = clientGone ? "client closed" : "process exited";
    } catch (err) {
      reason = controller.signal.aborted ? "client closed; process killed" : "engine error";
      if (!controller.signal.aborted) this.d.log.warn({ err, space, tunnel: tunnel.id }, "tunnel failed");
      void killExec(this.d.exec, space, execId).catch(() => undefined);
    } finally {
      clearTimeout(linger);
      this.open.delete(tunnel.id);
    }
    if (pump.protocolError) reason = pump.protocolError;
    const stderr = pump.stderrText();
    if (stderr) this.d.log.info({ space, tunnel: tunnel.id, target: q.target, stderr }, "tunnel process stderr");
    if (ws.readyState === ws.OPEN) ws.close(exitCode === 0 || exitCode === undefined ? 1000 : 1011, exitCode === undefined ? reason : `exit ${exitCode}`);
    this.d.activity.record(space, "tunnel");
    this.d.audit.append({
      ...who,
      space,
      type: "tunnel.close",
      meta: { ...meta, ...pump.counts, durationMs: clock() - started, reason, ...(exitCode !== undefined ? { exitCode } : {}) },
    });
  }

  close(): void {
    this.unsubscribe();
  }
}
