/* The serve loop: one poll over the listener, SIGCHLD and every connection's fds; no timers unless a
 * finished process's pipes are being drained, so an idle agent costs no CPU. */
#include "common.h"
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define FDS_PER_CONN 4

static struct conn *conns[MAX_CONNS];

static int listen_on(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof a.sun_path) return errno = ENAMETOOLONG, -1;
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    unlink(path); /* a socket left by an agent that died; the folder is ours */
    /* The server may run as another user than ours; the folder it made is what guards the socket. */
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || chmod(path, 0666) < 0 || listen(fd, 128) < 0) {
        int e = errno;
        close(fd);
        return errno = e, -1;
    }
    return fd;
}

static void reap(int64_t now)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        for (int i = 0; i < MAX_CONNS; i++)
            if (conns[i] && conn_owns(conns[i], pid)) conn_reaped(conns[i], status, now);
}

static void accept_all(int lfd)
{
    int s;
    while ((s = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        int i = 0;
        while (i < MAX_CONNS && conns[i]) i++;
        if (i == MAX_CONNS || !(conns[i] = conn_new(s))) {
            /* Full: the client sees its connection close before any answer, and falls back. */
            close(s);
        }
    }
}

static int loop(int lfd, int sigfd)
{
    static struct pollfd fds[2 + MAX_CONNS * FDS_PER_CONN];
    static int first[MAX_CONNS], count[MAX_CONNS];
    for (;;) {
        int64_t now = mono_ms(), deadline = -1;
        int n = 0;
        fds[n++] = (struct pollfd){ lfd, POLLIN, 0 };
        fds[n++] = (struct pollfd){ sigfd, POLLIN, 0 };
        for (int i = 0; i < MAX_CONNS; i++) {
            if (!conns[i]) continue;
            first[i] = n;
            count[i] = conn_poll_fds(conns[i], fds + n, FDS_PER_CONN);
            n += count[i];
            int64_t d = conn_deadline(conns[i]);
            if (d >= 0 && (deadline < 0 || d < deadline)) deadline = d;
        }
        int timeout = deadline < 0 ? -1 : deadline <= now ? 0 : (int)(deadline - now);
        if (poll(fds, (nfds_t)n, timeout) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        now = mono_ms();
        if (fds[1].revents) {
            struct signalfd_siginfo si;
            while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {}
            reap(now);
        }
        for (int i = 0; i < MAX_CONNS; i++) {
            if (!conns[i]) continue;
            if (conn_handle(conns[i], fds + first[i], count[i], now) < 0) {
                conn_free(conns[i]);
                conns[i] = NULL;
            }
        }
        if (fds[0].revents) accept_all(lfd);
    }
}

/* --daemon: detach from whoever started us (the container's command, a docker exec) once listening. */
static int daemonize(int *ready_fd)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid > 0) {
        char c;
        close(p[1]);
        ssize_t n = read(p[0], &c, 1);
        _exit(n == 1 ? 0 : 1);
    }
    close(p[0]);
    setsid();
    if ((pid = fork()) < 0) _exit(1);
    if (pid > 0) _exit(0); /* the grandchild is reparented to the container's init, which reaps it */
    *ready_fd = p[1];
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    const char *path = NULL;
    int daemon = 0, ready_fd = -1;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) path = argv[++i];
        else if (strcmp(argv[i], "--daemon") == 0) daemon = 1;
        else return fprintf(stderr, "serve: unknown option %s\n", argv[i]), EXIT_USAGE;
    }
    if (!path) return fprintf(stderr, "usage: clawdspace-agent serve --socket PATH [--daemon]\n"), EXIT_USAGE;
    if (daemon && daemonize(&ready_fd) < 0) return perror("serve: fork"), 1;

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would auto-reap and lose exit codes */
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    int lfd = listen_on(path);
    if (sigfd < 0 || lfd < 0) return fprintf(stderr, "serve: %s: %s\n", path, strerror(errno)), 1;
    if (chdir("/") < 0) {} /* hold no directory busy */
    if (ready_fd >= 0) {
        int nul = open("/dev/null", O_RDWR);
        for (int fd = 0; fd < 3 && nul >= 0; fd++) dup2(nul, fd);
        if (nul > 2) close(nul);
        if (write(ready_fd, "1", 1) < 0) {}
        close(ready_fd);
    }
    return loop(lfd, sigfd);
}
