// SPDX-License-Identifier: GPL-2.0
/*
 * Policy names resolved against a kernel: libbpf's program and attach type
 * names, and helpers and bpf commands from a BTF built here, so that no
 * test depends on the BTF of the kernel the tests run on. Also `watchbpf
 * check --btf`.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "policy/policy.h"

#define D256 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D256B "sha256:1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* test_policy.c */
int run_check(char **argv, char *out, size_t outlen, char *errout, size_t errlen);

enum fake_parts {
	FAKE_HELPERS = 1 << 0,
	FAKE_CMDS = 1 << 1,
	FAKE_ALL = FAKE_HELPERS | FAKE_CMDS,
};

/* Enough of a vmlinux BTF: some of enum bpf_func_id and enum bpf_cmd. */
static struct btf *fake_vmlinux(unsigned int parts)
{
	struct btf *btf = btf__new_empty();

	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	if (parts & FAKE_HELPERS) {
		btf__add_enum(btf, "bpf_func_id", 4);
		btf__add_enum_value(btf, "BPF_FUNC_unspec", BPF_FUNC_unspec);
		btf__add_enum_value(btf, "BPF_FUNC_map_lookup_elem", BPF_FUNC_map_lookup_elem);
		btf__add_enum_value(btf, "BPF_FUNC_probe_read", BPF_FUNC_probe_read);
		btf__add_enum_value(btf, "BPF_FUNC_override_return", BPF_FUNC_override_return);
		btf__add_enum_value(btf, "BPF_FUNC_probe_write_user", BPF_FUNC_probe_write_user);
		btf__add_enum_value(btf, "BPF_FUNC_probe_read_str", BPF_FUNC_probe_read_str);
		btf__add_enum_value(btf, "BPF_FUNC_send_signal", BPF_FUNC_send_signal);
		btf__add_enum_value(btf, "BPF_FUNC_probe_read_kernel", BPF_FUNC_probe_read_kernel);
		btf__add_enum_value(btf, "BPF_FUNC_probe_read_kernel_str",
				    BPF_FUNC_probe_read_kernel_str);
		btf__add_enum_value(btf, "BPF_FUNC_snprintf_btf", BPF_FUNC_snprintf_btf);
		btf__add_enum_value(btf, "BPF_FUNC_seq_printf_btf", BPF_FUNC_seq_printf_btf);
		btf__add_enum_value(btf, "__BPF_FUNC_MAX_ID", 212);
	}
	if (parts & FAKE_CMDS) {
		btf__add_enum(btf, "bpf_cmd", 4);
		btf__add_enum_value(btf, "BPF_MAP_CREATE", BPF_MAP_CREATE);
		btf__add_enum_value(btf, "BPF_MAP_UPDATE_ELEM", BPF_MAP_UPDATE_ELEM);
		btf__add_enum_value(btf, "BPF_PROG_LOAD", BPF_PROG_LOAD);
		btf__add_enum_value(btf, "BPF_PROG_TEST_RUN", BPF_PROG_TEST_RUN);
		btf__add_enum_value(btf, "BPF_BTF_LOAD", BPF_BTF_LOAD);
		btf__add_enum_value(btf, "BPF_TOKEN_CREATE", 36);
		btf__add_enum_value(btf, "__MAX_BPF_CMD", 37);
		btf__add_enum_value(btf, "BPF_PROG_RUN", BPF_PROG_TEST_RUN);
	}
	return btf;
}

static int load(const char *text, struct wb_policy *pol, char *err, size_t errlen)
{
	return policy_load_string("t.yaml", text, strlen(text), pol, err, errlen);
}

static const char names[] =
	"name: r\n" /* 1 */
	"default:\n"
	"  bpf: allow\n"
	"  block: [prog_load, map_create, btf_load, update, prog_run, token_create]\n"
	"loaders:\n" /* 5 */
	"  - name: a\n"
	"    exec: {digest: " D256 "}\n"
	"    programs:\n"
	"      types: [xdp, sched_cls, lsm, tracing]\n"
	"      attach: [cgroup_inet_ingress, trace_fentry, lsm_mac]\n" /* 10 */
	"      deny_helpers: [probe_write_user, send_signal, override_return]\n"
	"  - name: b\n"
	"    exec: {digest: " D256B "}\n";

