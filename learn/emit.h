/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to learn/: the text emit.c writes and merge.c puts together. */
#ifndef WATCHBPF_LEARN_EMIT_H
#define WATCHBPF_LEARN_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "learn/learn.h"

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_put(struct sbuf *b, const char *s, size_t n);

/* An executable to write: as a new loader (base NULL) or as base's loader. */
struct learn_entry {
	const struct learn_exe *exe;
	const struct wb_loader *base;
	char name[WB_LOADER_NAME_MAX + 1];
};

int learn_entries(const struct learn *l, const struct wb_policy *base, struct learn_entry **out,
		  size_t *nr);
/* programs: and maps: of what e shows, keys at indentation ind */
int put_rules(struct sbuf *b, const struct learn_exe *e, const char *ind);
/* A new loader as an item of 'loaders' with its '-' at column dash (0-based);
 * mark: its comment says "learned:". */
int put_loader(struct sbuf *b, const struct learn_entry *le, unsigned int dash, bool mark);

#endif
