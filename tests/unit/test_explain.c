// SPDX-License-Identifier: GPL-2.0
/*
 * `watchbpf check --explain` (policy/explain.c): the words said about a
 * policy, line by line, and each warning: that it fires on the combination
 * it is about, at the line of the key at fault, and not on a policy that
 * closes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "policy/explain.h"
#include "policy/policy.h"

#define D1 "sha256:0101010101010101010101010101010101010101010101010101010101010101"
#define D2 "sha256:0202020202020202020202020202020202020202020202020202020202020202"
#define D3 "sha256:0303030303030303030303030303030303030303030303030303030303030303"
#define D4 "sha256:0404040404040404040404040404040404040404040404040404040404040404"

/* Nothing left open to root: the warnings of a test are its loaders'. */
#define CLOSED                       \
	"admin: {certs: [/a.pem]}\n" \
	"kernel: {modules: deny, kexec: deny, memory: deny}\n"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct fx {
	struct wb_policy pol;
	struct wb_risk r[64];
	size_t n;
	char *out; /* policy_explain()'s text */
};

/* Parses text as p.yaml, its risks with positions (text given) or not. */
static bool fx_load(struct fx *x, const char *text, bool positions, const char *host)
{
	char err[512] = "";
	size_t len = 0;
	FILE *f;

	memset(x, 0, sizeof(*x));
	if (!CHECK(!policy_load_string("p.yaml", text, strlen(text), &x->pol, err, sizeof(err)),
		   "%s", err))
		return false;
	x->n = policy_risks(&x->pol, positions ? text : NULL, strlen(text), host, x->r,
			    ARRAY_LEN(x->r));
	CHECK(x->n <= ARRAY_LEN(x->r), "%zu risks", x->n);
	f = open_memstream(&x->out, &len);
	if (!CHECK(f, "open_memstream"))
		return false;
	policy_explain(f, &x->pol, x->r, x->n);
	fclose(f);
	return true;
}

static void fx_free(struct fx *x)
{
	policy_free(&x->pol);
	free(x->out);
}

/* The risk ID about LOADER (NULL: the policy), or NULL. */
static const struct wb_risk *fx_find(const struct fx *x, const char *id, const char *loader)
{
	for (size_t i = 0; i < x->n; i++) {
		const struct wb_risk *r = &x->r[i];

		if (!strcmp(r->id, id) && ((!loader && !r->loader) ||
					   (loader && r->loader && !strcmp(r->loader, loader))))
			return r;
	}
	return NULL;
}

static size_t fx_count(const struct fx *x, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < x->n; i++)
		n += !strcmp(x->r[i].id, id);
	return n;
}

/* The risk is there, at LINE, its message holding WORDS. */
#define EXPECT_RISK(x, id, loader, line, words) expect_risk(__LINE__, x, id, loader, line, words)

static void expect_risk(int at, const struct fx *x, const char *id, const char *loader,
			unsigned int line, const char *words)
{
	const struct wb_risk *r = fx_find(x, id, loader);

	if (!CHECK(r, "line %d: no %s about %s", at, id, loader ? loader : "the policy"))
		return;
	CHECK(r->line == line, "line %d: %s at line %u, want %u", at, id, r->line, line);
	CHECK(strstr(r->msg, words), "line %d: %s says \"%s\", want \"%s\" in it", at, id, r->msg,
	      words);
}

#define EXPECT_LINE(x, line) CHECK(strstr((x)->out, line), "no line\n%s\nin\n%s", line, (x)->out)

