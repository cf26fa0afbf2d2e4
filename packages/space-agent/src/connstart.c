/* A connection's first frame: the spawn request parsed, the process forked with its pipes. */
#include "common.h"
#include "connpriv.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define PIPE_BYTES (1024 * 1024)

void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

void queue(struct conn *c, char type, const void *payload, size_t len)
{
    c->wbuf[0] = (unsigned char)type;
    put_u32(c->wbuf + 1, (uint32_t)len);
    if (len) memmove(c->wbuf + FRAME_HDR, payload, len);
    c->wlen = FRAME_HDR + len;
    c->woff = 0;
}

void close_fd(int *fd)
{
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

void refuse(struct conn *c, char type, const char *msg)
{
    queue(c, type, msg, strlen(msg));
    c->state = CLOSING;
}

/* The process's stdin: a pipe we feed from stdin frames, the socket itself (direct), or /dev/null.
 * A direct stdin shares the socket's file status: blocking for the process (the agent's own sends and
 * receives on it say MSG_DONTWAIT), so a body moves into the process with no copy through the agent. */
static int open_stdin(struct conn *c, uint32_t flags, int direct, int inp[2])
{
    if (direct) {
        if ((inp[0] = fcntl(c->sock, F_DUPFD_CLOEXEC, 3)) < 0) return -1;
        if (fcntl(c->sock, F_SETFL, fcntl(c->sock, F_GETFL) & ~O_NONBLOCK) == 0) return 0;
        close(inp[0]);
        return inp[0] = -1;
    }
    if (flags & SPAWN_STDIN) return pipe2(inp, O_CLOEXEC);
    return (inp[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ? -1 : 0;
}

void conn_start(struct conn *c)
{
    struct spawn_req r;
    const char *why;
    if (spawn_parse(c->rbuf, c->rlen, &r, &why) < 0) return refuse(c, T_ERROR, why);
    if (r.not_after_ms && (uint64_t)now_ms() > r.not_after_ms) {
        spawn_free(&r);
        return refuse(c, T_ERROR, "late: the request outlived its deadline");
    }
    int inp[2] = { -1, -1 }, outp[2], errp[2];
    if (pipe2(outp, O_CLOEXEC) < 0) return spawn_free(&r), refuse(c, T_ERROR, "pipe");
    if (pipe2(errp, O_CLOEXEC) < 0) {
        close(outp[0]), close(outp[1]);
        return spawn_free(&r), refuse(c, T_ERROR, "pipe");
    }
    int direct = (r.flags & SPAWN_STDIN) && (r.flags & SPAWN_STDIN_DIRECT);
    if (open_stdin(c, r.flags, direct, inp) < 0) {
        close(outp[0]), close(outp[1]), close(errp[0]), close(errp[1]);
        return spawn_free(&r), refuse(c, T_ERROR, "stdin");
    }
    /* Bodies (file uploads and downloads) move 64 KiB per frame: pipes that hold a few frames let the
     * agent and the process run without waiting on each other. Best effort; the default still works. */
    fcntl(outp[1], F_SETPIPE_SZ, PIPE_BYTES);
    if (inp[1] >= 0) fcntl(inp[1], F_SETPIPE_SZ, PIPE_BYTES);
    int stage = 0, err = 0;
    c->pid = spawn_child(&r, inp[0], outp[1], errp[1], &stage, &err);
    spawn_free(&r);
    close(inp[0]), close(outp[1]), close(errp[1]);
    c->in = inp[1], c->out = outp[0], c->err = errp[0];
    if (c->pid < 0) {
        c->pid = 0;
        unsigned char f[8];
        put_u32(f, (uint32_t)stage);
        put_u32(f + 4, (uint32_t)err);
        queue(c, T_FAILED, f, sizeof f);
        c->state = CLOSING;
        return;
    }
    int fds[] = { c->in, c->out, c->err };
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0) fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    unsigned char p[8];
    put_u32(p, (uint32_t)c->pid);
    put_u32(p + 4, 1);
    c->direct = direct;
    if (direct) c->in_eof = 1;
    queue(c, T_STARTED, p, direct ? 8 : 4);
    c->state = RUNNING;
}
