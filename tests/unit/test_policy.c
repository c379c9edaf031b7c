// SPDX-License-Identifier: GPL-2.0
/*
 * Policy parser and validator, and `watchbpf check`. Error cases compare the
 * whole "FILE:LINE:COL: message" string so that positions are tested too.
 * File paths are relative to the repository root, where the tests run.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "test.h"
#include "fsverity/digest.h"
#include "gatekeeper/commands.h"
#include "policy/policy.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D256 "sha256:" HEX64
#define D256B "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define D512 "sha512:" HEX64 HEX64
#define BPFTOOL_D256 "sha256:e14f0f34cf8ac795b6923006eeb7d975ec928b4e230e7e5d23b63798ae417964"

#define A20 "aaaaaaaaaaaaaaaaaaaa"

/* A valid policy; error tests change one thing in it. */
#define MINI "name: x\nloaders: []\n"

static int load(const char *text, size_t len, struct wb_policy *pol, char *err, size_t errlen)
{
	return policy_load_string("t.yaml", text, len, pol, err, errlen);
}

static bool pol_is_zero(const struct wb_policy *pol)
{
	static const struct wb_policy zero;

	return !memcmp(pol, &zero, sizeof(zero));
}

/* text must be a string literal: its size, not strlen, is used, so that
 * embedded NUL bytes reach the parser. */
#define EXPECT_ERR(text, want) expect_err(__LINE__, text, sizeof(text) - 1, want)

static void expect_err(int line, const char *text, size_t len, const char *want)
{
	struct wb_policy pol = { 0 };
	char err[1024] = "";

	if (!CHECK(load(text, len, &pol, err, sizeof(err)) == -1, "line %d: accepted", line)) {
		policy_free(&pol);
		return;
	}
	CHECK(!strcmp(err, want), "line %d:\n    got  \"%s\"\n    want \"%s\"", line, err, want);
	CHECK(pol_is_zero(&pol), "line %d: policy not cleared after an error", line);
}

#define EXPECT_OK(text, pol) expect_ok(__LINE__, text, sizeof(text) - 1, pol)

static bool expect_ok(int line, const char *text, size_t len, struct wb_policy *pol)
{
	char err[1024];

	return CHECK(!load(text, len, pol, err, sizeof(err)), "line %d: %s", line, err);
}

static bool digest_is(const struct fsv_digest *d, const char *want)
{
	char buf[FSV_DIGEST_STR_SIZE];

	return !strcmp(fsv_digest_format(d, buf, sizeof(buf)), want);
}

TEST(policy_valid_round_trip)
{
	static const char text[] = "# comment\n"
				   "name: alice-demo\n"
				   "loaders:\n"
				   "  - name: alice\n"
				   "    exec:\n"
				   "      digest: " D256 "\n"
				   "  - name: bob_2.x\n"
				   "    exec: {digest: " D512 "}\n";
	struct wb_policy pol;

	if (!EXPECT_OK(text, &pol))
		return;
	CHECK_STR(pol.path, "t.yaml");
	CHECK_STR(pol.name, "alice-demo");
	CHECK_INT(pol.mode, ==, WB_MODE_ENFORCE);
	CHECK_STR(wb_mode_name(pol.mode), "enforce");
	if (CHECK_INT(pol.nr_loaders, ==, 2)) {
		const struct wb_loader *a = &pol.loaders[0], *b = &pol.loaders[1];

		CHECK_STR(a->name, "alice");
		CHECK(a->has_digest, "alice has no digest");
		CHECK_INT(a->digest.hash_alg, ==, FSV_HASH_SHA256);
		CHECK_INT(a->digest.size, ==, 32);
		CHECK_INT(a->digest.bytes[0], ==, 0x01);
		CHECK_INT(a->digest.bytes[31], ==, 0xef);
		CHECK(digest_is(&a->digest, D256), "alice's digest");
		CHECK_INT(a->line, ==, 4);

		CHECK_STR(b->name, "bob_2.x");
		CHECK(b->has_digest, "bob has no digest");
		CHECK_INT(b->digest.hash_alg, ==, FSV_HASH_SHA512);
		CHECK_INT(b->digest.size, ==, 64);
		CHECK(digest_is(&b->digest, D512), "bob's digest");
		CHECK_INT(b->line, ==, 7);
	}
	policy_free(&pol);
	CHECK(pol_is_zero(&pol), "policy_free() leaves the policy zeroed");
	policy_free(&pol); /* and a second call is harmless */
}

