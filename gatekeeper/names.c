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

int names_init(struct wb_names *n, const struct btf *vmlinux)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	int id;

	memset(n, 0, sizeof(*n));
	id = btf__find_by_name_kind(vmlinux, "bpf_cmd", BTF_KIND_ENUM);
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(vmlinux, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++) {
		const char *s = btf__name_by_offset(vmlinux, e->name_off);
		char *name;

		if (e->val >= WB_MAX_CMDS || !s || strncmp(s, "BPF_", 4) != 0 || n->cmd[e->val])
			continue; /* aliases (BPF_PROG_RUN) keep the first name */
		name = strdup(s + 4);
		if (!name) {
			names_free(n);
			return -ENOMEM;
		}
		for (char *p = name; *p; p++)
			*p = tolower((unsigned char)*p);
		n->cmd[e->val] = name;
	}
	return 0;
}

void names_free(struct wb_names *n)
{
	for (size_t i = 0; i < WB_MAX_CMDS; i++) {
		free(n->cmd[i]);
		n->cmd[i] = NULL;
	}
}

const char *op_name(const struct wb_names *n, unsigned int op, char *buf, size_t len)
{
	if (op == WB_OP_EXEC)
		return "exec";
	if (op == BPF_PROG_LOAD)
		return "load";
	if (op == BPF_MAP_UPDATE_ELEM)
		return "update";
	if (op < WB_MAX_CMDS && n->cmd[op])
		return n->cmd[op];
	snprintf(buf, len, "cmd_%u", op);
	return buf;
}
