/* The supervisor's start: detach, take over the tree as subreaper, fork the task, report to task-run. */
#include "common.h"
#include "json.h"
#include "proc.h"
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void report(int fd, char ok, struct jbuf *j)
{
    char c = ok;
    write_all(fd, &c, 1);
    jb_raw(j, "\n");
    write_all(fd, j->p, j->len);
    close(fd);
}

static void fail(int fd, const char *code, const char *what) __attribute__((noreturn));
static void fail(int fd, const char *code, const char *what)
{
    char mem[1024], msg[512];
    struct jbuf j;
    snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
    jb_init(&j, mem, sizeof mem);
    jb_failure(&j, code, msg);
    report(fd, '1', &j);
    _exit(1);
}

/* Closes whatever the caller left open beyond stdio (moving notify_fd to 3), so the task cannot inherit it. */
static int close_inherited(int notify_fd)
{
    if (notify_fd != 3) {
        if (dup2(notify_fd, 3) < 0) return notify_fd;
        close(notify_fd);
    }
    fcntl(3, F_SETFD, FD_CLOEXEC);
    if (close_range(4, ~0U, 0) < 0) {
        long max = sysconf(_SC_OPEN_MAX);
        for (long fd = 4; fd < (max > 0 && max < 65536 ? max : 65536); fd++) close((int)fd);
    }
    return 3;
}

void supervise(const struct run_opts *o, int notify_fd)
{
    static struct sup s;
    setsid();
    int nul = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3 && nul >= 0; fd++) dup2(nul, fd);
    if (nul > 2) close(nul);
    notify_fd = close_inherited(notify_fd);
    prctl(PR_SET_CHILD_SUBREAPER, 1);

    /* Inherited SIG_IGN on SIGCHLD would auto-reap and hide the exit status. */
    int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP };
    sigset_t mask;
    sigemptyset(&mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        signal(sigs[i], SIG_DFL);
        sigaddset(&mask, sigs[i]);
    }
    signal(SIGPIPE, SIG_IGN);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    s.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (s.sigfd < 0) fail(notify_fd, "spawn", "signalfd");

    s.dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s.dirfd < 0) fail(notify_fd, "dir", o->dir);
    if (ls_open(&s.ls, s.dirfd, o->segment_bytes, o->cap_bytes) < 0) fail(notify_fd, "dir", "log segment");

    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) fail(notify_fd, "spawn", "pipe");
    s.start = mono_ms();
    s.st.started_at = now_ms();
    s.child = fork();
    if (s.child < 0) fail(notify_fd, "spawn", "fork");
    if (s.child == 0) exec_child(o, out[1], err[1]);
    setpgid(s.child, s.child); /* both sides set it, so a kill(-pgid) right away cannot miss */
    close(out[1]);
    close(err[1]);
    s.s[0] = (struct stream){ out[0], 'o', { 0 }, 0, &s.st.stdout_bytes };
    s.s[1] = (struct stream){ err[0], 'e', { 0 }, 0, &s.st.stderr_bytes };
    for (int i = 0; i < 2; i++) fcntl(s.s[i].fd, F_SETFL, fcntl(s.s[i].fd, F_GETFL) | O_NONBLOCK);

    struct pstat self, init;
    s.st.state = ST_RUNNING;
    s.st.pid = s.st.pgid = s.child;
    s.st.supervisor_pid = getpid();
    s.st.supervisor_start = proc_stat(getpid(), &self) == 0 ? (long long)self.start : 0;
    s.st.init_start = proc_stat(1, &init) == 0 ? (long long)init.start : 0;
    s.st.ended_at = -1;
    s.st.exit_code = -1;
    s.timeout_at = o->timeout_ms ? s.start + (int64_t)o->timeout_ms : NEVER;
    s.drain_until = s.kill_at = s.eof_deadline = NEVER;
    write_status(&s);
    if (faccessat(s.dirfd, STATUS_NAME, F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
        kill(-s.child, SIGKILL);
        fail(notify_fd, "status", STATUS_NAME);
    }

    char mem[256];
    struct jbuf j;
    jb_init(&j, mem, sizeof mem);
    jb_begin(&j);
    jb_kbool(&j, "ok", 1);
    jb_kint(&j, "supervisorPid", s.st.supervisor_pid);
    jb_kint(&j, "pid", s.child);
    jb_kint(&j, "pgid", s.child);
    jb_kint(&j, "startedAt", s.st.started_at);
    jb_end(&j);
    report(notify_fd, '0', &j);
    if (chdir("/") < 0) {} /* hold no directory busy; everything else goes through dirfd */
    sup_loop(&s, o);
}