static bool all_ids(const struct wb_name_ref *r, size_t n, const int *want)
{
	bool ok = true;

	for (size_t i = 0; i < n; i++)
		ok &= CHECK_INT(r[i].id, ==, want[i]);
	return ok;
}

TEST(policy_resolve_ids)
{
	static const int block[] = { BPF_PROG_LOAD,	  BPF_MAP_CREATE,    BPF_BTF_LOAD,
				     BPF_MAP_UPDATE_ELEM, BPF_PROG_TEST_RUN, 36 };
	static const int types[] = { BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_LSM,
				     BPF_PROG_TYPE_TRACING };
	static const int attach[] = { BPF_CGROUP_INET_INGRESS, BPF_TRACE_FENTRY, BPF_LSM_MAC };
	static const int helpers[] = { BPF_FUNC_probe_write_user, BPF_FUNC_send_signal,
				       BPF_FUNC_override_return };
	struct btf *btf = fake_vmlinux(FAKE_ALL);
	struct wb_policy pol;
	char err[512];

	if (!CHECK(!load(names, &pol, err, sizeof(err)), "%s", err))
		goto out;
	if (CHECK(!policy_resolve(&pol, btf, err, sizeof(err)), "%s", err)) {
		const struct wb_programs *p = &pol.loaders[0].programs;

		CHECK_STR(err, "");
		all_ids(pol.block, pol.nr_block, block);
		all_ids(p->types, p->nr_types, types);
		all_ids(p->attach, p->nr_attach, attach);
		all_ids(p->deny_helpers, p->nr_deny_helpers, helpers);
	}
	/* resolving again is harmless */
	CHECK(!policy_resolve(&pol, btf, err, sizeof(err)), "%s", err);
	CHECK_INT(pol.block[0].id, ==, BPF_PROG_LOAD);
	policy_free(&pol);
out:
	btf__free(btf);
}

/* Without BTF only libbpf's names are known: helpers and commands stay -1. */
TEST(policy_resolve_without_btf)
{
	struct wb_policy pol;
	char err[512];

	if (!CHECK(!load(names, &pol, err, sizeof(err)), "%s", err))
		return;
	if (CHECK(!policy_resolve(&pol, NULL, err, sizeof(err)), "%s", err)) {
		const struct wb_programs *p = &pol.loaders[0].programs;

		CHECK_INT(p->types[0].id, ==, BPF_PROG_TYPE_XDP);
		CHECK_INT(p->attach[1].id, ==, BPF_TRACE_FENTRY);
		CHECK_INT(p->deny_helpers[0].id, ==, -1);
		CHECK_INT(pol.block[0].id, ==, -1);
	}
	policy_free(&pol);
}

static void expect_resolve_err(int line, const char *text, unsigned int parts, const char *want)
{
	struct btf *btf = parts ? fake_vmlinux(parts) : NULL;
	struct wb_policy pol;
	char err[1024];

	if (!CHECK(!load(text, &pol, err, sizeof(err)), "line %d: %s", line, err))
		goto out;
	if (CHECK(policy_resolve(&pol, btf, err, sizeof(err)) == -1, "line %d: resolved", line))
		CHECK(!strcmp(err, want), "line %d:\n    got  \"%s\"\n    want \"%s\"", line, err,
		      want);
	/* nothing half-applied: no name keeps an id */
	for (size_t i = 0; i < pol.nr_block; i++)
		CHECK_INT(pol.block[i].id, ==, -1);
	for (size_t i = 0; i < pol.nr_loaders; i++) {
		const struct wb_programs *p = &pol.loaders[i].programs;

		for (size_t j = 0; j < p->nr_types; j++)
			CHECK_INT(p->types[j].id, ==, -1);
		for (size_t j = 0; j < p->nr_attach; j++)
			CHECK_INT(p->attach[j].id, ==, -1);
		for (size_t j = 0; j < p->nr_deny_helpers; j++)
			CHECK_INT(p->deny_helpers[j].id, ==, -1);
	}
	policy_free(&pol);
out:
	btf__free(btf);
}

