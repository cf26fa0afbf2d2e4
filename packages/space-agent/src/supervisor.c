/* The supervisor: owns the task's process tree, its output pipes, the log and status.json. */
#include "common.h"
#include "logstore.h"
#include "proc.h"
#include "status.h"
#include "supervisor.h"
#include "taskrun.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define DRAIN_MS 200
#define REKILL_MS 100
#define FINAL_EOF_MS 500

/* One record buffer for both streams: 5 header bytes, then up to MAX_PAYLOAD (held bytes first). */
static unsigned char rec[5 + MAX_PAYLOAD];

/* Length of an incomplete UTF-8 sequence at the end of p[0..n), to keep for the next read. */
static size_t utf8_tail(const unsigned char *p, size_t n)
{
    for (size_t back = 1; back <= 3 && back <= n; back++) {
        unsigned char c = p[n - back];
        if ((c & 0xC0) == 0x80) continue;
        size_t need = c >= 0xF0 && c <= 0xF7 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC0 && c <= 0xDF ? 2 : 1;
        return need > back ? back : 0;
    }
    return 0;
}

static void close_stream(struct sup *s, struct stream *st)
{
    if (st->held) {
        memcpy(rec + 5, st->hold, st->held);
        ls_append(&s->ls, st->tag, rec, st->held);
        st->held = 0;
        s->dirty = 1;
    }
    close(st->fd);
    st->fd = -1;
}

static void read_stream(struct sup *s, struct stream *st)
{
    memcpy(rec + 5, st->hold, st->held);
    ssize_t n = read(st->fd, rec + 5 + st->held, MAX_PAYLOAD - st->held);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        close_stream(s, st);
        return;
    }
    *st->count += n;
    size_t total = st->held + (size_t)n;
    size_t keep = utf8_tail(rec + 5, total);
    size_t emit = total - keep;
    unsigned char tail[3];
    memcpy(tail, rec + 5 + emit, keep);
    ls_append(&s->ls, st->tag, rec, emit);
    memcpy(st->hold, tail, keep);
    st->held = keep;
    s->dirty = 1;
}

void write_status(struct sup *s)
{
    s->st.dropped_bytes = (long long)s->ls.dropped;
    s->st.log_start = (long long)s->ls.log_start;
    s->st.log_end = (long long)s->ls.log_end;
    status_write(s->dirfd, &s->st);
    s->last_status = mono_ms();
    s->dirty = 0;
}

/*
 * Everything in the child's process group is also in the tree under us (our session holds only the tree,
 * and orphans come back to us as subreaper). The group kill is only sent while the unreaped child still
 * pins the group id: afterwards the number could belong to someone else.
 */
static void signal_all(struct sup *s, int sig)
{
    if (!s->child_reaped) kill(-s->child, sig);
    proc_signal_descendants(getpid(), sig);
}

static void terminate(struct sup *s, int reason, int64_t now, uint64_t grace)
{
    if (s->terminating) return;
    if (reason && !s->child_done && !s->st.reason) s->st.reason = reason;
    s->terminating = 1;
    signal_all(s, SIGTERM);
    s->kill_at = now + (int64_t)grace;
}

static void reap(struct sup *s, int64_t now)
{
    for (;;) {
        int ws;
        pid_t p = waitpid(-1, &ws, WNOHANG);
        if (p < 0 && errno == EINTR) continue;
        if (p < 0) {
            s->no_children = 1;
            return;
        }
        if (p == 0) return;
        if (p == s->child) {
            s->child_done = s->child_reaped = 1;
            s->wstatus = ws;
            s->drain_until = now + DRAIN_MS;
        }
    }
}

static void finish(struct sup *s) __attribute__((noreturn));
static void finish(struct sup *s)
{
    for (int i = 0; i < 2; i++)
        if (s->s[i].fd >= 0) close_stream(s, &s->s[i]);
    int ws = s->wstatus;
    s->st.state = ST_EXITED;
    s->st.ended_at = now_ms();
    if (WIFSIGNALED(ws)) {
        s->st.signal = WTERMSIG(ws);
        s->st.exit_code = 128 + WTERMSIG(ws);
    } else {
        s->st.exit_code = WEXITSTATUS(ws);
    }
    if (s->st.reason == R_TIMEOUT) s->st.exit_code = 124;
    write_status(s);
    ls_close(&s->ls);
    _exit(0);
}

static int64_t earliest(const struct sup *s)
{
    int64_t t = NEVER;
    if (s->timeout_at != NEVER && !s->terminating && !s->child_done) t = s->timeout_at;
    if (s->child_done && !s->terminating && s->drain_until < t) t = s->drain_until;
    if (s->terminating && !s->no_children && s->kill_at < t) t = s->kill_at;
    if (s->eof_deadline < t) t = s->eof_deadline;
    if (s->dirty && s->last_status + 1000 < t) t = s->last_status + 1000;
    return t;
}

void sup_loop(struct sup *s, const struct run_opts *o)
{
    for (;;) {
        struct pollfd pf[3];
        int n = 0;
        pf[n++] = (struct pollfd){ s->sigfd, POLLIN, 0 };
        for (int i = 0; i < 2; i++)
            if (s->s[i].fd >= 0) pf[n++] = (struct pollfd){ s->s[i].fd, POLLIN, 0 };
        int64_t now = mono_ms(), t = earliest(s);
        int timeout = t == NEVER ? -1 : t <= now ? 0 : t - now > 60000 ? 60000 : (int)(t - now);
        if (poll(pf, (nfds_t)n, timeout) < 0 && errno != EINTR) sleep_ms(10);
        now = mono_ms();

        struct signalfd_siginfo si;
        while (read(s->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
            if (si.ssi_signo != SIGCHLD) terminate(s, R_CANCELLED, now, o->grace_ms);
        }
        for (int i = 1; i < n; i++) {
            if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) continue;
            for (int k = 0; k < 2; k++)
                if (s->s[k].fd == pf[i].fd) read_stream(s, &s->s[k]);
        }
        reap(s, now);

        if (!s->terminating && !s->child_done && now >= s->timeout_at) terminate(s, R_TIMEOUT, now, o->grace_ms);
        int pipes_open = (s->s[0].fd >= 0) + (s->s[1].fd >= 0);
        if (s->child_done && !s->terminating && ((!pipes_open && s->no_children) || now >= s->drain_until))
            terminate(s, R_NONE, now, o->grace_ms);
        if (s->terminating && !s->no_children && now >= s->kill_at) {
            signal_all(s, SIGKILL);
            s->kill_at = now + REKILL_MS; /* again, for anything forked in between */
        }
        if (s->child_done && s->no_children) {
            if (!pipes_open) finish(s);
            /* A pipe still open with no process left: someone got the fd out of the tree. Bounded. */
            if (s->eof_deadline == NEVER) s->eof_deadline = now + FINAL_EOF_MS;
            else if (now >= s->eof_deadline) finish(s);
        }
        if (s->dirty && now >= s->last_status + 1000) write_status(s);
    }
}

