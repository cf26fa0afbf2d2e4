/* `files tar-out`: a folder's content (or one file) as a ustar stream with pax records where ustar
 * cannot say it. Walked with openat/O_NOFOLLOW from the resolved folder: links are archived, not followed. */
#include "files.h"
#include "common.h"
#include "tarformat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USTAR_MAX_SIZE 077777777777ULL

const char tar_zero_block[TAR_BLOCK];
static int failed;

unsigned tar_checksum(const struct ustar *h)
{
    const unsigned char *p = (const unsigned char *)h;
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof *h; i++) sum += (i >= 148 && i < 156) ? ' ' : p[i];
    return sum;
}

/* width-1 octal digits and a NUL; a value too large for them keeps its low digits (callers check first) */
static void octal(char *field, size_t width, unsigned long long v)
{
    field[width - 1] = '\0';
    for (size_t i = width - 1; i-- > 0; v >>= 3) field[i] = (char)('0' + (v & 7));
}

static int out(const void *p, size_t n)
{
    return write_all(1, p, n);
}

static int pad(uint64_t n)
{
    size_t r = (size_t)(n % TAR_BLOCK);
    return r ? out(tar_zero_block, TAR_BLOCK - r) : 0;
}

/* One "LEN key=value\n" record; LEN counts itself. */
static size_t pax_record(char *dst, size_t cap, const char *key, const char *val)
{
    size_t body = strlen(key) + strlen(val) + 3, len = body + 1;
    while (snprintf(NULL, 0, "%zu", len) + body != len) len++;
    return (size_t)snprintf(dst, cap, "%zu %s=%s\n", len, key, val) < cap ? len : 0;
}

static int header(const char *name, const char *link, const struct stat *st, char type, uint64_t size)
{
    struct ustar h;
    memset(&h, 0, sizeof h);
    size_t nl = strlen(name);
    char pax[3 * (TAR_MAX_NAME + 64)];
    size_t pl = 0;
    if (nl > 100) {
        /* ustar's prefix holds up to 155 bytes before a slash; beyond that, a pax path record */
        const char *cut = NULL;
        for (const char *s = strchr(name, '/'); s; s = strchr(s + 1, '/'))
            if ((size_t)(s - name) <= 155 && nl - (size_t)(s - name) - 1 <= 100 && s[1]) { cut = s; break; }
        if (cut) {
            memcpy(h.prefix, name, (size_t)(cut - name));
            memcpy(h.name, cut + 1, nl - (size_t)(cut - name) - 1);
        } else {
            pl += pax_record(pax + pl, sizeof pax - pl, "path", name);
            memcpy(h.name, name, 100);
        }
    } else memcpy(h.name, name, nl);
    if (link) {
        if (strlen(link) > 100) pl += pax_record(pax + pl, sizeof pax - pl, "linkpath", link);
        size_t ll = strlen(link);
        memcpy(h.linkname, link, ll < sizeof h.linkname ? ll : sizeof h.linkname);
    }
    if (size > USTAR_MAX_SIZE) {
        char v[24];
        snprintf(v, sizeof v, "%llu", (unsigned long long)size);
        pl += pax_record(pax + pl, sizeof pax - pl, "size", v);
    }
    if (pl) {
        struct ustar x;
        memset(&x, 0, sizeof x);
        snprintf(x.name, sizeof x.name, "./PaxHeaders/%.80s", strrchr(name, '/') ? strrchr(name, '/') + 1 : name);
        octal(x.mode, sizeof x.mode, 0644);
        octal(x.uid, sizeof x.uid, 0), octal(x.gid, sizeof x.gid, 0), octal(x.size, sizeof x.size, pl);
        octal(x.mtime, sizeof x.mtime, st->st_mtim.tv_sec > 0 ? (unsigned long long)st->st_mtim.tv_sec : 0);
        x.typeflag = 'x';
        memcpy(x.magic, "ustar", 6), memcpy(x.version, "00", 2);
        snprintf(x.chksum, sizeof x.chksum, "%06o", tar_checksum(&x)), x.chksum[7] = ' ';
        if (out(&x, sizeof x) < 0 || out(pax, pl) < 0 || pad(pl) < 0) return -1;
    }
    octal(h.mode, sizeof h.mode, st->st_mode & 07777);
    octal(h.uid, sizeof h.uid, st->st_uid & 07777777), octal(h.gid, sizeof h.gid, st->st_gid & 07777777);
    octal(h.size, sizeof h.size, size > USTAR_MAX_SIZE ? 0 : size);
    octal(h.mtime, sizeof h.mtime, st->st_mtim.tv_sec > 0 ? (unsigned long long)st->st_mtim.tv_sec : 0);
    h.typeflag = type;
    memcpy(h.magic, "ustar", 6), memcpy(h.version, "00", 2);
    snprintf(h.chksum, sizeof h.chksum, "%06o", tar_checksum(&h)), h.chksum[7] = ' ';
    return out(&h, sizeof h);
}

