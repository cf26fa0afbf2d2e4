/* The reading side of the log: segment discovery and a record cursor over one segment file. */
#ifndef AGENT_SEGMENTS_H
#define AGENT_SEGMENTS_H

#include <stdint.h>
#include <sys/types.h>

#define NO_SEG UINT64_MAX

struct seginfo {
    uint64_t first, last; /* smallest and largest start present */
    uint64_t floor;       /* largest start <= at */
    uint64_t after;       /* smallest start > at */
};

void seg_scan(int dirfd, uint64_t at, struct seginfo *out);

struct cursor {
    int fd;
    uint64_t start; /* logical offset of the segment's first payload byte */
    uint64_t lpos;  /* logical offset of the next record */
    off_t foff;     /* file offset of the next record */
};

int cur_open(struct cursor *c, int dirfd, uint64_t start);
void cur_close(struct cursor *c);
/* 1: a record (payload valid until the next call), 0: none complete yet, -1: broken framing. */
int cur_next(struct cursor *c, char *tag, const unsigned char **payload, uint32_t *len);
/* Logical end of the complete records in the segment starting at start (start itself if unreadable). */
uint64_t seg_end(int dirfd, uint64_t start);

#endif
