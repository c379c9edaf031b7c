// SPDX-License-Identifier: GPL-2.0
/*
 * The policy schema beyond loader digests: trust, default, and per loader
 * mode, on_deny, exec.signed/path, programs, maps and collateral. Every
 * field is read back, every error compared as the whole "FILE:LINE:COL:
 * message" line. Names are resolved against a kernel in
 * test_policy_resolve.c.
 */
#include <fcntl.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "test.h"
#include "policy/policy.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D256 "sha256:" HEX64

/* A valid loader a: error tests add keys at line 6, indented by 4. */
#define L0 "name: x\nloaders:\n  - name: a\n    exec:\n      digest: " D256 "\n"
/* The same with a certificate to check signatures against, keys at line 7. */
#define T0                                                                                         \
	"name: x\ntrust: {certs: [/c.pem]}\nloaders:\n  - name: a\n    exec:\n      digest: " D256 \
	"\n"

static bool pol_is_zero(const struct wb_policy *pol)
{
	static const struct wb_policy zero;

	return !memcmp(pol, &zero, sizeof(zero));
}

static int load_as(const char *fname, const char *text, size_t len, struct wb_policy *pol,
		   char *err, size_t errlen)
{
	return policy_load_string(fname, text, len, pol, err, errlen);
}

#define EXPECT_ERR(text, want) expect_err(__LINE__, text, sizeof(text) - 1, want)

static void expect_err(int line, const char *text, size_t len, const char *want)
{
	struct wb_policy pol = { 0 };
	char err[1024] = "";

	if (!CHECK(load_as("t.yaml", text, len, &pol, err, sizeof(err)) == -1, "line %d: accepted",
		   line)) {
		policy_free(&pol);
		return;
	}
	CHECK(!strcmp(err, want), "line %d:\n    got  \"%s\"\n    want \"%s\"", line, err, want);
	/* nothing half-applied: not one field is left set */
	CHECK(pol_is_zero(&pol), "line %d: policy not cleared after an error", line);
}

#define EXPECT_OK(text, pol) expect_ok(__LINE__, text, sizeof(text) - 1, pol)

static bool expect_ok(int line, const char *text, size_t len, struct wb_policy *pol)
{
	char err[1024];

	return CHECK(!load_as("t.yaml", text, len, pol, err, sizeof(err)), "line %d: %s", line,
		     err);
}

static bool pos_is(struct wb_pos p, unsigned int line, unsigned int col)
{
	return p.line == line && p.col == col;
}

static bool ref_is(const struct wb_name_ref *r, const char *name, unsigned int line,
		   unsigned int col)
{
	return r->name && !strcmp(r->name, name) && pos_is(r->pos, line, col) && r->id == -1;
}

/* Every field; the line numbers are those of the comments. */
static const char full[] = "name: full\n" /* 1 */
			   "mode: audit\n"
			   "trust:\n"
			   "  certs: [/etc/watchbpf/ci.pem, keys/b.pem]\n"
			   "default:\n" /* 5 */
			   "  bpf: restrict\n"
			   "  block: [prog_load, map_create, btf_load]\n"
			   "  on_deny: kill\n"
			   "loaders:\n"
			   "  - name: alice\n" /* 10 */
			   "    mode: enforce\n"
			   "    on_deny: deny\n"
			   "    exec:\n"
			   "      digest: " D256 "\n"
			   "      signed: true\n" /* 15 */
			   "      path: /usr/local/bin/alice\n"
			   "    programs:\n"
			   "      types: [xdp, sched_cls]\n"
			   "      attach: [cgroup_inet_ingress]\n"
			   "      names: [\"from_*\", 'to_[a-z]?']\n" /* 20 */
			   "      deny_helpers: [probe_write_user, send_signal, override_return]\n"
			   "      kernel_reads: false\n"
			   "      max_insns: 100000\n"
			   "      signed: required\n"
			   "    maps:\n" /* 25 */
			   "      ct_map_tcp4: rw\n"
			   "      \"ct_*\": none\n"
			   "      \"*\": ro\n"
			   "    collateral:\n"
			   "      - path: /usr/lib/alice/\n" /* 30 */
			   "      - path: /etc/alice.conf\n"
			   "        signed: false\n"
			   "  - name: bob\n"
			   "    exec: {signed: true}\n";