TEST(policy_modes)
{
	struct wb_policy pol;

	if (EXPECT_OK("name: x\nmode: audit\nloaders: []\n", &pol)) {
		CHECK_INT(pol.mode, ==, WB_MODE_AUDIT);
		CHECK_STR(wb_mode_name(pol.mode), "audit");
		policy_free(&pol);
	}
	if (EXPECT_OK("name: x\nmode: enforce\nloaders: []\n", &pol)) {
		CHECK_INT(pol.mode, ==, WB_MODE_ENFORCE);
		policy_free(&pol);
	}
	/* quoted is still the same word */
	if (EXPECT_OK("name: x\nmode: \"audit\"\nloaders: []\n", &pol)) {
		CHECK_INT(pol.mode, ==, WB_MODE_AUDIT);
		policy_free(&pol);
	}
	CHECK_STR(wb_mode_name((enum wb_mode)42), "unknown");
}

TEST(policy_empty_loader_list)
{
	struct wb_policy pol;

	if (!EXPECT_OK(MINI, &pol))
		return;
	CHECK_INT(pol.nr_loaders, ==, 0);
	CHECK(!pol.loaders, "no array for no loaders");
	policy_free(&pol);
}

TEST(policy_flow_style_and_quotes)
{
	static const char text[] = "{'name': \"q\", mode: 'audit', loaders: [{exec: {\"digest\": '"
				   "SHA256:00"
				   "'}, name: a}]}";
	static const char text2[] =
		"{name: q, loaders: [{name: a, exec: {digest: 'sha256:"
		"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF'}}]}";
	struct wb_policy pol;

	/* the algorithm prefix is case-sensitive, like fsverity-utils */
	expect_err(__LINE__, text, sizeof(text) - 1,
		   "t.yaml:1:58: bad digest 'SHA256:00': expected sha256: followed by 64 hex "
		   "digits or sha512: followed by 128");
	if (EXPECT_OK(text2, &pol)) {
		CHECK_STR(pol.name, "q");
		CHECK_INT(pol.nr_loaders, ==, 1);
		CHECK(digest_is(&pol.loaders[0].digest, D256), "upper-case hex digits");
		CHECK_INT(pol.loaders[0].line, ==, 1);
		policy_free(&pol);
	}
}

/* Scalars are typed by the schema: a name is the text as written. */
TEST(policy_scalars_typed_by_schema)
{
	struct wb_policy pol;

	if (EXPECT_OK("name: 123\nloaders: []\n", &pol)) {
		CHECK_STR(pol.name, "123");
		policy_free(&pol);
	}
	if (EXPECT_OK("name: true\nloaders: []\n", &pol)) {
		CHECK_STR(pol.name, "true");
		policy_free(&pol);
	}
	if (EXPECT_OK("name: 'null'\nloaders: []\n", &pol)) {
		CHECK_STR(pol.name, "null");
		policy_free(&pol);
	}
	if (EXPECT_OK("name: 0x1.5e-3\nloaders: []\n", &pol)) {
		CHECK_STR(pol.name, "0x1.5e-3");
		policy_free(&pol);
	}
	/* 63 characters is the longest policy name, 31 the longest loader name */
	if (EXPECT_OK("name: abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456_.:-\n"
		      "loaders: [{name: abcdefghijklmnopqrstuvwxyz012_., exec: {digest: " D256
		      "}}]\n",
		      &pol)) {
		CHECK_INT(strlen(pol.name), ==, 63);
		CHECK_INT(strlen(pol.loaders[0].name), ==, 31);
		policy_free(&pol);
	}
}

TEST(policy_file_valid)
{
	struct wb_policy pol = { 0 };
	char err[1024] = "";

	if (!CHECK(!policy_load_file("tests/unit/policies/valid.yaml", &pol, err, sizeof(err)),
		   "%s", err))
		return;
	CHECK_STR(pol.path, "tests/unit/policies/valid.yaml");
	CHECK_STR(pol.name, "fixture.valid:1");
	CHECK_INT(pol.mode, ==, WB_MODE_AUDIT);
	if (CHECK_INT(pol.nr_loaders, ==, 2)) {
		CHECK_STR(pol.loaders[0].name, "bpftool");
		CHECK_INT(pol.loaders[0].line, ==, 6);
		CHECK(digest_is(&pol.loaders[0].digest, BPFTOOL_D256), "sha256 digest");
		CHECK_STR(pol.loaders[1].name, "bpftool-512");
		CHECK_INT(pol.loaders[1].line, ==, 10);
		CHECK_INT(pol.loaders[1].digest.hash_alg, ==, FSV_HASH_SHA512);
		CHECK(digest_is(
			      &pol.loaders[1].digest,
			      "sha512:e6ff14f2f95d67893818b88c14b237f5619b06d88140fc3098db9c661c"
			      "787d2c04c03f319a0d7391341a4da34dfb56479feb2758ec8892d0594aa1d3c5f9358a"),
		      "sha512 digest");
	}
	policy_free(&pol);
}

