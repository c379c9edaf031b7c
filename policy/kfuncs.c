// SPDX-License-Identifier: GPL-2.0
/*
 * The kfuncs of the running kernel, for deny_kfuncs and allow_kfuncs: the
 * FUNCs of vmlinux's BTF and of every loaded module's (under /sys/kernel/btf)
 * that carry the "bpf_kfunc" declaration tag (pahole 1.26 and later emit
 * it for every __bpf_kfunc). A BTF without any such tag was made by an
 * older pahole: then every FUNC of it counts, which accepts names that
 * are no kfunc but refuses none that is one.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "policy/policy.h"

const char *wb_kfunc_btf_dir = "/sys/kernel/btf";

/* kfuncs through which a program reads kernel memory it names itself, as
 * bpf_probe_read_kernel does: bpf_rdonly_cast makes any address a pointer
 * to read from; the dynptr ones copy from any kernel address. */
const char *const wb_kernel_read_kfuncs[] = {
	"bpf_rdonly_cast",
	"bpf_probe_read_kernel_dynptr",
	"bpf_probe_read_kernel_str_dynptr",
};
const size_t wb_nr_kernel_read_kfuncs = sizeof(wb_kernel_read_kfuncs) / sizeof(char *);

bool wb_is_kernel_read_kfunc(const char *name)
{
	for (size_t i = 0; i < wb_nr_kernel_read_kfuncs; i++)
		if (!strcmp(name, wb_kernel_read_kfuncs[i]))
			return true;
	return false;
}

/* The FUNCs of BTF (its own types only, past base's) that are kfuncs. */
static int btf_kfuncs(const struct btf *btf, const struct btf *base,
		      int (*add)(void *arg, const char *name), void *arg)
{
	unsigned int first = base ? btf__type_cnt(base) : 1, n = btf__type_cnt(btf);
	bool tagged = false;
	int err;

	for (unsigned int id = first; id < n && !tagged; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		tagged = btf_is_decl_tag(t) && !strcmp(btf__name_by_offset(btf, t->name_off),
							"bpf_kfunc");
	}
	for (unsigned int id = first; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *f;

		if (tagged) {
			if (!btf_is_decl_tag(t) || btf_decl_tag(t)->component_idx != -1 ||
			    strcmp(btf__name_by_offset(btf, t->name_off), "bpf_kfunc"))
				continue;
			f = btf__type_by_id(btf, t->type);
		} else {
			f = t;
		}
		if (!f || !btf_is_func(f))
			continue;
		err = add(arg, btf__name_by_offset(btf, f->name_off));
		if (err)
			return err;
	}
	return 0;
}

int wb_kfunc_names(const struct btf *vmlinux, int (*add)(void *arg, const char *name), void *arg)
{
	char path[4096];
	struct dirent *d;
	DIR *dir;
	int err;

	err = btf_kfuncs(vmlinux, NULL, add, arg);
	if (err)
		return err;
	dir = opendir(wb_kfunc_btf_dir);
	if (!dir)
		return 0; /* no module BTF: vmlinux's kfuncs alone */
	while ((d = readdir(dir))) {
		struct btf *mod;

		if (d->d_name[0] == '.' || !strcmp(d->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", wb_kfunc_btf_dir, d->d_name);
		/* one that does not split on this vmlinux (a test's BTF)
		 * names nothing here */
		mod = btf__parse_split(path, (struct btf *)vmlinux);
		if (!mod)
			continue;
		err = btf_kfuncs(mod, vmlinux, add, arg);
		btf__free(mod);
		if (err)
			break;
	}
	closedir(dir);
	return err;
}