TEST(policy_schema_round_trip)
{
	const struct wb_loader *a, *b;
	const struct wb_programs *p;
	struct wb_policy pol;

	if (!EXPECT_OK(full, &pol))
		return;
	CHECK_STR(pol.name, "full");
	CHECK_INT(pol.mode, ==, WB_MODE_AUDIT);
	if (CHECK_INT(pol.nr_trust_certs, ==, 2)) {
		CHECK_STR(pol.trust_certs[0], "/etc/watchbpf/ci.pem");
		CHECK(pos_is(pol.trust_cert_pos[0], 4, 11), "cert 0 at 4:11");
		/* relative to the policy's directory, which "t.yaml" does not name */
		CHECK_STR(pol.trust_certs[1], "keys/b.pem");
		CHECK(pos_is(pol.trust_cert_pos[1], 4, 33), "cert 1 at 4:33");
	}
	CHECK_INT(pol.default_bpf, ==, WB_BPF_RESTRICT);
	CHECK_INT(pol.default_on_deny, ==, WB_ON_DENY_KILL);
	if (CHECK_INT(pol.nr_block, ==, 3)) {
		CHECK(ref_is(&pol.block[0], "prog_load", 7, 11), "block 0");
		CHECK(ref_is(&pol.block[1], "map_create", 7, 22), "block 1");
		CHECK(ref_is(&pol.block[2], "btf_load", 7, 34), "block 2");
	}
	if (!CHECK_INT(pol.nr_loaders, ==, 2)) {
		policy_free(&pol);
		return;
	}

	a = &pol.loaders[0];
	CHECK_STR(a->name, "alice");
	CHECK_INT(a->line, ==, 10);
	CHECK(a->has_mode && a->mode == WB_MODE_ENFORCE, "alice's mode");
	CHECK(a->has_on_deny && a->on_deny == WB_ON_DENY_DENY, "alice's on_deny");
	CHECK(a->has_digest, "alice's digest");
	CHECK(a->exec_signed, "alice's exec.signed");
	CHECK_STR(a->exec_path, "/usr/local/bin/alice");
	p = &a->programs;
	CHECK(p->present, "alice has programs");
	if (CHECK_INT(p->nr_types, ==, 2)) {
		CHECK(ref_is(&p->types[0], "xdp", 18, 15), "type 0");
		CHECK(ref_is(&p->types[1], "sched_cls", 18, 20), "type 1");
	}
	if (CHECK_INT(p->nr_attach, ==, 1))
		CHECK(ref_is(&p->attach[0], "cgroup_inet_ingress", 19, 16), "attach 0");
	if (CHECK_INT(p->nr_names, ==, 2)) {
		CHECK_STR(p->names[0], "from_*");
		CHECK_STR(p->names[1], "to_[a-z]?");
	}
	if (CHECK_INT(p->nr_deny_helpers, ==, 3)) {
		CHECK(ref_is(&p->deny_helpers[0], "probe_write_user", 21, 22), "helper 0");
		CHECK(ref_is(&p->deny_helpers[1], "send_signal", 21, 40), "helper 1");
		CHECK(ref_is(&p->deny_helpers[2], "override_return", 21, 53), "helper 2");
	}
	CHECK(!p->kernel_reads, "kernel_reads: false");
	CHECK_INT(p->max_insns, ==, 100000);
	CHECK_INT(p->signed_mode, ==, WB_PROG_SIGNED_REQUIRED);
	CHECK(a->has_maps, "alice has maps");
	if (CHECK_INT(a->nr_maps, ==, 3)) {
		CHECK_STR(a->maps[0].glob, "ct_map_tcp4");
		CHECK_INT(a->maps[0].access, ==, WB_ACCESS_RW);
		CHECK(pos_is(a->maps[0].pos, 26, 7), "map rule 0 at 26:7");
		CHECK_STR(a->maps[1].glob, "ct_*");
		CHECK_INT(a->maps[1].access, ==, WB_ACCESS_NONE);
		CHECK(pos_is(a->maps[1].pos, 27, 7), "map rule 1 at 27:7");
		CHECK_STR(a->maps[2].glob, "*");
		CHECK_INT(a->maps[2].access, ==, WB_ACCESS_RO);
		CHECK(pos_is(a->maps[2].pos, 28, 7), "map rule 2 at 28:7");
	}
	if (CHECK_INT(a->nr_collateral, ==, 2)) {
		CHECK_STR(a->collateral[0].path, "/usr/lib/alice/");
		CHECK(a->collateral[0].signed_required, "collateral 0 signed by default");
		CHECK(pos_is(a->collateral[0].pos, 30, 9), "collateral 0 at 30:9");
		CHECK_STR(a->collateral[1].path, "/etc/alice.conf");
		CHECK(!a->collateral[1].signed_required, "collateral 1 not signed");
		CHECK(pos_is(a->collateral[1].pos, 31, 9), "collateral 1 at 31:9");
	}
	CHECK_INT(wb_loader_mode(&pol, a), ==, WB_MODE_ENFORCE);
	CHECK_INT(wb_loader_on_deny(&pol, a), ==, WB_ON_DENY_DENY);

	/* bob: a signature alone identifies him; everything else is default */
	b = &pol.loaders[1];
	CHECK_STR(b->name, "bob");
	CHECK_INT(b->line, ==, 33);
	CHECK(!b->has_digest && b->exec_signed && !b->exec_path, "bob's exec");
	CHECK(!b->has_mode && !b->has_on_deny, "bob has no overrides");
	CHECK_INT(wb_loader_mode(&pol, b), ==, WB_MODE_AUDIT);
	CHECK_INT(wb_loader_on_deny(&pol, b), ==, WB_ON_DENY_KILL);
	CHECK(!b->programs.present && b->programs.kernel_reads, "bob's programs are defaults");
	CHECK(!b->programs.nr_types && !b->programs.types, "bob: any type");
	CHECK_INT(b->programs.max_insns, ==, 0);
	CHECK_INT(b->programs.signed_mode, ==, WB_PROG_SIGNED_OPTIONAL);
	CHECK(!b->has_maps && !b->maps && !b->nr_collateral, "bob: no maps, no collateral");
	CHECK_INT(wb_loader_map_access(b, "anything"), ==, WB_ACCESS_RW);

	policy_free(&pol);
	CHECK(pol_is_zero(&pol), "policy_free() clears every field");
}

TEST(policy_schema_defaults)
{
	struct wb_policy pol;
	const struct wb_loader *l;

	if (!EXPECT_OK(L0, &pol))
		return;
	CHECK_INT(pol.default_bpf, ==, WB_BPF_DENY);
	CHECK_INT(pol.default_on_deny, ==, WB_ON_DENY_DENY);
	CHECK(!pol.nr_trust_certs && !pol.trust_certs && !pol.trust_cert_pos, "no trust");
	CHECK(!pol.nr_block && !pol.block, "no block");
	l = &pol.loaders[0];
	CHECK(!l->exec_signed && !l->exec_path, "exec: digest only");
	CHECK(!l->programs.present, "no programs key");
	CHECK(l->programs.kernel_reads, "kernel reads are allowed by default");
	CHECK_INT(l->programs.max_insns, ==, 0);
	CHECK(!l->has_maps && !l->nr_collateral, "no maps, no collateral");
	CHECK_INT(wb_loader_mode(&pol, l), ==, WB_MODE_ENFORCE);
	CHECK_INT(wb_loader_on_deny(&pol, l), ==, WB_ON_DENY_DENY);
	policy_free(&pol);

	/* an empty 'programs' or 'default' is all defaults too */
	if (EXPECT_OK("name: x\ndefault: {}\nloaders:\n  - name: a\n    exec: {digest: " D256
		      "}\n    programs: {}\n",
		      &pol)) {
		CHECK(pol.loaders[0].programs.present, "programs: {} is present");
		CHECK(pol.loaders[0].programs.kernel_reads, "and has the defaults");
		CHECK_INT(pol.default_bpf, ==, WB_BPF_DENY);
		policy_free(&pol);
	}
	/* 'block' goes with allow and restrict */
	if (EXPECT_OK("name: x\ndefault: {bpf: allow, block: [prog_load]}\nloaders: []\n", &pol)) {
		CHECK_INT(pol.default_bpf, ==, WB_BPF_ALLOW);
		CHECK_INT(pol.nr_block, ==, 1);
		policy_free(&pol);
	}
	/* 'trust' may come after the loaders that need it */
	if (EXPECT_OK("name: x\nloaders:\n  - name: a\n    exec: {signed: true}\n"
		      "trust: {certs: [/c.pem]}\n",
		      &pol)) {
		CHECK(pol.loaders[0].exec_signed, "signed");
		policy_free(&pol);
	}
}

