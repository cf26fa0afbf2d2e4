/* The simple `files` operations; the tar ones are in tarout.c and tarin.c. */
#include "files.h"
#include "common.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned char buf[FILES_BUF];

int ffail(int code, const char *what, const char *reason)
{
    fprintf(stderr, "%s: %s\n", what, reason);
    return code;
}

int fmsg(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int fresolve_fail(int rc, const char *path)
{
    switch (rc) {
    case FX_OUTSIDE: return ffail(rc, path, "resolves outside the workspace");
    case FX_MISSING: return ffail(rc, path, "no such file or folder");
    case FX_NOT_DIR: return ffail(rc, path, "a part of the path is not a folder");
    default: return ffail(1, path, strerror(errno));
    }
}

int copy_n(int in, int out, uint64_t len, uint64_t *got)
{
    *got = 0;
    while (*got < len) {
        size_t want = len - *got < sizeof buf ? (size_t)(len - *got) : sizeof buf;
        ssize_t n = read(in, buf, want);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        if (out >= 0 && write_all(out, buf, (size_t)n) < 0) return -2;
        *got += (uint64_t)n;
    }
    return 0;
}

int open_regular(int dirfd, const char *name, struct stat *st)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return -1;
    if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
        int dir = S_ISDIR(st->st_mode);
        close(fd);
        errno = dir ? EISDIR : EINVAL;
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

static char type_letter(mode_t m)
{
    return S_ISREG(m) ? 'f' : S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : '?';
}

int op_list(const struct fsroot *r, const char *path)
{
    struct fsloc l;
    int rc = fs_resolve(r, path, FS_FOLLOW_LAST, &l);
    if (rc) return fresolve_fail(rc, path);
    int fd = openat(l.dirfd, l.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    fs_loc_close(&l);
    if (fd < 0) return e == ENOENT ? fresolve_fail(FX_MISSING, path) : e == ENOTDIR || e == ELOOP ? ffail(FX_NOT_DIR, path, "not a folder") : ffail(1, path, strerror(e));
    DIR *d = fdopendir(fd);
    if (!d) return close(fd), ffail(1, path, strerror(errno));
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        struct stat st;
        if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue; /* gone since readdir */
        char target[PATH_MAX] = "";
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = readlinkat(fd, de->d_name, target, sizeof target - 1);
            target[n > 0 ? n : 0] = '\0';
        }
        printf("%c\t%lld\t%lld.%09ld\t%o\t%s\t%s%c", type_letter(st.st_mode), (long long)st.st_size, (long long)st.st_mtim.tv_sec,
               st.st_mtim.tv_nsec, (unsigned)(st.st_mode & 07777), target, de->d_name, '\0');
    }
    closedir(d);
    return fflush(stdout) == 0 ? 0 : 1;
}

int op_read(const struct fsroot *r, const char *path, const char *max)
{
    uint64_t limit = UINT64_MAX;
    if (strcmp(max, "-") != 0 && parse_u64(max, UINT64_MAX, &limit) < 0) return ffail(EXIT_USAGE, max, "not a byte count");
    struct fsloc l;
    int rc = fs_resolve(r, path, FS_FOLLOW_LAST, &l);
    if (rc) return fresolve_fail(rc, path);
    struct stat st;
    int fd = open_regular(l.dirfd, l.name, &st);
    int e = errno;
    fs_loc_close(&l);
    if (fd < 0) {
        if (e == EISDIR) return ffail(FX_IS_DIR, path, "is a folder");
        if (e == EINVAL) return ffail(FX_CONFLICT, path, "not a regular file");
        if (e == ELOOP) return ffail(FX_OUTSIDE, path, "changed into a link while being opened");
        return fresolve_fail(e == ENOENT || e == EACCES ? FX_MISSING : 1, path);
    }
    char head[32];
    int hl = snprintf(head, sizeof head, "%lld\n", (long long)st.st_size);
    if (write_all(1, head, (size_t)hl) < 0) return close(fd), 1;
    uint64_t left = limit;
    while (left > 0) {
        ssize_t n = read(fd, buf, left < sizeof buf ? (size_t)left : sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return close(fd), ffail(1, path, strerror(errno));
        if (n == 0) break;
        if (write_all(1, buf, (size_t)n) < 0) return close(fd), 1;
        left -= (uint64_t)n;
    }
    close(fd);
    return 0;
}

int op_write(const struct fsroot *r, const char *path, const char *size_s, const char *mode_s)
{
    uint64_t size, mode = 0;
    if (parse_u64(size_s, UINT64_MAX, &size) < 0) return ffail(EXIT_USAGE, size_s, "not a byte count");
    if (strcmp(mode_s, "-") != 0) {
        char *end;
        mode = strtoul(mode_s, &end, 8);
        if (*end || !*mode_s || mode > 07777) return ffail(EXIT_USAGE, mode_s, "not an octal mode");
    }
    struct fsloc l;
    int rc = fs_resolve(r, path, FS_FOLLOW_LAST | FS_MAKE_PARENTS, &l);
    if (rc) return fresolve_fail(rc, path);
    struct stat st;
    int exists = fstatat(l.dirfd, l.name, &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (l.is_root || strcmp(l.name, ".") == 0 || (exists && S_ISDIR(st.st_mode))) return fs_loc_close(&l), ffail(FX_IS_DIR, path, "is a folder");
    mode_t m = strcmp(mode_s, "-") != 0 ? (mode_t)(mode & 0777) : exists && S_ISREG(st.st_mode) ? st.st_mode & 07777 : 0644;
    char tmp[64];
    snprintf(tmp, sizeof tmp, ".clawdspace-upload-%ld", (long)getpid());
    unlinkat(l.dirfd, tmp, 0);
    int fd = openat(l.dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return rc = ffail(1, path, strerror(errno)), fs_loc_close(&l), rc;
    uint64_t got = 0;
    int cr = copy_n(0, fd, size, &got);
    char extra;
    ssize_t more = cr == 0 ? read(0, &extra, 1) : 0;
    if (cr == -2) rc = ffail(1, path, strerror(errno));
    else if (cr < 0 || more > 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "received %s%llu of %llu bytes", more > 0 ? "more than " : "", (unsigned long long)got, (unsigned long long)size);
        rc = fmsg(FX_SHORT, "%s", msg);
    } else if (fchmod(fd, m) < 0 || close(fd) < 0) {
        fd = -1;
        rc = ffail(1, path, strerror(errno));
    } else {
        fd = -1;
        if (renameat(l.dirfd, tmp, l.dirfd, l.name) < 0) rc = errno == EISDIR || errno == ENOTEMPTY ? ffail(FX_IS_DIR, path, "is a folder") : ffail(1, path, strerror(errno));
    }
    if (fd >= 0) close(fd);
    if (rc) unlinkat(l.dirfd, tmp, 0);
    fs_loc_close(&l);
    return rc;
}
