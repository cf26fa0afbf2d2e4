/* `files tar-in`: unpacks a tar from stdin into a folder. Every entry's path is walked from the root
 * like any other (links followed only inside it, parents made); the entry itself is never followed. */
#include "files.h"
#include "common.h"
#include "tarformat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_META (1024 * 1024)

struct pending {
    char name[TAR_MAX_NAME + 1], link[TAR_MAX_NAME + 1];
    int has_name, has_link, has_size;
    uint64_t size;
};

static int errors;

/* 1 for a whole block, 0 at a clean end, -1 for a cut one. */
static int read_block(void *b)
{
    size_t got = 0;
    while (got < TAR_BLOCK) {
        ssize_t n = read(0, (char *)b + got, TAR_BLOCK - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return got == 0 && n == 0 ? 0 : -1;
        got += (size_t)n;
    }
    return 1;
}

static int skip(uint64_t n)
{
    uint64_t got;
    return copy_n(0, -1, n, &got);
}

static uint64_t num(const char *f, size_t w)
{
    const unsigned char *u = (const unsigned char *)f;
    uint64_t v = 0;
    if (u[0] & 0x80) { /* base-256, for sizes over ustar's 8 GiB */
        for (size_t i = 1; i < w; i++) v = (v << 8) | u[i];
        return v;
    }
    for (size_t i = 0; i < w && f[i]; i++)
        if (f[i] >= '0' && f[i] <= '7') v = v * 8 + (uint64_t)(f[i] - '0');
    return v;
}

static uint64_t padded(uint64_t n)
{
    return (n + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
}

/* A meta entry's payload (pax records, a GNU long name) into memory; NULL if over MAX_META. */
static char *read_meta(uint64_t size)
{
    if (size > MAX_META) return NULL;
    char *m = malloc((size_t)padded(size) + 1);
    if (m) {
        size_t at = 0, want = (size_t)padded(size);
        while (at < want) {
            ssize_t n = read(0, m + at, want - at);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return free(m), NULL;
            at += (size_t)n;
        }
        m[size] = '\0';
    }
    return m;
}

static void pax(struct pending *p, char *m, uint64_t size)
{
    char *end = m + size;
    while (m < end) {
        char *sp;
        unsigned long len = strtoul(m, &sp, 10);
        if (*sp != ' ' || len == 0 || len > (unsigned long)(end - m)) return;
        char *rec = sp + 1, *eq = memchr(rec, '=', (size_t)(m + len - rec));
        if (!eq || m[len - 1] != '\n') return;
        size_t vl = (size_t)(m + len - 1 - (eq + 1));
        char *dst = NULL;
        if ((size_t)(eq - rec) == 4 && memcmp(rec, "path", 4) == 0) dst = p->name, p->has_name = 1;
        else if ((size_t)(eq - rec) == 8 && memcmp(rec, "linkpath", 8) == 0) dst = p->link, p->has_link = 1;
        else if ((size_t)(eq - rec) == 4 && memcmp(rec, "size", 4) == 0) {
            char v[24];
            snprintf(v, sizeof v, "%.*s", (int)vl, eq + 1);
            p->size = strtoull(v, NULL, 10), p->has_size = 1;
        }
        if (dst && vl <= TAR_MAX_NAME) memcpy(dst, eq + 1, vl), dst[vl] = '\0';
        m += len;
    }
}

/* An entry name made safe to join under the folder: no absolute path, no component that climbs. */
static int clean_name(const char *n)
{
    if (n[0] == '/') return 0;
    for (const char *p = n; *p;) {
        const char *s = strchr(p, '/');
        size_t l = s ? (size_t)(s - p) : strlen(p);
        if (l == 2 && p[0] == '.' && p[1] == '.') return 0;
        p += l;
        while (*p == '/') p++;
    }
    return 1;
}

static void report(const char *name, const char *why)
{
    errors = 1;
    fprintf(stderr, "%s: %s\n", name, why);
}

/* Makes room for an entry: what is there goes, unless it is a folder (kept for a folder, an error otherwise). */
static int clear_for(struct fsloc *l, int dir)
{
    struct stat st;
    if (fstatat(l->dirfd, l->name, &st, AT_SYMLINK_NOFOLLOW) < 0) return 0;
    if (S_ISDIR(st.st_mode)) return dir ? 1 : (errno = EISDIR, -1);
    return unlinkat(l->dirfd, l->name, 0);
}

static void extract(const struct fsroot *r, const char *dir, const struct ustar *h, const char *name, const char *link, uint64_t size)
{
    char abs[2 * TAR_MAX_NAME + 2];
    snprintf(abs, sizeof abs, "%s/%s", dir, name);
    struct fsloc l;
    int rc = fs_resolve(r, abs, FS_MAKE_PARENTS, &l);
    char t = h->typeflag;
    int is_file = t == '0' || t == '\0' || t == '7';
    mode_t mode = (mode_t)num(h->mode, sizeof h->mode) & 0755;
    if (rc || l.is_root || strcmp(l.name, ".") == 0) {
        if (!rc) fs_loc_close(&l);
        else report(name, rc == FX_OUTSIDE ? "would land outside the workspace; skipped" : "cannot make its folder; skipped");
        if (is_file) skip(padded(size));
        return;
    }
    int c = clear_for(&l, t == '5');
    if (c < 0) {
        report(name, strerror(errno));
        if (is_file) skip(padded(size));
    } else if (is_file) {
        int fd = openat(l.dirfd, l.name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        uint64_t got;
        if (fd < 0) report(name, strerror(errno)), skip(padded(size));
        else {
            if (copy_n(0, fd, size, &got) < 0 || skip(padded(size) - size) < 0) report(name, "archive ended inside this file");
            fchmod(fd, mode);
            struct timespec ts[2] = { { 0, UTIME_OMIT }, { (time_t)num(h->mtime, sizeof h->mtime), 0 } };
            futimens(fd, ts);
            close(fd);
        }
    } else if (t == '5') {
        if (c == 0 && mkdirat(l.dirfd, l.name, mode | 0700) < 0) report(name, strerror(errno));
    } else if (t == '2') {
        if (symlinkat(link, l.dirfd, l.name) < 0) report(name, strerror(errno));
    } else if (t == '1') {
        char target[2 * TAR_MAX_NAME + 2];
        snprintf(target, sizeof target, "%s/%s", dir, link);
        struct fsloc tl;
        if (!clean_name(link) || fs_resolve(r, target, 0, &tl) != 0) report(name, "hard link target outside the folder; skipped");
        else {
            if (linkat(tl.dirfd, tl.name, l.dirfd, l.name, 0) < 0) report(name, strerror(errno));
            fs_loc_close(&tl);
        }
    }
    fs_loc_close(&l);
}

int files_tar_in(const struct fsroot *r, const char *dir)
{
    struct fsloc d;
    int rc = fs_resolve(r, dir, FS_FOLLOW_LAST | FS_MAKE_PARENTS, &d);
    if (rc) return fresolve_fail(rc, dir);
    struct stat st;
    if (mkdirat(d.dirfd, d.name, 0755) < 0 && errno != EEXIST) return fs_loc_close(&d), ffail(1, dir, strerror(errno));
    rc = fstatat(d.dirfd, d.name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode);
    fs_loc_close(&d);
    if (rc) return ffail(FX_NOT_DIR, dir, "not a folder");
    static struct pending p;
    memset(&p, 0, sizeof p);
    struct ustar h;
    for (;;) {
        int b = read_block(&h);
        if (b == 0) break;
        if (b < 0) return ffail(1, dir, "not a valid tar archive: cut inside a header");
        if (memcmp(&h, tar_zero_block, TAR_BLOCK) == 0) break;
        if (num(h.chksum, sizeof h.chksum) != tar_checksum(&h)) return ffail(1, dir, "not a valid tar archive: bad header checksum");
        char t = h.typeflag;
        uint64_t size = num(h.size, sizeof h.size);
        if (t != 'x' && t != 'g' && t != 'L' && t != 'K' && p.has_size) size = p.size;
        if (t == 'x' || t == 'g' || t == 'L' || t == 'K') {
            char *m = read_meta(size);
            if (!m) return ffail(1, dir, "not a valid tar archive: an oversized or cut extended header");
            if (t == 'x') pax(&p, m, size);
            else if (t != 'g' && size <= TAR_MAX_NAME) {
                char *dst = t == 'L' ? p.name : p.link;
                memcpy(dst, m, (size_t)size), dst[size] = '\0';
                *(t == 'L' ? &p.has_name : &p.has_link) = 1;
            }
            free(m);
            continue;
        }
        char name[2 * TAR_MAX_NAME + 2];
        if (p.has_name) snprintf(name, sizeof name, "%s", p.name);
        else if (h.prefix[0] && memcmp(h.magic, "ustar", 5) == 0) snprintf(name, sizeof name, "%.155s/%.100s", h.prefix, h.name);
        else snprintf(name, sizeof name, "%.100s", h.name);
        char link[TAR_MAX_NAME + 1];
        snprintf(link, sizeof link, "%.*s", p.has_link ? TAR_MAX_NAME : 100, p.has_link ? p.link : h.linkname);
        memset(&p, 0, sizeof p);
        int has_data = t == '0' || t == '\0' || t == '7';
        const char *n = name;
        while (n[0] == '.' && n[1] == '/') n += 2;
        size_t nl = strlen(n);
        while (nl > 0 && n[nl - 1] == '/') ((char *)n)[--nl] = '\0';
        if (!clean_name(n)) report(name, "absolute or climbing name; skipped");
        else if (nl == 0 || strcmp(n, ".") == 0) {} /* the folder itself: it exists */
        else if (has_data || t == '5' || t == '2' || t == '1') {
            extract(r, dir, &h, n, link, size);
            if (!has_data) skip(padded(size));
            continue;
        } else report(name, "not a file, folder or link; skipped");
        skip(padded(size));
    }
    /* take the rest (the end blocks, a writer's padding), so it never sees a broken pipe */
    uint64_t got;
    copy_n(0, -1, UINT64_MAX, &got);
    return errors ? 2 : 0;
}
