/* Paths confined to one root folder, walked a component at a time (docs/SPACE-AGENT.md, "files"). */
#ifndef AGENT_FSRESOLVE_H
#define AGENT_FSRESOLVE_H

#include <limits.h>
#include <stddef.h>

/* Exit codes of `files` (the server maps each to a typed error). */
#define FX_OUTSIDE 90
#define FX_MISSING 91
#define FX_NOT_DIR 92
#define FX_IS_DIR 93
#define FX_CONFLICT 94
#define FX_SHORT 95

#define FS_FOLLOW_LAST 1 /* a symlink as the last component is followed (inside the root only) */
#define FS_MAKE_PARENTS 2 /* missing folders on the way are made (0755) */

struct fsroot {
    int fd; /* O_PATH of the root folder */
    const char *path;
    size_t len;
};

/* Where a path ends: the folder holding its last component, and that component's name. */
struct fsloc {
    int dirfd; /* owned: close it */
    int is_root; /* the path is the root itself (name is ".") */
    char name[NAME_MAX + 1];
};

int fs_root_open(struct fsroot *r, const char *path);
/* 0, or FX_OUTSIDE / FX_MISSING / FX_NOT_DIR / 1 (errno set) when the path cannot be walked. */
int fs_resolve(const struct fsroot *r, const char *abs, int flags, struct fsloc *out);
void fs_loc_close(struct fsloc *l);

#endif
