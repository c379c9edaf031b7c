/* SPDX-License-Identifier: GPL-2.0 */
/* Names for the log: bpf() commands come from the running kernel's BTF
 * (enum bpf_cmd), so new commands are named without a table to maintain. */
#ifndef WATCHBPF_NAMES_H
#define WATCHBPF_NAMES_H

#include <stddef.h>

struct btf;

#define WB_MAX_CMDS 256
#define WB_MAX_HELPERS 512
#define WB_MAX_LOCKDOWN 64

struct wb_names {
	char *cmd[WB_MAX_CMDS]; /* "map_create", ...; NULL when unknown */
	char *helper[WB_MAX_HELPERS]; /* "probe_write_user", ...; NULL when unknown */
	char *lockdown[WB_MAX_LOCKDOWN]; /* "dev_mem", ...: enum lockdown_reason */
};

/* 0, or -errno when BTF has no enum bpf_cmd. */
int names_init(struct wb_names *n, const struct btf *vmlinux);
void names_free(struct wb_names *n);

/* "exec", "load", "update", else the command without BPF_ in lower case,
 * else "cmd_N". Returns buf or a constant string. */
const char *op_name(const struct wb_names *n, unsigned int op, char *buf, size_t len);

/* The helper's name without BPF_FUNC_, else "helper_N". */
const char *helper_name(const struct wb_names *n, unsigned int id, char *buf, size_t len);

/* The lockdown reason's name without LOCKDOWN_, else "lockdown_N". */
const char *lockdown_name(const struct wb_names *n, unsigned int id, char *buf, size_t len);

#endif
