/* clawdspace-agent files: the workspace's file operations (docs/SPACE-AGENT.md, "files"). */
#ifndef AGENT_FILES_H
#define AGENT_FILES_H

#include "fsresolve.h"

#include <stdint.h>
#include <sys/stat.h>

#define FILES_BUF (256 * 1024)

int cmd_files(int argc, char **argv);

/* Prints "files: WHAT: REASON" on stderr and returns code. */
int ffail(int code, const char *what, const char *reason);
/* A whole message on stderr (the server shows it as the error), then code. */
int fmsg(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ffail for a resolve result: the message each code deserves. */
int fresolve_fail(int rc, const char *path);
/* Copies exactly len bytes from in to out (out may be -1: discard); -1 on a read error or early end, -2 on a write error. */
int copy_n(int in, int out, uint64_t len, uint64_t *got);
/* Opens a regular file for reading without following a link or waiting on a FIFO; errno EINVAL for other types. */
int open_regular(int dirfd, const char *name, struct stat *st);

int op_list(const struct fsroot *r, const char *path);
int op_read(const struct fsroot *r, const char *path, const char *max);
int op_write(const struct fsroot *r, const char *path, const char *size, const char *mode);
int files_tar_out(const struct fsroot *r, const char *path);
int files_tar_in(const struct fsroot *r, const char *dir);

#endif