TEST(policy_schema_names)
{
	CHECK_STR(wb_bpf_default_name(WB_BPF_DENY), "deny");
	CHECK_STR(wb_bpf_default_name(WB_BPF_ALLOW), "allow");
	CHECK_STR(wb_bpf_default_name(WB_BPF_RESTRICT), "restrict");
	CHECK_STR(wb_on_deny_name(WB_ON_DENY_DENY), "deny");
	CHECK_STR(wb_on_deny_name(WB_ON_DENY_KILL), "kill");
	CHECK_STR(wb_access_name(WB_ACCESS_NONE), "none");
	CHECK_STR(wb_access_name(WB_ACCESS_RO), "ro");
	CHECK_STR(wb_access_name(WB_ACCESS_RW), "rw");
	CHECK_STR(wb_prog_signed_name(WB_PROG_SIGNED_OPTIONAL), "optional");
	CHECK_STR(wb_prog_signed_name(WB_PROG_SIGNED_REQUIRED), "required");
	CHECK_STR(wb_access_name((enum wb_access)7), "unknown");
}

TEST(policy_schema_map_access)
{
	static const char text[] = L0 "    maps:\n"
				      "      ct_map_tcp4: rw\n"
				      "      \"ct_*\": none\n"
				      "      \"[a-c]?.bss\": ro\n"
				      "      \"[![:digit:]]x\\\\_y\": rw\n"
				      "      \"*\": ro\n";
	static const char no_star[] = L0 "    maps: {\"ct_*\": rw}\n";
	struct wb_policy pol;

	if (EXPECT_OK(text, &pol)) {
		const struct wb_loader *l = &pol.loaders[0];

		/* first match wins: ct_map_tcp4 also matches ct_* and * */
		CHECK_INT(wb_loader_map_access(l, "ct_map_tcp4"), ==, WB_ACCESS_RW);
		CHECK_INT(wb_loader_map_access(l, "ct_map_udp"), ==, WB_ACCESS_NONE);
		CHECK_INT(wb_loader_map_access(l, "ab.bss"), ==, WB_ACCESS_RO);
		CHECK_INT(wb_loader_map_access(l, "zx_y"), ==, WB_ACCESS_RW);
		CHECK_INT(wb_loader_map_access(l, "1x_y"), ==, WB_ACCESS_RO);
		CHECK_INT(wb_loader_map_access(l, ""), ==, WB_ACCESS_RO);
		CHECK_INT(wb_loader_map_access(l, ".rodata"), ==, WB_ACCESS_RO);
		/* every glob the parser accepts is one fnmatch() takes */
		for (size_t i = 0; i < l->nr_maps; i++)
			CHECK(fnmatch(l->maps[i].glob, "x", 0) != -1, "%s", l->maps[i].glob);
		policy_free(&pol);
	}
	if (EXPECT_OK(no_star, &pol)) {
		CHECK_INT(wb_loader_map_access(&pol.loaders[0], "ct_x"), ==, WB_ACCESS_RW);
		/* with 'maps', what no rule matches is out of bounds */
		CHECK_INT(wb_loader_map_access(&pol.loaders[0], "other"), ==, WB_ACCESS_NONE);
		policy_free(&pol);
	}
}

TEST(policy_schema_globs_valid)
{
	static const char text[] =
		L0 "    programs:\n"
		   "      names: [\"*\", \"from_*\", \"[a-z]*\", \"??\", \"x\\\\.y\", "
		   "\"[]a]\", \"[!]]\", \"[^a]\", \"[[:alpha:]_]*\", "
		   "\"from_netdev_lon*\", \"???????????????\"]\n";
	struct wb_policy pol;

	if (!EXPECT_OK(text, &pol))
		return;
	CHECK_INT(pol.loaders[0].programs.nr_names, ==, 11);
	CHECK_STR(pol.loaders[0].programs.names[4], "x\\.y");
	CHECK_INT(fnmatch(pol.loaders[0].programs.names[4], "x.y", 0), ==, 0);
	CHECK_INT(fnmatch(pol.loaders[0].programs.names[5], "]", 0), ==, 0);
	CHECK_INT(fnmatch(pol.loaders[0].programs.names[8], "ab_c", 0), ==, 0);
	CHECK_INT(fnmatch(pol.loaders[0].programs.names[9], "from_netdev_lon", 0), ==, 0);
	policy_free(&pol);
}

TEST(policy_schema_version)
{
	static const char text[] = "name: x\nloaders: []\n";
	static const char text2[] = "name: x\nloaders: [ ]\n";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	struct wb_policy pol, pol2;
	char want[13];

	EVP_Digest(text, sizeof(text) - 1, md, &mdlen, EVP_sha256(), NULL);
	for (int i = 0; i < 6; i++)
		snprintf(want + 2 * i, 3, "%02x", md[i]);
	if (!EXPECT_OK(text, &pol))
		return;
	CHECK_STR(pol.version, want);
	CHECK_INT(strlen(pol.version), ==, 12);
	/* the same meaning written otherwise is another version */
	if (EXPECT_OK(text2, &pol2)) {
		CHECK(strcmp(pol.version, pol2.version), "%s", pol2.version);
		policy_free(&pol2);
	}
	policy_free(&pol);
}

TEST(policy_schema_cert_paths)
{
	static const char text[] = "name: x\ntrust:\n  certs: [ci.pem, /abs/ci.pem, sub/x.pem]\n"
				   "loaders: []\n";
	struct wb_policy pol;
	char err[512];

	if (CHECK(!load_as("conf/dir/t.yaml", text, sizeof(text) - 1, &pol, err, sizeof(err)), "%s",
		  err)) {
		CHECK_STR(pol.trust_certs[0], "conf/dir/ci.pem");
		CHECK_STR(pol.trust_certs[1], "/abs/ci.pem");
		CHECK_STR(pol.trust_certs[2], "conf/dir/sub/x.pem");
		CHECK(pos_is(pol.trust_cert_pos[2], 3, 32), "third cert at 3:32");
		policy_free(&pol);
	}
	if (CHECK(!load_as("/t.yaml", text, sizeof(text) - 1, &pol, err, sizeof(err)), "%s", err)) {
		CHECK_STR(pol.trust_certs[0], "/ci.pem");
		policy_free(&pol);
	}
}