/* The documented example must stay valid. */
TEST(policy_example_alice)
{
	struct wb_policy pol = { 0 };
	char err[1024] = "";

	if (!CHECK(!policy_load_file("examples/alice.yaml", &pol, err, sizeof(err)), "%s", err))
		return;
	CHECK_STR(pol.name, "alice-demo");
	CHECK_INT(pol.mode, ==, WB_MODE_ENFORCE);
	if (CHECK_INT(pol.nr_loaders, ==, 1)) {
		CHECK_STR(pol.loaders[0].name, "alice");
		CHECK(digest_is(&pol.loaders[0].digest, BPFTOOL_D256), "bpftool's digest");
	}
	policy_free(&pol);
}

TEST(policy_err_unknown_key)
{
	EXPECT_ERR(
		"name: x\nloaders: []\nmdoe: audit\n",
		"t.yaml:3:1: unknown key 'mdoe' in policy (expected: name, mode, trust, default, kernel, admin, loaders)");
	EXPECT_ERR(
		"name: x\nloaders:\n  - name: a\n    exce: {}\n",
		"t.yaml:4:5: unknown key 'exce' in loader (expected: name, mode, on_deny, exec, programs, maps, "
		"collateral, code, tokens)");
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n    exec:\n      digets: " D256 "\n",
		   "t.yaml:5:7: unknown key 'digets' in exec (expected: digest, signed, path)");
	EXPECT_ERR("name: x\ndefault: {bfp: allow}\nloaders: []\n",
		   "t.yaml:2:11: unknown key 'bfp' in default (expected: bpf, block, on_deny, tokens)");
	/* keys are case-sensitive; odd bytes in them are shown escaped */
	EXPECT_ERR(
		"Name: x\n",
		"t.yaml:1:1: unknown key 'Name' in policy (expected: name, mode, trust, default, kernel, admin, loaders)");
	EXPECT_ERR(
		"\"na\\tme\": x\n",
		"t.yaml:1:1: unknown key 'na\\tme' in policy (expected: name, mode, trust, default, kernel, admin, loaders)");
}

TEST(policy_err_mode)
{
	EXPECT_ERR("name: x\nmode: enforcing\nloaders: []\n",
		   "t.yaml:2:7: 'mode' must be one of: enforce, audit (got 'enforcing')");
	EXPECT_ERR("name: x\nmode: Audit\nloaders: []\n",
		   "t.yaml:2:7: 'mode' must be one of: enforce, audit (got 'Audit')");
	EXPECT_ERR("name: x\nmode:\nloaders: []\n",
		   "t.yaml:2:6: 'mode' must be one of: enforce, audit (got an empty value)");
	EXPECT_ERR("name: x\nmode: ~\nloaders: []\n",
		   "t.yaml:2:7: 'mode' must be one of: enforce, audit (got null)");
	EXPECT_ERR("name: x\nmode: [audit]\nloaders: []\n",
		   "t.yaml:2:7: 'mode' must be one of: enforce, audit (got a sequence)");
	/* a long value is cut in the message */
	EXPECT_ERR("mode: " A20 A20 A20 A20 A20 A20 A20 A20 A20 "\n",
		   "t.yaml:1:7: 'mode' must be one of: enforce, audit (got '" A20 A20 A20 A20 A20
			   A20 A20 A20 "...')");
}

#define LOADER_WITH_DIGEST(d) "name: x\nloaders:\n  - name: alice\n    exec:\n      digest: " d "\n"

