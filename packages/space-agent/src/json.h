/* A fixed-buffer JSON writer for flat objects, and a bounded parser for the flat objects we wrote. */
#ifndef AGENT_JSON_H
#define AGENT_JSON_H

#include <stddef.h>

struct jbuf {
    char *p;
    size_t len, cap;
    int first;
    int overflow;
};

void jb_init(struct jbuf *j, char *mem, size_t cap);
void jb_raw(struct jbuf *j, const char *s);
void jb_begin(struct jbuf *j);
void jb_end(struct jbuf *j);
void jb_kint(struct jbuf *j, const char *key, long long v);
void jb_kstr(struct jbuf *j, const char *key, const char *v); /* NULL writes null */
void jb_knull(struct jbuf *j, const char *key);
void jb_kbool(struct jbuf *j, const char *key, int v);

enum jtype { J_NULL, J_BOOL, J_INT, J_STR, J_OTHER };

#define JSTR_MAX 64
struct jval {
    enum jtype type;
    long long i;          /* J_INT, J_BOOL */
    char s[JSTR_MAX];     /* J_STR, only when it fitted; else type is J_OTHER */
};

/* Called once per top-level member; key is truncated to JSTR_MAX-1 bytes (so never matches a known one). */
typedef int (*jfield_fn)(void *ctx, const char *key, const struct jval *v);

/* 0 on success; -1 with a static reason. Nesting under the top level is skipped, bounded in depth. */
int json_parse_flat(const char *buf, size_t len, jfield_fn fn, void *ctx, const char **why);

#endif
