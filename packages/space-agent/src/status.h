/* status.json: the task's state, written by the supervisor and read back defensively by everyone else. */
#ifndef AGENT_STATUS_H
#define AGENT_STATUS_H

#include "json.h"

enum { ST_RUNNING = 1, ST_EXITED = 2 };
enum { R_NONE = 0, R_TIMEOUT = 1, R_CANCELLED = 2 };

struct tstatus {
    int state;
    long long pid, pgid, supervisor_pid;
    long long supervisor_start, init_start;
    long long started_at, ended_at; /* ended_at -1: null */
    int exit_code;                   /* -1: null */
    int signal;                      /* 0: null */
    int reason;
    long long stdout_bytes, stderr_bytes, dropped_bytes, log_start, log_end;
};

int status_write(int dirfd, const struct tstatus *st);
int status_read(int dirfd, struct tstatus *st, const char **why);
int status_alive(const struct tstatus *st);
/* The task-status line (no newline); also the payload of task-log's x record. */
void status_format(struct jbuf *j, const char *id, const struct tstatus *st, int alive);
void status_error(struct jbuf *j, const char *id, const char *why);
/* Reads DIR's status and formats its line (alive computed); returns 0 if the status was valid. */
int status_line(int dirfd, const char *id, struct jbuf *j, struct tstatus *out);

#endif