TEST(policy_err_digest)
{
	EXPECT_ERR(LOADER_WITH_DIGEST("sha256:12ab"),
		   "t.yaml:5:15: bad digest 'sha256:12ab': expected sha256: followed by 64 hex "
		   "digits");
	EXPECT_ERR(LOADER_WITH_DIGEST(D256 "0"),
		   "t.yaml:5:15: bad digest '" D256 "0': expected sha256: followed by 64 hex "
		   "digits");
	EXPECT_ERR(LOADER_WITH_DIGEST("sha256:" HEX64 "g"),
		   "t.yaml:5:15: bad digest 'sha256:" HEX64 "g': expected sha256: followed by 64 "
		   "hex digits");
	EXPECT_ERR(LOADER_WITH_DIGEST("sha256:" HEX64 HEX64),
		   "t.yaml:5:15: bad digest 'sha256:" HEX64 HEX64 "': expected sha256: followed "
		   "by 64 hex digits");
	EXPECT_ERR(LOADER_WITH_DIGEST("sha512:" HEX64),
		   "t.yaml:5:15: bad digest 'sha512:" HEX64 "': expected sha512: followed by 128 "
		   "hex digits");
	EXPECT_ERR(LOADER_WITH_DIGEST("sha512:" HEX64 HEX64 "0"),
		   "t.yaml:5:15: bad digest 'sha512:" HEX64 HEX64
		   "0': expected sha512: followed by "
		   "128 hex digits");
	EXPECT_ERR(LOADER_WITH_DIGEST(HEX64),
		   "t.yaml:5:15: bad digest '" HEX64 "': expected sha256: followed by 64 hex "
		   "digits or sha512: followed by 128");
	EXPECT_ERR(LOADER_WITH_DIGEST("md5:0123456789abcdef0123456789abcdef"),
		   "t.yaml:5:15: bad digest 'md5:0123456789abcdef0123456789abcdef': expected "
		   "sha256: followed by 64 hex digits or sha512: followed by 128");
	EXPECT_ERR(LOADER_WITH_DIGEST("'" D256 " '"),
		   "t.yaml:5:15: bad digest '" D256 " ': expected sha256: followed by 64 hex "
		   "digits");
	EXPECT_ERR(LOADER_WITH_DIGEST("' " D256 "'"),
		   "t.yaml:5:15: bad digest ' " D256 "': expected sha256: followed by 64 hex "
		   "digits or sha512: followed by 128");
	/* a NUL escape would cut the string short of what the file says */
	EXPECT_ERR(LOADER_WITH_DIGEST("\"" D256 "\\0junk\""),
		   "t.yaml:5:15: 'digest' must not contain NUL characters");
	EXPECT_ERR(LOADER_WITH_DIGEST("[" D256 "]"),
		   "t.yaml:5:15: 'digest' must be a string, got a sequence");
	EXPECT_ERR(LOADER_WITH_DIGEST(""),
		   "t.yaml:5:14: 'digest' must be a string, got an empty value");
}

TEST(policy_err_duplicate_loader)
{
	EXPECT_ERR("name: alice-demo\n"
		   "loaders:\n"
		   "  - name: alice\n"
		   "    exec: {digest: " D256 "}\n"
		   "  - name: bob\n"
		   "    exec: {digest: " D256 "}\n"
		   "  - exec: {digest: " D256B "}\n"
		   "    name: alice\n",
		   "t.yaml:8:11: duplicate loader name 'alice' (first defined at line 3)");
}

/* The daemon would refuse it: the kernel finds a loader by digest alone. */
TEST(policy_err_shared_digest)
{
	EXPECT_ERR("name: t\n"
		   "loaders:\n"
		   "  - name: alice\n"
		   "    exec: {digest: " D256 ", path: /a}\n"
		   "  - name: bob\n"
		   "    exec: {digest: " D256B "}\n"
		   "  - name: carol\n"
		   "    exec:\n"
		   "      path: /c\n"
		   "      digest: " D256 "\n",
		   "t.yaml:10:15: loader 'carol' has the digest of loader 'alice' (line 3): an "
		   "executable is one loader, found by its digest alone (give the file one entry, "
		   "without 'path' if it lives in several places)");
}

TEST(policy_err_missing_key)
{
	EXPECT_ERR("loaders: []\n", "t.yaml:1:1: missing required key 'name' in policy");
	EXPECT_ERR("# c\n\nname: x\n", "t.yaml:3:1: missing required key 'loaders' in policy");
	EXPECT_ERR("name: x\nloaders:\n  - exec: {digest: " D256 "}\n",
		   "t.yaml:3:5: missing required key 'name' in loader");
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n",
		   "t.yaml:3:5: missing required key 'exec' in loader");
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n    exec: {}\n",
		   "t.yaml:4:11: exec needs 'digest' or 'signed: true' (or both)");
}