TEST(explain_a_loader)
{
	static const char text[] = "name: t\n"
				   "trust:\n"
				   "  digests: [" D2 "]\n"
				   "loaders:\n"
				   "  - name: xdp\n"
				   "    exec:\n"
				   "      digest: " D1 "\n"
				   "      path: /usr/sbin/xdp\n"
				   "    programs:\n"
				   "      types: [xdp]\n"
				   "      attach: [xdp]\n"
				   "      names: [\"from_*\", \"to_*\"]\n"
				   "      deny_helpers: [probe_write_user, send_signal]\n"
				   "      kernel_reads: false\n"
				   "      max_insns: 4096\n"
				   "    maps:\n"
				   "      ct_map_tcp4: rw\n"
				   "      ct_map_tcp6: rw\n"
				   "      \"ct_*\": none\n"
				   "      \"*\": ro\n"
				   "    code: {on_untrusted: deny}\n";
	struct fx x;

	if (!fx_load(&x, text, true, NULL))
		return;
	EXPECT_LINE(&x, "policy 't' (p.yaml, version ");
	EXPECT_LINE(&x, "\n  mode:     enforce: what the policy denies is refused\n");
	EXPECT_LINE(&x, "\n  others:   processes that are no loader may not use bpf() at all "
			"(default.bpf: deny); a denied call fails with EPERM (default.on_deny: "
			"deny)\n");
	EXPECT_LINE(&x, "\n  kernel:   any root process may load kernel modules (kernel.modules: "
			"allow)\n");
	EXPECT_LINE(&x, "\n  admin:    none: root ends enforcement and puts another policy in "
			"force, no signature asked\n");
	EXPECT_LINE(&x, "\n  trust:    no certificate: nothing signed is trusted; code every "
			"loader may map: " D2 " (trust.digests)\n");
	EXPECT_LINE(&x,
		    "\n\nloader 'xdp' (p.yaml:5)\n"
		    "  mode:     enforce: what the policy denies it is refused\n"
		    "  on deny:  a denied call fails with EPERM (default.on_deny: deny)\n"
		    "  is:       the executable whose fs-verity digest is " D1
		    ", run from /usr/sbin/xdp\n"
		    "  may:      load programs of type xdp, for attach type xdp, named from_* "
		    "or to_*, of at most 4096 instructions, signed or not\n"
		    "  may not:  call probe_write_user or send_signal (deny_helpers: a program "
		    "that calls one is denied)\n"
		    "  may not:  call the helpers that read kernel memory (kernel_reads: false: "
		    "probe_read, probe_read_str, probe_read_kernel, probe_read_kernel_str, "
		    "snprintf_btf, seq_printf_btf)\n"
		    "  may not:  call the kfuncs that read kernel memory (kernel_reads: false: "
		    "bpf_rdonly_cast, bpf_probe_read_kernel_dynptr, "
		    "bpf_probe_read_kernel_str_dynptr)\n"
		    "  may:      create, read and update the maps named ct_map_tcp4 or "
		    "ct_map_tcp6\n"
		    "  may not:  otherwise use the maps named ct_*\n"
		    "  may:      otherwise read any other map, not update or delete from them\n"
		    "  code:     may map its executable and what trust.digests (1 entry) names; "
		    "other code: the mapping fails and the loader keeps its authority "
		    "(code.on_untrusted: deny)\n"
		    "  may not:  run anonymous or memfd executable memory (code.jit: false)\n"
		    "  takeover: no other task may ptrace it, write its memory or take its fds "
		    "(code.on_takeover: deny)\n");
	/* xdp reads and writes no task's memory: only root's openings are left */
	CHECK_INT(x.n, ==, 4);
	CHECK_INT(fx_count(&x, "no-admin"), ==, 1);
	CHECK_INT(fx_count(&x, "kernel-allow"), ==, 3);
	EXPECT_LINE(&x, "\n\n4 warnings:\np.yaml: warning: root can end enforcement");
	fx_free(&x);
}

