#include "json.h"

#include <stdio.h>
#include <string.h>

void jb_init(struct jbuf *j, char *mem, size_t cap)
{
    j->p = mem;
    j->len = 0;
    j->cap = cap;
    j->first = 1;
    j->overflow = 0;
    if (cap) mem[0] = 0;
}

static void put(struct jbuf *j, const char *s, size_t n)
{
    /* Keep a NUL after the text and report overflow instead of writing past the buffer. */
    if (j->overflow || j->len + n + 1 > j->cap) {
        j->overflow = 1;
        return;
    }
    memcpy(j->p + j->len, s, n);
    j->len += n;
    j->p[j->len] = 0;
}

void jb_raw(struct jbuf *j, const char *s) { put(j, s, strlen(s)); }

void jb_begin(struct jbuf *j)
{
    put(j, "{", 1);
    j->first = 1;
}

void jb_end(struct jbuf *j) { put(j, "}", 1); }

static void str(struct jbuf *j, const char *s)
{
    put(j, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        char esc[8];
        if (*c == '"' || *c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*c;
            put(j, esc, 2);
        } else if (*c < 0x20 || *c == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", *c);
            put(j, esc, 6);
        } else {
            put(j, (const char *)c, 1);
        }
    }
    put(j, "\"", 1);
}

static void key(struct jbuf *j, const char *k)
{
    if (!j->first) put(j, ",", 1);
    j->first = 0;
    str(j, k);
    put(j, ":", 1);
}

void jb_kint(struct jbuf *j, const char *k, long long v)
{
    char num[32];
    key(j, k);
    put(j, num, (size_t)snprintf(num, sizeof num, "%lld", v));
}

void jb_kstr(struct jbuf *j, const char *k, const char *v)
{
    key(j, k);
    if (v) str(j, v);
    else put(j, "null", 4);
}

void jb_knull(struct jbuf *j, const char *k) { jb_kstr(j, k, NULL); }

void jb_kbool(struct jbuf *j, const char *k, int v)
{
    key(j, k);
    if (v) put(j, "true", 4);
    else put(j, "false", 5);
}

/* ---- parser ---- */

struct in {
    const char *p, *end;
};

static void ws(struct in *in)
{
    while (in->p < in->end && (*in->p == ' ' || *in->p == '\t' || *in->p == '\n' || *in->p == '\r')) in->p++;
}

static int lit(struct in *in, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(in->end - in->p) < n || memcmp(in->p, word, n) != 0) return -1;
    in->p += n;
    return 0;
}

/* Reads a string; keeps at most cap-1 bytes in out, returns 1 if it fitted, 0 if cut, -1 if malformed. */
static int string(struct in *in, char *out, size_t cap)
{
    size_t n = 0;
    int fitted = 1;
    if (in->p >= in->end || *in->p != '"') return -1;
    in->p++;
    while (in->p < in->end) {
        unsigned char c = (unsigned char)*in->p++;
        if (c == '"') {
            if (out) out[n < cap ? n : cap - 1] = 0;
            return fitted;
        }
        if (c < 0x20) return -1;
        if (c == '\\') {
            if (in->p >= in->end) return -1;
            char e = *in->p++;
            if (e == 'u') {
                if (in->end - in->p < 4) return -1;
                for (int i = 0; i < 4; i++) {
                    char h = in->p[i];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) return -1;
                }
                in->p += 4;
                c = '?'; /* no known value needs one: anything escaped just fails to match */
            } else if (strchr("\"\\/bfnrt", e) && e) {
                c = (unsigned char)(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e);
            } else {
                return -1;
            }
        }
        if (out && n + 1 < cap) out[n++] = (char)c;
        else fitted = 0;
    }
    return -1;
}

static int number(struct in *in, struct jval *v)
{
    int neg = 0;
    unsigned long long acc = 0;
    const char *start;
    if (in->p < in->end && *in->p == '-') {
        neg = 1;
        in->p++;
    }
    start = in->p;
    while (in->p < in->end && *in->p >= '0' && *in->p <= '9') {
        unsigned d = (unsigned)(*in->p - '0');
        if (acc > (9223372036854775807ULL - d) / 10) return -1;
        acc = acc * 10 + d;
        in->p++;
    }
    if (in->p == start) return -1;
    v->type = J_INT;
    v->i = neg ? -(long long)acc : (long long)acc;
    if (in->p < in->end && (*in->p == '.' || *in->p == 'e' || *in->p == 'E')) {
        v->type = J_OTHER; /* a non-integer: skip its digits, the caller rejects the type */
        in->p++;
        while (in->p < in->end && strchr("0123456789+-eE", *in->p) && *in->p) in->p++;
    }
    return 0;
}

static int value(struct in *in, struct jval *v, int depth)
{
    ws(in);
    if (in->p >= in->end) return -1;
    v->type = J_OTHER;
    switch (*in->p) {
    case '"': {
        int r = string(in, v->s, sizeof v->s);
        if (r < 0) return -1;
        v->type = r ? J_STR : J_OTHER;
        return 0;
    }
    case 'n': v->type = J_NULL; return lit(in, "null");
    case 't': v->type = J_BOOL; v->i = 1; return lit(in, "true");
    case 'f': v->type = J_BOOL; v->i = 0; return lit(in, "false");
    case '{':
    case '[': {
        char close = *in->p == '{' ? '}' : ']';
        struct jval inner;
        if (depth >= 16) return -1;
        in->p++;
        ws(in);
        if (in->p < in->end && *in->p == close) {
            in->p++;
            v->type = J_OTHER;
            return 0;
        }
        for (;;) {
            if (close == '}') {
                ws(in);
                if (string(in, NULL, 0) < 0) return -1;
                ws(in);
                if (lit(in, ":") < 0) return -1;
            }
            if (value(in, &inner, depth + 1) < 0) return -1;
            ws(in);
            if (in->p < in->end && *in->p == ',') { in->p++; continue; }
            if (in->p < in->end && *in->p == close) { in->p++; break; }
            return -1;
        }
        v->type = J_OTHER;
        return 0;
    }
    default:
        return number(in, v);
    }
}

int json_parse_flat(const char *buf, size_t len, jfield_fn fn, void *ctx, const char **why)
{
    struct in in = { buf, buf + len };
    char k[JSTR_MAX];
    struct jval v;
    *why = "not a JSON object";
    ws(&in);
    if (lit(&in, "{") < 0) return -1;
    ws(&in);
    if (in.p < in.end && *in.p == '}') {
        in.p++;
    } else {
        for (;;) {
            ws(&in);
            if (string(&in, k, sizeof k) < 0) return -1;
            ws(&in);
            if (lit(&in, ":") < 0) return -1;
            if (value(&in, &v, 1) < 0) return -1;
            if (fn(ctx, k, &v) < 0) {
                *why = "a field has the wrong type";
                return -1;
            }
            ws(&in);
            if (in.p < in.end && *in.p == ',') { in.p++; continue; }
            if (lit(&in, "}") < 0) return -1;
            break;
        }
    }
    ws(&in);
    if (in.p != in.end) {
        *why = "trailing bytes after the object";
        return -1;
    }
    return 0;
}