TEST(policy_err_types)
{
	EXPECT_ERR("name: x\nloaders: alice\n",
		   "t.yaml:2:10: 'loaders' must be a sequence, got a scalar");
	EXPECT_ERR("name: x\nloaders: {name: a}\n",
		   "t.yaml:2:10: 'loaders' must be a sequence, got a mapping");
	EXPECT_ERR("name: x\nloaders:\n",
		   "t.yaml:2:9: 'loaders' must be a sequence, got an empty value");
	EXPECT_ERR("name: x\nloaders: null\n",
		   "t.yaml:2:10: 'loaders' must be a sequence, got null");
	EXPECT_ERR("name: x\nloaders:\n  - alice\n",
		   "t.yaml:3:5: each entry of 'loaders' must be a mapping, got a scalar");
	EXPECT_ERR("name: x\nloaders:\n  - [alice]\n",
		   "t.yaml:3:5: each entry of 'loaders' must be a mapping, got a sequence");
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n    exec: " D256 "\n",
		   "t.yaml:4:11: 'exec' must be a mapping, got a scalar");
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n    exec:\n      - digest: " D256 "\n",
		   "t.yaml:5:7: 'exec' must be a mapping, got a sequence");
	EXPECT_ERR("name: {x: y}\n", "t.yaml:1:7: 'name' must be a string, got a mapping");
	EXPECT_ERR("name: [x]\n", "t.yaml:1:7: 'name' must be a string, got a sequence");
	EXPECT_ERR("name:\nloaders: []\n",
		   "t.yaml:1:6: 'name' must be a string, got an empty value");
	EXPECT_ERR("name: NULL\n", "t.yaml:1:7: 'name' must be a string, got null");
	EXPECT_ERR("name: x\nloaders:\n  - name: ~\n",
		   "t.yaml:3:11: 'name' must be a string, got null");
	EXPECT_ERR("- name: x\n", "t.yaml:1:1: policy must be a mapping, got a sequence");
	EXPECT_ERR("alice\n", "t.yaml:1:1: policy must be a mapping, got a scalar");
	EXPECT_ERR("? [name]\n: x\n", "t.yaml:1:3: keys in policy must be scalars, got a sequence");
	EXPECT_ERR("name: x\nloaders:\n  - {name: a, {exec: 1}: 2}\n",
		   "t.yaml:3:15: keys in loader must be scalars, got a mapping");
}

TEST(policy_err_names)
{
	EXPECT_ERR("name: alice demo\n",
		   "t.yaml:1:7: 'name' must be 1..63 characters of [A-Za-z0-9_.:-] (got 'alice "
		   "demo')");
	EXPECT_ERR("name: ''\n",
		   "t.yaml:1:7: 'name' must be 1..63 characters of [A-Za-z0-9_.:-] (got '')");
	EXPECT_ERR("name: abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.\n",
		   "t.yaml:1:7: 'name' must be 1..63 characters of [A-Za-z0-9_.:-] (got "
		   "'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.')");
	/* a name goes into log lines: no way to smuggle a line break in */
	EXPECT_ERR("name: \"a\\nb\"\n",
		   "t.yaml:1:7: 'name' must be 1..63 characters of [A-Za-z0-9_.:-] (got 'a\\nb')");
	EXPECT_ERR("name: \"a\\0b\"\n", "t.yaml:1:7: 'name' must not contain NUL characters");
	EXPECT_ERR("name: \"é\"\n",
		   "t.yaml:1:7: 'name' must be 1..63 characters of [A-Za-z0-9_.:-] (got 'é')");
	EXPECT_ERR("name: x\nloaders:\n  - name: alice:1\n",
		   "t.yaml:3:11: 'name' must be 1..31 characters of [A-Za-z0-9_.-] (got "
		   "'alice:1')");
	EXPECT_ERR("name: x\nloaders:\n  - name: abcdefghijklmnopqrstuvwxyz012345\n",
		   "t.yaml:3:11: 'name' must be 1..31 characters of [A-Za-z0-9_.-] (got "
		   "'abcdefghijklmnopqrstuvwxyz012345')");
}

TEST(policy_err_duplicate_key)
{
	EXPECT_ERR("name: x\nloaders: []\nname: y\n",
		   "t.yaml:3:1: duplicate key 'name' in policy (first at line 1)");
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n    exec: {digest: " D256 "}\n    name: b\n",
		   "t.yaml:5:5: duplicate key 'name' in loader (first at line 3)");
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n    exec: {digest: " D256 ", digest: " D256
		   "}\n",
		   "t.yaml:4:93: duplicate key 'digest' in exec (first at line 4)");
	/* quoting does not make it another key */
	EXPECT_ERR("name: x\n'name': x\n",
		   "t.yaml:2:1: duplicate key 'name' in policy (first at line 1)");
}

TEST(policy_err_yaml_syntax)
{
	EXPECT_ERR("name: x: y\n",
		   "t.yaml:1:8: YAML syntax error: mapping values are not allowed in this context");
	EXPECT_ERR("name: x\nloaders:\n  - name: a\n bad: 1\n",
		   "t.yaml:4:2: YAML syntax error: did not find expected key (while parsing a "
		   "block mapping at line 1)");
	EXPECT_ERR("name: x\nloaders: [\n",
		   "t.yaml:3:1: YAML syntax error: did not find expected node content (while "
		   "parsing a flow node)");
	EXPECT_ERR("name: x\n\tloaders: []\n",
		   "t.yaml:2:1: YAML syntax error: found a tab character that violates indentation "
		   "(while scanning a plain scalar at line 1)");
	EXPECT_ERR("name: x\n@loaders: []\n",
		   "t.yaml:2:1: YAML syntax error: found character that cannot start any token "
		   "(while scanning for the next token)");
	EXPECT_ERR("name: 'x\n",
		   "t.yaml:2:1: YAML syntax error: found unexpected end of stream (while scanning "
		   "a quoted scalar at line 1)");
}

