/* `files` remove, mkdir and move, and the command's entry. */
#include "files.h"
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Removes what is at dirfd/name, a folder with everything in it; links are removed, never followed. */
static int rm_tree(int dirfd, const char *name)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode)) return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    DIR *d = fdopendir(fd);
    if (!d) return close(fd), -1;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 && rm_tree(fd, de->d_name) < 0) rc = -1;
    closedir(d);
    if (rc == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT) rc = -1;
    return rc;
}

static int op_remove(const struct fsroot *r, const char *path, const char *recursive)
{
    struct fsloc l;
    int rc = fs_resolve(r, path, 0, &l);
    if (rc) return fresolve_fail(rc, path);
    if (l.is_root || strcmp(l.name, ".") == 0) return fs_loc_close(&l), fmsg(FX_CONFLICT, "the workspace itself cannot be deleted");
    struct stat st;
    if (fstatat(l.dirfd, l.name, &st, AT_SYMLINK_NOFOLLOW) < 0) rc = errno == ENOENT ? fresolve_fail(FX_MISSING, path) : ffail(1, path, strerror(errno));
    else if (!S_ISDIR(st.st_mode)) rc = unlinkat(l.dirfd, l.name, 0) < 0 ? ffail(1, path, strerror(errno)) : 0;
    else if (strcmp(recursive, "1") == 0) rc = rm_tree(l.dirfd, l.name) < 0 ? ffail(1, path, strerror(errno)) : 0;
    else if (unlinkat(l.dirfd, l.name, AT_REMOVEDIR) < 0)
        rc = errno == ENOTEMPTY || errno == EEXIST ? fmsg(FX_CONFLICT, "folder %s is not empty (use recursive=true)", path) : ffail(1, path, strerror(errno));
    fs_loc_close(&l);
    return rc;
}

static int op_mkdir(const struct fsroot *r, const char *path)
{
    struct fsloc l;
    int rc = fs_resolve(r, path, FS_FOLLOW_LAST | FS_MAKE_PARENTS, &l);
    if (rc) return fresolve_fail(rc, path);
    struct stat st;
    if (mkdirat(l.dirfd, l.name, 0755) < 0) {
        if (errno != EEXIST) rc = ffail(1, path, strerror(errno));
        else if (fstatat(l.dirfd, l.name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)) rc = fmsg(FX_CONFLICT, "%s exists and is not a folder", path);
    }
    fs_loc_close(&l);
    return rc;
}

static int op_move(const struct fsroot *r, const char *from, const char *to)
{
    struct fsloc a, b;
    int rc = fs_resolve(r, from, 0, &a);
    if (rc) return fresolve_fail(rc, from);
    struct stat sa, sb;
    if (a.is_root || strcmp(a.name, ".") == 0) return fs_loc_close(&a), fmsg(FX_CONFLICT, "the workspace itself cannot be renamed");
    if (fstatat(a.dirfd, a.name, &sa, AT_SYMLINK_NOFOLLOW) < 0) return fs_loc_close(&a), fresolve_fail(errno == ENOENT ? FX_MISSING : 1, from);
    if ((rc = fs_resolve(r, to, FS_MAKE_PARENTS, &b)) != 0) return fs_loc_close(&a), fresolve_fail(rc, to);
    if (b.is_root || strcmp(b.name, ".") == 0) rc = fmsg(FX_CONFLICT, "the workspace itself cannot be renamed");
    else if (fstatat(b.dirfd, b.name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode) && !S_ISDIR(sa.st_mode)) rc = fmsg(FX_CONFLICT, "%s is a folder", to);
    else if (renameat(a.dirfd, a.name, b.dirfd, b.name) < 0) {
        rc = fmsg(FX_CONFLICT, "could not rename %s to %s: %s", from, to, strerror(errno));
    }
    fs_loc_close(&a);
    fs_loc_close(&b);
    return rc;
}

static int usage(void)
{
    fprintf(stderr, "usage: clawdspace-agent files [--root DIR] (list PATH | read PATH MAX | write PATH SIZE MODE | remove PATH 0|1\n"
                    "       | mkdir PATH | move FROM TO | tar-out PATH | tar-in DIR)\n");
    return EXIT_USAGE;
}

int cmd_files(int argc, char **argv)
{
    const char *root = "/workspace";
    if (argc >= 2 && strcmp(argv[0], "--root") == 0) root = argv[1], argc -= 2, argv += 2;
    /* `files check`: what a server asks once, so an older binary without this command is never sent a body */
    if (argc == 1 && strcmp(argv[0], "check") == 0) return 0;
    if (argc < 2) return usage();
    const char *op = argv[0];
    int n = argc - 1;
    char **a = argv + 1;
    struct fsroot r;
    if (fs_root_open(&r, root) < 0) return ffail(1, root, strerror(errno));
    for (int i = 0; i < n; i++)
        if (a[i][0] == '\0') return usage();
    if (strcmp(op, "list") == 0 && n == 1) return op_list(&r, a[0]);
    if (strcmp(op, "read") == 0 && n == 2) return op_read(&r, a[0], a[1]);
    if (strcmp(op, "write") == 0 && n == 3) return op_write(&r, a[0], a[1], a[2]);
    if (strcmp(op, "remove") == 0 && n == 2) return op_remove(&r, a[0], a[1]);
    if (strcmp(op, "mkdir") == 0 && n == 1) return op_mkdir(&r, a[0]);
    if (strcmp(op, "move") == 0 && n == 2) return op_move(&r, a[0], a[1]);
    if (strcmp(op, "tar-out") == 0 && n == 1) return files_tar_out(&r, a[0]);
    if (strcmp(op, "tar-in") == 0 && n == 1) return files_tar_in(&r, a[0]);
    return usage();
}
