// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers and kfuncs of a program load's event, named (gatekeeper/
 * calls.h). The BPF side keeps BTF ids, not names: it would take 60 bytes
 * of the event per kfunc, and a name read from the kernel's BTF is what
 * libbpf reads here, from the same BTF.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "gatekeeper/calls.h"

void calls_init(struct wb_calls *c, const struct btf *vmlinux)
{
	memset(c, 0, sizeof(*c));
	c->vmlinux = vmlinux;
}

void calls_free(struct wb_calls *c)
{
	for (size_t i = 0; i < WB_CALLS_MODULES; i++)
		btf__free(c->mod[i].btf);
	memset(c, 0, sizeof(*c));
}

/* Module BTF ID, split on vmlinux's; NULL when it cannot be loaded. Ids
 * are not used again within a boot, so what an id names never changes. */
static const struct btf *module_btf(struct wb_calls *c, unsigned int id)
{
	size_t slot;

	for (size_t i = 0; i < WB_CALLS_MODULES; i++)
		if (c->mod[i].id == id)
			return c->mod[i].btf;
	slot = c->next++ % WB_CALLS_MODULES;
	btf__free(c->mod[slot].btf);
	c->mod[slot].id = id;
	c->mod[slot].btf = btf__load_from_kernel_by_id_split(id, (struct btf *)c->vmlinux);
	if (!c->mod[slot].btf)
		c->mod[slot].id = 0; /* try again next time: it may be a transient error */
	return c->mod[slot].btf;
}

const char *calls_kfunc_name(struct wb_calls *c, const struct wbpf_kfunc_ref *ref, char *buf,
			     size_t len)
{
	const struct btf *btf = NULL;
	const struct btf_type *t;
	const char *name = NULL;

	if (c)
		btf = ref->btf_id ? module_btf(c, ref->btf_id) : c->vmlinux;
	t = btf ? btf__type_by_id(btf, ref->type_id) : NULL;
	if (t && btf_is_func(t))
		name = btf__name_by_offset(btf, t->name_off);
	if (name && *name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "btf_%u:%u", ref->btf_id, ref->type_id);
	return buf;
}

/* Appends S and a separator; false once buf is full (it then ends in
 * "..." where there is room). */
static bool append(char *buf, size_t len, size_t *at, const char *s)
{
	int n = snprintf(buf + *at, len - *at, "%s%s", *at ? "," : "", s);

	if (n < 0 || (size_t)n >= len - *at) {
		if (len > 4)
			memcpy(buf + len - 4, "...", 4);
		*at = len - 1;
		return false;
	}
	*at += n;
	return true;
}

void calls_helpers(const struct wb_names *n, const struct wbpf_event *e, char *buf, size_t len)
{
	char tmp[32];
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int id = 0; id < 64 * WB_HELPER_WORDS; id++)
		if (((e->helpers[id / 64] >> (id % 64)) & 1) &&
		    !append(buf, len, &at, helper_name(n, id, tmp, sizeof(tmp))))
			return;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void calls_kfuncs(struct wb_calls *c, const struct wbpf_event *e, char *buf, size_t len)
{
	char names[WB_EV_KFUNCS][128], *sorted[WB_EV_KFUNCS] = { NULL };
	unsigned int n = 0;
	size_t at = 0;

	/* the BPF side keeps them in no order of meaning: by name */
	buf[0] = '\0';
	for (unsigned int i = 0; i < e->nr_kfuncs && i < WB_EV_KFUNCS; i++, n++)
		sorted[n] = (char *)calls_kfunc_name(c, &e->kfuncs[i], names[n], sizeof(names[n]));
	qsort(sorted, n, sizeof(sorted[0]), by_name);
	for (unsigned int i = 0; i < n; i++)
		if (!append(buf, len, &at, sorted[i]))
			return;
	if (e->scan & WB_SCAN_MORE_KFUNCS)
		append(buf, len, &at, "...");
}
