/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What /proc says about a running process, for adopting it
 * (gatekeeper/adopt.c): its threads, its tracers, its executable mappings,
 * the BPF objects it holds. Every function takes the /proc root, so the
 * host's unit tests can give them a tree of their own.
 */
#ifndef WATCHBPF_ADOPT_PROCFS_H
#define WATCHBPF_ADOPT_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One line of /proc/PID/maps. */
struct proc_map {
	unsigned long start, end;
	bool exec;
	/* "" for anonymous memory; "[vdso]" and the like as the kernel names
	 * them; a file's path, without the " (deleted)" the kernel adds */
	char path[4096];
	bool deleted;
};

/* Parses LINE; 0, or -EINVAL for a line that is no mapping. */
int procfs_parse_map(const char *line, struct proc_map *m);

/* The kernel's own executable mappings, in every process: not code anyone
 * chose to map. */
bool procfs_map_is_kernels(const struct proc_map *m);

/* The pids of the running processes, ascending; *n of them. */
int procfs_pids(const char *root, pid_t **pids, size_t *n);
/* The thread ids of process PID, ascending. */
int procfs_tids(const char *root, pid_t pid, pid_t **tids, size_t *n);

/* The tracer of thread TID of PID (0: none), or -errno. */
int procfs_tracer(const char *root, pid_t pid, pid_t tid);
/* The real uid of PID, or -errno. */
long procfs_uid(const char *root, pid_t pid);
/* The BPF objects (maps, programs, links) PID holds fds of, or -errno. */
int procfs_bpf_fds(const char *root, pid_t pid);
/* Its executable's path, as readlink shows it; *deleted when the kernel
 * says the file has no name left. 0 or -errno. */
int procfs_exe_path(const char *root, pid_t pid, char *buf, size_t len, bool *deleted);
/* Its cgroup v2 path ("/system.slice/x.service"), or -errno. */
int procfs_cgroup(const char *root, pid_t pid, char *buf, size_t len);

#endif
