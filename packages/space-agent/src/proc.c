#include "proc.h"
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_stat(const char *buf, struct pstat *out)
{
    /* comm may hold spaces and ')': the fields start after the last ')'. */
    const char *p = strrchr(buf, ')');
    if (!p) return -1;
    p++;
    int field = 2;
    char *end;
    while (*p && field < 22) {
        while (*p == ' ') p++;
        field++;
        if (field == 3) out->state = *p;
        else if (field == 4) out->ppid = strtoll(p, &end, 10);
        else if (field == 5) out->pgrp = strtoll(p, &end, 10);
        else if (field == 22) {
            out->start = strtoull(p, &end, 10);
            return 0;
        }
        while (*p && *p != ' ') p++;
    }
    return -1;
}

static int read_stat_at(int procfd, const char *name, struct pstat *out)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "%s/stat", name);
    int fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n;
    do n = read(fd, buf, sizeof buf - 1);
    while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    return parse_stat(buf, out);
}

int proc_stat(pid_t pid, struct pstat *out)
{
    char name[24];
    snprintf(name, sizeof name, "/proc/%d", (int)pid);
    return read_stat_at(AT_FDCWD, name, out);
}

struct entry {
    pid_t pid, ppid;
    char verdict; /* 0 unknown, 1 under root, 2 not */
};

struct tree {
    int procfd;
    struct entry *e;
    size_t n, cap;
};

static int collect(void *ctx, const char *name, unsigned char type)
{
    struct tree *t = ctx;
    struct pstat ps;
    (void)type;
    if (name[0] < '1' || name[0] > '9') return 0;
    if (read_stat_at(t->procfd, name, &ps) < 0) return 0;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        struct entry *e = realloc(t->e, cap * sizeof *e);
        if (!e) return 1;
        t->e = e;
        t->cap = cap;
    }
    t->e[t->n++] = (struct entry){ (pid_t)atoi(name), (pid_t)ps.ppid, 0 };
    return 0;
}

static int by_pid(const void *a, const void *b)
{
    pid_t x = ((const struct entry *)a)->pid, y = ((const struct entry *)b)->pid;
    return (x > y) - (x < y);
}

static struct entry *find(struct tree *t, pid_t pid)
{
    struct entry key = { pid, 0, 0 };
    return bsearch(&key, t->e, t->n, sizeof key, by_pid);
}

/* Walks up the parent chain (memoised, bounded) to see whether it reaches root. */
static int under(struct tree *t, struct entry *e, pid_t root)
{
    struct entry *path[256];
    size_t depth = 0;
    char verdict = 2;
    while (e && depth < 256) {
        if (e->verdict) {
            verdict = e->verdict;
            break;
        }
        path[depth++] = e;
        if (e->ppid == root) {
            verdict = 1;
            break;
        }
        if (e->ppid <= 1) break;
        e = find(t, e->ppid);
    }
    for (size_t i = 0; i < depth; i++) path[i]->verdict = verdict;
    return verdict == 1;
}

int proc_signal_descendants(pid_t root, int sig)
{
    struct tree t = { -1, NULL, 0, 0 };
    int found = 0;
    t.procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (t.procfd < 0) return 0;
    dir_each(t.procfd, collect, &t);
    close(t.procfd);
    if (t.n) qsort(t.e, t.n, sizeof *t.e, by_pid);
    for (size_t i = 0; i < t.n; i++) {
        if (t.e[i].pid == root || !under(&t, &t.e[i], root)) continue;
        found++;
        kill(t.e[i].pid, sig);
    }
    free(t.e);
    return found;
}