TEST(policy_err_empty)
{
	EXPECT_ERR(
		"",
		"t.yaml:1:1: empty policy (expected a mapping with keys: name, mode, trust, default, kernel, admin, loaders)");
	EXPECT_ERR(
		"# only a comment\n\n",
		"t.yaml:1:1: empty policy (expected a mapping with keys: name, mode, trust, default, kernel, admin, loaders)");
	EXPECT_ERR(
		"---\n",
		"t.yaml:2:1: empty policy (expected a mapping with keys: name, mode, trust, default, kernel, admin, loaders)");
	EXPECT_ERR(
		"~\n",
		"t.yaml:1:1: empty policy (expected a mapping with keys: name, mode, trust, default, kernel, admin, loaders)");
}

TEST(policy_err_documents)
{
	EXPECT_ERR(MINI "---\n" MINI,
		   "t.yaml:3:1: more than one YAML document (a policy file holds one)");
	EXPECT_ERR(MINI "...\n---\n" MINI,
		   "t.yaml:4:1: more than one YAML document (a policy file holds one)");
	/* explicit start and end markers around the one document are fine */
	{
		struct wb_policy pol;

		if (EXPECT_OK("%YAML 1.1\n---\n" MINI "...\n", &pol))
			policy_free(&pol);
	}
}

TEST(policy_err_anchors_aliases_tags)
{
	EXPECT_ERR("name: &n x\nloaders: []\n",
		   "t.yaml:1:7: anchors are not supported (found '&n')");
	EXPECT_ERR("name: x\nloaders: &l\n  - name: a\n",
		   "t.yaml:2:10: anchors are not supported (found '&l')");
	EXPECT_ERR("name: *n\n", "t.yaml:1:7: aliases are not supported (found '*n')");
	EXPECT_ERR("name: !!str x\n",
		   "t.yaml:1:7: tags are not supported (found tag 'tag:yaml.org,2002:str')");
	EXPECT_ERR("name: x\nloaders: !seq []\n",
		   "t.yaml:2:10: tags are not supported (found tag '!seq')");
	EXPECT_ERR("name: ! x\n", "t.yaml:1:7: tags are not supported (found tag '!')");
	EXPECT_ERR("!!map {name: x}\n",
		   "t.yaml:1:1: tags are not supported (found tag 'tag:yaml.org,2002:map')");
}

TEST(policy_err_bad_bytes)
{
	EXPECT_ERR("name: x\xff\n", "t.yaml:1:8: invalid text: invalid leading UTF-8 octet (0xff)");
	EXPECT_ERR("name: x\nloaders: [\x00]\n",
		   "t.yaml:2:11: invalid text: control characters are not allowed (0x00)");
	EXPECT_ERR("name: x\x01\n",
		   "t.yaml:1:8: invalid text: control characters are not allowed (0x01)");
	/* columns count characters, not bytes */
	EXPECT_ERR("# é\nname: éé\xc3",
		   "t.yaml:2:9: invalid text: incomplete UTF-8 octet sequence");
	/* no guessing of other encodings */
	EXPECT_ERR("\xff\xfen\x00", "t.yaml:1:1: invalid text: invalid leading UTF-8 octet (0xff)");
}

TEST(policy_err_nesting)
{
	EXPECT_ERR(
		"name: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
		"t.yaml:1:38: nesting too deep (more than 32 levels)");
}

/* Only the first problem is reported, in file order. */
TEST(policy_err_first_only)
{
	EXPECT_ERR("name: bad name\nmode: bad\nloaders: 1\n",
		   "t.yaml:1:7: 'name' must be 1..63 characters of [A-Za-z0-9_.:-] (got 'bad "
		   "name')");
	EXPECT_ERR("mode: bad\nname: bad name\n",
		   "t.yaml:1:7: 'mode' must be one of: enforce, audit (got 'bad')");
	/* the file has to be YAML before anything else is looked at */
	EXPECT_ERR("mode: bad\nname: x: y\n",
		   "t.yaml:2:8: YAML syntax error: mapping values are not allowed in this context");
}

static char *padded_policy(size_t size)
{
	char *buf = malloc(size);
	size_t head = strlen(MINI);

	if (!buf)
		return NULL;
	memcpy(buf, MINI, head);
	memset(buf + head, ' ', size - head - 1);
	buf[head] = '#';
	buf[size - 1] = '\n';
	return buf;
}

