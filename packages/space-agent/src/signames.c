#include "common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* status.json and task-status only ever carry a name from this table (or SIGRTMIN+n). */
static const struct {
    int sig;
    const char *name;
} names[] = {
    { SIGHUP, "SIGHUP" },   { SIGINT, "SIGINT" },       { SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
    { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },     { SIGBUS, "SIGBUS" },   { SIGFPE, "SIGFPE" },
    { SIGKILL, "SIGKILL" }, { SIGUSR1, "SIGUSR1" },     { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
    { SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" },     { SIGTERM, "SIGTERM" }, { SIGSTKFLT, "SIGSTKFLT" },
    { SIGCHLD, "SIGCHLD" }, { SIGCONT, "SIGCONT" },     { SIGSTOP, "SIGSTOP" }, { SIGTSTP, "SIGTSTP" },
    { SIGTTIN, "SIGTTIN" }, { SIGTTOU, "SIGTTOU" },     { SIGURG, "SIGURG" },   { SIGXCPU, "SIGXCPU" },
    { SIGXFSZ, "SIGXFSZ" }, { SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" }, { SIGWINCH, "SIGWINCH" },
    { SIGIO, "SIGIO" },     { SIGPWR, "SIGPWR" },       { SIGSYS, "SIGSYS" },
};

const char *sig_name(int sig, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].sig == sig) return names[i].name;
    if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
        snprintf(buf, len, "SIGRTMIN+%d", sig - SIGRTMIN);
        return buf;
    }
    return NULL;
}

int sig_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0) return names[i].sig;
    if (strncmp(name, "SIGRTMIN+", 9) == 0) {
        uint64_t n;
        if (parse_u64(name + 9, 64, &n) == 0 && SIGRTMIN + (int)n <= SIGRTMAX) return SIGRTMIN + (int)n;
    }
    return 0;
}
