#include "segments.h"
#include "common.h"
#include "logstore.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct scan {
    uint64_t at;
    struct seginfo *o;
};

static int visit(void *ctx, const char *name, unsigned char type)
{
    struct scan *s = ctx;
    uint64_t v;
    (void)type;
    if (seg_parse(name, &v) < 0) return 0;
    if (s->o->first == NO_SEG || v < s->o->first) s->o->first = v;
    if (s->o->last == NO_SEG || v > s->o->last) s->o->last = v;
    if (v <= s->at && (s->o->floor == NO_SEG || v > s->o->floor)) s->o->floor = v;
    if (v > s->at && v < s->o->after) s->o->after = v;
    return 0;
}

void seg_scan(int dirfd, uint64_t at, struct seginfo *out)
{
    struct scan s = { at, out };
    out->first = out->last = out->floor = out->after = NO_SEG;
    dir_each(dirfd, visit, &s);
}

/* One window over the current file, large enough for a whole record, so skipping records costs few reads. */
static unsigned char win[5 + MAX_PAYLOAD];
static int win_fd = -1;
static off_t win_off;
static size_t win_len;

static const unsigned char *window(int fd, off_t off, size_t n)
{
    if (fd == win_fd && off >= win_off && (size_t)(off - win_off) + n <= win_len) return win + (off - win_off);
    win_fd = fd;
    win_off = off;
    win_len = 0;
    while (win_len < sizeof win) {
        ssize_t r = pread(fd, win + win_len, sizeof win - win_len, off + (off_t)win_len);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        win_len += (size_t)r;
    }
    return n <= win_len ? win : NULL;
}

int cur_open(struct cursor *c, int dirfd, uint64_t start)
{
    char name[SEG_NAME_LEN + 1];
    struct stat st;
    seg_name(name, start);
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    c->fd = fd;
    c->start = c->lpos = start;
    c->foff = 0;
    return 0;
}

void cur_close(struct cursor *c)
{
    if (c->fd >= 0) close(c->fd);
    if (win_fd == c->fd) win_fd = -1;
    c->fd = -1;
}

int cur_next(struct cursor *c, char *tag, const unsigned char **payload, uint32_t *len)
{
    const unsigned char *h = window(c->fd, c->foff, 5);
    if (!h) {
        win_fd = -1; /* what we saw may be a record half written: read it afresh next time */
        return 0;
    }
    uint32_t n = (uint32_t)h[1] << 24 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 8 | h[4];
    if ((h[0] != 'o' && h[0] != 'e') || n > MAX_PAYLOAD || n == 0) return -1;
    *tag = (char)h[0];
    const unsigned char *r = window(c->fd, c->foff, 5 + (size_t)n);
    if (!r) {
        win_fd = -1;
        return 0;
    }
    *payload = r + 5;
    *len = n;
    c->foff += 5 + (off_t)n;
    c->lpos += n;
    return 1;
}

uint64_t seg_end(int dirfd, uint64_t start)
{
    struct cursor c;
    char tag;
    const unsigned char *p;
    uint32_t n;
    if (cur_open(&c, dirfd, start) < 0) return start;
    while (cur_next(&c, &tag, &p, &n) == 1) {}
    uint64_t end = c.lpos;
    cur_close(&c);
    return end;
}