#define CERT_POLICY(certs) "name: x\ntrust:\n  certs: " certs "\nloaders: []\n"
#define FIXTURES "tests/unit/policies/"

static void expect_certs(int line, const char *text, const char *want)
{
	struct wb_policy pol;
	char err[1024];

	if (!CHECK(!load_as(FIXTURES "t.yaml", text, strlen(text), &pol, err, sizeof(err)),
		   "line %d: %s", line, err))
		return;
	if (!want)
		CHECK(!policy_check_certs(&pol, err, sizeof(err)), "line %d: %s", line, err);
	else if (CHECK(policy_check_certs(&pol, err, sizeof(err)) == -1, "line %d: accepted", line))
		CHECK(!strcmp(err, want), "line %d:\n    got  \"%s\"\n    want \"%s\"", line, err,
		      want);
	policy_free(&pol);
}

TEST(policy_schema_check_certs)
{
	expect_certs(__LINE__, CERT_POLICY("[ci.pem]"), NULL);
	expect_certs(__LINE__, CERT_POLICY("[ci.pem, valid.yaml]"),
		     FIXTURES "t.yaml:3:19: '" FIXTURES "valid.yaml' holds no PEM certificate");
	expect_certs(__LINE__, CERT_POLICY("[ci.pem, nonexistent.pem]"),
		     FIXTURES "t.yaml:3:19: cannot read certificate '" FIXTURES
			      "nonexistent.pem': No such file or directory");
	expect_certs(__LINE__, CERT_POLICY("[ci.pem, /dev/null]"),
		     FIXTURES "t.yaml:3:19: '/dev/null' holds no PEM certificate");
	expect_certs(__LINE__, CERT_POLICY("[.]"),
		     FIXTURES "t.yaml:3:11: cannot read certificate '" FIXTURES
			      ".': Is a directory");
	/* a policy without trust has nothing to check */
	expect_certs(__LINE__, "name: x\nloaders: []\n", NULL);
}

TEST(policy_schema_err_bool)
{
#define KR(v) L0 "    programs:\n      kernel_reads: " v "\n"
	struct wb_policy pol;

	EXPECT_ERR(KR("yes"),
		   "t.yaml:7:21: 'kernel_reads' must be true or false (got 'yes'; write true)");
	EXPECT_ERR(KR("no"),
		   "t.yaml:7:21: 'kernel_reads' must be true or false (got 'no'; write false)");
	EXPECT_ERR(KR("Off"),
		   "t.yaml:7:21: 'kernel_reads' must be true or false (got 'Off'; write false)");
	EXPECT_ERR(KR("True"),
		   "t.yaml:7:21: 'kernel_reads' must be true or false (got 'True'; write true)");
	EXPECT_ERR(KR("FALSE"),
		   "t.yaml:7:21: 'kernel_reads' must be true or false (got 'FALSE'; write false)");
	EXPECT_ERR(KR("1"), "t.yaml:7:21: 'kernel_reads' must be true or false (got '1')");
	EXPECT_ERR(KR("truee"), "t.yaml:7:21: 'kernel_reads' must be true or false (got 'truee')");
	EXPECT_ERR(KR(""),
		   "t.yaml:7:20: 'kernel_reads' must be true or false (got an empty value)");
	EXPECT_ERR(KR("~"), "t.yaml:7:21: 'kernel_reads' must be true or false (got null)");
	EXPECT_ERR(KR("[true]"),
		   "t.yaml:7:21: 'kernel_reads' must be true or false (got a sequence)");
	EXPECT_ERR(L0 "    collateral: [{path: /a/, signed: on}]\n",
		   "t.yaml:6:38: 'signed' must be true or false (got 'on'; write true)");
	/* quoting never changes a value */
	if (EXPECT_OK(KR("'false'"), &pol)) {
		CHECK(!pol.loaders[0].programs.kernel_reads, "quoted false");
		policy_free(&pol);
	}
	if (EXPECT_OK(KR("true"), &pol)) {
		CHECK(pol.loaders[0].programs.kernel_reads, "true");
		policy_free(&pol);
	}
#undef KR
}

TEST(policy_schema_err_max_insns)
{
#define MI(v) L0 "    programs:\n      max_insns: " v "\n"
#define MI_ERR(got) "t.yaml:7:18: 'max_insns' must be a decimal integer from 1 to 1000000 (" got ")"
	struct wb_policy pol;

	EXPECT_ERR(MI("0"), MI_ERR("got '0'"));
	EXPECT_ERR(MI("-1"), MI_ERR("got '-1'"));
	EXPECT_ERR(MI("+5"), MI_ERR("got '+5'"));
	EXPECT_ERR(MI("1e6"), MI_ERR("got '1e6'"));
	EXPECT_ERR(MI("0x10"), MI_ERR("got '0x10'"));
	EXPECT_ERR(MI("010"), MI_ERR("got '010'"));
	EXPECT_ERR(MI("1_000"), MI_ERR("got '1_000'"));
	EXPECT_ERR(MI("1.0"), MI_ERR("got '1.0'"));
	EXPECT_ERR(MI("1000001"), MI_ERR("got '1000001'"));
	EXPECT_ERR(MI("4294967297"), MI_ERR("got '4294967297'"));
	EXPECT_ERR(MI("99999999999999999999"), MI_ERR("got '99999999999999999999'"));
	EXPECT_ERR(MI("''"), MI_ERR("got ''"));
	EXPECT_ERR(MI("' 5'"), MI_ERR("got ' 5'"));
	EXPECT_ERR(MI("[5]"), MI_ERR("got a sequence"));
	EXPECT_ERR(L0 "    programs:\n      max_insns:\n",
		   "t.yaml:7:17: 'max_insns' must be a decimal integer from 1 to 1000000 (got an "
		   "empty value)");
	if (EXPECT_OK(MI("1"), &pol)) {
		CHECK_INT(pol.loaders[0].programs.max_insns, ==, 1);
		policy_free(&pol);
	}
	if (EXPECT_OK(MI("1000000"), &pol)) {
		CHECK_INT(pol.loaders[0].programs.max_insns, ==, 1000000);
		policy_free(&pol);
	}
	if (EXPECT_OK(MI("\"4096\""), &pol)) {
		CHECK_INT(pol.loaders[0].programs.max_insns, ==, 4096);
		policy_free(&pol);
	}
#undef MI
#undef MI_ERR
}

