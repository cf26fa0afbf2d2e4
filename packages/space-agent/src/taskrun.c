/* task-run: argument checks and the initial process, which returns as soon as the supervisor reports. */
#include "taskrun.h"
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int usage(const char *msg)
{
    print_failure("usage", msg);
    fprintf(stderr, "usage: clawdspace-agent task-run --dir DIR [--cwd CWD] [--timeout-ms N] [--grace-ms N] "
                    "[--segment-bytes N] [--log-cap-bytes N] -- ARGV...\n");
    return EXIT_USAGE;
}

static int parse(int argc, char **argv, struct run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->grace_ms = 5000;
    o->segment_bytes = 4u << 20;
    o->cap_bytes = 64u << 20;
    int i;
    for (i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) break;
        if (i + 1 >= argc) return usage("an option is missing its value (or the -- before ARGV)");
        const char *v = argv[++i];
        uint64_t *num = NULL, max = MAX_SAFE_INT, min = 0;
        if (strcmp(a, "--dir") == 0) o->dir = v;
        else if (strcmp(a, "--cwd") == 0) o->cwd = v;
        else if (strcmp(a, "--timeout-ms") == 0) num = &o->timeout_ms;
        else if (strcmp(a, "--grace-ms") == 0) num = &o->grace_ms;
        /* A floor on segments keeps the segment count (one file each) proportionate to the log. */
        else if (strcmp(a, "--segment-bytes") == 0) num = &o->segment_bytes, min = 1024, max = 1ULL << 40;
        else if (strcmp(a, "--log-cap-bytes") == 0) num = &o->cap_bytes, min = 1024;
        else return usage("unknown option");
        if (num && (parse_u64(v, max, num) < 0 || *num < min)) return usage("bad number for an option");
    }
    if (!o->dir || !*o->dir) return usage("--dir is required");
    if (i >= argc || i + 1 >= argc) return usage("no command after --");
    o->argv = argv + i + 1;
    return 0;
}

static int check_cwd(const struct run_opts *o)
{
    char here[4096], msg[4200];
    const char *cwd = o->cwd;
    if (!cwd) cwd = getcwd(here, sizeof here) ? here : ".";
    struct stat st;
    int err = 0;
    if (stat(cwd, &st) < 0) err = errno;
    else if (!S_ISDIR(st.st_mode)) err = ENOTDIR;
    else if (access(cwd, X_OK) < 0) err = errno;
    if (!err) return 0;
    snprintf(msg, sizeof msg, "%.1024s: %s", cwd, strerror(err));
    print_failure("cwd", msg);
    return -1;
}

int cmd_task_run(int argc, char **argv)
{
    struct run_opts o;
    char msg[4200];
    int rc = parse(argc, argv, &o);
    if (rc) return rc;
    if (mkdir_p(o.dir, 0700) < 0) {
        snprintf(msg, sizeof msg, "%.1024s: %s", o.dir, strerror(errno));
        print_failure("dir", msg);
        return 1;
    }
    struct stat st;
    char status_path[4200];
    snprintf(status_path, sizeof status_path, "%s/%s", o.dir, STATUS_NAME);
    if (lstat(status_path, &st) == 0 || errno != ENOENT) {
        snprintf(msg, sizeof msg, "%.1024s already holds a task (" STATUS_NAME ")", o.dir);
        print_failure("exists", msg);
        return 1;
    }
    if (check_cwd(&o) < 0) return 1;

    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0) {
        print_failure("spawn", strerror(errno));
        return 1;
    }
    fflush(NULL);
    pid_t sup = fork();
    if (sup < 0) {
        print_failure("spawn", strerror(errno));
        return 1;
    }
    if (sup == 0) {
        close(report[0]);
        supervise(&o, report[1]);
    }
    close(report[1]);
    /* The supervisor writes one status byte and one JSON line, then closes; EOF before that means it died. */
    char buf[4096];
    size_t got = 0;
    for (;;) {
        ssize_t n = read(report[0], buf + got, sizeof buf - 1 - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
        if (got == sizeof buf - 1) break;
    }
    close(report[0]);
    if (got < 2 || (buf[0] != '0' && buf[0] != '1')) {
        print_failure("spawn", "the supervisor exited before reporting");
        return 1;
    }
    if (write_all(1, buf + 1, got - 1) < 0) return 1;
    return buf[0] == '0' ? 0 : 1;
}

void exec_child(const struct run_opts *o, int out_fd, int err_fd)
{
    char msg[4200];
    setpgid(0, 0);
    int nul = open("/dev/null", O_RDONLY);
    if (nul >= 0 && nul != 0) {
        dup2(nul, 0);
        close(nul);
    }
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    if (out_fd > 2) close(out_fd);
    if (err_fd > 2) close(err_fd);
    /* Ignored signals survive exec: a task must start as if from a clean shell. */
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (o->cwd && chdir(o->cwd) < 0) {
        int n = snprintf(msg, sizeof msg, "clawdspace-agent: %.1024s: %s\n", o->cwd, strerror(errno));
        write_all(2, msg, (size_t)n);
        _exit(126);
    }
    execvp(o->argv[0], o->argv);
    int err = errno;
    int n = snprintf(msg, sizeof msg, "clawdspace-agent: %.1024s: %s\n", o->argv[0], strerror(err));
    write_all(2, msg, (size_t)n);
    _exit(err == ENOENT ? 127 : 126);
}
