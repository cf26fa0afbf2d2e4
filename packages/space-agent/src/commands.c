/* task-status and task-cancel: reading status.json and signalling the supervisor. */
#include "commands.h"
#include "common.h"
#include "json.h"
#include "status.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROOT_MAX_TASKS 2000
#define ID_MAX 64

const char *path_id(const char *dir, char *buf, size_t len)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    size_t b = n;
    while (b > 0 && dir[b - 1] != '/') b--;
    size_t k = n - b < len - 1 ? n - b : len - 1;
    memcpy(buf, dir + b, k);
    buf[k] = 0;
    return buf;
}

static void print_line(struct jbuf *j)
{
    jb_raw(j, "\n");
    if (write_all(1, j->p, j->len) < 0) _exit(0);
}

static int one_dir(int dirfd, const char *id)
{
    static char mem[4096];
    struct jbuf j;
    jb_init(&j, mem, sizeof mem);
    status_line(dirfd, id, &j, NULL);
    print_line(&j);
    return 0;
}

static int valid_id(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return n >= 1 && n <= ID_MAX;
}

struct listing {
    int rootfd;
    size_t n;
    char names[ROOT_MAX_TASKS][ID_MAX + 1];
};

static int add_task(void *ctx, const char *name, unsigned char type)
{
    struct listing *l = ctx;
    struct stat st;
    if (!valid_id(name) || (type != DT_DIR && type != DT_UNKNOWN)) return 0;
    if (fstatat(l->rootfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)) return 0;
    int dfd = openat(l->rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) return 0;
    int has = fstatat(dfd, STATUS_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0;
    close(dfd);
    if (!has) return 0;
    strcpy(l->names[l->n++], name);
    return l->n == ROOT_MAX_TASKS;
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

static int all_in_root(const char *root)
{
    static struct listing l;
    l.n = 0;
    l.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (l.rootfd < 0) {
        if (errno == ENOENT) return 0;
        fprintf(stderr, "clawdspace-agent: %s: %s\n", root, strerror(errno));
        return 1;
    }
    dir_each(l.rootfd, add_task, &l);
    qsort(l.names, l.n, sizeof l.names[0], by_name);
    for (size_t i = 0; i < l.n; i++) {
        int dfd = openat(l.rootfd, l.names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd < 0) continue; /* removed since the listing */
        one_dir(dfd, l.names[i]);
        close(dfd);
    }
    close(l.rootfd);
    return 0;
}

static int usage(const char *msg, const char *synopsis)
{
    fprintf(stderr, "clawdspace-agent: %s\nusage: clawdspace-agent %s\n", msg, synopsis);
    return EXIT_USAGE;
}

int cmd_task_status(int argc, char **argv)
{
    static const char syn[] = "task-status (--dir DIR | --root ROOT)";
    if (argc != 2) return usage("one of --dir or --root is required", syn);
    if (strcmp(argv[0], "--root") == 0) return all_in_root(argv[1]);
    if (strcmp(argv[0], "--dir") != 0) return usage("unknown option", syn);
    char id[256];
    path_id(argv[1], id, sizeof id);
    int dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        char msg[1200], mem[1400];
        struct jbuf j;
        snprintf(msg, sizeof msg, "%.1024s: %s", argv[1], strerror(errno));
        jb_init(&j, mem, sizeof mem);
        status_error(&j, id, msg);
        print_line(&j);
        return 0;
    }
    one_dir(dfd, id);
    close(dfd);
    return 0;
}

int cmd_task_cancel(int argc, char **argv)
{
    static const char syn[] = "task-cancel --dir DIR [--wait-ms N]";
    const char *dir = NULL;
    uint64_t wait_ms = 0;
    int waiting = 0;
    for (int i = 0; i < argc; i += 2) {
        if (i + 1 >= argc) return usage("an option is missing its value", syn);
        if (strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
        else if (strcmp(argv[i], "--wait-ms") == 0 && parse_u64(argv[i + 1], MAX_SAFE_INT, &wait_ms) == 0) waiting = 1;
        else return usage("unknown option or bad number", syn);
    }
    if (!dir) return usage("--dir is required", syn);
    char msg[1200];
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(msg, sizeof msg, "%.1024s: %s", dir, strerror(errno));
        print_failure("dir", msg);
        return 1;
    }
    struct tstatus st;
    const char *why;
    if (status_read(dfd, &st, &why) < 0) {
        print_failure("status", why);
        return 1;
    }
    int signalled = status_alive(&st) && kill((pid_t)st.supervisor_pid, SIGTERM) == 0;
    if (waiting) {
        int64_t deadline = mono_ms() + (int64_t)wait_ms;
        /* A dead supervisor will never write "exited": stop waiting for it. */
        while (st.state != ST_EXITED && mono_ms() < deadline) {
            sleep_ms(20);
            if (status_read(dfd, &st, &why) < 0 || !status_alive(&st)) {
                status_read(dfd, &st, &why);
                break;
            }
        }
    }
    char mem[128];
    struct jbuf j;
    jb_init(&j, mem, sizeof mem);
    jb_begin(&j);
    jb_kbool(&j, "ok", 1);
    jb_kbool(&j, "signalled", signalled);
    if (waiting) jb_kstr(&j, "state", st.state == ST_EXITED ? "exited" : "running");
    jb_end(&j);
    print_line(&j);
    close(dfd);
    return 0;
}