#define LOADER "name: r\nloaders:\n  - name: a\n    exec: {digest: " D256 "}\n    programs:\n"
#define BLOCK(cmds) "name: r\ndefault:\n  bpf: restrict\n  block: " cmds "\nloaders: []\n"
#define RESOLVE_ERR(text, parts, want) expect_resolve_err(__LINE__, text, parts, want)

TEST(policy_resolve_unknown)
{
	RESOLVE_ERR(LOADER "      types: [xdp, xdpp]\n", FAKE_ALL,
		    "t.yaml:6:20: unknown program type 'xdpp' (did you mean 'xdp'?)");
	RESOLVE_ERR(LOADER "      types: [sched_cl]\n", 0,
		    "t.yaml:6:15: unknown program type 'sched_cl' (did you mean 'sched_cls'?)");
	RESOLVE_ERR(LOADER "      types: [zzzzzz]\n", 0,
		    "t.yaml:6:15: unknown program type 'zzzzzz'");
	/* BPF_PROG_TYPE_UNSPEC loads nothing */
	RESOLVE_ERR(LOADER "      types: [unspec]\n", 0,
		    "t.yaml:6:15: unknown program type 'unspec'");
	RESOLVE_ERR(LOADER "      attach: [fentry]\n", 0,
		    "t.yaml:6:16: unknown attach type 'fentry' (did you mean 'trace_fentry'?)");
	RESOLVE_ERR(LOADER "      attach: [cgroup_inet_ingres]\n", 0,
		    "t.yaml:6:16: unknown attach type 'cgroup_inet_ingres' (did you mean "
		    "'cgroup_inet_ingress'?)");
	RESOLVE_ERR(LOADER "      deny_helpers: [probe_write_usr]\n", FAKE_ALL,
		    "t.yaml:6:22: unknown helper 'probe_write_usr' (did you mean "
		    "'probe_write_user'?)");
	RESOLVE_ERR(LOADER "      deny_helpers: [map_lookup]\n", FAKE_ALL,
		    "t.yaml:6:22: unknown helper 'map_lookup' (did you mean 'map_lookup_elem'?)");
	RESOLVE_ERR(LOADER "      deny_helpers: [unspec]\n", FAKE_ALL,
		    "t.yaml:6:22: unknown helper 'unspec'");
	RESOLVE_ERR(BLOCK("[prog_lod]"), FAKE_ALL,
		    "t.yaml:4:11: unknown bpf command 'prog_lod' (did you mean 'prog_load'?)");
	RESOLVE_ERR(BLOCK("[max_bpf_cmd]"), FAKE_ALL,
		    "t.yaml:4:11: unknown bpf command 'max_bpf_cmd'");
	RESOLVE_ERR(BLOCK("[exec]"), FAKE_ALL, "t.yaml:4:11: unknown bpf command 'exec'");
}

TEST(policy_resolve_same_thing_twice)
{
	RESOLVE_ERR(BLOCK("[prog_load, map_create, load]"), FAKE_ALL,
		    "t.yaml:4:34: 'load' in 'block' is the same bpf command as 'prog_load' (line "
		    "4)");
	RESOLVE_ERR(BLOCK("\n    - prog_test_run\n    - prog_run"), FAKE_ALL,
		    "t.yaml:6:7: 'prog_run' in 'block' is the same bpf command as 'prog_test_run' "
		    "(line 5)");
	RESOLVE_ERR(BLOCK("[update, map_update_elem]"), FAKE_ALL,
		    "t.yaml:4:19: 'map_update_elem' in 'block' is the same bpf command as 'update' "
		    "(line 4)");
}

