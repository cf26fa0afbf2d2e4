/* The walk behind every `files` operation. Each step is relative to an open folder and refuses to
 * follow a link itself (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW): links are read and followed here, only while
 * they stay inside the root, so a folder swapped for a link between two steps fails the next open. */
#include "fsresolve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40
#define MAX_DEPTH 1024
#define MAX_SWAPS 8

int fs_root_open(struct fsroot *r, const char *path)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/') len--;
    r->path = path;
    r->len = len;
    r->fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return r->fd < 0 ? -1 : 0;
}

void fs_loc_close(struct fsloc *l)
{
    if (l->dirfd >= 0) close(l->dirfd);
    l->dirfd = -1;
}

/* The part of an absolute path below the root, or NULL when it is not under it. */
static const char *below_root(const struct fsroot *r, const char *abs)
{
    if (r->len == 1 && r->path[0] == '/') return abs[0] == '/' ? abs + 1 : NULL;
    if (strncmp(abs, r->path, r->len) != 0) return NULL;
    if (abs[r->len] != '/' && abs[r->len] != '\0') return NULL;
    return abs + r->len;
}

struct walk {
    int fds[MAX_DEPTH]; /* fds[0] is a dup of the root */
    int depth;
    char *rest; /* the components still to walk, heap */
};

static void walk_free(struct walk *w)
{
    for (int i = 0; i <= w->depth; i++) close(w->fds[i]);
    free(w->rest);
}

/* Replaces the component just taken with a link's target (then what followed it). */
static int follow_link(const struct fsroot *r, struct walk *w, const char *target, const char *after)
{
    const char *t = target;
    if (target[0] == '/') {
        t = below_root(r, target);
        if (!t) return FX_OUTSIDE;
        while (w->depth > 0) close(w->fds[w->depth--]);
    }
    size_t tl = strlen(t), al = strlen(after);
    char *next = malloc(tl + al + 2);
    if (!next) return 1;
    memcpy(next, t, tl);
    next[tl] = '/';
    memcpy(next + tl + 1, after, al + 1);
    free(w->rest);
    w->rest = next;
    return 0;
}

int fs_resolve(const struct fsroot *r, const char *abs, int flags, struct fsloc *out)
{
    out->dirfd = -1;
    out->is_root = 0;
    const char *sub = below_root(r, abs);
    if (!sub) return FX_OUTSIDE;
    struct walk w = { .depth = 0 };
    w.fds[0] = fcntl(r->fd, F_DUPFD_CLOEXEC, 3);
    if (w.fds[0] < 0 || !(w.rest = strdup(sub))) return 1;
    int links = 0, swaps = 0, rc = 0;
    for (;;) {
        char *p = w.rest;
        while (*p == '/') p++;
        char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        const char *after = slash ? slash + 1 : "";
        while (*after == '/') after++;
        int last = *after == '\0';
        if (n == 0) { /* nothing left: the path is the folder we stand in */
            out->is_root = w.depth == 0;
            strcpy(out->name, ".");
            break;
        }
        if (n > NAME_MAX) { errno = ENAMETOOLONG; rc = 1; goto done; }
        char comp[NAME_MAX + 1];
        memcpy(comp, p, n);
        comp[n] = '\0';
        if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
            if (comp[1] == '.') {
                if (w.depth == 0) { rc = FX_OUTSIDE; goto done; }
                close(w.fds[w.depth--]);
            }
            memmove(w.rest, after, strlen(after) + 1);
            continue;
        }
        int top = w.fds[w.depth];
        struct stat st;
        if (fstatat(top, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno != ENOENT) { rc = errno == ENOTDIR ? FX_NOT_DIR : 1; goto done; }
            if (last) goto found;
            if (!(flags & FS_MAKE_PARENTS)) { rc = FX_MISSING; goto done; }
            if (mkdirat(top, comp, 0755) < 0 && errno != EEXIST) { rc = 1; goto done; }
            if (++swaps > MAX_SWAPS) { errno = EAGAIN; rc = 1; goto done; }
            continue; /* look again: what is there now is checked like anything else */
        }
        if (S_ISLNK(st.st_mode) && (!last || (flags & FS_FOLLOW_LAST))) {
            if (++links > MAX_LINKS) { errno = ELOOP; rc = FX_OUTSIDE; goto done; }
            char target[PATH_MAX];
            ssize_t tl = readlinkat(top, comp, target, sizeof target - 1);
            if (tl < 0) {
                /* swapped since the stat: look again, a few times */
                if ((errno == EINVAL || errno == ENOENT) && ++swaps <= MAX_SWAPS) continue;
                rc = 1;
                goto done;
            }
            target[tl] = '\0';
            if ((rc = follow_link(r, &w, target, after)) != 0) goto done;
            continue;
        }
        if (last) goto found;
        if (!S_ISDIR(st.st_mode)) { rc = FX_NOT_DIR; goto done; }
        if (w.depth + 1 >= MAX_DEPTH) { errno = ENAMETOOLONG; rc = 1; goto done; }
        int fd = openat(top, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            /* a link or a file swapped in since the stat: walk this component again */
            if ((errno == ELOOP || errno == ENOTDIR || errno == ENOENT) && ++swaps <= MAX_SWAPS) continue;
            rc = errno == ELOOP ? FX_OUTSIDE : errno == ENOTDIR ? FX_NOT_DIR : 1;
            goto done;
        }
        w.fds[++w.depth] = fd;
        memmove(w.rest, after, strlen(after) + 1);
        continue;
    found:
        strcpy(out->name, comp);
        break;
    }
    out->dirfd = w.fds[w.depth];
    w.depth--; /* the caller owns the last folder now */
done:
    walk_free(&w);
    return rc;
}
