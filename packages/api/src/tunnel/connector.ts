/**
 * The far end of a forwarded port: a connection to 127.0.0.1:PORT in the space, bytes to and from stdio.
 * TCP's half-close is kept: our stdin's end shuts down the write side and the answer still comes back
 * (a client that sends, then waits); the server's close ends the connector at once. socat does not
 * fit: its one -t timeout either cuts a waiting answer short or holds a closed connection open.
 * Python is in the space image; the script is passed as an argument, nothing is written in the space.
 */
const SCRIPT = `
import os, socket, sys, threading
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
except OSError as e:
    sys.stderr.write("cannot connect to 127.0.0.1:%s in the space: %s\\n" % (sys.argv[1], e.strerror or e))
    os._exit(2)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
def up():
    try:
        while True:
            b = os.read(0, 262144)
            if not b:
                break
            s.sendall(b)
        s.shutdown(socket.SHUT_WR)
    except OSError:
        os._exit(0)
threading.Thread(target=up, daemon=True).start()
out = os.fdopen(1, "wb", buffering=0)
try:
    while True:
        b = s.recv(262144)
        if not b:
            break
        view = memoryview(b)
        while view:
            view = view[out.write(view):]
except OSError:
    pass
os._exit(0)
`;

export function portArgv(port: number): string[] {
  return ["python3", "-c", SCRIPT, String(port)];
}