TEST(policy_resolve_missing_enums)
{
	struct btf *btf = fake_vmlinux(FAKE_CMDS);
	struct wb_policy pol;
	char err[512];

	RESOLVE_ERR(LOADER "      deny_helpers: [send_signal]\n", FAKE_CMDS,
		    "t.yaml:6:22: cannot check helper names: the kernel's BTF has no enum "
		    "bpf_func_id");
	RESOLVE_ERR(BLOCK("[prog_load]"), FAKE_HELPERS,
		    "t.yaml:4:11: cannot check bpf command names: the kernel's BTF has no enum "
		    "bpf_cmd");
	/* what the policy does not name need not be in the BTF */
	if (CHECK(!load(LOADER "      types: [xdp]\n", &pol, err, sizeof(err)), "%s", err)) {
		CHECK(!policy_resolve(&pol, btf, err, sizeof(err)), "%s", err);
		policy_free(&pol);
	}
	btf__free(btf);
}

/* The problem reported is the first in the file, whatever list it is in. */
TEST(policy_resolve_first_in_file)
{
	RESOLVE_ERR("name: r\n"
		    "loaders:\n"
		    "  - name: a\n"
		    "    exec: {digest: " D256 "}\n"
		    "    programs:\n"
		    "      deny_helpers: [send_signal, sendsignal]\n"
		    "      types: [xdpp]\n"
		    "default: {bpf: allow, block: [prog_loadd]}\n",
		    FAKE_ALL,
		    "t.yaml:6:35: unknown helper 'sendsignal' (did you mean 'send_signal'?)");
	RESOLVE_ERR("name: r\n"
		    "loaders:\n"
		    "  - name: a\n"
		    "    exec: {digest: " D256 "}\n"
		    "    programs: {attach: [lsm_mac], types: [lsmm]}\n",
		    FAKE_ALL, "t.yaml:5:43: unknown program type 'lsmm' (did you mean 'lsm'?)");
}

/* The helpers 'kernel_reads: false' denies are kernel helper names. */
TEST(policy_resolve_kernel_read_helpers)
{
	struct btf *btf = fake_vmlinux(FAKE_ALL);
	struct wb_policy pol;
	char text[1024], err[512];
	size_t used;

	used = snprintf(text, sizeof(text), LOADER "      deny_helpers: [");
	for (size_t i = 0; i < wb_nr_kernel_read_helpers; i++)
		used += snprintf(text + used, sizeof(text) - used, "%s%s", i ? ", " : "",
				 wb_kernel_read_helpers[i]);
	snprintf(text + used, sizeof(text) - used, "]\n");
	CHECK_INT(wb_nr_kernel_read_helpers, ==, 6);
	if (CHECK(!load(text, &pol, err, sizeof(err)), "%s", err)) {
		CHECK(!policy_resolve(&pol, btf, err, sizeof(err)), "%s", err);
		CHECK_INT(pol.loaders[0].programs.deny_helpers[2].id, ==,
			  BPF_FUNC_probe_read_kernel);
		policy_free(&pol);
	}
	btf__free(btf);
}

TEST(policy_resolve_example_full)
{
	struct btf *btf = fake_vmlinux(FAKE_ALL);
	struct wb_policy pol;
	char err[1024];

	if (CHECK(!policy_load_file("examples/full.yaml", &pol, err, sizeof(err)), "%s", err)) {
		CHECK(!policy_resolve(&pol, btf, err, sizeof(err)), "%s", err);
		CHECK_INT(pol.block[0].id, ==, BPF_PROG_LOAD);
		policy_free(&pol);
	}
	btf__free(btf);
}

/* Writes a fake vmlinux BTF to a temporary file named in path. */
static int write_fake_btf(char *path)
{
	struct btf *btf = fake_vmlinux(FAKE_ALL);
	const void *data;
	__u32 size = 0;
	int fd = mkstemp(path);
	bool ok;

	data = btf__raw_data(btf, &size);
	ok = fd >= 0 && data && write(fd, data, size) == (ssize_t)size;
	if (fd >= 0)
		close(fd);
	btf__free(btf);
	return ok ? 0 : -1;
}