TEST(policy_err_too_large)
{
	char *buf = padded_policy(WB_POLICY_MAX_SIZE + 1);
	struct wb_policy pol;
	char err[256];

	if (!CHECK(buf, "malloc"))
		return;
	CHECK_INT(load(buf, WB_POLICY_MAX_SIZE + 1, &pol, err, sizeof(err)), ==, -1);
	CHECK_STR(err, "t.yaml: too large (more than 1048576 bytes)");
	CHECK(pol_is_zero(&pol), "cleared");
	/* the limit itself is fine */
	if (CHECK(!load(buf, WB_POLICY_MAX_SIZE, &pol, err, sizeof(err)), "%s", err))
		policy_free(&pol);
	free(buf);
}

TEST(policy_err_buffer)
{
	struct wb_policy pol;
	char err[11];

	CHECK_INT(load("name: [", 7, &pol, NULL, 0), ==, -1);
	memset(err, 'X', sizeof(err));
	CHECK_INT(load("name: [", 7, &pol, err, sizeof(err)), ==, -1);
	CHECK_STR(err, "t.yaml:2:1");
	/* fname only goes into messages and pol->path */
	CHECK_INT(policy_load_string("-", "name: [", 7, &pol, err, 3), ==, -1);
	CHECK_STR(err, "-:");
}

