import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContext } from "../../src/images/imageBuilder.js";
import { useTestServer, type ServerFixture } from "./fixture.js";
import { engineAvailable, runId } from "./support.js";

/** A CA and a server certificate for localhost, made by this test with openssl. */
function makeTestCa(dir: string) {
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=Clawdspace Test CA ${runId}`, "-keyout", "ca.key", "-out", "ca.pem");
  ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "srv.key", "-out", "srv.csr");
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
  ssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "srv.crt");
  return { caPath: join(dir, "ca.pem"), serverPem: readFileSync(join(dir, "srv.crt"), "utf8") + readFileSync(join(dir, "srv.key"), "utf8") };
}

// A TLS server on the space's own loopback, then every client the setting promises: the system store (curl),
// python (ssl's default paths), node (NODE_EXTRA_CA_CERTS), git and pip.
const SERVER = `
import http.server, ssl
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        open("/tmp/https.log", "a").write(self.headers.get("User-Agent", "") + " " + self.path + "\\n")
        b = b"hello-tls\\n"
        self.send_response(200); self.send_header("Content-Type", "text/plain"); self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 8443), H)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain("/tmp/srv.pem")
s.socket = c.wrap_socket(s.socket, server_side=True)
s.serve_forever()
`;
const CLIENTS = `
python3 /tmp/srv.py & pid=$!
for i in $(seq 100); do (echo > /dev/tcp/127.0.0.1/8443) 2>/dev/null && break; sleep 0.1; done
echo "curl:$(curl -sS https://localhost:8443/ 2>&1) rc=$?"
echo "python:$(python3 -c 'import urllib.request; print(urllib.request.urlopen("https://localhost:8443/").read().decode().strip())' 2>&1 | tail -1)"
echo "node:$(node -e 'require("https").get("https://localhost:8443/", r => r.on("data", d => process.stdout.write(String(d).trim()))).on("error", e => console.log("ERR", e.code))' 2>&1)"
echo "git:$(git ls-remote https://localhost:8443/repo.git 2>&1 | tr '\\n' ' ')"
echo "pip:$(pip download --retries 0 --no-deps --no-cache-dir -q -d /tmp/p --index-url https://localhost:8443/simple/ nothing-here 2>&1 | tr '\\n' ' ')"
echo "log:$(cat /tmp/https.log 2>/dev/null | tr '\\n' '|')"
kill $pid
`;

async function probe(s: ServerFixture, name: string, serverPem: string): Promise<string> {
  const res = await s.post("/api/spaces", { name, memory: "384m" });
  expect(res.status, await res.clone().text()).toBe(201);
  await s.client.exec(name, { command: ["sh", "-c", "cat > /tmp/srv.pem", "sh"], stdin: serverPem });
  await s.client.exec(name, { command: ["sh", "-c", "cat > /tmp/srv.py"], stdin: SERVER });
  return (await s.client.exec(name, { command: CLIENTS, timeoutMs: 90_000 })).stdout;
}

describe.skipIf(!engineAvailable)("an operator's extra CA bundle", () => {
  let dir: string;
  let ca: ReturnType<typeof makeTestCa>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "clawdspace-ca-"));
    ca = makeTestCa(dir);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
  });
  // registered after the CA's hooks: started once the CA exists, closed before its folder goes
  const withCa = useTestServer({ env: () => ({ CLAWDSPACE_EXTRA_CA: ca.caPath }) });
  const without = useTestServer({ env: { CLAWDSPACE_EXTRA_CA: "none" } });

  it("is mounted read-only and trusted by curl, python, node, git and pip in the space", async () => {
    const name = withCa.spaceName("ca");
    const out = await probe(withCa, name, ca.serverPem);
    expect(out).toContain("curl:hello-tls rc=0");
    expect(out).toContain("python:hello-tls");
    expect(out).toContain("node:hello-tls");
    // git and pip reach the server over TLS (it answers neither protocol, which is their complaint, not the certificate)
    expect(out).not.toMatch(/SSL certificate problem|CERTIFICATE_VERIFY_FAILED|SSLError|certificate verify failed/i);
    const log = /^log:(.*)$/m.exec(out)![1]!;
    expect(log).toMatch(/git\/[^ ]* \/repo\.git\/info\/refs/);
    expect(log).toMatch(/pip\/[^|]* \/simple\/nothing-here\//);

    const info = await withCa.docker.getContainer(`clawdspace-${name}`).inspect();
    const mount = info.Mounts.find((m) => m.Destination.startsWith("/usr/local/share/ca-certificates/clawdspace-operator"));
    expect(mount).toMatchObject({ Type: "bind", Source: ca.caPath, RW: false });
    await withCa.removeSpace(name);
  });

  it("without the setting the same clients refuse the server", async () => {
    const name = without.spaceName("noca");
    const out = await probe(without, name, ca.serverPem);
    expect(out).toMatch(/curl:.*certificate.* rc=60/s);
    expect(out).toMatch(/git:.*certificate verification failed/);
    expect(out).toMatch(/node:ERR UNABLE_TO_VERIFY/);
    expect(out).not.toContain("hello-tls");
    await without.removeSpace(name);
  });

  it("is passed to the image build as a .crt the Dockerfile keeps", async () => {
    const files = await buildContext(join(__dirname, "../../../../docker"), ca.caPath, pino({ level: "silent" }));
    const crt = files.find((f) => f.path === "extra-ca/ca.crt");
    expect(crt?.content.toString()).toBe(readFileSync(ca.caPath, "utf8"));
  });
});
