#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# docs/troubleshooting.md and the source in sync: every error and warning
# scripts/messages.py finds in the source has an entry in its command's
# section (or "Any command"), every entry names a message the source still
# prints, and the messages the commands really print on this host are
# described by an entry. The extractor itself is checked on a fixture.
set -euo pipefail
W=${WATCHBPF:-build/watchbpf}
top=$(cd "$(dirname "$0")/../.." && pwd)
doc=$top/docs/troubleshooting.md
msgs=(python3 "$top/scripts/messages.py")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() {
	echo "FAIL $1"
	shift
	printf '     %s\n' "$@"
	failed=$((failed + 1))
}

# ---- the extractor, on a file of every kind of sink it knows -------------
cat >"$tmp/fixture.c" <<'EOF'
#define WHAT "the thing"
static const char *path_problem(const char *s)
{
	if (!s)
		return "must be an absolute path";
	return NULL;
}
static int f(struct yerr *e, const struct ynode *v, char *err, size_t len, int n)
{
	p_err("cannot open %s: %s", "x", strerror(errno)); /* a p_err */
	p_err("%s: %s", a, b);
	p_info("enforcing policy %s", name);
	p_info("warning: %zu files " WHAT " skipped", n);
	fprintf(stderr, "%s: it is %.*s, %llu%% done\n", p, 3, s, n);
	fprintf(stdout, "not an error %s\n", s);
	snprintf(err, len, n ? "first %d" : "second %u", n);
	snprintf(buf, len, "a buffer %s", s);
	perr(e, v, "'%s' must be a string, got %s", k, kind);
	printf("Usage: %s\n", prog_name);
	return -1;
}
EOF
cat >"$tmp/want" <<'EOF'
policy	'…' must be a string, got …
policy	cannot open …: …
policy	first …
policy	must be an absolute path
policy	second …
policy	warning: … files the thing skipped
policy	…: it is …, …% done
EOF
if ! "${msgs[@]}" --scan policy/parse.c "$tmp/fixture.c" >"$tmp/got" 2>"$tmp/err"; then
	bad "messages.py scans the fixture" "$(cat "$tmp/err")"
elif ! diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
	bad "messages.py finds the fixture's messages, and only those" "$(cat "$tmp/diff")"
else
	ok "messages.py finds the fixture's messages, and only those"
fi

# ---- the source's messages --------------------------------------------------
"${msgs[@]}" --keys >"$tmp/src" 2>"$tmp/err" || cat "$tmp/err" >"$tmp/src"
n=$(wc -l <"$tmp/src")
groups=$(cut -f1 "$tmp/src" | sort -u | tr '\n' ' ')
if [ "$n" -lt 300 ] || [ "$groups" != "common control daemon doctor files learn log policy " ]; then
	bad "messages.py finds the source's messages" "$n messages, groups: $groups"
else
	ok "messages.py finds the source's messages ($n, in 8 groups)"
fi

# ---- the page ---------------------------------------------------------------
if "${msgs[@]}" --doc "$doc" >"$tmp/doc" 2>"$tmp/err"; then
	ok "every entry of the page is in a group's section, with its cause and fix"
else
	bad "every entry of the page is in a group's section, with its cause and fix" \
		"$(cat "$tmp/err")"
fi

# A message of group G is documented in G's section or in "Any command"
# (common); an entry's section is one of its message's groups or common.
cut -f1,2 "$tmp/doc" | sort -u >"$tmp/entries"
missing=$(while IFS=$'\t' read -r g k; do
	grep -Fxq "$g	$k" "$tmp/entries" || grep -Fxq "common	$k" "$tmp/entries" ||
		printf '%s: %s\n' "$g" "$k"
done <"$tmp/src")
if [ -n "$missing" ]; then
	bad "every message in the source has an entry in its section" "$missing"
else
	ok "every message in the source has an entry in its section ($n)"
