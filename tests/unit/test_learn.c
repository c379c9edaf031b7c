// SPDX-License-Identifier: GPL-2.0
/*
 * watchbpf learn (learn/): names collapsed to globs, what records teach
 * and which they do not, the policy written (and that it parses), merging
 * into an existing policy without widening it, the same output whatever
 * the records' order, and hostile input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "gatekeeper/commands.h"
#include "learn/learn.h"
#include "policy/policy.h"

#define DA "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define DB "sha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define DC "sha256:c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"

static struct wb_record base_rec(const char *op, uint32_t pid)
{
	struct wb_record r = { .op = op, .action = "Approved", .pid = pid, .boot_id = "b1",
			       .insn_cnt = -1, .map_id = -1 };
	return r;
}

static struct wb_record exec_rec(uint32_t pid, const char *loader, const char *exe,
				 const char *digest)
{
	struct wb_record r = base_rec("exec", pid);

	r.action = loader ? "ProgApproved,MapsApproved" : "BPFDenied";
	r.reason = loader ? NULL : "unknown-digest";
	r.loader = loader;
	r.exe = exe;
	r.exe_digest = digest;
	return r;
}

static struct wb_record load_rec(uint32_t pid, const char *loader, const char *type,
				 const char *name, int64_t insns, const char *attach,
				 const char *helpers, const char *kfuncs)
{
	struct wb_record r = base_rec("load", pid);

	r.loader = loader;
	r.type = type;
	r.name = name;
	r.insn_cnt = insns;
	r.attach_type = attach;
	r.helpers = helpers;
	r.kfuncs = kfuncs;
	return r;
}

static struct wb_record map_rec(const char *op, uint32_t pid, const char *loader, const char *name)
{
	struct wb_record r = base_rec(op, pid);

	r.loader = loader;
	r.type = "hash";
	r.name = name;
	r.map_id = 7;
	return r;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

#define CHECK_LINE(text, line) CHECK(has_line(text, line), "no line \"%s\" in:\n%s", line, text)
#define CHECK_NO(text, s) CHECK(!strstr(text, s), "\"%s\" in:\n%s", s, text)

/* learn_emit(): the text, checked by the parser; NULL on failure */
static char *emit(const struct learn *l, const struct learn_emit_opts *o)
{
	char err[1024] = "", *text = NULL;
	size_t len;

	CHECK(!learn_emit(l, o, &text, &len, err, sizeof(err)), "%s", err);
	if (text)
		CHECK_INT(strlen(text), ==, len);
	return text;
}

TEST(learn_globs)
{
	static const char *in[] = { "kprobe_foo_1", "kprobe_foo_2", "kprobe_foo_10", "trace_exec",
				    "a_1",	    "a_1x",	    "a_2",	     "17",
				    "42",	    "only_3" };
	struct strset s = { 0 }, out;

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		strset_add(&s, in[i], strlen(in[i]));
	CHECK(!learn_collapse_names(&s, &out), "collapse");
	CHECK_INT(out.n, ==, 7);
	CHECK(strset_has(&out, "kprobe_foo_*"), "stem glob");
	CHECK(strset_has(&out, "trace_exec"), "a name alone stays exact");
	CHECK(strset_has(&out, "a_*") && strset_has(&out, "a_1x"), "a_1x is no number of a_");
	CHECK(strset_has(&out, "17") && strset_has(&out, "42"), "an empty stem stays exact");
	CHECK(strset_has(&out, "only_3"), "one numbered name stays exact");
	CHECK(!strset_has(&out, "*"), "never a bare *");
	for (size_t i = 1; i < out.n; i++)
		CHECK(strcmp(out.v[i - 1], out.v[i]) < 0, "sorted");
	strset_free(&out);
	strset_free(&s);
}

