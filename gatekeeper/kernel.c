// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "gatekeeper/kernel.h"
#include "lib/util.h"

#define LSM_LIST "/sys/kernel/security/lsm"

/* Hooks and kfuncs the BPF side attaches to or calls. */
static const char *const needed_hooks[] = {
	"bpf_lsm_bpf",
	"bpf_lsm_bprm_check_security",
	"bpf_lsm_bprm_committed_creds",
	"bpf_lsm_task_alloc",
	/* the guards of feature probes (bpf/probe.bpf.c) */
	"bpf_lsm_perf_event_write",
	"bpf_lsm_file_receive",
	"bpf_lsm_bpf_map_free",
};

static const struct {
	const char *name;
	const char *what;
} needed_kfuncs[] = {
	{ "bpf_get_fsverity_digest", "fs-verity digests in BPF (CONFIG_FS_VERITY, Linux 6.8+)" },
	{ "bpf_preempt_disable", "Linux 6.10+" },
};

int kernel_lsm_list(char *buf, size_t len)
{
	return read_text_file(LSM_LIST, buf, len);
}

bool lsm_list_has_bpf(const char *list)
{
	size_t n = strlen("bpf");

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, "bpf", n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

int kernel_preflight(struct btf **btfp, char *why, size_t len)
{
	char lsm[512];
	struct btf *btf;
	int err;

	*btfp = NULL;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		snprintf(why, len,
			 "kernel has no BTF: /sys/kernel/btf/vmlinux: %s "
			 "(needs CONFIG_DEBUG_INFO_BTF=y)",
			 strerror(errno));
		return -1;
	}
	/* Without securityfs the list is unknown; the load probe below
	 * still tells whether BPF LSM programs can work. */
	if (kernel_lsm_list(lsm, sizeof(lsm)) >= 0 && !lsm_list_has_bpf(lsm)) {
		snprintf(why, len,
			 "BPF LSM is not active: 'bpf' is not in the active LSM list "
			 "'%s' (boot with lsm=%s,bpf)",
			 lsm, lsm);
		return -1;
	}
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		snprintf(why, len, "cannot load kernel BTF: %s", strerror(errno));
		return -1;
	}
	err = kernel_probe_lsm_load(btf);
	if (err) {
		snprintf(why, len, "the kernel refuses to load BPF LSM programs: %s%s",
			 strerror(-err),
			 err == -EPERM ?
				 " (BPF LSM inactive, lockdown, or a kernel that forbids them)" :
				 "");
		goto fail;
	}
	for (size_t i = 0; i < ARRAY_SIZE(needed_hooks); i++) {
		if (btf__find_by_name_kind(btf, needed_hooks[i], BTF_KIND_FUNC) < 0) {
			snprintf(why, len, "kernel lacks the LSM hook %s", needed_hooks[i] + 8);
			goto fail;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(needed_kfuncs); i++) {
		if (btf__find_by_name_kind(btf, needed_kfuncs[i].name, BTF_KIND_FUNC) < 0) {
			snprintf(why, len, "kernel lacks the kfunc %s: %s", needed_kfuncs[i].name,
				 needed_kfuncs[i].what);
			goto fail;
		}
	}
	*btfp = btf;
	return 0;
fail:
	btf__free(btf);
	return -1;
}

int kernel_probe_lsm_load(const struct btf *vmlinux)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_prog_load_opts opts = {
		.sz = sizeof(opts),
		.expected_attach_type = BPF_LSM_MAC,
	};
	int id, fd;

	id = btf__find_by_name_kind(vmlinux, "bpf_lsm_file_open", BTF_KIND_FUNC);
	if (id < 0)
		return -ENOENT;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_LSM, "wb_probe", "GPL", insns, ARRAY_SIZE(insns), &opts);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}
