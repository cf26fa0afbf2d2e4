#include "status.h"
#include "common.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void fields(struct jbuf *j, const struct tstatus *st)
{
    static const char *reasons[] = { NULL, "timeout", "cancelled" };
    char rt[24];
    jb_kint(j, "version", 1);
    jb_kstr(j, "state", st->state == ST_EXITED ? "exited" : "running");
    jb_kint(j, "pid", st->pid);
    jb_kint(j, "pgid", st->pgid);
    jb_kint(j, "supervisorPid", st->supervisor_pid);
    jb_kint(j, "supervisorStart", st->supervisor_start);
    jb_kint(j, "initStart", st->init_start);
    jb_kint(j, "startedAt", st->started_at);
    if (st->ended_at >= 0) jb_kint(j, "endedAt", st->ended_at);
    else jb_knull(j, "endedAt");
    if (st->exit_code >= 0) jb_kint(j, "exitCode", st->exit_code);
    else jb_knull(j, "exitCode");
    jb_kstr(j, "signal", st->signal ? sig_name(st->signal, rt, sizeof rt) : NULL);
    jb_kstr(j, "reason", reasons[st->reason >= 0 && st->reason <= 2 ? st->reason : 0]);
    jb_kint(j, "stdoutBytes", st->stdout_bytes);
    jb_kint(j, "stderrBytes", st->stderr_bytes);
    jb_kint(j, "droppedBytes", st->dropped_bytes);
    jb_kint(j, "logStart", st->log_start);
    jb_kint(j, "logEnd", st->log_end);
}

int status_write(int dirfd, const struct tstatus *st)
{
    static const char tmp[] = STATUS_NAME ".tmp";
    char mem[1024];
    struct jbuf j;
    jb_init(&j, mem, sizeof mem);
    jb_begin(&j);
    fields(&j, st);
    jb_end(&j);
    jb_raw(&j, "\n");
    /* O_EXCL|O_NOFOLLOW after unlink: a planted tmp symlink must not redirect our write elsewhere. */
    unlinkat(dirfd, tmp, 0);
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    int rc = write_all(fd, j.p, j.len);
    if (close(fd) < 0) rc = -1;
    if (rc == 0) rc = renameat(dirfd, tmp, dirfd, STATUS_NAME);
    if (rc < 0) unlinkat(dirfd, tmp, 0);
    return rc;
}

/* Which fields were seen, and the first one with a bad value. */
struct parse {
    struct tstatus *st;
    unsigned seen;
    const char *bad;
};

enum { F_VERSION, F_STATE, F_PID, F_PGID, F_SPID, F_SSTART, F_ISTART, F_STARTED, F_ENDED, F_EXIT, F_SIGNAL,
       F_REASON, F_OUT, F_ERR, F_DROP, F_LSTART, F_LEND, F_COUNT };
static const char *names[F_COUNT] = { "version", "state", "pid", "pgid", "supervisorPid", "supervisorStart",
    "initStart", "startedAt", "endedAt", "exitCode", "signal", "reason", "stdoutBytes", "stderrBytes",
    "droppedBytes", "logStart", "logEnd" };
/* endedAt, exitCode, signal and reason may be null or absent. */
#define REQUIRED (~((1u << F_ENDED) | (1u << F_EXIT) | (1u << F_SIGNAL) | (1u << F_REASON)) & ((1u << F_COUNT) - 1))

static int integer(const struct jval *v, long long min, long long max, long long *out)
{
    if (v->type != J_INT || v->i < min || v->i > max) return -1;
    *out = v->i;
    return 0;
}

