/* clawdspace-agent: the in-space task supervisor. Commands are documented in docs/SPACE-AGENT.md. */
#include "commands.h"
#include "files.h"
#include "common.h"
#include "serve.h"
#include "taskrun.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef AGENT_VERSION
#define AGENT_VERSION "0.0.0"
#endif

static int usage(void)
{
    fprintf(stderr, "usage: clawdspace-agent (serve | task-run | task-status | task-cancel | task-log | files | --version) ...\n"
                    "  serve --socket PATH [--daemon]\n"
                    "  task-run --dir DIR [--cwd CWD] [--timeout-ms N] [--grace-ms N] [--segment-bytes N]\n"
                    "           [--log-cap-bytes N] -- ARGV...\n"
                    "  task-status (--dir DIR | --root ROOT)\n"
                    "  task-cancel --dir DIR [--wait-ms N]\n"
                    "  task-log --dir DIR [--offset N] [--max-bytes N] [--follow] [--wait-ms N]\n"
                    "  files [--root DIR] OP ARGS... (docs/SPACE-AGENT.md)\n");
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* With 0-2 closed, our own pipes and files would land there and be mistaken for stdio. */
    int fd;
    while ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0 && fd <= 2) fcntl(fd, F_SETFD, 0);
    if (fd > 2) close(fd);
    /* Write errors are checked everywhere; a vanished reader must not kill us mid-update. */
    signal(SIGPIPE, SIG_IGN);

    if (argc < 2) return usage();
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0) {
        printf("clawdspace-agent %s\n", AGENT_VERSION);
        return 0;
    }
    if (strcmp(cmd, "serve") == 0) return cmd_serve(argc - 2, argv + 2);
    if (strcmp(cmd, "task-run") == 0) return cmd_task_run(argc - 2, argv + 2);
    if (strcmp(cmd, "task-status") == 0) return cmd_task_status(argc - 2, argv + 2);
    if (strcmp(cmd, "task-cancel") == 0) return cmd_task_cancel(argc - 2, argv + 2);
    if (strcmp(cmd, "task-log") == 0) return cmd_task_log(argc - 2, argv + 2);
    if (strcmp(cmd, "files") == 0) return cmd_files(argc - 2, argv + 2);
    return usage();
}
