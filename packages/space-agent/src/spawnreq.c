/* A spawn request: parsed from an untrusted frame, then forked and executed in its own session. */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 65536
#define MAX_ENV 4096

extern char **environ;

static int get_u32(unsigned char **p, unsigned char *end, uint32_t *v)
{
    if (end - *p < 4) return -1;
    *v = ((uint32_t)(*p)[0] << 24) | ((uint32_t)(*p)[1] << 16) | ((uint32_t)(*p)[2] << 8) | (*p)[3];
    *p += 4;
    return 0;
}

/* A NUL-terminated string inside [p, end): its start, and p moved past the NUL. */
static const char *get_str(unsigned char **p, unsigned char *end)
{
    unsigned char *nul = memchr(*p, 0, (size_t)(end - *p));
    if (!nul) return NULL;
    const char *s = (const char *)*p;
    *p = nul + 1;
    return s;
}

static size_t key_len(const char *kv)
{
    const char *eq = strchr(kv, '=');
    return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* The agent's environment with each request variable replacing the one of the same name. */
static char **merge_env(char **req, uint32_t n)
{
    size_t base = 0;
    while (environ[base]) base++;
    char **out = calloc(base + n + 1, sizeof *out);
    if (!out) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < base; i++) {
        size_t kl = key_len(environ[i]);
        int replaced = 0;
        for (uint32_t j = 0; j < n && !replaced; j++)
            replaced = key_len(req[j]) == kl && strncmp(req[j], environ[i], kl) == 0;
        if (!replaced) out[k++] = environ[i];
    }
    for (uint32_t j = 0; j < n; j++) out[k++] = req[j];
    return out;
}

int spawn_parse(unsigned char *p, size_t len, struct spawn_req *r, const char **why)
{
    unsigned char *end = p + len;
    uint32_t hi, lo, argc, envc;
    memset(r, 0, sizeof *r);
    *why = "truncated spawn request";
    if (get_u32(&p, end, &hi) < 0 || get_u32(&p, end, &lo) < 0 || get_u32(&p, end, &r->flags) < 0) return -1;
    r->not_after_ms = ((uint64_t)hi << 32) | lo;
    if (!(r->cwd = get_str(&p, end))) return -1;
    if (get_u32(&p, end, &argc) < 0) return -1;
    /* Every string costs at least its NUL, so counts beyond the bytes left are lies. */
    if (argc == 0 || argc > MAX_ARGS || argc > (uint32_t)(end - p)) return *why = "bad argument count", -1;
    r->argv = calloc(argc + 1, sizeof *r->argv);
    if (!r->argv) return *why = "out of memory", -1;
    for (uint32_t i = 0; i < argc; i++)
        if (!(r->argv[i] = (char *)get_str(&p, end))) return spawn_free(r), -1;
    if (get_u32(&p, end, &envc) < 0) return spawn_free(r), -1;
    if (envc > MAX_ENV || envc > (uint32_t)(end - p)) return spawn_free(r), *why = "bad environment count", -1;
    char **env = calloc(envc + 1, sizeof *env);
    if (!env) return spawn_free(r), *why = "out of memory", -1;
    for (uint32_t i = 0; i < envc; i++) {
        if (!(env[i] = (char *)get_str(&p, end)) || !strchr(env[i], '=') || env[i][0] == '=') {
            free(env);
            return spawn_free(r), *why = "bad environment entry", -1;
        }
    }
    if (p != end) return free(env), spawn_free(r), *why = "trailing bytes in spawn request", -1;
    r->envp = merge_env(env, envc);
    free(env);
    if (!r->envp) return spawn_free(r), *why = "out of memory", -1;
    return 0;
}

void spawn_free(struct spawn_req *r)
{
    free(r->argv);
    free(r->envp);
    r->argv = r->envp = NULL;
}

static void child_fail(int fd, int stage) __attribute__((noreturn));
static void child_fail(int fd, int stage)
{
    int msg[2] = { stage, errno };
    if (write(fd, msg, sizeof msg) < 0) {}
    _exit(127);
}

pid_t spawn_child(const struct spawn_req *r, int in_fd, int out_fd, int err_fd, int *stage, int *err)
{
    int st[2];
    if (pipe2(st, O_CLOEXEC) < 0) return *stage = 0, *err = errno, -1;
    pid_t pid = fork();
    if (pid < 0) {
        *stage = 0, *err = errno;
        close(st[0]);
        close(st[1]);
        return -1;
    }
    if (pid == 0) {
        setsid(); /* its own session and process group: one kill(-pid) ends all it started */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
        if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) child_fail(st[1], 0);
        if (chdir(r->cwd) < 0) child_fail(st[1], 1);
        environ = r->envp; /* so execvp looks the program up on the request's PATH, as docker exec does */
        execvp(r->argv[0], r->argv);
        child_fail(st[1], 2);
    }
    close(st[1]);
    int msg[2];
    ssize_t n;
    while ((n = read(st[0], msg, sizeof msg)) < 0 && errno == EINTR) {}
    close(st[0]);
    if (n == (ssize_t)sizeof msg) {
        *stage = msg[0], *err = msg[1];
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        return -1;
    }
    return pid;
}
