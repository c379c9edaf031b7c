/* SPDX-License-Identifier: GPL-2.0 */
/* What a program load's event says it calls, in words: its helpers by
 * name, and its kfuncs by name from the BTF object each came from
 * (vmlinux's, or a module's while it is loaded). */
#ifndef WATCHBPF_CALLS_H
#define WATCHBPF_CALLS_H

#include <stddef.h>

#include "bpf/watchbpf.h"
#include "gatekeeper/names.h"

struct btf;

#define WB_CALLS_MODULES 16 /* module BTFs kept open for names */

struct wb_calls {
	const struct btf *vmlinux;
	struct {
		unsigned int id; /* BTF object id; 0: free slot */
		struct btf *btf; /* NULL: that id could not be loaded */
	} mod[WB_CALLS_MODULES];
	unsigned int next; /* the slot to reuse next */
};

void calls_init(struct wb_calls *c, const struct btf *vmlinux);
void calls_free(struct wb_calls *c);

/* The name of kfunc REF into buf: "bpf_rcu_read_lock"; "btf_ID:TYPE" when
 * its BTF cannot name it (a module unloaded since). Returns buf. */
const char *calls_kfunc_name(struct wb_calls *c, const struct wbpf_kfunc_ref *ref, char *buf,
			     size_t len);

/* "map_lookup_elem,ktime_get_ns": E's helpers, by id; "" for none. */
void calls_helpers(const struct wb_names *n, const struct wbpf_event *e, char *buf, size_t len);

/* "bpf_rcu_read_lock,bpf_task_acquire": E's kfuncs by name, ",..." appended when
 * it calls more than the event holds; "" for none. */
void calls_kfuncs(struct wb_calls *c, const struct wbpf_event *e, char *buf, size_t len);

#endif
