// SPDX-License-Identifier: GPL-2.0
/*
 * kfunc_rules (bpf/kfunc.bpf.h) for one generation: an entry per kfunc
 * name some loader's rules mention, with the loaders that may not call it,
 * the loaders whose allow_kfuncs name it, and whether it reads kernel
 * memory (then kernel_reads: false denies it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>

#include "bpf/watchbpf.h"
#include "gatekeeper/apply.h"
#include "gatekeeper/kfunc_rules.h"

enum which { DENY, ALLOW, KREAD };

static int mark(int fd, unsigned int gen, const char *name, unsigned int id, enum which w)
{
	struct wbpf_kfunc_key key = { .gen = gen };
	struct wbpf_kfunc_rule rule = {};

	if (strlen(name) >= sizeof(key.name))
		return -ENAMETOOLONG;
	strncpy(key.name, name, sizeof(key.name) - 1);
	if (bpf_map_lookup_elem(fd, &key, &rule) && errno != ENOENT)
		return -errno;
	if (w == DENY)
		rule.deny[id / 64] |= 1ULL << (id % 64);
	else if (w == ALLOW)
		rule.allow[id / 64] |= 1ULL << (id % 64);
	else
		rule.kernel_read = 1;
	return bpf_map_update_elem(fd, &key, &rule, BPF_ANY) ? -errno : 0;
}

int apply_kfuncs(int fd, const struct wb_policy *pol, const struct wb_config *cfg,
		 unsigned int gen, char *err, size_t errlen)
{
	bool kreads = false;
	int ret = apply_clear_gen(fd, gen);

	if (ret) {
		snprintf(err, errlen, "clearing kfunc rules: %s", strerror(-ret));
		return ret;
	}
	for (size_t i = 0; i < pol->nr_loaders; i++) {
		const struct wb_programs *p = &pol->loaders[i].programs;
		unsigned int id = cfg->id_of[i];

		for (size_t j = 0; j < p->nr_deny_kfuncs && !ret; j++)
			ret = mark(fd, gen, p->deny_kfuncs[j].name, id, DENY);
		for (size_t j = 0; j < p->nr_allow_kfuncs && !ret; j++)
			ret = mark(fd, gen, p->allow_kfuncs[j].name, id, ALLOW);
		kreads |= p->present && !p->kernel_reads;
		if (ret) {
			snprintf(err, errlen, "loader %s: kfunc rules: %s%s", pol->loaders[i].name,
				 strerror(-ret),
				 ret == -E2BIG ? " (more than 4096 kfunc names in the policy)" : "");
			return ret;
		}
	}
	for (size_t j = 0; kreads && j < wb_nr_kernel_read_kfuncs && !ret; j++)
		ret = mark(fd, gen, wb_kernel_read_kfuncs[j], 0, KREAD);
	if (ret)
		snprintf(err, errlen, "kfunc rules: %s", strerror(-ret));
	return ret;
}
