/* One connection: one spawn request, then its process's streams, exit and kill. Never buffers more
 * than one frame either way, so a slow client stalls its own process rather than growing the agent. */
#include "common.h"
#include "serve.h"
#include "connpriv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct conn *conn_new(int sock)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c || !(c->wbuf = malloc(FRAME_HDR + CHUNK))) {
        free(c);
        return NULL;
    }
    c->sock = sock;
    c->in = c->out = c->err = -1;
    c->drain_until = -1;
    return c;
}

void conn_free(struct conn *c)
{
    /* The client went away (or broke the protocol) with its process still running: end the whole group. */
    if (c->pid > 0 && !c->reaped) kill(-c->pid, SIGKILL);
    close_fd(&c->sock);
    close_fd(&c->in);
    close_fd(&c->out);
    close_fd(&c->err);
    free(c->rbuf);
    free(c->inbuf);
    free(c->wbuf);
    free(c);
}

/* A complete frame from the client. */
static void on_frame(struct conn *c, unsigned char type)
{
    if (c->state == WAIT_SPAWN) {
        if (type != T_SPAWN) return refuse(c, T_ERROR, "expected a spawn request");
        return conn_start(c);
    }
    if (type == T_STDIN && c->in >= 0 && !c->in_eof) {
        free(c->inbuf);
        c->inbuf = c->rbuf, c->inlen = c->rlen, c->inoff = 0;
        c->rbuf = NULL;
    } else if (type == T_STDIN_EOF) {
        c->in_eof = 1;
        if (c->inoff >= c->inlen) close_fd(&c->in);
    } else if (type == T_KILL && c->rlen == 4 && c->pid > 0 && !c->reaped) {
        int sig = (int)(((uint32_t)c->rbuf[0] << 24) | ((uint32_t)c->rbuf[1] << 16) | ((uint32_t)c->rbuf[2] << 8) | c->rbuf[3]);
        if (sig > 0 && sig < NSIG) kill(-c->pid, sig);
    } else if (type != T_STDIN) {
        refuse(c, T_ERROR, "unexpected frame");
    }
}

/* Reads what is there of the current frame: 0 after progress, 1 when nothing more is there yet,
 * -1 when the client is gone or lied about a length. */