/* The records of an audit run of two executables, in order. */
static void run_records(struct wb_record *r, size_t *n)
{
	size_t i = 0;

	/* a loader in audit mode: its exec gives the digest, its records the name */
	r[i++] = exec_rec(10, "bt", "/usr/bin/bpftrace", DA);
	r[i++] = map_rec("map_create", 10, "bt", "counts");
	r[i++] = load_rec(10, "bt", "kprobe", "kprobe_foo_1", 100, "cgroup_inet_ingress",
			  "map_lookup_elem,ktime_get_ns", "");
	r[i++] = load_rec(10, "bt", "kprobe", "kprobe_foo_2", 120, "cgroup_inet_ingress",
			  "map_update_elem", "bpf_rcu_read_lock");
	r[i++] = map_rec("map_lookup_elem", 10, "bt", "config");
	/* a process that is no loader: its records carry its digest */
	r[i] = load_rec(20, NULL, "xdp", "xdp_pass", 2, "xdp", "", "");
	r[i].action = "BPFDenied";
	r[i].audit = true;
	r[i].reason = "not-loader";
	r[i++].exe_digest = DB;
	r[i] = map_rec("map_create", 20, NULL, "stats");
	r[i].action = "BPFDenied";
	r[i].audit = true;
	r[i++].exe_digest = DB;
	*n = i;
}

TEST(learn_model)
{
	struct wb_record r[16], x;
	struct learn l;
	size_t n;

	learn_init(&l);
	run_records(r, &n);
	for (size_t i = 0; i < n; i++)
		CHECK(!learn_add(&l, &r[i]), "add %zu", i);
	/* no digest anywhere: counted, not learned */
	x = load_rec(30, NULL, "xdp", "x", 2, "xdp", "", "");
	x.action = "BPFDenied";
	x.audit = true;
	learn_add(&l, &x);
	/* refused for real: never happened */
	x = load_rec(10, "bt", "kprobe", "evil", 5, "cgroup_inet_ingress", "probe_write_user", "");
	x.action = "Denied";
	learn_add(&l, &x);
	x = base_rec("-", 0);
	x.action = "EventsDropped";
	learn_add(&l, &x);
	x = base_rec("open", 10);
	x.loader = "bt";
	learn_add(&l, &x);
	/* a feature probe (unnamed, a few instructions) teaches no type */
	x = load_rec(10, "bt", "socket_filter", NULL, 6, "cgroup_inet_ingress", "", "");
	learn_add(&l, &x);
	x = load_rec(10, "bt", "kprobe", "det_arg_ctx", 4, "cgroup_inet_ingress", "get_func_ip",
		     "");
	learn_add(&l, &x);

	CHECK_INT(l.st.probes, ==, 2);
	CHECK(!strset_has(&l.exes[0].types, "socket_filter"), "a probe teaches no type");
	CHECK(strset_has(&l.exes[0].helpers, "get_func_ip"), "a probe's helpers are learned");
	CHECK_INT(l.nr_exes, ==, 2);
	CHECK_INT(l.st.used, ==, 6);
	CHECK_INT(l.st.no_digest, ==, 1);
	CHECK_INT(l.st.denied, ==, 1);
	CHECK_INT(l.st.daemon, ==, 1);
	CHECK_INT(l.st.not_bpf, ==, 1);
	CHECK_INT(l.st.identity, ==, 1);
	CHECK_STR(l.exes[0].digest, DA);
	CHECK_STR(l.exes[0].path, "/usr/bin/bpftrace");
	CHECK_INT(l.exes[0].max_insns, ==, 120);
	CHECK_INT(l.exes[0].helpers.n, ==, 4); /* the probe's get_func_ip too */
	CHECK(!strset_has(&l.exes[0].helpers, "probe_write_user"), "a refused load teaches nothing");
	CHECK_INT(l.exes[0].nr_maps, ==, 2);
	CHECK_STR(l.exes[1].digest, DB);
	CHECK_INT(l.exes[1].loads, ==, 1);
	learn_free(&l);
}

