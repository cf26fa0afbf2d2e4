#include "common.h"
#include "json.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Digits only: no sign, no spaces, no hex, so "-1" or "1e3" are usage errors rather than surprises. */
int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int mkdir_p(const char *path, mode_t last_mode)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    while (len > 1 && buf[len - 1] == '/') buf[--len] = 0;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(buf, last_mode) < 0) {
        struct stat st;
        if (errno != EEXIST) return -1;
        if (stat(buf, &st) < 0) return -1;
        if (!S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            return -1;
        }
    }
    return 0;
}

/*
 * The file may be planted by code in the space: no symlinks, no FIFOs (O_NONBLOCK keeps open() from
 * hanging on one), regular files only, and never more than max bytes read.
 */
ssize_t read_small_file(int dirfd, const char *name, char *buf, size_t max, const char **why)
{
    static char reason[160];
    struct stat st;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ELOOP) snprintf(reason, sizeof reason, "%s: is a symlink", name);
        else snprintf(reason, sizeof reason, "%s: %s", name, strerror(errno));
        *why = reason;
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(reason, sizeof reason, "%s: not a regular file", name);
        *why = reason;
        return -1;
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        snprintf(reason, sizeof reason, "%s: larger than %zu bytes", name, max);
        *why = reason;
        return -1;
    }
    size_t got = 0;
    while (got < max) {
        ssize_t n = read(fd, buf + got, max - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    /* The file may grow after fstat: one more byte tells us it is over the bound. */
    char extra;
    if (got == max && read(fd, &extra, 1) == 1) {
        close(fd);
        snprintf(reason, sizeof reason, "%s: larger than %zu bytes", name, max);
        *why = reason;
        return -1;
    }
    close(fd);
    return (ssize_t)got;
}

int dir_each(int dirfd, dir_fn fn, void *ctx)
{
    /* A fresh descriptor: the caller's offset is shared with its own reads, and opendir would malloc. */
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buf[4096] __attribute__((aligned(8)));
    for (;;) {
        ssize_t n = getdents64(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (ssize_t off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            off += d->d_reclen;
            if (fn(ctx, d->d_name, d->d_type)) {
                close(fd);
                return 0;
            }
        }
    }
    close(fd);
    return 0;
}

void jb_failure(struct jbuf *j, const char *code, const char *error)
{
    jb_begin(j);
    jb_kbool(j, "ok", 0);
    jb_kstr(j, "code", code);
    jb_kstr(j, "error", error);
    jb_end(j);
}

void print_failure(const char *code, const char *error)
{
    char mem[2048];
    struct jbuf j;
    jb_init(&j, mem, sizeof mem);
    jb_failure(&j, code, error);
    jb_raw(&j, "\n");
    write_all(1, j.p, j.len);
    fprintf(stderr, "clawdspace-agent: %s\n", error);
}
