// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <linux/bpf.h>

#include "bpf/watchbpf.h"
#include "gatekeeper/names.h"

/* Fills table[value] with the lower-case names of ENUM's values that start
 * with PREFIX, prefix removed; the first name of a value wins over later
 * aliases (BPF_PROG_RUN). Returns 0, -ENOENT or -ENOMEM. */
static int enum_names(const struct btf *btf, const char *enum_name, const char *prefix,
		      char **table, size_t size)
{
	size_t plen = strlen(prefix);
	const struct btf_type *t;
	const struct btf_enum *e;
	int id;

	id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++) {
		const char *s = btf__name_by_offset(btf, e->name_off);
		char *name;

		if ((size_t)e->val >= size || !s || strncmp(s, prefix, plen) != 0 || table[e->val])
			continue;
		name = strdup(s + plen);
		if (!name)
			return -ENOMEM;
		for (char *p = name; *p; p++)
			*p = tolower((unsigned char)*p);
		table[e->val] = name;
	}
	return 0;
}

int names_init(struct wb_names *n, const struct btf *vmlinux)
{
	int err;

	memset(n, 0, sizeof(*n));
	err = enum_names(vmlinux, "bpf_cmd", "BPF_", n->cmd, WB_MAX_CMDS);
	/* helper names only make reasons readable: optional */
	if (!err &&
	    enum_names(vmlinux, "bpf_func_id", "BPF_FUNC_", n->helper, WB_MAX_HELPERS) == -ENOMEM)
		err = -ENOMEM;
	if (!err && enum_names(vmlinux, "lockdown_reason", "LOCKDOWN_", n->lockdown,
			       WB_MAX_LOCKDOWN) == -ENOMEM)
		err = -ENOMEM;
	if (err)
		names_free(n);
	return err;
}

void names_free(struct wb_names *n)
{
	for (size_t i = 0; i < WB_MAX_CMDS; i++) {
		free(n->cmd[i]);
		n->cmd[i] = NULL;
	}
	for (size_t i = 0; i < WB_MAX_HELPERS; i++) {
		free(n->helper[i]);
		n->helper[i] = NULL;
	}
	for (size_t i = 0; i < WB_MAX_LOCKDOWN; i++) {
		free(n->lockdown[i]);
		n->lockdown[i] = NULL;
	}
}

const char *helper_name(const struct wb_names *n, unsigned int id, char *buf, size_t len)
{
	if (id < WB_MAX_HELPERS && n->helper[id])
		return n->helper[id];
	snprintf(buf, len, "helper_%u", id);
	return buf;
}

const char *op_name(const struct wb_names *n, unsigned int op, char *buf, size_t len)
{
	if (op == WB_OP_EXEC)
		return "exec";
	if (op == BPF_PROG_LOAD)
		return "load";
	if (op == BPF_MAP_UPDATE_ELEM)
		return "update";
	if (op == WB_OP_OPEN)
		return "open";
	if (op == WB_OP_MAP_FD)
		return "map_fd";
	if (op == WB_OP_PROG_FD)
		return "prog_fd";
	if (op == WB_OP_PERF_IOCTL)
		return "perf_ioctl";
	if (op == WB_OP_FD_RECEIVE)
		return "fd_receive";
	if (op == WB_OP_SIGNAL)
		return "signal";
	if (op == WB_OP_PTRACE)
		return "ptrace";
	if (op == WB_OP_TASK_SET)
		return "task_set";
	if (op == WB_OP_WRITE)
		return "write";
	if (op == WB_OP_MODULE)
		return "module";
	if (op == WB_OP_KEXEC)
		return "kexec";
	if (op == WB_OP_KERNEL_MEM)
		return "kernel_mem";
	if (op == WB_OP_PINS)
		return "pins";
	if (op == WB_OP_MMAP)
		return "mmap";
	if (op == WB_OP_MPROTECT)
		return "mprotect";
	if (op == WB_OP_ADOPT)
		return "adopt";
	if (op == WB_OP_TOKEN_CMD)
		return "token_cmd";
	if (op == WB_OP_TOKEN_CAPABLE)
		return "token_capable";
	if (op < WB_MAX_CMDS && n->cmd[op])
		return n->cmd[op];
	snprintf(buf, len, "cmd_%u", op);
	return buf;
}

const char *lockdown_name(const struct wb_names *n, unsigned int id, char *buf, size_t len)
{
	if (id < WB_MAX_LOCKDOWN && n->lockdown[id])
		return n->lockdown[id];
	snprintf(buf, len, "lockdown_%u", id);
	return buf;
}
