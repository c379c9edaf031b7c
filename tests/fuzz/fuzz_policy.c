// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a policy file, through what `watchbpf check` and the
 * daemon do with its bytes: parse (policy_load_string(), the one path
 * policy_load_file() takes too), resolve kernel names against this
 * kernel's BTF (when it has one), build the BPF maps' configuration, and
 * the warnings. Left out: policy_check_certs() and policy_load_code(),
 * which read the files a policy names, not the policy's bytes.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gatekeeper/config.h"
#include "policy/policy.h"

static struct btf *vmlinux;

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	libbpf_set_print(quiet);
	/* NULL without kernel BTF: helper and command names stay unresolved,
	 * as with `check --no-btf` */
	vmlinux = btf__load_vmlinux_btf();
	return 0;
}

/* Names the daemon looks up: map names against each loader's globs. */
static const char *const map_names[] = { "ct_map_tcp4", "alice_map", "", "execsnoo.bss" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wb_config cfg; /* large: not on the stack */
	const char *warn[WB_MAX_WARNINGS];
	struct wb_ids ids = {};
	struct wb_policy pol;
	char err[1024];

	if (policy_load_string("fuzz.yaml", (const char *)data, size, &pol, err, sizeof(err)))
		return 0;
	policy_warnings(&pol, warn, WB_MAX_WARNINGS);
	for (size_t i = 0; i < pol.nr_loaders; i++)
		for (size_t j = 0; j < sizeof(map_names) / sizeof(map_names[0]); j++)
			wb_loader_map_access(&pol.loaders[i], map_names[j]);
	if (!policy_resolve(&pol, vmlinux, err, sizeof(err)))
		config_build(&pol, &ids, 0, 0, &cfg, err, sizeof(err));
	config_ids_free(&ids);
	policy_free(&pol);
	return 0;
}