TEST(policy_schema_err_paths)
{
#define XP(v) L0 "      path: " v "\n"
#define NORM "must be normalized, without '.', '..' or empty components"
	struct wb_policy pol;

	EXPECT_ERR(XP("usr/bin/a"),
		   "t.yaml:6:13: 'path' must be an absolute path (got 'usr/bin/a')");
	EXPECT_ERR(XP("./a"), "t.yaml:6:13: 'path' must be an absolute path (got './a')");
	EXPECT_ERR(XP("''"), "t.yaml:6:13: 'path' must be an absolute path (got '')");
	EXPECT_ERR(XP("//usr/bin/a"), "t.yaml:6:13: 'path' " NORM " (got '//usr/bin/a')");
	EXPECT_ERR(XP("/usr//bin/a"), "t.yaml:6:13: 'path' " NORM " (got '/usr//bin/a')");
	EXPECT_ERR(XP("/usr/./a"), "t.yaml:6:13: 'path' " NORM " (got '/usr/./a')");
	EXPECT_ERR(XP("/usr/../a"), "t.yaml:6:13: 'path' " NORM " (got '/usr/../a')");
	EXPECT_ERR(XP("/usr/bin/.."), "t.yaml:6:13: 'path' " NORM " (got '/usr/bin/..')");
	EXPECT_ERR(XP("/usr/bin/."), "t.yaml:6:13: 'path' " NORM " (got '/usr/bin/.')");
	EXPECT_ERR(XP("/usr/bin/"),
		   "t.yaml:6:13: 'path' names a file and must not end with '/' (got '/usr/bin/')");
	EXPECT_ERR(XP("/"), "t.yaml:6:13: 'path' names a file and must not end with '/' (got '/')");
	EXPECT_ERR(XP("\"/a\\tb\""),
		   "t.yaml:6:13: 'path' must not contain control characters (got '/a\\tb')");
	EXPECT_ERR(XP("\"/a\\0b\""), "t.yaml:6:13: 'path' must not contain NUL characters");
	EXPECT_ERR(XP("~"), "t.yaml:6:13: 'path' must be a string, got null");
	EXPECT_ERR(XP("[/a]"), "t.yaml:6:13: 'path' must be a string, got a sequence");
	/* a directory prefix ends with '/', '/' itself included */
	EXPECT_ERR(L0 "    collateral: [{path: usr/lib/, signed: false}]\n",
		   "t.yaml:6:25: 'path' must be an absolute path (got 'usr/lib/')");
	EXPECT_ERR(L0 "    collateral: [{path: /usr//lib/, signed: false}]\n",
		   "t.yaml:6:25: 'path' " NORM " (got '/usr//lib/')");
	EXPECT_ERR(L0 "    collateral: [{path: /usr/lib/../, signed: false}]\n",
		   "t.yaml:6:25: 'path' " NORM " (got '/usr/lib/../')");
	if (EXPECT_OK(XP("/opt/a..b/.hidden/x.y"), &pol)) {
		CHECK_STR(pol.loaders[0].exec_path, "/opt/a..b/.hidden/x.y");
		policy_free(&pol);
	}
	if (EXPECT_OK(L0 "    collateral:\n"
			 "      - {path: /, signed: false}\n"
			 "      - {path: /usr/lib/a, signed: false}\n"
			 "      - {path: /usr/lib/a/, signed: false}\n",
		      &pol)) {
		CHECK_INT(pol.loaders[0].nr_collateral, ==, 3);
		CHECK_STR(pol.loaders[0].collateral[0].path, "/");
		CHECK_STR(pol.loaders[0].collateral[2].path, "/usr/lib/a/");
		policy_free(&pol);
	}
#undef XP
#undef NORM
}

#define KNAMES "must be 1..63 characters of [a-z0-9_], starting with a letter"

