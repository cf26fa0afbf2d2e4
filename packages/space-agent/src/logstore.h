/* The supervisor's side of the log: records appended to segments named by logical offset, under a cap. */
#ifndef AGENT_LOGSTORE_H
#define AGENT_LOGSTORE_H

#include <stddef.h>
#include <stdint.h>

struct logstore {
    int dirfd, fd;
    uint64_t seg_bytes, cap;
    uint64_t seg_start, seg_size; /* the segment being written */
    uint64_t log_start, log_end;  /* retained payload range */
    uint64_t next_start;          /* the second-oldest segment, UINT64_MAX if the current is the only one */
    uint64_t dropped;
};

/* Opens the first segment; returns -1 (errno) if it cannot be created. */
int ls_open(struct logstore *ls, int dirfd, uint64_t seg_bytes, uint64_t cap);
/* Appends one record; rec holds 5 free bytes, then n payload bytes (n <= MAX_PAYLOAD). */
void ls_append(struct logstore *ls, char tag, unsigned char *rec, size_t n);
void ls_close(struct logstore *ls);

/* Shared with the reader: "log-%016llu.bin" and its parse. */
#define SEG_NAME_LEN 24
void seg_name(char *out, uint64_t start);
int seg_parse(const char *name, uint64_t *start);

#endif
