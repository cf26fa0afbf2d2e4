#include "logstore.h"
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void seg_name(char *out, uint64_t start) { snprintf(out, SEG_NAME_LEN + 1, "log-%016llu.bin", (unsigned long long)start); }

int seg_parse(const char *name, uint64_t *start)
{
    char digits[17];
    if (strlen(name) != SEG_NAME_LEN || strncmp(name, "log-", 4) != 0 || strcmp(name + 20, ".bin") != 0) return -1;
    memcpy(digits, name + 4, 16);
    digits[16] = 0;
    return parse_u64(digits, UINT64_MAX, start);
}

static int open_segment(struct logstore *ls, uint64_t start)
{
    char name[SEG_NAME_LEN + 1];
    seg_name(name, start);
    /* O_TRUNC: a file planted under that name would otherwise corrupt the framing. */
    int fd = openat(ls->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    if (ls->fd >= 0) close(ls->fd);
    ls->fd = fd;
    ls->seg_start = start;
    ls->seg_size = 0;
    return 0;
}

int ls_open(struct logstore *ls, int dirfd, uint64_t seg_bytes, uint64_t cap)
{
    memset(ls, 0, sizeof *ls);
    ls->dirfd = dirfd;
    ls->fd = -1;
    ls->seg_bytes = seg_bytes;
    ls->cap = cap;
    ls->next_start = UINT64_MAX;
    return open_segment(ls, 0);
}

struct oldest {
    uint64_t after, upto, best;
};

static int find_next(void *ctx, const char *name, unsigned char type)
{
    struct oldest *o = ctx;
    uint64_t start;
    (void)type;
    if (seg_parse(name, &start) == 0 && start > o->after && start <= o->upto && start < o->best) o->best = start;
    return 0;
}

/* Unlinks whole segments from the oldest while the retained payload is over the cap; never the current one. */
static void enforce_cap(struct logstore *ls)
{
    while (ls->next_start != UINT64_MAX && ls->log_end - ls->log_start > ls->cap) {
        char name[SEG_NAME_LEN + 1];
        seg_name(name, ls->log_start);
        unlinkat(ls->dirfd, name, 0);
        ls->log_start = ls->next_start;
        if (ls->log_start >= ls->seg_start) {
            ls->next_start = UINT64_MAX;
            continue;
        }
        /* Only the cap path needs to know the one after: a directory scan beats a table that grows with the log. */
        struct oldest o = { ls->log_start, ls->seg_start, UINT64_MAX };
        dir_each(ls->dirfd, find_next, &o);
        ls->next_start = o.best == UINT64_MAX ? ls->seg_start : o.best;
    }
}

void ls_append(struct logstore *ls, char tag, unsigned char *rec, size_t n)
{
    if (n == 0) return;
    if (ls->fd >= 0 && ls->seg_size >= ls->seg_bytes) {
        uint64_t old = ls->seg_start;
        if (open_segment(ls, ls->log_end) == 0 && ls->next_start == UINT64_MAX && old != ls->seg_start)
            ls->next_start = ls->seg_start;
    } else if (ls->fd < 0) {
        /* A segment that failed earlier: start afresh at the current logical offset. */
        if (open_segment(ls, ls->log_end) == 0 && ls->log_start != ls->seg_start && ls->next_start == UINT64_MAX)
            ls->next_start = ls->seg_start;
    }
    if (ls->fd < 0) {
        ls->dropped += n;
        return;
    }
    rec[0] = (unsigned char)tag;
    rec[1] = (unsigned char)(n >> 24);
    rec[2] = (unsigned char)(n >> 16);
    rec[3] = (unsigned char)(n >> 8);
    rec[4] = (unsigned char)n;
    ssize_t w;
    do w = write(ls->fd, rec, n + 5);
    while (w < 0 && errno == EINTR);
    if (w == (ssize_t)(n + 5)) {
        ls->seg_size += n + 5;
        ls->log_end += n;
        enforce_cap(ls);
        return;
    }
    /* ENOSPC and friends: drop the bytes, and cut a partial record off so the framing stays whole. */
    ls->dropped += n;
    if (w > 0 && ftruncate(ls->fd, (off_t)ls->seg_size) < 0) {
        close(ls->fd);
        ls->fd = -1;
    }
}

void ls_close(struct logstore *ls)
{
    if (ls->fd >= 0) close(ls->fd);
    ls->fd = -1;
}