TEST(policy_schema_err_lists)
{
#define PR(k) L0 "    programs:\n      " k "\n"
	EXPECT_ERR(PR("types: xdp"), "t.yaml:7:14: 'types' must be a sequence, got a scalar");
	EXPECT_ERR(PR("types: {xdp: 1}"), "t.yaml:7:14: 'types' must be a sequence, got a mapping");
	EXPECT_ERR(PR("types:"), "t.yaml:7:13: 'types' must be a sequence, got an empty value");
	EXPECT_ERR(PR("types: []"),
		   "t.yaml:7:14: 'types' must not be empty (leave it out to allow every program "
		   "type)");
	EXPECT_ERR(PR("attach: []"),
		   "t.yaml:7:15: 'attach' must not be empty (leave it out to allow every attach "
		   "type)");
	EXPECT_ERR(PR("names: []"),
		   "t.yaml:7:14: 'names' must not be empty (leave it out to allow every name)");
	EXPECT_ERR(
		PR("deny_helpers: []"),
		"t.yaml:7:21: 'deny_helpers' must not be empty (leave it out to deny no helper)");
	EXPECT_ERR(PR("types: [xdp, {a: b}]"),
		   "t.yaml:7:20: each entry of 'types' must be a string, got a mapping");
	EXPECT_ERR(PR("types: [xdp, ~]"),
		   "t.yaml:7:20: each entry of 'types' must be a string, got "
		   "null");
	EXPECT_ERR(PR("types: [\"a\\0b\"]"),
		   "t.yaml:7:15: entries of 'types' must not contain NUL characters");
	EXPECT_ERR(PR("types: [xdp, sched_cls, xdp]"),
		   "t.yaml:7:31: duplicate entry 'xdp' in 'types' (first at line 7)");
	EXPECT_ERR(
		PR("deny_helpers:\n        - send_signal\n        - 'send_signal'"),
		"t.yaml:9:11: duplicate entry 'send_signal' in 'deny_helpers' (first at line 8)");
	EXPECT_ERR(PR("names: [\"from_*\", \"to_*\", \"from_*\"]"),
		   "t.yaml:7:33: duplicate entry 'from_*' in 'names' (first at line 7)");
	EXPECT_ERR("name: x\ndefault:\n  bpf: allow\n  block: [map_create, map_create]\n"
		   "loaders: []\n",
		   "t.yaml:4:23: duplicate entry 'map_create' in 'block' (first at line 4)");

	/* malformed kernel names, with the spelling meant when it is clear */
	EXPECT_ERR(PR("types: [XDP]"),
		   "t.yaml:7:15: entries of 'types' " KNAMES " (got 'XDP'; write 'xdp')");
	EXPECT_ERR(PR("types: [BPF_PROG_TYPE_SCHED_CLS]"),
		   "t.yaml:7:15: entries of 'types' " KNAMES
		   " (got 'BPF_PROG_TYPE_SCHED_CLS'; write 'sched_cls')");
	EXPECT_ERR(PR("attach: [BPF_CGROUP_INET_INGRESS]"),
		   "t.yaml:7:16: entries of 'attach' " KNAMES
		   " (got 'BPF_CGROUP_INET_INGRESS'; write 'cgroup_inet_ingress')");
	EXPECT_ERR(PR("deny_helpers: [BPF_FUNC_probe_write_user]"),
		   "t.yaml:7:22: entries of 'deny_helpers' " KNAMES
		   " (got 'BPF_FUNC_probe_write_user'; write 'probe_write_user')");
	EXPECT_ERR("name: x\ndefault: {bpf: allow, block: [BPF_PROG_LOAD]}\nloaders: []\n",
		   "t.yaml:2:31: entries of 'block' " KNAMES " (got 'BPF_PROG_LOAD'; write "
		   "'prog_load')");
	EXPECT_ERR(PR("types: ['sched cls']"),
		   "t.yaml:7:15: entries of 'types' " KNAMES " (got 'sched cls')");
	EXPECT_ERR(PR("types: ['']"), "t.yaml:7:15: entries of 'types' " KNAMES " (got '')");
	EXPECT_ERR(PR("types: [3com]"), "t.yaml:7:15: entries of 'types' " KNAMES " (got '3com')");
	EXPECT_ERR(PR("types: [_x]"), "t.yaml:7:15: entries of 'types' " KNAMES " (got '_x')");
	EXPECT_ERR(PR("types: [x-y]"), "t.yaml:7:15: entries of 'types' " KNAMES " (got 'x-y')");
	EXPECT_ERR(PR("types: [a234567890123456789012345678901234567890123456789012345678901234]"),
		   "t.yaml:7:15: entries of 'types' " KNAMES
		   " (got 'a234567890123456789012345678901234567890123456789012345678901234')");
#undef PR
}

/* A list of n distinct entries, as a policy. */
static char *long_list(size_t n)
{
	size_t size = 128 + n * 8, used;
	char *buf = malloc(size);

	if (!buf)
		return NULL;
	used = snprintf(buf, size, L0 "    programs:\n      types: [");
	for (size_t i = 0; i < n; i++)
		used += snprintf(buf + used, size - used, "%st%zu", i ? ", " : "", i);
	snprintf(buf + used, size - used, "]\n");
	return buf;
}

TEST(policy_schema_err_list_limit)
{
	char *ok = long_list(WB_LIST_MAX), *bad = long_list(WB_LIST_MAX + 1);
	struct wb_policy pol;
	char err[256];

	if (!CHECK(ok && bad, "malloc"))
		goto out;
	if (CHECK(!load_as("t.yaml", ok, strlen(ok), &pol, err, sizeof(err)), "%s", err)) {
		CHECK_INT(pol.loaders[0].programs.nr_types, ==, WB_LIST_MAX);
		policy_free(&pol);
	}
	CHECK_INT(load_as("t.yaml", bad, strlen(bad), &pol, err, sizeof(err)), ==, -1);
	CHECK_STR(err, "t.yaml:7:14: 'types' has more than 1024 entries");
out:
	free(ok);
	free(bad);
}

TEST(policy_schema_err_globs)
{
#define NM(v) L0 "    programs:\n      names: [" v "]\n"
#define NEVER "can never match: names have only the characters [A-Za-z0-9_.]"
	EXPECT_ERR(NM("'from_[ab'"), "t.yaml:7:15: program name glob 'from_[ab' is not valid: '[' "
				     "without a closing ']'");
	EXPECT_ERR(NM("'[]'"),
		   "t.yaml:7:15: program name glob '[]' is not valid: '[' without a closing ']'");
	EXPECT_ERR(NM("'a\\'"),
		   "t.yaml:7:15: program name glob 'a\\\\' is not valid: it ends with a lone '\\'");
	EXPECT_ERR(NM("'[[:foo:]]x'"),
		   "t.yaml:7:15: program name glob '[[:foo:]]x' is not valid: unknown [:class:]");
	EXPECT_ERR(NM("'[[:alpha]x'"),
		   "t.yaml:7:15: program name glob '[[:alpha]x' is not valid: unknown [:class:]");
	EXPECT_ERR(NM("''"), "t.yaml:7:15: program name glob '' is not valid: it is empty");
	EXPECT_ERR(NM("from-x"), "t.yaml:7:15: program name glob 'from-x' " NEVER);
	EXPECT_ERR(NM("'a b'"), "t.yaml:7:15: program name glob 'a b' " NEVER);
	EXPECT_ERR(NM("'a\\*'"), "t.yaml:7:15: program name glob 'a\\\\*' " NEVER);
	EXPECT_ERR(NM("\"é*\""), "t.yaml:7:15: program name glob 'é*' " NEVER);
	EXPECT_ERR(NM("from_netdev_long"), "t.yaml:7:15: program name glob 'from_netdev_long' can "
					   "never match: names have at most 15 characters");
	EXPECT_ERR(NM("'????????????????*'"),
		   "t.yaml:7:15: program name glob '????????????????*' can never match: names "
		   "have at most 15 characters");
	EXPECT_ERR(NM("\"a\\0\""),
		   "t.yaml:7:15: entries of 'names' must not contain NUL characters");
#undef NM
#undef NEVER
}