TEST(explain_defaults_and_overrides)
{
	static const char text[] =
		"name: d\n"
		"mode: audit\n"
		"trust: {certs: [/ci.pem]}\n"
		"default: {bpf: restrict, block: [prog_load, btf_load], on_deny: kill}\n"
		"kernel: {modules: restrict, kexec: deny}\n"
		"admin: {certs: [/a.pem, /b.pem]}\n"
		"loaders:\n"
		"  - name: any\n"
		"    mode: enforce\n"
		"    exec: {digest: " D1 "}\n"
		"  - name: signed\n"
		"    on_deny: deny\n"
		"    exec: {signed: true}\n"
		"    maps: {only: ro}\n"
		"    collateral: [{path: /usr/lib/s/}, {path: /etc/s.conf, signed: false}]\n"
		"    code: {digests: [" D2 "], jit: true, on_takeover: taint}\n";
	struct fx x;

	if (!fx_load(&x, text, true, NULL))
		return;
	EXPECT_LINE(&x, "\n  mode:     audit: every decision is logged, nothing is refused "
			"(loaders with a mode of their own: 'any')\n");
	EXPECT_LINE(&x,
		    "\n  others:   processes that are no loader may use every bpf() command "
		    "but prog_load and btf_load, from the host's mount namespace only, none "
		    "from a container's (default.bpf: restrict); a denied call fails with EPERM "
		    "and the caller is killed (default.on_deny: kill)\n");
	EXPECT_LINE(&x, "\n  kernel:   only loaders that are not tainted, PID 1, kernel threads "
			"and the kernel's own helpers may load kernel modules (kernel.modules: "
			"restrict)\n");
	EXPECT_LINE(&x, "\n  kernel:   nobody may boot another kernel with kexec (kernel.kexec: "
			"deny)\n");
	EXPECT_LINE(&x, "\n  admin:    only a request signed by the key of /a.pem or /b.pem ends "
			"enforcement, puts another policy in force or upgrades the daemon\n");
	EXPECT_LINE(&x, "\n  trust:    signatures are checked against /ci.pem; code every loader "
			"may map: none named (trust.digests)\n");
	EXPECT_LINE(&x, "\nloader 'any' (p.yaml:8)\n"
			"  mode:     enforce: what the policy denies it is refused (its own)\n"
			"  on deny:  a denied call fails with EPERM and the caller is killed "
			"(default.on_deny: kill)\n"
			"  is:       the executable whose fs-verity digest is " D1
			", run from any path (a copy of it anywhere is this loader)\n"
			"  may:      load any program: every type, attach type, name and size, "
			"calling any helper (no 'programs')\n"
			"  may:      create, read and update every map (no 'maps')\n"
			"  code:     may map its executable only (no trust.digests, no "
			"code.digests); other code: the mapping goes on and the loader loses its "
			"authority (code.on_untrusted: taint)\n");
	EXPECT_LINE(&x, "\nloader 'signed' (p.yaml:11)\n"
			"  mode:     audit: its calls are decided and logged, nothing is denied\n"
			"  on deny:  a denied call fails with EPERM (on_deny: deny)\n"
			"  is:       any executable whose fs-verity digest is signed by a "
			"certificate of trust.certs, wherever it is\n"
			"  may:      load any program: every type, attach type, name and size, "
			"calling any helper (no 'programs')\n"
			"  may:      read the maps named only, not update or delete from it\n"
			"  may not:  use any other map\n"
			"  needs:    fs-verity and a signature by a certificate of trust.certs on "
			"the files it opens under /usr/lib/s/, else it loses its authority\n"
			"  needs:    fs-verity on the files it opens named /etc/s.conf, else it "
			"loses its authority\n"
			"  code:     may map its executable and what its code.digests (1 entry) "
			"names; other code: the mapping goes on and the loader loses its "
			"authority (code.on_untrusted: taint)\n"
			"  may:      run anonymous or memfd executable memory (code.jit: true)\n"
			"  takeover: another task may ptrace it or write its memory, which takes "
			"its authority (code.on_takeover: taint)\n");
	fx_free(&x);
}

