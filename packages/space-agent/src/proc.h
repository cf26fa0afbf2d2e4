/* What /proc tells about processes: the stat line and the tree under a subreaper. */
#ifndef AGENT_PROC_H
#define AGENT_PROC_H

#include <sys/types.h>

struct pstat {
    char state;
    long long ppid, pgrp;
    unsigned long long start; /* field 22, clock ticks since boot */
};

int proc_stat(pid_t pid, struct pstat *out);
/* Sends sig to every process whose parent chain leads to root; returns how many were found. */
int proc_signal_descendants(pid_t root, int sig);

#endif