fi
cut -f2 "$tmp/src" >"$tmp/srckeys"
stale=$(while IFS=$'\t' read -r g k; do
	grep -Fxq "$g	$k" "$tmp/src" ||
		{ [ "$g" = common ] && grep -Fxq "$k" "$tmp/srckeys"; } ||
		printf '%s: %s\n' "$g" "$k"
done <"$tmp/entries")
if [ -n "$stale" ]; then
	bad "every entry names a message of its section's command that the source prints" "$stale"
else
	ok "every entry names a message of its section's command that the source prints"
fi
dups=$(cut -f1,2 "$tmp/doc" | sort | uniq -d)
if [ -n "$dups" ]; then
	bad "no message has two entries in one section" "$dups"
else
	ok "no message has two entries in one section"
fi

# ---- what the commands print on this host -----------------------------------
# Errors that need no BPF: each line printed must be described by an entry
# (a message the extractor missed would show here).
p() { printf '%s\n' "$2" >"$tmp/$1.yaml"; }
p mode 'name: x
mode: enforcing
loaders: []'
p key 'name: x
loader: []'
p bool 'name: x
loaders:
  - name: a
    exec: { digest: "sha256:e14f0f34cf8ac795b6923006eeb7d975ec928b4e230e7e5d23b63798ae417964" }
    programs: { kernel_reads: yes }'
p digest 'name: x
loaders:
  - name: a
    exec: { digest: sha256:abc }'
p anchor 'name: &n x
loaders: []'
p glob 'name: x
loaders:
  - name: a
    exec: { digest: "sha256:e14f0f34cf8ac795b6923006eeb7d975ec928b4e230e7e5d23b63798ae417964" }
    maps: { "*": ro, "ct_*": rw }'
p type 'name: x
loaders:
  - name: a
    exec: { digest: "sha256:e14f0f34cf8ac795b6923006eeb7d975ec928b4e230e7e5d23b63798ae417964" }
    programs: { types: [BPF_PROG_TYPE_XDP] }'
p warn 'name: x
loaders: []'
p risk 'name: x
mode: audit
default: { bpf: allow }
loaders:
  - name: a
    exec: { digest: "sha256:e14f0f34cf8ac795b6923006eeb7d975ec928b4e230e7e5d23b63798ae417964" }
    programs: { types: [kprobe, tracing], kernel_reads: false }
    code: { jit: true }'
run() { "$@" >/dev/null 2>>"$tmp/printed" || true; }
: >"$tmp/printed"
for f in mode key bool digest anchor glob type warn; do run "$W" check "$tmp/$f.yaml"; done
run "$W" check --strict "$tmp/risk.yaml"
run "$W" check "$tmp/none.yaml"
run "$W" bogus
run "$W" digest --hash-alg md5 "$tmp/mode.yaml"
run "$W" status --file "$tmp/none.json"
run "$W" reload --control "$tmp/none.sock"
run "$W" request frob
run "$W" log show
run "$W" log frob
run "$W" log verify "$tmp/mode.yaml"
run "$W" enroll --signed --measured /bin/true
run "$W" sign --key "$tmp/none.pem" "$tmp/mode.yaml"
run "$W" sign --key "$tmp/mode.yaml" --cert "$tmp/mode.yaml" "$tmp/mode.yaml"
run "$W" run --log-format xml "$tmp/warn.yaml"
run "$W" doctor extra
# the messages, not the usage text after them: watchbpf's lines and the
# policy parser's (FILE: ..., every FILE here under $tmp)
grep -e '^watchbpf: ' -e "^$tmp/" "$tmp/printed" >"$tmp/lines" || true
if [ "$(wc -l <"$tmp/lines")" -lt 20 ]; then
	bad "the commands print their errors" "$(cat "$tmp/printed")"
else
	ok "the commands print their errors ($(wc -l <"$tmp/lines") lines)"
fi
unmatched=$("${msgs[@]}" --match "$doc" <"$tmp/lines" 2>&1) || unmatched="messages.py --match: $unmatched"
if [ -n "$unmatched" ]; then
	bad "every message the commands printed here has an entry" "$unmatched"
else
	ok "every message the commands printed here has an entry ($(wc -l <"$tmp/lines"))"
fi

echo "troubleshooting: $passed passed, $failed failed"
[ "$failed" = 0 ]
