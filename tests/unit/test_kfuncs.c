// SPDX-License-Identifier: GPL-2.0
/*
 * kfuncs in the policy (deny_kfuncs, allow_kfuncs, kernel_reads: false),
 * allow_helpers, and what a program load's record says it calls: against
 * a vmlinux BTF and a module BTF built here (tagged "bpf_kfunc" as pahole
 * tags them), so that nothing depends on the kernel the tests run on.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "gatekeeper/calls.h"
#include "gatekeeper/config.h"
#include "gatekeeper/exe_id.h"
#include "log/record.h"
#include "policy/policy.h"

#define SWAP_REFS(e)                                 \
	do {                                         \
		struct wbpf_kfunc_ref t = (e).kfuncs[0]; \
		(e).kfuncs[0] = (e).kfuncs[1];           \
		(e).kfuncs[1] = t;                       \
	} while (0)

#define D256 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* FUNC NAME (void (void)), tagged a kfunc when TAG; its type id. */
static int add_func(struct btf *btf, const char *name, bool tag)
{
	int proto = btf__add_func_proto(btf, 0);
	int id = btf__add_func(btf, name, BTF_FUNC_GLOBAL, proto);

	if (tag)
		btf__add_decl_tag(btf, "bpf_kfunc", id, -1);
	return id;
}

static int rcu_lock_id;

static struct btf *fake_vmlinux(void)
{
	struct btf *btf = btf__new_empty();

	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	btf__add_enum(btf, "bpf_func_id", 4);
	btf__add_enum_value(btf, "BPF_FUNC_unspec", 0);
	btf__add_enum_value(btf, "BPF_FUNC_map_lookup_elem", BPF_FUNC_map_lookup_elem);
	btf__add_enum_value(btf, "BPF_FUNC_map_update_elem", BPF_FUNC_map_update_elem);
	btf__add_enum_value(btf, "BPF_FUNC_ktime_get_ns", BPF_FUNC_ktime_get_ns);
	btf__add_enum_value(btf, "BPF_FUNC_probe_read_kernel", BPF_FUNC_probe_read_kernel);
	rcu_lock_id = add_func(btf, "bpf_rcu_read_lock", true);
	add_func(btf, "bpf_rcu_read_unlock", true);
	add_func(btf, "bpf_rdonly_cast", true);
	add_func(btf, "vfs_read", false); /* a FUNC, no kfunc */
	return btf;
}

/* A module's BTF split on VMLINUX, written as DIR/nf_conntrack. */
static void fake_module(struct btf *vmlinux, const char *dir)
{
	struct btf *mod = btf__new_empty_split(vmlinux);
	char path[600];
	const void *raw;
	__u32 size;
	int fd;

	add_func(mod, "bpf_xdp_ct_lookup", true);
	add_func(mod, "nf_ct_helper", false);
	raw = btf__raw_data(mod, &size);
	snprintf(path, sizeof(path), "%s/nf_conntrack", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, raw, size) == (ssize_t)size, "writing %s", path);
	close(fd);
	btf__free(mod);
}

/* Loads and resolves TEXT against the fakes; 0, or -1 with err. */
static int resolve(const char *text, struct wb_policy *pol, char *err, size_t len)
{
	static char dir[512];
	struct btf *vmlinux = fake_vmlinux();
	int ret;

	snprintf(dir, sizeof(dir), "%s/btf", test_tmpdir());
	mkdir(dir, 0755);
	fake_module(vmlinux, dir);
	wb_kfunc_btf_dir = dir;
	ret = policy_load_string("t.yaml", text, strlen(text), pol, err, len);
	if (!ret && policy_resolve(pol, vmlinux, err, len)) {
		policy_free(pol);
		ret = -1;
	}
	btf__free(vmlinux);
	wb_kfunc_btf_dir = "/sys/kernel/btf";
	return ret;
}

#define HEAD                                 \
	"name: k\n"                          \
	"loaders:\n"                         \
	"  - name: a\n"                      \
	"    exec: {digest: " D256 "}\n" /* 4 */ \
	"    programs:\n"

TEST(kfuncs_resolve_vmlinux_and_module)
{
	struct wb_policy pol;
	char err[512];

	if (!CHECK(!resolve(HEAD "      deny_kfuncs: [bpf_rcu_read_lock, bpf_xdp_ct_lookup]\n",
			    &pol, err, sizeof(err)),
		   "%s", err))
		return;
	CHECK_INT(pol.loaders[0].programs.nr_deny_kfuncs, ==, 2);
	CHECK(pol.loaders[0].programs.deny_kfuncs[1].id >= 0, "module kfunc resolved");
	policy_free(&pol);
}

