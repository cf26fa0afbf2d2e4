#ifndef AGENT_COMMANDS_H
#define AGENT_COMMANDS_H

#include <stddef.h>

int cmd_task_status(int argc, char **argv);
int cmd_task_cancel(int argc, char **argv);
int cmd_task_log(int argc, char **argv);
/* The task id of a directory path: its last component. */
const char *path_id(const char *dir, char *buf, size_t len);

#endif