/* Tracing programs: each helper risk, at the key at fault or the type. */
TEST(explain_tracing_warnings)
{
	static const char text[] = "name: t\n" CLOSED "loaders:\n"
				   "  - name: probe\n"
				   "    exec: {digest: " D1 "}\n"
				   "    programs:\n"
				   "      types: [xdp, kprobe]\n"
				   "      kernel_reads: true\n"
				   "  - name: tp\n"
				   "    exec: {digest: " D2 "}\n"
				   "    programs:\n"
				   "      types: [tracepoint]\n"
				   "      deny_helpers: [probe_write_user]\n"
				   "  - name: anything\n"
				   "    exec: {digest: " D3 "}\n";
	struct fx x;

	if (!fx_load(&x, text, true, NULL))
		return;
	EXPECT_RISK(&x, "tracing-kernel-reads", "probe", 9,
		    "may load kprobe programs that read kernel memory");
	EXPECT_RISK(&x, "tracing-write-user", "probe", 8,
		    "add probe_write_user to its deny_helpers");
	EXPECT_RISK(&x, "tracing-send-signal", "probe", 8, "send_signal and send_signal_thread");
	EXPECT_RISK(&x, "kprobe-override-return", "probe", 8, "bpf_override_return");
	/* tp: reads, signals; writes no user memory, and is no kprobe */
	EXPECT_RISK(&x, "tracing-kernel-reads", "tp", 13, "tracepoint programs");
	EXPECT_RISK(&x, "tracing-send-signal", "tp", 14, "tracepoint programs");
	CHECK(!fx_find(&x, "tracing-write-user", "tp"), "probe_write_user is denied");
	CHECK(!fx_find(&x, "kprobe-override-return", "tp"), "no kprobe");
	/* no 'programs': any type, at the loader's entry */
	EXPECT_RISK(&x, "tracing-kernel-reads", "anything", 15,
		    "programs of any type (tracing ones among them)");
	EXPECT_RISK(&x, "tracing-write-user", "anything", 15, "bpf_probe_write_user");
	EXPECT_RISK(&x, "kprobe-override-return", "anything", 15, "kprobe programs");
	CHECK_INT(x.n, ==, 10);
	fx_free(&x);
}

/* A tracing loader that closes every helper risk gives no warning;
 * kernel_reads: false beside types that read through pointers does. */
TEST(explain_tracing_safe_and_typed_reads)
{
	static const char text[] =
		"name: t\n" CLOSED "loaders:\n"
		"  - name: safe\n"
		"    exec: {digest: " D1 "}\n"
		"    programs:\n"
		"      types: [tracepoint, kprobe, perf_event]\n"
		"      deny_helpers: [probe_write_user, send_signal,\n"
		"                     send_signal_thread, override_return]\n"
		"      kernel_reads: false\n"
		"  - name: fentry\n"
		"    exec: {digest: " D2 "}\n"
		"    programs:\n"
		"      types: [tracing, xdp]\n"
		"      deny_helpers: [probe_write_user, send_signal, send_signal_thread]\n"
		"      kernel_reads: false\n";
	struct fx x;

	if (!fx_load(&x, text, true, NULL))
		return;
	EXPECT_RISK(&x, "typed-kernel-reads", "fentry", 17,
		    "has 'kernel_reads: false' but may load tracing programs");
	CHECK_INT(x.n, ==, 1);
	EXPECT_LINE(&x, "\n\n1 warning:\np.yaml:17: warning: loader 'fentry' has 'kernel_reads: "
			"false' but may load tracing programs, which read kernel memory through "
			"typed pointers without any helper: list only the 'types' it needs "
			"[typed-kernel-reads]\n");
	fx_free(&x);
}

/* A catch-all rw beside another loader's maps; not where a rule of the
 * loader's own decides first, nor a catch-all ro. */