TEST(kfuncs_unknown_with_suggestion)
{
	struct wb_policy pol;
	char err[512];

	CHECK(resolve(HEAD "      deny_kfuncs: [bpf_rcu_read_lok]\n", &pol, err, sizeof(err)), "");
	CHECK_STR(err, "t.yaml:6:21: unknown kfunc 'bpf_rcu_read_lok' (did you mean "
		       "'bpf_rcu_read_lock'?)");
	/* a FUNC without the tag is no kfunc, in vmlinux or a module */
	CHECK(resolve(HEAD "      allow_kfuncs: [vfs_read]\n", &pol, err, sizeof(err)), "");
	CHECK(strstr(err, "t.yaml:6:22: unknown kfunc 'vfs_read'"), "%s", err);
	CHECK(resolve(HEAD "      deny_kfuncs: [nf_ct_helper]\n", &pol, err, sizeof(err)), "");
	CHECK(strstr(err, "unknown kfunc 'nf_ct_helper'"), "%s", err);
	CHECK(resolve(HEAD "      deny_kfuncs: [bpf_rcu_read_lock, bpf_rcu_read_lock]\n", &pol, err,
		      sizeof(err)),
	      "");
	CHECK(strstr(err, "t.yaml:6:40:"), "a repeated name: %s", err);
}

TEST(kfuncs_allow_and_deny_exclusive)
{
	struct wb_policy pol;
	char err[512];

	CHECK(resolve(HEAD "      deny_kfuncs: [bpf_rcu_read_lock]\n"
			   "      allow_kfuncs: [bpf_rdonly_cast]\n",
		      &pol, err, sizeof(err)),
	      "");
	CHECK(strstr(err, "t.yaml:7:7: 'allow_kfuncs' and 'deny_kfuncs' together"), "%s", err);
	CHECK(resolve(HEAD "      deny_helpers: [ktime_get_ns]\n"
			   "      allow_helpers: [map_lookup_elem]\n",
		      &pol, err, sizeof(err)),
	      "");
	CHECK(strstr(err, "t.yaml:7:7: 'allow_helpers' and 'deny_helpers' together"), "%s", err);
	CHECK(resolve(HEAD "      allow_helpers: [map_lookup_elm]\n", &pol, err, sizeof(err)), "");
	CHECK(strstr(err, "unknown helper 'map_lookup_elm' (did you mean 'map_lookup_elem'?)"),
	      "%s", err);
}