TEST(learn_fresh_policy)
{
	struct learn_emit_opts o = { .name = "t1" };
	struct wb_record r[16];
	struct learn l;
	char *text;
	size_t n;

	learn_init(&l);
	run_records(r, &n);
	for (size_t i = 0; i < n; i++)
		learn_add(&l, &r[i]);
	text = emit(&l, &o);
	if (!text)
		goto out;
	CHECK_LINE(text, "name: t1");
	CHECK_LINE(text, "mode: enforce");
	CHECK_LINE(text, "  # /usr/bin/bpftrace, 4 record(s)");
	CHECK_LINE(text, "  - name: bpftrace");
	CHECK_LINE(text, "    exec: { digest: " DA " }");
	CHECK_LINE(text, "      types: [kprobe]");
	CHECK_LINE(text, "      attach: [cgroup_inet_ingress]");
	CHECK_LINE(text, "      names: [\"kprobe_foo_*\"]");
	CHECK_LINE(text, "      allow_helpers: [ktime_get_ns, map_lookup_elem, map_update_elem]");
	CHECK_LINE(text, "      allow_kfuncs: [bpf_rcu_read_lock]");
	CHECK_LINE(text, "      kernel_reads: false");
	CHECK_LINE(text, "      max_insns: 180   # largest seen: 120");
	CHECK_LINE(text, "      \"config\": ro");
	CHECK_LINE(text, "      \"counts\": rw");
	/* the one without a path is named after nothing it has: "loader" */
	CHECK_LINE(text, "  - name: loader");
	CHECK_LINE(text, "      names: [\"xdp_pass\"]");
	CHECK_LINE(text, "      \"stats\": rw");
	CHECK_LINE(text, "      allow_helpers: []");
	CHECK_LINE(text, "      allow_kfuncs: []");
	free(text);
out:
	learn_free(&l);
}

TEST(learn_deterministic)
{
	struct learn_emit_opts o = { 0 };
	struct wb_record r[16];
	char *t1, *t2;
	struct learn l;
	size_t n;

	learn_init(&l);
	run_records(r, &n);
	for (size_t i = 0; i < n; i++)
		learn_add(&l, &r[i]);
	t1 = emit(&l, &o);
	learn_free(&l);
	/* the non-loader's records first, the loader's load before its
	 * map_create: the same policy */
	learn_init(&l);
	learn_add(&l, &r[5]);
	learn_add(&l, &r[6]);
	learn_add(&l, &r[0]);
	learn_add(&l, &r[3]);
	learn_add(&l, &r[4]);
	learn_add(&l, &r[2]);
	learn_add(&l, &r[1]);
	t2 = emit(&l, &o);
	if (t1 && t2)
		CHECK(!strcmp(t1, t2), "order changed the policy:\n%s\n---\n%s", t1, t2);
	free(t1);
	free(t2);
	learn_free(&l);
}

TEST(learn_limits)
{
	struct learn_emit_opts o = { 0 };
	struct wb_record r;
	struct learn l;
	char *text;

	learn_init(&l);
	r = load_rec(1, NULL, "kprobe", "big", 900000, "cgroup_inet_ingress", "probe_read_kernel",
		     "bpf_a,bpf_b,...");
	r.exe_digest = DA;
	r.exe = "/x";
	learn_add(&l, &r);
	r = load_rec(1, NULL, "kprobe", NULL, 40, NULL, NULL, ""); /* no probe: 40 */
	r.exe_digest = DC;
	learn_add(&l, &r);
	text = emit(&l, &o);
	if (text) {
		CHECK_LINE(text, "      max_insns: 1000000   # largest seen: 900000");
		CHECK_NO(text, "allow_kfuncs: [bpf_a");
		CHECK_LINE(text, "      # allow_kfuncs: not learned (a program called more kfuncs "
				 "than the log lists)");
		/* a kernel read was seen: kernel_reads stays open for that one */
		CHECK(strstr(text, "kernel_reads: false") == NULL, "kernel_reads: false");
		CHECK(strstr(text, "# names: not learned (a program without a name the policy can "
				   "spell)"),
		      "unnamed");
		CHECK(strstr(text, "# attach: not learned"), "no attach type");
	}
	free(text);
	learn_free(&l);
}