/* A regular file's entry: exactly the size its header says, zeros if it shrank, cut if it grew. */
static int file_entry(int dirfd, const char *entry, const char *name)
{
    struct stat st;
    int fd = open_regular(dirfd, entry, &st);
    if (fd < 0) return errno == EINVAL || errno == ENOENT ? 0 : (failed = 1, ffail(0, name, strerror(errno)), 0);
    uint64_t size = (uint64_t)st.st_size, got = 0;
    if (header(name, NULL, &st, '0', size) < 0) return close(fd), -1;
    int rc = copy_n(fd, 1, size, &got);
    close(fd);
    if (rc == -2) return -1;
    if (rc == -1) {
        /* a log still being written is normal: warn, keep the archive whole */
        ffail(0, name, "shrank while being read; padded with zeros to its first size");
        for (uint64_t left = size - got; left > 0;) {
            size_t n = left < TAR_BLOCK ? (size_t)left : TAR_BLOCK;
            if (out(tar_zero_block, n) < 0) return -1;
            left -= n;
        }
    }
    return pad(size);
}

static int walk(int dirfd, char *name, size_t len)
{
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) return fd >= 0 ? close(fd) : 0, failed = 1, ffail(0, name, strerror(errno)), 0;
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        size_t el = strlen(de->d_name);
        if (len + el + 2 >= TAR_MAX_NAME) { failed = 1, ffail(0, de->d_name, "path too long for the archive"); continue; }
        memcpy(name + len, de->d_name, el + 1);
        struct stat st;
        if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
        if (S_ISREG(st.st_mode)) rc = file_entry(fd, de->d_name, name);
        else if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlinkat(fd, de->d_name, target, sizeof target - 1);
            if (n < 0) continue;
            target[n] = '\0';
            rc = header(name, target, &st, '2', 0);
        } else if (S_ISDIR(st.st_mode)) {
            int sub = openat(fd, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) continue;
            name[len + el] = '/', name[len + el + 1] = '\0';
            rc = header(name, NULL, &st, '5', 0);
            if (rc == 0) rc = walk(sub, name, len + el + 1);
            close(sub);
        }
        name[len] = '\0';
    }
    closedir(d);
    return rc;
}

int files_tar_out(const struct fsroot *r, const char *path)
{
    struct fsloc l;
    int rc = fs_resolve(r, path, FS_FOLLOW_LAST, &l);
    if (rc) return fresolve_fail(rc, path);
    struct stat st;
    if (fstatat(l.dirfd, l.name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        rc = errno == ENOENT ? fresolve_fail(FX_MISSING, path) : ffail(1, path, strerror(errno));
        return fs_loc_close(&l), rc;
    }
    static char name[TAR_MAX_NAME];
    if (S_ISDIR(st.st_mode)) {
        int fd = openat(l.dirfd, l.name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return fs_loc_close(&l), ffail(1, path, strerror(errno));
        strcpy(name, "./");
        rc = header(name, NULL, &st, '5', 0) < 0 ? -1 : walk(fd, name, 2);
        close(fd);
    } else if (S_ISREG(st.st_mode)) {
        snprintf(name, sizeof name, "%s", l.name);
        rc = file_entry(l.dirfd, l.name, name);
    } else {
        fs_loc_close(&l);
        return ffail(FX_CONFLICT, path, "not a file or folder");
    }
    fs_loc_close(&l);
    if (rc < 0 || out(tar_zero_block, TAR_BLOCK) < 0 || out(tar_zero_block, TAR_BLOCK) < 0) return 1;
    return failed ? 2 : 0;
}
