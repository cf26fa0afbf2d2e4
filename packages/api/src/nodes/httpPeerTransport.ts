import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { Duplex, Readable } from "node:stream";
import { TLSSocket } from "node:tls";
import type { PeerSpec } from "./nodeConfig.js";
import { answerHeaders, clusterHeaders, outgoingHeaders, type ClusterIdentity } from "./peerHeaders.js";
import { PeerUnreachableError, type PeerAnswer, type PeerCall, type PeerCaller, type PeerTransport } from "./peerTransport.js";

/** A list of a few hundred spaces is well under this; a peer answering more is cut off, not buffered. */
const MAX_JSON_BYTES = 32 * 1024 * 1024;

export interface HttpPeerOptions extends ClusterIdentity {
  /** PEM of the CA that signs the peers' certificates (CLAWDSPACE_NODES_CA_FILE). */
  ca?: string;
  /** How long a relayed request may take to reach the peer (the answer itself may take as long as it takes). */
  connectTimeoutMs: number;
}

/** The peer transport over HTTP(S): pooled keep-alive sockets for calls and relays, a fresh one per upgrade or stream. */
export class HttpPeerTransport implements PeerTransport {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  constructor(private readonly opts: HttpPeerOptions) {
    if (opts.ca) this.agents.https = new https.Agent({ keepAlive: true, maxSockets: 64, ca: opts.ca });
  }

  call(peer: PeerSpec, call: PeerCall): Promise<PeerAnswer> {
    return new Promise((resolve, reject) => {
      const body = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
      const req = this.request(peer, call.path, call.method, {
        ...clusterHeaders(this.opts, call),
        accept: "application/json",
        ...(body ? { "content-type": "application/json", "content-length": body.length } : {}),
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${call.timeoutMs} ms`)), call.timeoutMs);
      req.on("error", (err) => {
        clearTimeout(timer);
        reject(new PeerUnreachableError(peer.name, err.message));
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_JSON_BYTES) return req.destroy(new Error(`answer over ${MAX_JSON_BYTES} bytes`));
          chunks.push(c);
        });
        res.on("end", () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 502, body: text ? JSON.parse(text) : null });
          } catch {
            reject(new PeerUnreachableError(peer.name, `answered ${res.statusCode} with a body that is not JSON`));
          }
        });
        res.on("error", () => undefined);
      });
      req.end(body);
    });
  }

  forward(peer: PeerSpec, req: IncomingMessage, res: ServerResponse, path: string, caller: PeerCaller): Promise<void> {
    return new Promise((resolve) => {
      const preq = this.request(peer, path, req.method ?? "GET", outgoingHeaders(req.headers, this.opts, caller));
      this.connectDeadline(preq, peer);
      // The client went before the answer ended: stop the owner's work too. After a whole answer the socket goes back to the pool.
      const hangUp = () => {
        if (!res.writableFinished) preq.destroy();
      };
      res.on("close", hangUp);
      preq.on("response", (pres) => {
        res.writeHead(pres.statusCode ?? 502, answerHeaders(pres.headers));
        res.flushHeaders();
        pres.pipe(res);
        pres.on("end", () => resolve());
        pres.on("error", () => {
          res.destroy();
          resolve();
        });
      });
      preq.on("error", (err) => {
        res.off("close", hangUp);
        if (res.headersSent) res.destroy();
        else writeUnreachable(res, peer.name, err.message);
        resolve();
      });
      // Piped, so a 100 MB upload moves at the pace the owner reads it.
      req.pipe(preq);
    });
  }

  upgrade(peer: PeerSpec, req: IncomingMessage, socket: Duplex, head: Buffer, path: string, caller: PeerCaller): void {
    const headers = { ...outgoingHeaders(req.headers, this.opts, caller), connection: "Upgrade", upgrade: req.headers.upgrade ?? "websocket" };
    const preq = this.request(peer, path, req.method ?? "GET", headers, false);
    this.connectDeadline(preq, peer);
    socket.on("close", () => preq.destroy());
    preq.on("upgrade", (pres, psock, phead) => {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\n${rawHeaderLines(pres)}\r\n`);
      if (phead.length) socket.write(phead);
      if (head.length) psock.write(head);
      psock.on("error", () => socket.destroy());
      socket.on("error", () => psock.destroy());
      psock.on("close", () => socket.destroy());
      socket.on("close", () => psock.destroy());
      psock.pipe(socket).pipe(psock);
    });
    preq.on("response", (pres) => {
      // The owner refused (401, 404, 429): its answer is the client's, as it would be from the owner itself.
      socket.write(`HTTP/1.1 ${pres.statusCode} ${pres.statusMessage ?? ""}\r\n${rawHeaderLines(pres)}\r\n`);
      pres.pipe(socket);
    });
    preq.on("error", (err) => {
      if (!socket.writable) return void socket.destroy();
      const body = JSON.stringify({ error: `node ${peer.name} is unreachable: ${err.message}`, code: "NODE_UNREACHABLE" });
      socket.end(`HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
    preq.end();
  }

  open(peer: PeerSpec, path: string, caller: PeerCaller, timeoutMs: number): Promise<Readable> {
    return new Promise((resolve, reject) => {
      const req = this.request(peer, path, "GET", clusterHeaders(this.opts, caller), false);
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on("error", (err) => {
        clearTimeout(timer);
        reject(new PeerUnreachableError(peer.name, err.message));
      });
      req.on("response", (res) => {
        clearTimeout(timer);
        if (res.statusCode === 200) return resolve(res);
        res.resume();
        reject(new PeerUnreachableError(peer.name, `answered ${res.statusCode}`));
      });
      req.end();
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private request(peer: PeerSpec, path: string, method: string, headers: http.OutgoingHttpHeaders, pooled = true): ClientRequest {
    const url = new URL(path, peer.url);
    const secure = url.protocol === "https:";
    const lib = secure ? https : http;
    const agent = pooled ? (secure ? this.agents.https : this.agents.http) : secure && this.opts.ca ? new https.Agent({ ca: this.opts.ca }) : false;
    return lib.request(url, { method, headers, agent });
  }

  /** Only the way to the peer has a deadline: an exec or a download may then take as long as it needs. */
  private connectDeadline(req: ClientRequest, peer: PeerSpec): void {
    const timer = setTimeout(() => req.destroy(new Error(`could not reach ${peer.url} within ${this.opts.connectTimeoutMs} ms`)), this.opts.connectTimeoutMs);
    req.on("socket", (socket: Socket) => {
      if (!socket.connecting) return clearTimeout(timer);
      socket.once(socket instanceof TLSSocket ? "secureConnect" : "connect", () => clearTimeout(timer));
    });
    req.on("error", () => clearTimeout(timer));
  }
}

function rawHeaderLines(res: IncomingMessage): string {
  let out = "";
  for (let i = 0; i < res.rawHeaders.length; i += 2) out += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
  return out;
}

function writeUnreachable(res: ServerResponse, peer: string, reason: string): void {
  const body = JSON.stringify({ error: `node ${peer} is unreachable: ${reason}`, code: "NODE_UNREACHABLE" });
  res.writeHead(502, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