/* Hostile strings: every one kept out of the policy or made harmless. */
TEST(learn_bad_input)
{
	struct learn_emit_opts o = { 0 };
	struct wb_record r;
	struct learn l;
	char *text;

	learn_init(&l);
	r = exec_rec(5, "ev", "/tmp/a b\n- name: x\n\xff\xfe/evil\"", DA);
	learn_add(&l, &r);
	r = load_rec(5, "ev", "BPF_PROG_TYPE_XDP", "bad name!", 3, "xdp\n",
		     "map_lookup_elem,../x,,Probe", "a b");
	learn_add(&l, &r);
	r = map_rec("update", 5, "ev", "\"]: rw\n");
	learn_add(&l, &r);
	r = map_rec("update", 5, "ev", "0123456789abcdef_too_long");
	learn_add(&l, &r);
	r = base_rec("load", 6);
	r.exe_digest = "sha256:nothex";
	learn_add(&l, &r);
	CHECK_INT(l.st.no_digest, ==, 1);
	CHECK_INT(l.nr_exes, ==, 1);
	CHECK(l.exes[0].bad_names >= 6, "%llu bad names", (unsigned long long)l.exes[0].bad_names);
	text = emit(&l, &o);
	if (text) {
		CHECK_LINE(text, "  # /tmp/a b?- name: x??" "?/evil\", 3 record(s)");
		CHECK_LINE(text, "      allow_helpers: [map_lookup_elem]");
		CHECK_LINE(text, "  - name: evil_");
		CHECK_NO(text, "too_long");
	}
	free(text);
	learn_free(&l);
}

#define BASE                                                 \
	"# the admin's policy\n"                             \
	"name: prod\n"                                       \
	"mode: audit\n"                                      \
	"loaders:\n"                                         \
	"  - name: alice   # the one we know\n"              \
	"    exec: { digest: " DA " }\n"                     \
	"    programs:\n"                                    \
	"      types: [xdp]\n"                               \
	"      deny_helpers: [probe_write_user]\n"           \
	"      max_insns: 50\n"                              \
	"    maps:\n"                                        \
	"      m1: ro\n"                                     \
	"      \"*\": none\n"                                \
	"\n"                                                 \
	"# what others may do\n"                             \
	"default:\n"                                         \
	"  bpf: deny\n"

static int merge_text(const char *base_text, struct learn *l, char **out, char *err, size_t len)
{
	struct learn_emit_opts o = { .base_text = base_text, .base_len = strlen(base_text) };
	struct wb_policy base = { 0 };
	size_t n;
	int ret;

	if (!CHECK(!policy_load_string("base.yaml", base_text, strlen(base_text), &base, err, len),
		   "%s", err))
		return -1;
	o.base = &base;
	ret = learn_emit(l, &o, out, &n, err, len);
	policy_free(&base);
	return ret;
}