static int field(void *ctx, const char *key, const struct jval *v)
{
    struct parse *p = ctx;
    struct tstatus *st = p->st;
    const long long big = (long long)MAX_SAFE_INT, pidmax = 0x7fffffff;
    long long n;
    int f, rc = 0;
    for (f = 0; f < F_COUNT && strcmp(names[f], key) != 0; f++) {}
    if (f == F_COUNT) return 0; /* unknown fields are not ours to re-emit */
    p->seen |= 1u << f;
    switch (f) {
    case F_VERSION: rc = integer(v, 1, 1, &n); break;
    case F_STATE:
        if (v->type == J_STR && strcmp(v->s, "running") == 0) st->state = ST_RUNNING;
        else if (v->type == J_STR && strcmp(v->s, "exited") == 0) st->state = ST_EXITED;
        else rc = -1;
        break;
    case F_PID: rc = integer(v, 1, pidmax, &st->pid); break;
    case F_PGID: rc = integer(v, 1, pidmax, &st->pgid); break;
    case F_SPID: rc = integer(v, 1, pidmax, &st->supervisor_pid); break;
    case F_SSTART: rc = integer(v, 0, big, &st->supervisor_start); break;
    case F_ISTART: rc = integer(v, 0, big, &st->init_start); break;
    case F_STARTED: rc = integer(v, 0, big, &st->started_at); break;
    case F_ENDED:
        if (v->type == J_NULL) st->ended_at = -1;
        else rc = integer(v, 0, big, &st->ended_at);
        break;
    case F_EXIT:
        if (v->type == J_NULL) st->exit_code = -1;
        else if ((rc = integer(v, 0, 255, &n)) == 0) st->exit_code = (int)n;
        break;
    case F_SIGNAL:
        if (v->type == J_NULL) st->signal = 0;
        else if (v->type != J_STR || !(st->signal = sig_from_name(v->s))) rc = -1;
        break;
    case F_REASON:
        if (v->type == J_NULL) st->reason = R_NONE;
        else if (v->type == J_STR && strcmp(v->s, "timeout") == 0) st->reason = R_TIMEOUT;
        else if (v->type == J_STR && strcmp(v->s, "cancelled") == 0) st->reason = R_CANCELLED;
        else rc = -1;
        break;
    case F_OUT: rc = integer(v, 0, big, &st->stdout_bytes); break;
    case F_ERR: rc = integer(v, 0, big, &st->stderr_bytes); break;
    case F_DROP: rc = integer(v, 0, big, &st->dropped_bytes); break;
    case F_LSTART: rc = integer(v, 0, big, &st->log_start); break;
    case F_LEND: rc = integer(v, 0, big, &st->log_end); break;
    }
    if (rc < 0 && !p->bad) p->bad = names[f];
    return rc;
}

int status_read(int dirfd, struct tstatus *st, const char **why)
{
    static char reason[128];
    static char buf[STATUS_MAX_BYTES];
    ssize_t n = read_small_file(dirfd, STATUS_NAME, buf, sizeof buf, why);
    if (n < 0) return -1;
    memset(st, 0, sizeof *st);
    st->ended_at = -1;
    st->exit_code = -1;
    struct parse p = { st, 0, NULL };
    const char *jwhy;
    if (json_parse_flat(buf, (size_t)n, field, &p, &jwhy) < 0) {
        if (p.bad) snprintf(reason, sizeof reason, STATUS_NAME ": bad value for %s", p.bad);
        else snprintf(reason, sizeof reason, STATUS_NAME ": unparseable (%s)", jwhy);
        *why = reason;
        return -1;
    }
    if ((p.seen & REQUIRED) != REQUIRED) {
        for (int f = 0; f < F_COUNT; f++) {
            if ((REQUIRED & (1u << f)) && !(p.seen & (1u << f))) {
                snprintf(reason, sizeof reason, STATUS_NAME ": missing %s", names[f]);
                break;
            }
        }
        *why = reason;
        return -1;
    }
    return 0;
}

int status_alive(const struct tstatus *st)
{
    struct pstat ps, init;
    if (kill((pid_t)st->supervisor_pid, 0) < 0) return 0;
    if (proc_stat((pid_t)st->supervisor_pid, &ps) < 0 || proc_stat(1, &init) < 0) return 0;
    /* A zombie still answers kill(0); without a reaping init it would look alive forever. */
    if (ps.state == 'Z' || ps.state == 'X') return 0;
    return (long long)ps.start == st->supervisor_start && (long long)init.start == st->init_start;
}

void status_format(struct jbuf *j, const char *id, const struct tstatus *st, int alive)
{
    jb_begin(j);
    jb_kstr(j, "id", id);
    fields(j, st);
    jb_kbool(j, "alive", alive);
    jb_end(j);
}

void status_error(struct jbuf *j, const char *id, const char *why)
{
    jb_begin(j);
    jb_kstr(j, "id", id);
    jb_kstr(j, "error", why);
    jb_end(j);
}

int status_line(int dirfd, const char *id, struct jbuf *j, struct tstatus *out)
{
    struct tstatus st;
    const char *why;
    if (status_read(dirfd, &st, &why) < 0) {
        status_error(j, id, why);
        return -1;
    }
    status_format(j, id, &st, status_alive(&st));
    if (out) *out = st;
    return 0;
}
