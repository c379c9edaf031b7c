#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `watchbpf check --explain` and `--strict` on the command line: where the
# words and the warnings go, the exit statuses, and plain `check` unchanged
# by them. What the words and warnings say is tests/unit/test_explain.c's.
set -euo pipefail
W=${WATCHBPF:-build/watchbpf}
top=$(cd "$(dirname "$0")/../.." && pwd)
W=$(cd "$(dirname "$W")" && pwd)/$(basename "$W")
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
# run CMD...: its exit status in $rc, its output in $tmp/out and $tmp/err
run() {
	"$@" >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
}
# expect NAME RC OUT_ERE ERR_ERE: the last run's status, and a line of
# stdout and of stderr matching each ERE ('' for none: that stream empty)
expect() {
	local name=$1 want=$2 out=$3 err=$4 why=""
	[ "$rc" = "$want" ] || why="exit $rc, want $want"
	if [ -n "$out" ]; then grep -Eq -- "$out" "$tmp/out" || why="$why; stdout lacks: $out"
	elif [ -s "$tmp/out" ]; then why="$why; stdout not empty"; fi
	if [ -n "$err" ]; then grep -Eq -- "$err" "$tmp/err" || why="$why; stderr lacks: $err"
	elif [ -s "$tmp/err" ]; then why="$why; stderr not empty"; fi
	if [ -z "$why" ]; then ok "$name"; else bad "$name" "$why" "stdout: $(head -c 600 "$tmp/out")" \
		"stderr: $(head -c 600 "$tmp/err")"; fi
}

cd "$top"
ex=examples/execsnoop.yaml
reads="^$ex:21: warning: loader 'execsnoop' may load tracepoint programs that read kernel memory .*\[tracing-kernel-reads\]$"
run "$W" check --explain "$ex"
expect "--explain: the ok line, the words and the warnings on stdout" 0 "^$ex: ok \(policy execsnoop" ''
missing=""
for line in "^loader 'execsnoop' \($ex:14\)$" "^  may not:  use any other map$" "^6 warnings:$" "$reads" \
	"^$ex: warning: root can end enforcement: .* \[no-admin\]$"; do
	grep -Eq -- "$line" "$tmp/out" || missing="$missing $line"
done
if [ -z "$missing" ]; then ok "--explain: the loader, its words, its warnings at their lines"; else
	bad "--explain: the loader, its words, its warnings at their lines" "missing:$missing" "$(cat "$tmp/out")"; fi
run "$W" check "$ex"
expect "check alone: the same ok line, root's warnings on stderr as before" 0 "^$ex: ok \(policy execsnoop" \
	"^$ex: warning: kernel.kexec is allow: a root process can boot another kernel without watchbpf$"
if grep -q 'tracing-kernel-reads\|\[' "$tmp/err" || [ "$(wc -l <"$tmp/err")" != 4 ]; then
	bad "check alone: no warning of --explain" "$(cat "$tmp/err")"
else
	ok "check alone: no warning of --explain"
fi
run "$W" check --strict "$ex"
expect "--strict: the warnings of --explain on stderr, exit 1" 1 "^$ex: ok" "$reads"
run "$W" check --strict -q "$ex"
expect "--strict --quiet: nothing said, exit 1" 1 '' ''
run "$W" check "$ex" --explain --strict
expect "--explain --strict after the file: exit 1, the words on stdout" 1 "$reads" ''

# a policy that leaves nothing open gives no warning
cat >"$tmp/closed.yaml" <<EOF
name: closed
admin: {certs: [$top/tests/unit/policies/ci.pem]}
kernel: {modules: deny, kexec: deny, memory: deny}
loaders:
  - name: xdp
    exec: {digest: sha256:$(printf '%064d' 7)}
    programs: {types: [xdp], deny_helpers: [probe_write_user]}
    maps: {xdp_stats: rw, "*": none}
EOF
run "$W" check --strict "$tmp/closed.yaml"
expect "--strict on a policy with no warning: exit 0, stderr empty" 0 "^$tmp/closed.yaml: ok" ''
run "$W" check --explain "$tmp/closed.yaml" "$ex"
expect "--explain of two files: each said" 0 "^no warnings$" ''
if grep -q "^policy 'execsnoop'" "$tmp/out"; then ok "--explain of two files: the second too"; else
	bad "--explain of two files: the second too" "$(cat "$tmp/out")"; fi
run "$W" check --strict "$tmp/closed.yaml" tests/unit/policies/bad-digest.yaml "$ex"
expect "--strict with an invalid file: exit 2" 2 "^$ex: ok" "^tests/unit/policies/bad-digest.yaml:6:15: bad digest"
cp "$tmp/closed.yaml" "$tmp/-x.yaml"
run env -C "$tmp" "$W" check --strict -- -x.yaml
expect "-- before a file named -x.yaml" 0 "^-x.yaml: ok" ''

# usage errors
run "$W" check --quiet --explain "$ex"
expect "--quiet --explain: a usage error" 2 '' "--quiet and --explain exclude each other"
run "$W" check --explian "$ex"
expect "an unknown option: a usage error" 2 '' "check: unknown option '--explian'; usage:"
run "$W" check "$ex" --btf
expect "--btf without FILE: a usage error" 2 '' "missing FILE after '--btf'"
run "$W" check --help
expect "--help names --explain and --strict" 0 "\[--quiet \| --explain\] \[--strict\]" ''

echo "check-explain: $passed passed, $failed failed"
[ "$failed" = 0 ]
