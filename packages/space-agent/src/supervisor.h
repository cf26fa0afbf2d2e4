/* The supervisor's state, shared by its start (spawn.c) and its event loop (supervisor.c). */
#ifndef AGENT_SUPERVISOR_H
#define AGENT_SUPERVISOR_H

#include "logstore.h"
#include "status.h"
#include "taskrun.h"

#include <stdint.h>
#include <sys/types.h>

#define NEVER INT64_MAX

struct stream {
    int fd;
    char tag;
    unsigned char hold[3];
    size_t held;
    long long *count;
};

struct sup {
    struct tstatus st;
    struct logstore ls;
    struct stream s[2];
    int dirfd, sigfd;
    pid_t child;
    int child_done, child_reaped, wstatus, no_children, terminating;
    int64_t start, timeout_at, drain_until, kill_at, eof_deadline, last_status;
    int dirty;
};

void sup_loop(struct sup *s, const struct run_opts *o) __attribute__((noreturn));
void write_status(struct sup *s);

#endif
