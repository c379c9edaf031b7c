// SPDX-License-Identifier: GPL-2.0
/* What the daemon derives from a built configuration. */
#include <bpf/btf.h>
#include <stdlib.h>

#include "test.h"
#include "gatekeeper/config.h"
#include "policy/policy.h"

#define D256 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D256B "sha256:1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Builds TEXT's configuration; -1 when any step fails. */
static int build(const char *text, struct wb_config *cfg)
{
	struct btf *btf = btf__new_empty();
	struct wb_policy pol;
	struct wb_ids ids = {};
	char err[512];
	int ret = -1;

	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	memset(cfg, 0, sizeof(*cfg));
	if (!policy_load_string("t.yaml", text, strlen(text), &pol, err, sizeof(err))) {
		if (!policy_resolve(&pol, btf, err, sizeof(err)) &&
		    !config_build(&pol, &ids, 0, 0, cfg, err, sizeof(err)))
			ret = 0;
		policy_free(&pol);
	}
	if (ret)
		fprintf(stderr, "  build: %s\n", err);
	config_ids_free(&ids);
	btf__free(btf);
	return ret;
}

TEST(collateral_hook_only_when_a_loader_has_collateral)
{
	static struct wb_config cfg;

	CHECK_INT(build("name: p\nloaders:\n  - name: a\n    exec: { digest: " D256 " }\n", &cfg),
		  ==, 0);
	CHECK_INT(config_has_collateral(&cfg), ==, 0);
	CHECK_INT(build("name: p\nloaders:\n  - name: a\n    exec: { digest: " D256 " }\n"
			"  - name: b\n    exec: { digest: " D256B " }\n    collateral:\n"
			"      - path: /usr/lib/b/\n        signed: false\n",
			&cfg),
		  ==, 0);
	CHECK_INT(config_has_collateral(&cfg), ==, 1);
	/* a loader with collateral removed by a reload: its slot is invalid */
	cfg.cfg[cfg.id_of[1]].flags &= ~WB_LC_VALID;
	CHECK_INT(config_has_collateral(&cfg), ==, 0);
}

/* kernel.*: allow unless the policy says otherwise, each on its own */
TEST(kernel_settings_reach_the_defaults)
{
	static struct wb_config cfg;

	CHECK_INT(build("name: p\nloaders: []\n", &cfg), ==, 0);
	CHECK_INT(cfg.defaults.modules, ==, WBPF_K_ALLOW);
	CHECK_INT(cfg.defaults.kexec, ==, WBPF_K_ALLOW);
	CHECK_INT(cfg.defaults.kernel_mem, ==, WBPF_K_ALLOW);
	CHECK_INT(build("name: p\nkernel:\n  modules: restrict\n  kexec: deny\nloaders: []\n", &cfg),
		  ==, 0);
	CHECK_INT(cfg.defaults.modules, ==, WBPF_K_RESTRICT);
	CHECK_INT(cfg.defaults.kexec, ==, WBPF_K_DENY);
	CHECK_INT(cfg.defaults.kernel_mem, ==, WBPF_K_ALLOW);
}

TEST(kernel_settings_errors_name_the_line)
{
	static const char bad_value[] = "name: p\nkernel:\n  memory: off\nloaders: []\n";
	static const char bad_key[] = "name: p\nkernel: {module: deny}\nloaders: []\n";
	struct wb_policy pol;
	char err[512];

	CHECK_INT(policy_load_string("t.yaml", bad_value, strlen(bad_value), &pol, err, sizeof(err)),
		  ==, -1);
	CHECK_STR(err, "t.yaml:3:11: 'memory' must be one of: allow, restrict, deny (got 'off')");
	CHECK_INT(policy_load_string("t.yaml", bad_key, strlen(bad_key), &pol, err, sizeof(err)), ==,
		  -1);
	CHECK_STR(err, "t.yaml:2:10: unknown key 'module' in kernel (expected: modules, kexec, memory)");
}