static int write_text(char *path, const char *text)
{
	int fd = mkstemp(path);
	bool ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

TEST(policy_check_cmd_btf)
{
	char btf[] = "/tmp/watchbpf-btf-XXXXXX", pol[] = "/tmp/watchbpf-pol-XXXXXX";
	char out[4096], err[4096], want[4096];
	const char *tail;

	if (!CHECK(!write_fake_btf(btf), "temp BTF") ||
	    !CHECK(!write_text(pol, LOADER "      deny_helpers: [probe_write_usr]\n"),
		   "temp policy"))
		goto out;

	CHECK_INT(run_check((char *[]){ "check", "--btf", btf, "examples/full.yaml", NULL }, out,
			    sizeof(out), err, sizeof(err)),
		  ==, 0);
	snprintf(want, sizeof(want), "; names checked against %s)\n", btf);
	CHECK(strstr(out, "examples/full.yaml: ok (policy full-example, version ") == out, "%s",
	      out);
	CHECK(strlen(out) > strlen(want) && !strcmp(out + strlen(out) - strlen(want), want), "%s",
	      out);
	CHECK_ONLY_WARNINGS(err);

	/* the policy is checked against the BTF given, wherever it is */
	CHECK_INT(run_check((char *[]){ "check", pol, "--btf", btf, NULL }, out, sizeof(out), err,
			    sizeof(err)),
		  ==, 2);
	CHECK_STR(out, "");
	snprintf(want, sizeof(want),
		 "%s:6:22: unknown helper 'probe_write_usr' (did you mean 'probe_write_user'?)\n",
		 pol);
	CHECK_STR(err, want);

	/* not at all with --no-btf */
	CHECK_INT(run_check((char *[]){ "check", "-q", "--no-btf", pol, NULL }, out, sizeof(out),
			    err, sizeof(err)),
		  ==, 0);
	CHECK_STR(out, "");
	CHECK_ONLY_WARNINGS(err);

	CHECK_INT(run_check((char *[]){ "check", "--btf", "/nonexistent", pol, NULL }, out,
			    sizeof(out), err, sizeof(err)),
		  ==, 2);
	CHECK_STR(err, "watchbpf: error: check: cannot read BTF from /nonexistent: No such file or "
		       "directory\n");
	CHECK_INT(run_check((char *[]){ "check", pol, "--btf", NULL }, out, sizeof(out), err,
			    sizeof(err)),
		  ==, 2);
	CHECK_STR(err, "watchbpf: error: check: missing FILE after '--btf'; usage: watchbpf check "
		       "[--quiet | --explain] [--strict] [--btf FILE | --no-btf] POLICY...\n");
	CHECK_INT(run_check((char *[]){ "check", "--no-btf", "--btf", btf, pol, NULL }, out,
			    sizeof(out), err, sizeof(err)),
		  ==, 2);
	CHECK_STR(err, "watchbpf: error: check: --btf and --no-btf exclude each other\n");

	/* by default, this kernel's BTF if it has one: either way it says so */
	CHECK_INT(run_check((char *[]){ "check", "examples/alice.yaml", NULL }, out, sizeof(out),
			    err, sizeof(err)),
		  ==, 0);
	tail = strrchr(out, ';');
	CHECK(tail && (!strcmp(tail, "; names checked against this kernel)\n") ||
		       !strcmp(tail, "; helper and command names not checked: no kernel BTF)\n")),
	      "%s", out);
out:
	unlink(btf);
	unlink(pol);
}

TEST(policy_check_cmd_certs)
{
	char pol[] = "/tmp/watchbpf-pol-XXXXXX";
	char out[4096], err[4096], want[4096];

	if (!CHECK(!write_text(pol, "name: x\ntrust:\n  certs: [/nonexistent/ci.pem]\n"
				    "loaders: []\n"),
		   "temp policy"))
		goto out;
	CHECK_INT(run_check((char *[]){ "check", "--no-btf", pol, "examples/full.yaml", NULL }, out,
			    sizeof(out), err, sizeof(err)),
		  ==, 2);
	snprintf(want, sizeof(want),
		 "%s:3:11: cannot read certificate '/nonexistent/ci.pem': No such file or "
		 "directory\n",
		 pol);
	/* the error, then what the valid one leaves open */
	CHECK(!strncmp(err, want, strlen(want)), "%s", err);
	CHECK_ONLY_WARNINGS(err + strlen(want));
	CHECK(strstr(out, "examples/full.yaml: ok (policy full-example, version ") == out, "%s",
	      out);
out:
	unlink(pol);
}