static int build(const char *text, struct wb_config *cfg)
{
	struct wb_ids ids = {};
	struct wb_policy pol;
	char err[512];
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	if (resolve(text, &pol, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		return -1;
	}
	ret = config_build(&pol, &ids, 0, 0, cfg, err, sizeof(err));
	if (ret)
		fprintf(stderr, "  %s\n", err);
	policy_free(&pol);
	config_ids_free(&ids);
	return ret;
}

TEST(kfuncs_config_flags)
{
	static struct wb_config cfg;
	const struct wbpf_loader_cfg *c = &cfg.cfg[1];

	if (!CHECK(!build(HEAD "      types: [xdp]\n", &cfg), ""))
		return;
	CHECK(!(c->flags & (WB_LC_KFUNC_RULES | WB_LC_ALLOW_KFUNCS)), "no kfunc rule: %#x",
	      c->flags);
	CHECK(!build(HEAD "      deny_kfuncs: [bpf_rcu_read_lock]\n", &cfg), "");
	CHECK((c->flags & WB_LC_KFUNC_RULES) && !(c->flags & WB_LC_ALLOW_KFUNCS), "%#x", c->flags);
	/* allow_kfuncs: [] allows none */
	CHECK(!build(HEAD "      allow_kfuncs: []\n", &cfg), "");
	CHECK((c->flags & WB_LC_KFUNC_RULES) && (c->flags & WB_LC_ALLOW_KFUNCS), "%#x", c->flags);
	/* kernel_reads: false judges kfuncs too (bpf_rdonly_cast) */
	CHECK(!build(HEAD "      kernel_reads: false\n", &cfg), "");
	CHECK(c->flags & WB_LC_KFUNC_RULES, "%#x", c->flags);
	CHECK(wb_is_kernel_read_kfunc("bpf_rdonly_cast") && !wb_is_kernel_read_kfunc("bpf_rcu_read_lock"),
	      "");
}

TEST(allow_helpers_denies_the_rest)
{
	static struct wb_config cfg;
	const __u64 *deny = cfg.cfg[1].deny_helpers;

	if (!CHECK(!build(HEAD "      allow_helpers: [map_lookup_elem, ktime_get_ns]\n", &cfg), ""))
		return;
	for (unsigned int id = 0; id < 64 * WB_HELPER_WORDS; id++) {
		bool denied = (deny[id / 64] >> (id % 64)) & 1;
		bool allowed = id == BPF_FUNC_map_lookup_elem || id == BPF_FUNC_ktime_get_ns;

		if (!CHECK(denied != allowed, "helper %u: denied %d", id, denied))
			break;
	}
	/* allow_helpers: [] allows no helper at all */
	CHECK(!build(HEAD "      allow_helpers: []\n", &cfg), "");
	CHECK(deny[0] == ~0ULL && deny[3] == ~0ULL, "");
}

TEST(calls_name_helpers_and_kfuncs)
{
	struct btf *vmlinux = fake_vmlinux();
	struct wbpf_event e = {};
	struct wb_names names;
	struct wb_calls calls;
	char buf[256];

	if (!CHECK(!names_init(&names, vmlinux) || 1, ""))
		return;
	/* no enum bpf_cmd in the fake: helper names alone */
	memset(&names, 0, sizeof(names));
	names.helper[BPF_FUNC_map_lookup_elem] = strdup("map_lookup_elem");
	names.helper[BPF_FUNC_ktime_get_ns] = strdup("ktime_get_ns");
	calls_init(&calls, vmlinux);
	e.helpers[0] = (1ULL << BPF_FUNC_map_lookup_elem) | (1ULL << BPF_FUNC_ktime_get_ns);
	e.helpers[3] = 1ULL << 63; /* id 255: no name */
	calls_helpers(&names, &e, buf, sizeof(buf));
	CHECK_STR(buf, "map_lookup_elem,ktime_get_ns,helper_255");
	memset(e.helpers, 0, sizeof(e.helpers));
	calls_helpers(&names, &e, buf, sizeof(buf));
	CHECK_STR(buf, "");
	e.nr_kfuncs = 2;
	e.kfuncs[0] = (struct wbpf_kfunc_ref){ 0, rcu_lock_id };
	e.kfuncs[1] = (struct wbpf_kfunc_ref){ 0, 1 }; /* "int": no FUNC */
	calls_kfuncs(&calls, &e, buf, sizeof(buf));
	CHECK_STR(buf, "bpf_rcu_read_lock,btf_0:1");
	/* by name, whatever the order of the event */
	SWAP_REFS(e);
	calls_kfuncs(&calls, &e, buf, sizeof(buf));
	CHECK_STR(buf, "bpf_rcu_read_lock,btf_0:1");
	e.scan = WB_SCAN_MORE_KFUNCS;
	calls_kfuncs(&calls, &e, buf, sizeof(buf));
	CHECK_STR(buf, "bpf_rcu_read_lock,btf_0:1,...");
	/* a module BTF id that names nothing now */
	e.kfuncs[0].btf_id = 0x7ffffff0;
	calls_kfunc_name(&calls, &e.kfuncs[0], buf, sizeof(buf));
	CHECK(!strncmp(buf, "btf_2147483632:", 15), "%s", buf);
	/* too long for buf: cut, and says so */
	e.scan = 0;
	e.kfuncs[0].btf_id = 0;
	calls_kfuncs(&calls, &e, buf, 12);
	CHECK_STR(buf, "bpf_rcu_...");
	calls_free(&calls);
	names_free(&names);
	btf__free(vmlinux);
}

TEST(record_json_calls_round_trip)
{
	struct wb_record r = { .time_ns = 1, .op = "load", .action = "Approved",
			       .insn_cnt = 12, .map_id = -1, .attach_type = "xdp",
			       .helpers = "map_lookup_elem", .kfuncs = "" };
	char line[4096], scratch[4096];
	struct wb_parsed p;
	const char *why;

	record_format_json(&r, NULL, line, sizeof(line));
	CHECK(strstr(line, "\"insn_cnt\":12,\"attach_type\":\"xdp\",\"helpers\":\"map_lookup_elem\","
			   "\"kfuncs\":\"\",\"map_id\":null"),
	      "%s", line);
	if (!CHECK(!record_parse_json(line, strlen(line), &p, scratch, sizeof(scratch), &why),
		   "%s", why))
		return;
	CHECK_STR(p.rec.attach_type, "xdp");
	CHECK_STR(p.rec.helpers, "map_lookup_elem");
	CHECK_STR(p.rec.kfuncs, "");
	/* other records do not carry them */
	r.attach_type = r.helpers = r.kfuncs = NULL;
	record_format_json(&r, NULL, line, sizeof(line));
	CHECK(!strstr(line, "helpers"), "%s", line);
}

TEST(exes_by_proc_link)
{
	char proc[512], dir[600], path[256];
	const char *p, *d;
	struct wb_exes x;

	snprintf(proc, sizeof(proc), "%s/proc", test_tmpdir());
	snprintf(dir, sizeof(dir), "%s/42", proc);
	mkdir(proc, 0755);
	mkdir(dir, 0755);
	strcat(dir, "/exe");
	CHECK(!symlink("/bin/sh", dir), "symlink: %s", strerror(errno));
	exes_init(&x, proc);
	exes_lookup(&x, 42, path, sizeof(path), &p, &d);
	CHECK_STR(p, "/bin/sh");
	/* no fs-verity on the test's file systems' /bin/sh: no digest */
	CHECK(!d || !strncmp(d, "sha256:", 7), "%s", d);
	exes_lookup(&x, 43, path, sizeof(path), &p, &d);
	CHECK(!p && !d, "a process that is gone has no exe");
	exes_lookup(&x, 42, path, sizeof(path), &p, NULL);
	CHECK_STR(p, "/bin/sh");
}
