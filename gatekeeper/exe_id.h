/* SPDX-License-Identifier: GPL-2.0 */
/* The executable behind a bpf() decision, for the log's exe and exe_digest:
 * what a policy learned from the log names its loaders by (learn/). */
#ifndef WATCHBPF_EXE_ID_H
#define WATCHBPF_EXE_ID_H

#include <stdint.h>
#include <sys/types.h>

#include "fsverity/digest.h"

#define WB_EXES 64

struct wb_exe {
	uint64_t dev, ino;
	int64_t ctime_sec; /* an inode number used again is a new file */
	uint32_t ctime_nsec;
	uint64_t used; /* last use, for the least recently used slot */
	int has_digest;
	char digest[FSV_DIGEST_STR_SIZE]; /* "sha256:HEX" */
};

struct wb_exes {
	struct wb_exe e[WB_EXES];
	uint64_t clock;
	const char *proc; /* "/proc"; tests point it elsewhere */
};

void exes_init(struct wb_exes *x, const char *proc);

/*
 * The executable of process PID, now: its path into path (NULL when it
 * cannot be read: the process is gone) and its fs-verity digest (NULL when
 * the file has none; digest_out NULL: not wanted). Digests are kept by inode: a file with fs-verity
 * cannot change. The process may have exec'd since its decision: the
 * record says what the kernel's exe link says when it is written.
 */
void exes_lookup(struct wb_exes *x, pid_t pid, char *path, size_t path_len, const char **path_out,
		 const char **digest_out);

#endif