TEST(policy_schema_err_maps)
{
#define MP(rules) L0 "    maps:\n" rules
	EXPECT_ERR(MP("      ct_map: write\n"),
		   "t.yaml:7:15: 'ct_map' in maps must be one of: rw, ro, none (got 'write')");
	EXPECT_ERR(MP("      ct_map: RW\n"),
		   "t.yaml:7:15: 'ct_map' in maps must be one of: rw, ro, none (got 'RW')");
	EXPECT_ERR(MP("      ct_map:\n"),
		   "t.yaml:7:14: 'ct_map' in maps must be one of: rw, ro, none (got an empty "
		   "value)");
	EXPECT_ERR(MP("      ct_map: [ro]\n"),
		   "t.yaml:7:15: 'ct_map' in maps must be one of: rw, ro, none (got a sequence)");
	EXPECT_ERR(L0 "    maps: [ct_map]\n",
		   "t.yaml:6:11: 'maps' must be a mapping, got a sequence");
	EXPECT_ERR(L0 "    maps: rw\n", "t.yaml:6:11: 'maps' must be a mapping, got a scalar");
	EXPECT_ERR(L0 "    maps:\n", "t.yaml:6:10: 'maps' must be a mapping, got an empty value");
	EXPECT_ERR(L0 "    maps: {}\n",
		   "t.yaml:6:11: 'maps' must not be empty (write '\"*\": none' to deny every map)");
	EXPECT_ERR(MP("      ct_map: rw\n      'ct_map': ro\n"),
		   "t.yaml:8:7: duplicate key 'ct_map' in maps (first at line 7)");
	EXPECT_ERR(MP("      ? [a]\n      : rw\n"),
		   "t.yaml:7:9: keys in maps must be scalars, got a sequence");
	EXPECT_ERR(MP("      ~: rw\n"),
		   "t.yaml:7:7: keys in maps must be map name globs, got null");
	EXPECT_ERR(MP("      \"ct-map\": rw\n"), "t.yaml:7:7: map name glob 'ct-map' can never "
						 "match: names have only the characters "
						 "[A-Za-z0-9_.]");
	EXPECT_ERR(MP("      \"ct_[\": rw\n"),
		   "t.yaml:7:7: map name glob 'ct_[' is not valid: '[' without a closing ']'");
	EXPECT_ERR(MP("      \"a\\0\": rw\n"),
		   "t.yaml:7:7: keys in maps must not contain NUL characters");
	/* the first match wins: nothing after a '*' could ever apply */
	EXPECT_ERR(MP("      ct_map: rw\n      \"*\": ro\n      other: none\n"),
		   "t.yaml:9:7: map rule 'other' can never apply: '*' at line 8 matches every map "
		   "first");
	EXPECT_ERR(MP("      \"**\": ro\n      \"x*\": rw\n"),
		   "t.yaml:8:7: map rule 'x*' can never apply: '**' at line 7 matches every map "
		   "first");
	/* an unquoted * is a YAML alias */
	EXPECT_ERR(MP("      *: ro\n"),
		   "t.yaml:7:8: YAML syntax error: did not find expected alphabetic or numeric "
		   "character (while scanning an alias)");
#undef MP
}

TEST(policy_schema_err_exec)
{
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n    exec:\n      signed: false\n",
		   "t.yaml:5:7: exec needs 'digest' or 'signed: true' (or both)");
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n    exec: {path: /usr/bin/a}\n",
		   "t.yaml:4:11: exec needs 'digest' or 'signed: true' (or both)");
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n    exec:\n      signed: true\n",
		   "t.yaml:5:7: 'signed: true' needs a certificate in trust.certs");
	EXPECT_ERR(L0 "      signed: true\n",
		   "t.yaml:6:7: 'signed: true' needs a certificate in trust.certs");
	EXPECT_ERR(L0 "      sigend: true\n",
		   "t.yaml:6:7: unknown key 'sigend' in exec (expected: digest, signed, path)");
	EXPECT_ERR(L0 "      signed: true\n      signed: true\n",
		   "t.yaml:7:7: duplicate key 'signed' in exec (first at line 6)");
}

TEST(policy_schema_err_signers)
{
	struct wb_policy pol;

	EXPECT_ERR(L0 "    programs: {signed: required}\n",
		   "t.yaml:6:16: 'signed: required' needs a certificate in trust.certs");
	EXPECT_ERR(L0 "    programs: {signed: yes}\n",
		   "t.yaml:6:24: 'signed' must be one of: optional, required (got 'yes')");
	EXPECT_ERR(L0 "    collateral:\n      - path: /usr/lib/a/\n",
		   "t.yaml:7:9: collateral is 'signed: true' by default, which needs a "
		   "certificate in trust.certs (or write 'signed: false')");
	EXPECT_ERR(L0 "    collateral:\n      - path: /usr/lib/a/\n        signed: true\n",
		   "t.yaml:8:9: 'signed: true' needs a certificate in trust.certs");
	/* the first in the file is reported, whichever key it is */
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n    collateral: [{path: /x/}]\n"
		   "    exec: {signed: true}\n",
		   "t.yaml:4:18: collateral is 'signed: true' by default, which needs a "
		   "certificate in trust.certs (or write 'signed: false')");
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n    exec: {digest: " D256 "}\n"
		   "  - name: b\n    exec: {signed: true}\n    programs: {signed: required}\n",
		   "t.yaml:6:12: 'signed: true' needs a certificate in trust.certs");
	/* with a certificate, all of them are fine */
	if (EXPECT_OK(T0 "      signed: true\n"
			 "    programs: {signed: required}\n"
			 "    collateral: [{path: /x/}, {path: /y/, signed: true}]\n",
		      &pol)) {
		CHECK(pol.loaders[0].collateral[0].signed_required, "signed by default");
		policy_free(&pol);
	}
	/* and without one, collateral that needs no signature is fine */
	if (EXPECT_OK(L0 "    collateral: [{path: /x/, signed: false}]\n", &pol))
		policy_free(&pol);
}