static int read_sock(struct conn *c)
{
    if (c->hdr_got < FRAME_HDR) {
        ssize_t n = recv(c->sock, c->hdr + c->hdr_got, FRAME_HDR - c->hdr_got, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return -1;
        if (n < 0) return 1;
        c->hdr_got += (size_t)n;
        if (c->hdr_got < FRAME_HDR) return 0;
        c->rlen = ((uint32_t)c->hdr[1] << 24) | ((uint32_t)c->hdr[2] << 16) | ((uint32_t)c->hdr[3] << 8) | c->hdr[4];
        uint32_t max = c->hdr[0] == T_SPAWN ? MAX_SPAWN_FRAME : CHUNK;
        if (c->rlen > max) return -1;
        free(c->rbuf);
        if (!(c->rbuf = malloc(c->rlen ? c->rlen : 1))) return -1;
        c->rgot = 0;
    }
    if (c->rgot < c->rlen) {
        ssize_t n = recv(c->sock, c->rbuf + c->rgot, c->rlen - c->rgot, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return -1;
        if (n < 0) return 1;
        c->rgot += (uint32_t)n;
        if (c->rgot < c->rlen) return 0;
    }
    c->hdr_got = 0;
    on_frame(c, c->hdr[0]);
    free(c->rbuf);
    c->rbuf = NULL;
    return 0;
}

/* One chunk of a stream into the (empty) write buffer; EOF closes the stream. */
static void read_stream(struct conn *c, int *fd, char type)
{
    ssize_t n = read(*fd, c->wbuf + FRAME_HDR, CHUNK);
    if (n > 0) {
        c->wbuf[0] = (unsigned char)type;
        put_u32(c->wbuf + 1, (uint32_t)n);
        c->wlen = FRAME_HDR + (size_t)n, c->woff = 0;
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        close_fd(fd);
    }
}

/* Writes what the socket takes of the pending frame; -1 when the client is gone or the closing frame is out. */
static int flush(struct conn *c)
{
    ssize_t w = send(c->sock, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && errno != EAGAIN && errno != EINTR) return -1;
    if (w > 0 && (c->woff += (size_t)w) == c->wlen) {
        c->wlen = c->woff = 0;
        if (c->state == CLOSING) {
            shutdown(c->sock, SHUT_WR);
            c->state = LINGER;
            c->linger_until = mono_ms() + DRAIN_MS;
        }
    }
    return 0;
}

static void maybe_exit(struct conn *c, int64_t now)
{
    if (c->state != RUNNING || !c->reaped || c->exit_queued || c->wlen) return;
    /* What outlived the process (a background job holding the pipe) gets DRAIN_MS, then the answer goes out. */
    if ((c->out >= 0 || c->err >= 0) && now < c->drain_until) return;
    close_fd(&c->out);
    close_fd(&c->err);
    unsigned char p[8];
    int code = WIFEXITED(c->status) ? WEXITSTATUS(c->status) : 128 + WTERMSIG(c->status);
    put_u32(p, (uint32_t)code);
    put_u32(p + 4, WIFSIGNALED(c->status) ? (uint32_t)WTERMSIG(c->status) : 0);
    queue(c, T_EXIT, p, sizeof p);
    c->exit_queued = 1;
    c->state = CLOSING;
}

int conn_poll_fds(struct conn *c, struct pollfd *fds, int max)
{
    int n = 0;
    if (max < 4) return 0;
    if (c->state == LINGER) {
        fds[n++] = (struct pollfd){ c->sock, POLLIN, 0 };
        return n;
    }
    short sockev = c->wlen ? POLLOUT : 0;
    /* Reading stops while stdin bytes wait for the pipe: the client's backpressure. */
    if (c->state != CLOSING && c->inoff >= c->inlen && !c->direct) sockev |= POLLIN;
    fds[n++] = (struct pollfd){ c->sock, sockev, 0 };
    if (c->in >= 0 && c->inoff < c->inlen) fds[n++] = (struct pollfd){ c->in, POLLOUT, 0 };
    if (!c->wlen && c->state == RUNNING) {
        /* Alternate which stream goes first, so a chatty stdout cannot starve stderr. */
        int first = c->next_stream ? c->err : c->out, second = c->next_stream ? c->out : c->err;
        if (first >= 0) fds[n++] = (struct pollfd){ first, POLLIN, 0 };
        if (second >= 0) fds[n++] = (struct pollfd){ second, POLLIN, 0 };
    }
    return n;
}

/* Hands the pipe what it takes of the pending stdin bytes. */
static void write_in(struct conn *c)
{
    ssize_t w = write(c->in, c->inbuf + c->inoff, c->inlen - c->inoff);
    if (w < 0 && errno != EAGAIN && errno != EINTR) {
        close_fd(&c->in); /* the process stopped reading: drop the rest, as a closed pipe would */
        c->inoff = c->inlen;
    } else if (w > 0 && (c->inoff += (size_t)w) >= c->inlen && c->in_eof) {
        close_fd(&c->in);
    }
}

/* Frames from the socket straight into the pipe while both keep up: a poll round per 64 KiB frame,
 * and another per pipe write, cost an upload a third of its speed. */
static int pump_in(struct conn *c)
{
    for (int round = 0; round < 32; round++) {
        if ((c->state != WAIT_SPAWN && c->state != RUNNING) || c->direct) return 0;
        int r = read_sock(c);
        if (r != 0) return r < 0 ? -1 : 0;
        if (c->inoff < c->inlen && c->in >= 0) write_in(c);
        if (c->inoff < c->inlen) return 0; /* the pipe is full: the client waits (its backpressure) */
    }
    return 0;
}

/* Drops what a lingering client still sends; -1 once it has closed, or DRAIN_MS is up. */
static int linger(struct conn *c, const struct pollfd *fds, int n, int64_t now)
{
    if (now >= c->linger_until) return -1;
    if (n < 1 || !fds[0].revents) return 0;
    static unsigned char sink[CHUNK];
    ssize_t r = recv(c->sock, sink, sizeof sink, MSG_DONTWAIT);
    return r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR) ? -1 : 0;
}

int conn_handle(struct conn *c, const struct pollfd *fds, int n, int64_t now)
{
    if (c->state == LINGER) return linger(c, fds, n, now);
    for (int i = 0; i < n; i++) {
        short re = fds[i].revents;
        if (!re) continue;
        if (fds[i].fd == c->sock) {
            if ((re & POLLOUT) && flush(c) < 0) return -1;
            if ((re & POLLIN) && pump_in(c) < 0) return -1;
            else if ((re & (POLLHUP | POLLERR)) && !(re & POLLIN)) return -1;
        } else if (fds[i].fd == c->in && c->in >= 0 && c->inoff < c->inlen) {
            write_in(c);
        } else if (!c->wlen && (fds[i].fd == c->out || fds[i].fd == c->err)) {
            int *fd = fds[i].fd == c->out ? &c->out : &c->err;
            /* Straight on to the socket while both keep up: a poll round per chunk would halve throughput. */
            for (int round = 0; round < 16 && *fd >= 0 && !c->wlen; round++) {
                read_stream(c, fd, fd == &c->out ? T_STDOUT : T_STDERR);
                if (c->wlen && flush(c) < 0) return -1;
            }
            c->next_stream = !c->next_stream;
        }
    }
    maybe_exit(c, now);
    return 0;
}

int conn_owns(const struct conn *c, pid_t pid)
{
    return c->pid > 0 && c->pid == pid && !c->reaped;
}

void conn_reaped(struct conn *c, int status, int64_t now)
{
    c->reaped = 1;
    c->status = status;
    c->drain_until = now + DRAIN_MS;
    maybe_exit(c, now);
}

int64_t conn_deadline(const struct conn *c)
{
    if (c->state == LINGER) return c->linger_until;
    return c->reaped && !c->exit_queued ? c->drain_until : -1;
}