TEST(learn_merge_never_widens)
{
	struct wb_policy merged = { 0 };
	char err[1024] = "", *text = NULL;
	const struct wb_loader *a;
	struct wb_record r;
	struct learn l;
	const char *p, *q;

	learn_init(&l);
	r = exec_rec(1, "alice", "/usr/bin/alice", DA);
	learn_add(&l, &r);
	r = load_rec(1, "alice", "kprobe", "k", 80, "cgroup_inet_ingress", "probe_write_user,ktime_get_ns", "");
	r.action = "Denied";
	r.audit = true;
	learn_add(&l, &r);
	r = map_rec("update", 1, "alice", "m1");
	r.action = "Denied";
	r.audit = true;
	learn_add(&l, &r);
	r = map_rec("map_create", 1, "alice", "m2");
	learn_add(&l, &r);
	r = exec_rec(2, NULL, "/usr/bin/bob", DB);
	learn_add(&l, &r);
	r = map_rec("map_create", 2, NULL, "bobs");
	r.exe_digest = DB;
	learn_add(&l, &r);
	if (merge_text(BASE, &l, &text, err, sizeof(err))) {
		CHECK(0, "merge: %s", err);
		goto out;
	}
	/* every line the admin wrote is there, in order */
	for (p = BASE, q = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl - p + 1;
		const char *at;
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		at = strstr(q, line);
		if (!CHECK(at, "line \"%.*s\" lost or moved:\n%s", (int)n - 1, p, text))
			break;
		q = at + n;
		p += n;
	}
	CHECK_LINE(text, "  # learned: seen, left denied: program type kprobe (not in programs.types)");
	CHECK_LINE(text, "  # learned: seen, left denied: helper probe_write_user (in programs.deny_helpers)");
	CHECK_LINE(text, "  # learned: seen, left denied: a program of 80 (instructions, over programs.max_insns)");
	CHECK_LINE(text, "  # learned: seen, left denied: a write of map m1 (its maps rule is ro)");
	CHECK_LINE(text, "  # learned: seen, left denied: map m2 (no maps rule lets it be used)");
	CHECK_LINE(text, "  # learned: /usr/bin/bob, 1 record(s)");
	/* bob comes after alice, before 'default' and its comment */
	CHECK(strstr(text, "- name: bob") < strstr(text, "# what others may do"), "placed:\n%s", text);
	CHECK(strstr(text, "- name: bob") > strstr(text, "m1: ro"), "placed:\n%s", text);
	if (!CHECK(!policy_load_string("m.yaml", text, strlen(text), &merged, err, sizeof(err)), "%s",
		   err))
		goto out;
	CHECK_INT(merged.nr_loaders, ==, 2);
	a = &merged.loaders[0];
	CHECK_STR(a->name, "alice");
	CHECK_INT(a->programs.nr_types, ==, 1);
	CHECK_INT(a->programs.max_insns, ==, 50);
	CHECK_INT(a->programs.nr_deny_helpers, ==, 1);
	CHECK_INT(wb_loader_map_access(a, "m1"), ==, WB_ACCESS_RO);
	CHECK_INT(wb_loader_map_access(a, "m2"), ==, WB_ACCESS_NONE);
	CHECK_STR(merged.loaders[1].name, "bob");
	CHECK_INT(wb_loader_map_access(&merged.loaders[1], "bobs"), ==, WB_ACCESS_RW);
	CHECK_INT(merged.mode, ==, WB_MODE_AUDIT);
out:
	policy_free(&merged);
	free(text);
	learn_free(&l);
}

TEST(learn_merge_shapes)
{
	char err[1024] = "", *text = NULL;
	struct wb_record r;
	struct learn l;

	learn_init(&l);
	r = map_rec("map_create", 2, NULL, "m");
	r.exe_digest = DB;
	learn_add(&l, &r);
	/* loaders: [] becomes a block sequence */
	if (CHECK(!merge_text("name: p\nloaders: []   # none yet\n", &l, &text, err, sizeof(err)),
		  "%s", err)) {
		CHECK_LINE(text, "loaders:    # none yet");
		CHECK_LINE(text, "  - name: loader");
	}
	free(text);
	text = NULL;
	/* a flow sequence with items: refused, said where */
	CHECK(merge_text("name: p\nloaders: [{name: a, exec: {digest: " DA "}}]\n", &l, &text, err,
			 sizeof(err)),
	      "merged into a flow sequence");
	CHECK(strstr(err, "base.yaml:2:10: cannot add loaders"), "%s", err);
	/* a loader name the base has already is not taken */
	if (CHECK(!merge_text("name: p\nloaders:\n- name: loader\n  exec: {digest: " DA "}\n", &l,
			      &text, err, sizeof(err)),
		  "%s", err)) {
		CHECK_LINE(text, "- name: loader-2");
	}
	free(text);
	learn_free(&l);
}

