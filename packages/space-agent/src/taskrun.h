#ifndef AGENT_TASKRUN_H
#define AGENT_TASKRUN_H

#include <stdint.h>

struct run_opts {
    const char *dir;
    const char *cwd; /* NULL: the current directory */
    uint64_t timeout_ms; /* 0: none */
    uint64_t grace_ms, segment_bytes, cap_bytes;
    char **argv;
};

int cmd_task_run(int argc, char **argv);
/* Runs in the supervisor process; reports to notify_fd, never returns. */
void supervise(const struct run_opts *o, int notify_fd) __attribute__((noreturn));
/* Runs in the forked child; never returns. */
void exec_child(const struct run_opts *o, int out_fd, int err_fd) __attribute__((noreturn));

#endif
