/* Shared helpers of clawdspace-agent. _GNU_SOURCE comes from the Makefile. */
#ifndef AGENT_COMMON_H
#define AGENT_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EXIT_USAGE 2
#define MAX_PAYLOAD 65536
#define STATUS_MAX_BYTES 65536
#define STATUS_NAME "status.json"
/* JSON-safe integers: what a JavaScript reader can hold exactly. */
#define MAX_SAFE_INT 9007199254740991ULL

int64_t now_ms(void);
int64_t mono_ms(void);
void sleep_ms(int ms);
int write_all(int fd, const void *buf, size_t len);
int parse_u64(const char *s, uint64_t max, uint64_t *out);
int mkdir_p(const char *path, mode_t last_mode);
ssize_t read_small_file(int dirfd, const char *name, char *buf, size_t max, const char **why);
const char *sig_name(int sig, char *buf, size_t len);
int sig_from_name(const char *name);

/* Calls fn for every entry name of the directory open at dirfd (its offset untouched); uses no heap. */
typedef int (*dir_fn)(void *ctx, const char *name, unsigned char type);
int dir_each(int dirfd, dir_fn fn, void *ctx);

/* Prints {"ok":false,"code":...,"error":...} on stdout. */
void print_failure(const char *code, const char *error);
/* The {"ok":false,"code","error"} object every failure answer is. */
struct jbuf;
void jb_failure(struct jbuf *j, const char *code, const char *error);

#endif