TEST(explain_maps_catch_all)
{
	static const char text[] = "name: m\n" CLOSED "loaders:\n"
				   "  - name: owner\n"
				   "    exec: {digest: " D1 "}\n"
				   "    programs: {types: [xdp]}\n"
				   "    maps: {ct_map: rw, stats: ro, \"*\": none}\n"
				   "  - name: greedy\n"
				   "    exec: {digest: " D2 "}\n"
				   "    programs: {types: [xdp]}\n"
				   "    maps:\n"
				   "      own_map: rw\n"
				   "      \"*\": rw\n"
				   "  - name: nomaps\n"
				   "    exec: {digest: " D3 "}\n"
				   "    programs: {types: [xdp]}\n"
				   "  - name: careful\n"
				   "    exec: {digest: " D4 "}\n"
				   "    programs: {types: [xdp]}\n"
				   "    maps: {\"ct_*\": ro, \"stat?\": none, \"*\": rw}\n";
	struct fx x;

	if (!fx_load(&x, text, true, NULL))
		return;
	EXPECT_RISK(&x, "maps-catch-all-rw", "greedy", 14,
		    "may create, read and update every map ('\"*\": rw'), other loaders' too: "
		    "'ct_map' of 'owner' (line 8), 'stats' of 'owner' (line 8)");
	EXPECT_RISK(&x, "maps-catch-all-rw", "nomaps", 15, "every map (no 'maps')");
	/* nomaps sees greedy's own_map and careful's ct_*, not their catch-alls */
	EXPECT_RISK(&x, "maps-catch-all-rw", "nomaps", 15, "'own_map' of 'greedy' (line 13)");
	EXPECT_RISK(&x, "maps-catch-all-rw", "nomaps", 15, "'ct_*' of 'careful' (line 21)");
	CHECK(!fx_find(&x, "maps-catch-all-rw", "owner"), "owner's catch-all is none");
	/* careful's ct_* and stat? decide about owner's maps before its "*"
	 * does, not about greedy's own_map */
	EXPECT_RISK(&x, "maps-catch-all-rw", "careful", 21,
		    "('\"*\": rw'), other loaders' too: 'own_map' of 'greedy' (line 13); name");
	CHECK_INT(x.n, ==, 3);
	fx_free(&x);
}

TEST(explain_policy_warnings)
{
	static const char allow[] = "name: a\n"
				    "mode: audit\n"
				    "default:\n"
				    "  bpf: allow\n"
				    "kernel:\n"
				    "  kexec: deny\n"
				    "  modules: allow\n"
				    "loaders: []\n";
	static const char restrict_[] =
		"name: r\n" CLOSED "default: {bpf: restrict, block: [load]}\n"
		"loaders:\n"
		"  - name: tried\n"
		"    mode: audit\n"
		"    exec: {digest: " D1 "}\n"
		"    programs: {types: [xdp]}\n";
	struct fx x;

	if (fx_load(&x, allow, true, "no loader matches PID 1 (/sbin/init): ...")) {
		EXPECT_RISK(&x, "policy-audit", NULL, 2, "mode is audit: nothing is refused");
		EXPECT_RISK(&x, "default-allow", NULL, 4,
			    "every process that is no loader may use bpf(), load programs");
		EXPECT_RISK(&x, "no-admin", NULL, 0, "root can end enforcement");
		EXPECT_RISK(&x, "kernel-allow", NULL, 7, "kernel.modules is allow");
		EXPECT_RISK(&x, "host-pid1", NULL, 0, "no loader matches PID 1 (/sbin/init)");
		/* kexec is deny; memory, left out, has no line */
		CHECK_INT(fx_count(&x, "kernel-allow"), ==, 2);
		CHECK(strstr(x.out, "\np.yaml: warning: kernel.memory is allow"), "%s", x.out);
		CHECK(strstr(x.out, "\np.yaml:7: warning: kernel.modules is allow"), "%s", x.out);
		CHECK_INT(x.n, ==, 6);
		fx_free(&x);
	}
	if (fx_load(&x, restrict_, true, NULL)) {
		EXPECT_RISK(&x, "default-restrict", NULL, 4,
			    "every process of the host's mount namespace that is no loader (a root "
			    "shell too) may use bpf() but the commands of 'block'");
		EXPECT_RISK(&x, "loader-audit", "tried", 7, "is in audit mode");
		CHECK_INT(x.n, ==, 2);
		fx_free(&x);
	}
}

