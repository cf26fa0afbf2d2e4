/* What conn.c and connstart.c share about one connection (not for anyone else). */
#ifndef AGENT_CONNPRIV_H
#define AGENT_CONNPRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "serve.h"

/* LINGER: the last frame is out and our side shut; what the client still sends (stdin the process never
 * read) is read and dropped for DRAIN_MS, so its writes cannot fail before it has read that last frame. */
enum { WAIT_SPAWN, RUNNING, CLOSING, LINGER };

struct conn {
    int sock, in, out, err, state;
    pid_t pid;
    int reaped, status, exit_queued, next_stream;
    int64_t drain_until, linger_until;
    unsigned char hdr[FRAME_HDR];
    size_t hdr_got;
    unsigned char *rbuf; /* the payload being read */
    uint32_t rlen, rgot;
    unsigned char *inbuf; /* stdin bytes not yet taken by the pipe */
    size_t inlen, inoff;
    int in_eof;
    int direct; /* the process reads the socket itself: the agent only writes to it */
    unsigned char *wbuf; /* the one frame being written */
    size_t wlen, woff;
};

void put_u32(unsigned char *p, uint32_t v);
void queue(struct conn *c, char type, const void *payload, size_t len);
void close_fd(int *fd);
/* A refusal ends the connection once written. */
void refuse(struct conn *c, char type, const char *msg);
/* The spawn request in rbuf: the process started (P queued) or the refusal queued. */
void conn_start(struct conn *c);

#endif