static int write_tmp(char *path, const char *data, size_t len)
{
	int fd = mkstemp(path);
	bool ok;

	if (fd < 0)
		return -1;
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

TEST(policy_file_errors)
{
	char path[] = "/tmp/watchbpf-test-XXXXXX", want[PATH_MAX + 128], err[PATH_MAX + 128];
	char *big = padded_policy(WB_POLICY_MAX_SIZE + 1);
	struct wb_policy pol;

	CHECK_INT(policy_load_file("tests/unit/policies/nonexistent.yaml", &pol, err, sizeof(err)),
		  ==, -1);
	CHECK_STR(err,
		  "tests/unit/policies/nonexistent.yaml: cannot open: No such file or directory");
	CHECK(pol_is_zero(&pol), "cleared");

	CHECK_INT(policy_load_file("tests/unit/policies", &pol, err, sizeof(err)), ==, -1);
	CHECK_STR(err, "tests/unit/policies: cannot read: Is a directory");

	CHECK_INT(policy_load_file("tests/unit/policies/bad-digest.yaml", &pol, err, sizeof(err)),
		  ==, -1);
	CHECK_STR(err, "tests/unit/policies/bad-digest.yaml:6:15: bad digest 'sha256:12ab': "
		       "expected sha256: followed by 64 hex digits");

	if (CHECK(big && !write_tmp(path, big, WB_POLICY_MAX_SIZE + 1), "temp file")) {
		CHECK_INT(policy_load_file(path, &pol, err, sizeof(err)), ==, -1);
		snprintf(want, sizeof(want), "%s: too large (more than 1048576 bytes)", path);
		CHECK_STR(err, want);
		unlink(path);
	}
	free(big);

	strcpy(path, "/tmp/watchbpf-test-XXXXXX");
	if (CHECK(!write_tmp(path, "", 0), "temp file")) {
		CHECK_INT(policy_load_file(path, &pol, err, sizeof(err)), ==, -1);
		snprintf(
			want, sizeof(want),
			"%s:1:1: empty policy (expected a mapping with keys: name, mode, trust, default, kernel, admin, loaders)",
			path);
		CHECK_STR(err, want);
		unlink(path);
	}
}

/*
 * Runs cmd_check() with stdout and stderr captured into out and errout
 * (NUL-terminated). Returns its exit status, or -1 if the capture failed.
 * Also used by test_policy_resolve.c.
 */
int run_check(char **argv, char *out, size_t outlen, char *errout, size_t errlen);
int run_check(char **argv, char *out, size_t outlen, char *errout, size_t errlen)
{
	char opath[] = "/tmp/watchbpf-out-XXXXXX", epath[] = "/tmp/watchbpf-err-XXXXXX";
	int ofd = mkstemp(opath), efd = mkstemp(epath);
	int saved_out = dup(1), saved_err = dup(2);
	int argc = 0, ret = -1;

	while (argv[argc])
		argc++;
	if (ofd >= 0 && efd >= 0 && saved_out >= 0 && saved_err >= 0) {
		ssize_t n;

		fflush(stdout);
		fflush(stderr);
		dup2(ofd, 1);
		dup2(efd, 2);
		ret = cmd_check(argc, argv);
		fflush(stdout);
		fflush(stderr);
		dup2(saved_out, 1);
		dup2(saved_err, 2);
		n = pread(ofd, out, outlen - 1, 0);
		out[n > 0 ? n : 0] = '\0';
		n = pread(efd, errout, errlen - 1, 0);
		errout[n > 0 ? n : 0] = '\0';
	}
	if (ofd >= 0) {
		close(ofd);
		unlink(opath);
	}
	if (efd >= 0) {
		close(efd);
		unlink(epath);
	}
	if (saved_out >= 0)
		close(saved_out);
	if (saved_err >= 0)
		close(saved_err);
	return ret;
}

#define VALID "tests/unit/policies/valid.yaml"
#define BAD "tests/unit/policies/bad-digest.yaml"
#define BAD_MSG BAD ":6:15: bad digest 'sha256:12ab': expected sha256: followed by 64 hex digits\n"

/* The version check prints: the first 12 hex digits of the file's SHA-256. */
static const char *file_version(const char *path, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char data[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, data, sizeof(data)) : -1;

	if (fd >= 0)
		close(fd);
	buf[0] = '\0';
	if (n < 0 || !EVP_Digest(data, n, md, &mdlen, EVP_sha256(), NULL))
		return buf;
	for (int i = 0; i < 6; i++) {
		buf[2 * i] = hex[md[i] >> 4];
		buf[2 * i + 1] = hex[md[i] & 0xf];
	}
	buf[12] = '\0';
	return buf;
}

#define USAGE_LINE                                                                        \
	"Usage: watchbpf check [--quiet | --explain] [--strict] [--btf FILE | --no-btf] " \
	"POLICY...\n"

TEST(check_cmd)
{
	char out[4096], err[4096], want[4096], v1[13], v2[13];

	CHECK_INT(run_check((char *[]){ "check", "--no-btf", VALID, "examples/alice.yaml", NULL },
			    out, sizeof(out), err, sizeof(err)),
		  ==, 0);
	snprintf(want, sizeof(want),
		 VALID ": ok (policy fixture.valid:1, version %s, mode audit, 2 loaders; helper "
		       "and command names not checked: --no-btf)\n"
		       "examples/alice.yaml: ok (policy alice-demo, version %s, mode enforce, 1 "
		       "loader; helper and command names not checked: --no-btf)\n",
		 file_version(VALID, v1), file_version("examples/alice.yaml", v2));
	CHECK_STR(out, want);
	CHECK_ONLY_WARNINGS(err);
	/* what the policy leaves open to root is said, per file */
	CHECK(strstr(err, "examples/alice.yaml: warning: root can end enforcement") != NULL, "%s",
	      err);
	CHECK(strstr(err, "examples/alice.yaml: warning: kernel.modules is allow") != NULL, "%s",
	      err);

	CHECK_INT(run_check((char *[]){ "check", "--quiet", VALID, NULL }, out, sizeof(out), err,
			    sizeof(err)),
		  ==, 0);
	CHECK_STR(out, "");
	CHECK_ONLY_WARNINGS(err);

	/* every file is checked, the status says whether any failed */
	CHECK_INT(run_check((char *[]){ "check", BAD, VALID, "-q", NULL }, out, sizeof(out), err,
			    sizeof(err)),
		  ==, 2);
	CHECK_STR(out, "");
	CHECK_STR(err, BAD_MSG);

	CHECK_INT(run_check((char *[]){ "check", "--", "-q", NULL }, out, sizeof(out), err,
			    sizeof(err)),
		  ==, 2);
	CHECK_STR(err, "-q: cannot open: No such file or directory\n");

	CHECK_INT(run_check((char *[]){ "check", NULL }, out, sizeof(out), err, sizeof(err)), ==,
		  2);
	CHECK_STR(out, "");
	CHECK_STR(err, "watchbpf: error: check: no policy file given; usage: watchbpf check "
		       "[--quiet | --explain] [--strict] [--btf FILE | --no-btf] POLICY...\n");

	CHECK_INT(run_check((char *[]){ "check", "--verbose", VALID, NULL }, out, sizeof(out), err,
			    sizeof(err)),
		  ==, 2);
	CHECK_STR(out, "");
	CHECK_STR(err,
		  "watchbpf: error: check: unknown option '--verbose'; usage: watchbpf "
		  "check [--quiet | --explain] [--strict] [--btf FILE | --no-btf] POLICY...\n");

	CHECK_INT(run_check((char *[]){ "check", "--help", NULL }, out, sizeof(out), err,
			    sizeof(err)),
		  ==, 0);
	CHECK(!strncmp(out, USAGE_LINE, sizeof(USAGE_LINE) - 1), "%s", out);
	CHECK_ONLY_WARNINGS(err);
}