/* The command: an unreadable file or a malformed line writes nothing. */
TEST(learn_cmd_bad_input)
{
	char log[512], out[512];
	struct stat st;
	FILE *f;

	snprintf(log, sizeof(log), "%s/bad.log", test_tmpdir());
	snprintf(out, sizeof(out), "%s/out.yaml", test_tmpdir());
	f = fopen(log, "w");
	if (!CHECK(f, "fopen"))
		return;
	fputs("{\"v\":1,\"seq\":1,\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\","
	      "\"time\":\"2026-11-21T05:55:16.000000000Z\",\"op\":\"-\",\"action\":\"Checkpoint\"}\n"
	      "{\"v\":1,\"seq\":2,\"op\":\n",
	      f);
	fclose(f);
	{
		char *argv[] = { "learn", "-o", out, log, NULL };

		CHECK_INT(cmd_learn(4, argv), ==, 1);
		CHECK(stat(out, &st) != 0, "written after a malformed line");
	}
	{
		char *argv[] = { "learn", "-o", out, "/nonexistent/x.log", NULL };

		CHECK_INT(cmd_learn(4, argv), ==, 1);
		CHECK(stat(out, &st) != 0, "written after an unreadable file");
	}
	{
		char *argv[] = { "learn", "--skip-malformed", "-o", out, log, NULL };

		CHECK_INT(cmd_learn(5, argv), ==, 0);
		CHECK(stat(out, &st) == 0 && (st.st_mode & 0777) == 0600, "written, 0600");
	}
}

/* A loader named without rules (an audit run's first policy) is filled in;
 * one with rules keeps them, and an allow_helpers list is not widened. */
TEST(learn_merge_fills_bare_loader)
{
	static const char base[] = "name: p\n"
				   "mode: audit\n"
				   "loaders:\n"
				   "  - name: bare\n"
				   "    exec:\n"
				   "      digest: " DA "\n"
				   "\n"
				   "  - name: strict\n"
				   "    exec: { digest: " DB " }\n"
				   "    programs: { allow_helpers: [ktime_get_ns] }\n";
	struct wb_policy merged = { 0 };
	char err[1024] = "", *text = NULL;
	struct wb_record r;
	struct learn l;

	learn_init(&l);
	r = load_rec(1, NULL, "xdp", "from_netdev", 2, "xdp", "", "");
	r.exe_digest = DA;
	learn_add(&l, &r);
	r = load_rec(2, NULL, "kprobe", "k", 30, "cgroup_inet_ingress", "ktime_get_ns,send_signal", "");
	r.exe_digest = DB;
	learn_add(&l, &r);
	if (!CHECK(!merge_text(base, &l, &text, err, sizeof(err)), "%s", err))
		goto out;
	CHECK_LINE(text, "    # learned: its rules, from 1 record(s)");
	CHECK_LINE(text, "  # learned: seen, left denied: helper send_signal (not in programs.allow_helpers)");
	/* the rules go under bare, before the blank line and strict */
	CHECK(strstr(text, "types: [xdp]") < strstr(text, "- name: strict"), "placed:\n%s", text);
	if (!CHECK(!policy_load_string("m.yaml", text, strlen(text), &merged, err, sizeof(err)), "%s",
		   err))
		goto out;
	CHECK_INT(merged.nr_loaders, ==, 2);
	CHECK_INT(merged.loaders[0].programs.nr_types, ==, 1);
	CHECK(merged.loaders[0].programs.has_allow_helpers, "allow_helpers: [] for bare");
	CHECK_INT(merged.loaders[0].programs.nr_allow_helpers, ==, 0);
	CHECK_INT(merged.loaders[1].programs.nr_allow_helpers, ==, 1);
	CHECK_INT(merged.loaders[1].programs.nr_types, ==, 0);
out:
	policy_free(&merged);
	free(text);
	learn_free(&l);
}