TEST(explain_identity_and_code_warnings)
{
	static const char text[] = "name: i\n" CLOSED "trust: {certs: [/ci.pem]}\n"
				   "default: {on_deny: kill}\n"
				   "loaders:\n"
				   "  - name: anysigned\n"
				   "    exec:\n"
				   "      signed: true\n"
				   "    programs: {types: [xdp]}\n"
				   "  - name: pathsigned\n"
				   "    exec: {signed: true, path: /usr/bin/p}\n"
				   "    programs: {types: [xdp]}\n"
				   "    code: {jit: true}\n"
				   "  - name: init\n"
				   "    exec: {digest: " D1 ", path: /usr/lib/systemd/systemd}\n"
				   "    programs: {types: [cgroup_skb]}\n"
				   "  - name: init2\n"
				   "    on_deny: deny\n"
				   "    exec: {digest: " D2 ", path: /sbin/init}\n"
				   "    programs: {types: [cgroup_skb]}\n";
	struct fx x;

	if (!fx_load(&x, text, true, NULL))
		return;
	EXPECT_RISK(&x, "signed-anywhere", "anysigned", 9, "add exec.path (or exec.digest)");
	CHECK(!fx_find(&x, "signed-anywhere", "pathsigned"), "a path narrows it");
	EXPECT_RISK(&x, "code-jit", "pathsigned", 14, "has 'code.jit: true'");
	/* default.on_deny: kill reaches init; init2 says deny */
	EXPECT_RISK(&x, "kill-pid1", "init", 16,
		    "is PID 1 (/usr/lib/systemd/systemd) with on_deny kill");
	CHECK(!fx_find(&x, "kill-pid1", "init2"), "on_deny: deny");
	CHECK_INT(x.n, ==, 3);
	fx_free(&x);
}

/* Without the file's text a warning points at what the policy keeps the
 * line of: an entry of a list, else the loader's entry. */
TEST(explain_positions_without_text)
{
	static const char text[] =
		"name: t\n" CLOSED "default: {bpf: allow}\n"
		"loaders:\n"
		"  - name: probe\n"
		"    exec: {digest: " D1 "}\n"
		"    programs: {types: [xdp, kprobe], deny_helpers: [probe_write_user,\n"
		"      send_signal, send_signal_thread, override_return]}\n"
		"  - name: any\n"
		"    exec: {digest: " D2 "}\n";
	struct fx x;

	if (!fx_load(&x, text, false, NULL))
		return;
	EXPECT_RISK(&x, "tracing-kernel-reads", "probe", 8, "kprobe programs");
	EXPECT_RISK(&x, "tracing-write-user", "any", 10, "programs of any type");
	EXPECT_RISK(&x, "default-allow", NULL, 0, "default.bpf is allow");
	CHECK_INT(x.n, ==, 6);
	fx_free(&x);
}

/* More risks than room: the count is all of them, the room is not
 * overrun. */
TEST(explain_risks_beyond_room)
{
	static const char text[] = "name: t\nloaders: []\n";
	struct wb_risk r[3] = { 0 };
	struct wb_policy pol;
	char err[256];

	if (!CHECK(!policy_load_string("p.yaml", text, strlen(text), &pol, err, sizeof(err)), "%s",
		   err))
		return;
	CHECK_INT(policy_risks(&pol, text, strlen(text), NULL, r, 2), ==, 4);
	CHECK_STR(r[1].id, "kernel-allow");
	CHECK(!r[2].id, "r[2] written");
	policy_free(&pol);
}

/* The file's text is given back only while it holds the bytes parsed. */
TEST(explain_text_of_the_file)
{
	static const char text[] = "name: f\nloaders: []\n";
	struct wb_policy pol;
	char path[256], err[512];
	size_t len = 7;
	char *got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/explain.yaml", test_tmpdir());
	f = fopen(path, "w");
	if (!CHECK(f, "%s", path))
		return;
	fputs(text, f);
	fclose(f);
	if (!CHECK(!policy_load_file(path, &pol, err, sizeof(err)), "%s", err))
		return;
	got = policy_explain_text(&pol, &len);
	if (CHECK(got, "no text") && CHECK_INT(len, ==, strlen(text)))
		CHECK(!memcmp(got, text, len), "another text");
	free(got);
	f = fopen(path, "w");
	if (CHECK(f, "%s", path)) {
		fputs("name: g\nloaders: []\n", f);
		fclose(f);
	}
	got = policy_explain_text(&pol, &len);
	CHECK(!got && !len, "a changed file's text given back");
	free(got);
	unlink(path);
	got = policy_explain_text(&pol, &len);
	CHECK(!got && !len, "a removed file's text given back");
	free(got);
	policy_free(&pol);
}
