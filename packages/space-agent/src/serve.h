/* clawdspace-agent serve: processes on request over a unix socket (protocol in docs/SPACE-AGENT.md). */
#ifndef AGENT_SERVE_H
#define AGENT_SERVE_H

#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <sys/types.h>

/* Frame: 1-byte type, 4-byte big-endian length, payload. */
#define FRAME_HDR 5
#define CHUNK 65536
#define MAX_SPAWN_FRAME (1024 * 1024)
#define MAX_CONNS 128
#define DRAIN_MS 200

/* Client -> agent. */
#define T_SPAWN 'S'
#define T_STDIN 'I'
#define T_STDIN_EOF 'i'
#define T_KILL 'K'
/* Agent -> client. */
#define T_STARTED 'P'
#define T_FAILED 'F'
#define T_STDOUT 'o'
#define T_STDERR 'e'
#define T_EXIT 'X'
#define T_ERROR 'E'

#define SPAWN_STDIN 1u
/* With SPAWN_STDIN: the process reads the connection itself (no pipe, no stdin frames; the client's
 * half-close is its EOF). Said back with an 8-byte started frame; older agents answer 4 bytes and frame. */
#define SPAWN_STDIN_DIRECT 2u

struct spawn_req {
    uint64_t not_after_ms; /* wall clock; 0: no limit. A request that waited out its caller is never run. */
    uint32_t flags;
    const char *cwd;
    char **argv; /* NULL-terminated, pointing into the frame */
    char **envp; /* the agent's environment with the request's KEY=VALUE laid over it */
};

/* Parses a spawn payload (the frame stays owned by the caller); NULL-safe free. 0 or -1 with a reason. */
int spawn_parse(unsigned char *p, size_t len, struct spawn_req *r, const char **why);
void spawn_free(struct spawn_req *r);

/* Forks the child in its own session with the given stdio; returns its pid, or -1 with stage (1 cwd, 2 exec) and errno. */
pid_t spawn_child(const struct spawn_req *r, int in_fd, int out_fd, int err_fd, int *stage, int *err);

struct conn;
struct conn *conn_new(int sock);
void conn_free(struct conn *c);
/* poll bookkeeping: adds the conn's fds to the array; returns how many it added. */
int conn_poll_fds(struct conn *c, struct pollfd *fds, int max);
/* Handles readiness of the fds conn_poll_fds added; returns 0 to keep the conn, -1 to free it. */
int conn_handle(struct conn *c, const struct pollfd *fds, int n, int64_t now);
/* The child of this conn was reaped. */
int conn_owns(const struct conn *c, pid_t pid);
void conn_reaped(struct conn *c, int status, int64_t now);
/* The earliest deadline this conn waits for (drain after exit), or -1. */
int64_t conn_deadline(const struct conn *c);

int cmd_serve(int argc, char **argv);

#endif
