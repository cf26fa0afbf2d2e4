/* task-log: the log as records from a logical offset, optionally following the running task. */
#include "commands.h"
#include "common.h"
#include "json.h"
#include "segments.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FOLLOW_POLL_MS 25

struct reader {
    int dirfd;
    struct cursor c;
    uint64_t pos;    /* next logical byte to send */
    uint64_t budget; /* payload bytes still allowed */
};

static unsigned char out[5 + MAX_PAYLOAD];

/* A reader gone away (EPIPE) is the normal end of a follow: leave without a word. */
static void emit(char tag, const void *p, size_t n)
{
    out[0] = (unsigned char)tag;
    out[1] = (unsigned char)(n >> 24);
    out[2] = (unsigned char)(n >> 16);
    out[3] = (unsigned char)(n >> 8);
    out[4] = (unsigned char)n;
    memcpy(out + 5, p, n);
    if (write_all(1, out, n + 5) < 0) _exit(0);
}

static void emit_json(char tag, struct jbuf *j) { emit(tag, j->p, j->len); }

static void gap(struct reader *r, uint64_t to)
{
    char mem[96];
    struct jbuf j;
    jb_init(&j, mem, sizeof mem);
    jb_begin(&j);
    jb_kint(&j, "from", (long long)r->pos);
    jb_kint(&j, "to", (long long)to);
    jb_end(&j);
    emit_json('g', &j);
    r->pos = to;
}

/* Opens the segment holding r->pos (or the first after it, with a gap record). */
static int open_current(struct reader *r)
{
    for (int tries = 0; tries < 8; tries++) {
        struct seginfo si;
        seg_scan(r->dirfd, r->pos, &si);
        uint64_t start = si.floor != NO_SEG ? si.floor : si.after;
        if (start == NO_SEG) return -1;
        if (cur_open(&r->c, r->dirfd, start) < 0) continue; /* deleted under us by the cap: look again */
        if (start > r->pos) gap(r, start);
        return 0;
    }
    return -1;
}

/* Sends what is there now. 1: sent something, 0: nothing new, -2: the budget is spent. */
static int pump(struct reader *r)
{
    int sent = 0, rechecked = 0;
    if (r->c.fd < 0 && open_current(r) < 0) return 0;
    for (;;) {
        char tag;
        const unsigned char *p;
        uint32_t n;
        int rc = cur_next(&r->c, &tag, &p, &n);
        if (rc == 1) {
            rechecked = 0;
            uint64_t rec_start = r->c.lpos - n, end = r->c.lpos;
            if (end <= r->pos) continue;
            uint64_t skip = r->pos > rec_start ? r->pos - rec_start : 0, len = n - skip;
            if (len > r->budget) len = r->budget;
            emit(tag, p + skip, (size_t)len);
            r->pos += len;
            r->budget -= len;
            sent = 1;
            if (r->budget == 0) return -2;
            continue;
        }
        struct seginfo si;
        seg_scan(r->dirfd, r->c.start, &si);
        if (si.after == NO_SEG) return sent;
        /* A newer segment means this one is complete, but records may have landed since our last look. */
        if (!rechecked && rc == 0) {
            rechecked = 1;
            continue;
        }
        rechecked = 0;
        cur_close(&r->c);
        /* One that will not open (deleted meanwhile, or not a file) is skipped, not retried forever. */
        for (int tries = 0; tries < 64 && si.after != NO_SEG; tries++) {
            if (cur_open(&r->c, r->dirfd, si.after) == 0) break;
            seg_scan(r->dirfd, si.after, &si);
        }
        if (r->c.fd < 0) return sent;
        if (r->c.start > r->pos) gap(r, r->c.start);
    }
}

static int usage(const char *msg)
{
    fprintf(stderr, "clawdspace-agent: %s\nusage: clawdspace-agent task-log --dir DIR [--offset N] "
                    "[--max-bytes N] [--follow] [--wait-ms N]\n", msg);
    return EXIT_USAGE;
}

static void send_exit(int dirfd, const char *id)
{
    static char mem[4096];
    struct jbuf j;
    jb_init(&j, mem, sizeof mem);
    status_line(dirfd, id, &j, NULL);
    emit_json('x', &j);
}

int cmd_task_log(int argc, char **argv)
{
    const char *dir = NULL;
    uint64_t offset = 0, max_bytes = 1 << 20, wait_ms = 30000;
    int follow = 0, max_given = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        uint64_t *num = NULL;
        if (strcmp(a, "--follow") == 0) {
            follow = 1;
            continue;
        }
        if (i + 1 >= argc) return usage("an option is missing its value");
        const char *v = argv[++i];
        if (strcmp(a, "--dir") == 0) dir = v;
        else if (strcmp(a, "--offset") == 0) num = &offset;
        else if (strcmp(a, "--max-bytes") == 0) num = &max_bytes, max_given = 1;
        else if (strcmp(a, "--wait-ms") == 0) num = &wait_ms;
        else return usage("unknown option");
        if (num && parse_u64(v, MAX_SAFE_INT, num) < 0) return usage("bad number for an option");
    }
    if (!dir) return usage("--dir is required");
    char idbuf[256];
    const char *id = path_id(dir, idbuf, sizeof idbuf);
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        fprintf(stderr, "clawdspace-agent: %s: %s\n", dir, strerror(errno));
        return 1;
    }

    struct reader r = { dirfd, { -1, 0, 0, 0 }, 0, 0 };
    struct seginfo si;
    struct tstatus st;
    const char *why;
    uint64_t start, end;
    seg_scan(dirfd, 0, &si);
    if (si.first != NO_SEG) {
        start = si.first;
        end = seg_end(dirfd, si.last);
    } else if (status_read(dirfd, &st, &why) == 0) {
        start = (uint64_t)st.log_start;
        end = (uint64_t)st.log_end;
    } else {
        start = end = 0;
    }
    r.pos = offset > start ? offset : start;
    /* Following is bounded by wait-ms; max-bytes only bounds it when asked for. */
    r.budget = follow && !max_given ? UINT64_MAX : max_bytes;
    char mem[160];
    struct jbuf j;
    jb_init(&j, mem, sizeof mem);
    jb_begin(&j);
    jb_kint(&j, "logStart", (long long)start);
    jb_kint(&j, "logEnd", (long long)end);
    jb_kint(&j, "from", (long long)r.pos);
    jb_end(&j);
    emit_json('h', &j);
    if (r.budget == 0) return 0;

    int rc = pump(&r);
    if (!follow || rc == -2) return 0;
    int64_t deadline = mono_ms() + (int64_t)wait_ms;
    for (;;) {
        int ok = status_read(dirfd, &st, &why) == 0;
        /* Unreadable, exited, or a dead supervisor: nothing more will come, so finish with an x record. */
        if (!ok || st.state == ST_EXITED || !status_alive(&st)) {
            if (pump(&r) == -2) return 0;
            send_exit(dirfd, id);
            return 0;
        }
        if (mono_ms() >= deadline) return 0;
        if (rc == 0) sleep_ms(FOLLOW_POLL_MS);
        rc = pump(&r);
        if (rc == -2) return 0;
    }
}