TEST(policy_schema_err_collateral)
{
	EXPECT_ERR(T0 "    collateral:\n      - {path: /a/}\n      - {path: /a/, signed: false}\n",
		   "t.yaml:9:16: duplicate collateral path '/a/' (first defined at line 8)");
	EXPECT_ERR(T0 "    collateral:\n      - {signed: false}\n",
		   "t.yaml:8:9: missing required key 'path' in collateral");
	EXPECT_ERR(T0 "    collateral:\n      - {path: /a/, sign: false}\n",
		   "t.yaml:8:21: unknown key 'sign' in collateral (expected: path, signed)");
	EXPECT_ERR(T0 "    collateral: []\n",
		   "t.yaml:7:17: 'collateral' must not be empty (leave it out if the loader has "
		   "none)");
	EXPECT_ERR(T0 "    collateral: [/a/]\n",
		   "t.yaml:7:18: each entry of 'collateral' must be a mapping, got a scalar");
	EXPECT_ERR(T0 "    collateral: {path: /a/}\n",
		   "t.yaml:7:17: 'collateral' must be a sequence, got a mapping");
}

TEST(policy_schema_err_default)
{
	EXPECT_ERR("name: x\ndefault:\n  block: [prog_load]\nloaders: []\n",
		   "t.yaml:3:3: 'block' needs 'bpf: allow' or 'bpf: restrict' (with 'bpf: deny' "
		   "every command is denied already)");
	EXPECT_ERR("name: x\ndefault:\n  block: [prog_load]\n  bpf: deny\nloaders: []\n",
		   "t.yaml:3:3: 'block' needs 'bpf: allow' or 'bpf: restrict' (with 'bpf: deny' "
		   "every command is denied already)");
	EXPECT_ERR("name: x\ndefault: {bpf: allow, block: []}\nloaders: []\n",
		   "t.yaml:2:30: 'block' must not be empty (leave it out to block no command)");
	EXPECT_ERR("name: x\ndefault: {bpf: none}\nloaders: []\n",
		   "t.yaml:2:16: 'bpf' must be one of: deny, allow, restrict (got 'none')");
	EXPECT_ERR("name: x\ndefault: {on_deny: kil}\nloaders: []\n",
		   "t.yaml:2:20: 'on_deny' must be one of: deny, kill (got 'kil')");
	EXPECT_ERR("name: x\ndefault: [bpf]\nloaders: []\n",
		   "t.yaml:2:10: 'default' must be a mapping, got a sequence");
	EXPECT_ERR("name: x\ndefault:\nloaders: []\n",
		   "t.yaml:2:9: 'default' must be a mapping, got an empty value");
}

TEST(policy_schema_err_trust)
{
	EXPECT_ERR("name: x\ntrust: {}\nloaders: []\n",
		   "t.yaml:2:8: 'trust' needs 'certs' or 'digests' (or leave it out)");
	EXPECT_ERR("name: x\ntrust: {certs: []}\nloaders: []\n",
		   "t.yaml:2:16: 'certs' must not be empty (leave it out if no certificate is "
		   "trusted)");
	EXPECT_ERR("name: x\ntrust: {certs: /a.pem}\nloaders: []\n",
		   "t.yaml:2:16: 'certs' must be a sequence, got a scalar");
	EXPECT_ERR("name: x\ntrust: {certs: ['']}\nloaders: []\n",
		   "t.yaml:2:17: entries of 'certs' must not be empty");
	EXPECT_ERR("name: x\ntrust: {certs: [[/a.pem]]}\nloaders: []\n",
		   "t.yaml:2:17: each entry of 'certs' must be a string, got a sequence");
	EXPECT_ERR("name: x\ntrust: {certs: [\"/a\\nb\"]}\nloaders: []\n",
		   "t.yaml:2:17: entries of 'certs' must not contain control characters");
	EXPECT_ERR("name: x\ntrust: {certs: [/a.pem, /a.pem]}\nloaders: []\n",
		   "t.yaml:2:25: duplicate entry '/a.pem' in 'certs' (first at line 2)");
	EXPECT_ERR("name: x\ntrust: {certs: [/a.pem], keys: []}\nloaders: []\n",
		   "t.yaml:2:26: unknown key 'keys' in trust (expected: certs, digests)");
}

TEST(policy_schema_err_loader_overrides)
{
	EXPECT_ERR(L0 "    mode: Enforce\n",
		   "t.yaml:6:11: 'mode' must be one of: enforce, audit (got 'Enforce')");
	EXPECT_ERR(L0 "    on_deny: die\n",
		   "t.yaml:6:14: 'on_deny' must be one of: deny, kill (got 'die')");
	EXPECT_ERR(L0 "    programs: {type: [xdp]}\n",
		   "t.yaml:6:16: unknown key 'type' in programs (expected: types, attach, names, "
		   "deny_helpers, allow_helpers, deny_kfuncs, allow_kfuncs, kernel_reads, max_insns, signed)");
	EXPECT_ERR(L0 "    programs: [xdp]\n",
		   "t.yaml:6:15: 'programs' must be a mapping, got a sequence");
	EXPECT_ERR(L0 "    programs:\n      signed: maybe\n",
		   "t.yaml:7:15: 'signed' must be one of: optional, required (got 'maybe')");
}

/* Only the first problem, in file order, and nothing of the rest. */
TEST(policy_schema_err_first_only)
{
	EXPECT_ERR("name: x\n"
		   "trust: {certs: [/c.pem]}\n"
		   "default: {bpf: allow, block: [prog_load]}\n"
		   "loaders:\n"
		   "  - name: a\n"
		   "    exec: {digest: " D256 ", signed: true, path: /a}\n"
		   "    programs: {types: [xdp], max_insns: 0, kernel_reads: no}\n",
		   "t.yaml:7:41: 'max_insns' must be a decimal integer from 1 to 1000000 (got "
		   "'0')");
}

/* The example showing every field stays valid (and its names are those of
 * the kernel: test_policy_resolve.c). */
TEST(policy_schema_example_full)
{
	struct wb_policy pol = { 0 };
	char err[1024] = "";

	if (!CHECK(!policy_load_file("examples/full.yaml", &pol, err, sizeof(err)), "%s", err))
		return;
	CHECK(!policy_check_certs(&pol, err, sizeof(err)), "%s", err);
	CHECK_STR(pol.trust_certs[0], "examples/ci.pem");
	CHECK_INT(pol.default_bpf, ==, WB_BPF_RESTRICT);
	CHECK(pol.nr_loaders >= 2, "alice and bob");
	policy_free(&pol);
}
