#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The command line on the host: exit codes and messages of the commands that
# do not need a BPF LSM kernel, and the clear refusal on a kernel without one.
set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; shift; printf '     %s\n' "$@"; failed=$((failed + 1)); }

# expect NAME RC STDERR_ERE CMD...: exit status RC and stderr matching ERE
expect() {
	local name=$1 want=$2 ere=$3 rc
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc != "$want" ]; then
		bad "$name" "exit $rc, want $want" "$(cat "$tmp/err")"
	elif [ -n "$ere" ] && ! grep -Eq -- "$ere" "$tmp/err"; then
		bad "$name" "stderr does not match: $ere" "$(cat "$tmp/err")"
	else
		ok "$name"
	fi
}

expect "no arguments: usage" 2 'Usage:' "$W"
expect "unknown command" 2 "unknown command 'bogus'" "$W" bogus
expect "help" 0 '' "$W" help
for f in "$top"/examples/*.yaml; do
	expect "check the example policy $(basename "$f")" 0 '' "$W" check "$f"
done
printf 'name: x\nloaders:\n  - name: a\n    exec:\n      digets: sha256:00\n' >"$tmp/bad.yaml"
expect "check: bad key names file:line:col" 2 "^$tmp/bad.yaml:5:7: unknown key 'digets'" "$W" check "$tmp/bad.yaml"
expect "run: bad policy is refused before anything loads" 2 "^$tmp/bad.yaml:5:7: " "$W" --enforce "$tmp/bad.yaml"
expect "run: missing policy" 2 "$tmp/nope.yaml: cannot open" "$W" --enforce "$tmp/nope.yaml"
expect "run: two policies" 2 'Usage:' "$W" --enforce "$tmp/bad.yaml" "$tmp/bad.yaml"
expect "run: unknown option" 2 'Usage:' "$W" --enforse "$top/examples/alice.yaml"
expect "digest: no files" 2 '' "$W" digest
printf 'name: g\nloaders:\n  - name: a\n    exec:\n      digest: sha256:%064d\n    maps:\n      "a*b*": ro\n' 0 >"$tmp/glob.yaml"
expect "check: what the daemon would refuse, by file:line:col" 2 "^$tmp/glob.yaml:7:7: map 'a\*b\*': at most one '\*' is supported$" "$W" check "$tmp/glob.yaml"
expect "run: unknown --log-format" 2 "'text' or 'json'" "$W" --log-format xml --enforce "$top/examples/alice.yaml"
expect "run: ring buffer size must be a power of 2" 2 "power of 2" "$W" --ringbuf-size 5000 --enforce "$top/examples/alice.yaml"
expect "run: --log-sign-key needs --log" 2 "needs --log" "$W" --log-sign-key k.pem --enforce "$top/examples/alice.yaml"
expect "status without a daemon" 1 "no running gatekeeper" "$W" status --file "$tmp/none.json"
expect "stop without a daemon" 1 "no watchbpf daemon answers on $tmp/none.sock" "$W" stop --control "$tmp/none.sock"
expect "reload without a daemon" 1 "no watchbpf daemon answers on" "$W" reload --control "$tmp/none.sock"
expect "stop: stray argument" 2 'usage: watchbpf stop' "$W" stop now
expect "help lists stop and reload" 0 '' sh -c "'$W' help | grep -q '^  stop ' && '$W' help | grep -q '^  reload '"

# This machine's kernel refuses BPF LSM: one clear line, exit 1, no libbpf dump
"$W" --enforce "$top/examples/alice.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q '^watchbpf: error: ' "$tmp/err" &&
	! grep -qi libbpf "$tmp/err"; then
	ok "run on a kernel without BPF LSM: one clear error line"
else
	bad "run on a kernel without BPF LSM: one clear error line" "exit $rc" "$(cat "$tmp/err")"
fi

"$W" doctor >"$tmp/out" 2>&1
missing=""
for l in "BPF LSM active:" "BPF LSM programs loadable:" "BTF:" "fs-verity:" "keyrings:" \
	"lockdown:" "kernel.unprivileged_bpf_disabled:" "net.core.bpf_jit_enable:" \
	"net.core.bpf_jit_harden:" "net.core.bpf_jit_kallsyms:" "net.core.bpf_jit_limit:"; do
	grep -q "^$l " "$tmp/out" || missing="$missing '$l'"
done
if [ -z "$missing" ]; then ok "doctor reports every line"; else bad "doctor reports every line" "missing:$missing" "$(cat "$tmp/out")"; fi
if grep -q '^BPF LSM programs loadable: *yes' "$tmp/out" || grep -q '^BPF LSM programs loadable: *no (Operation not permitted)' "$tmp/out"; then
	ok "doctor probes BPF LSM loading"
else
	bad "doctor probes BPF LSM loading" "$(grep loadable "$tmp/out")"
fi
v=$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)
if grep -q "^kernel.unprivileged_bpf_disabled: *$v\$" "$tmp/out"; then ok "doctor shows the sysctl's value"
else bad "doctor shows the sysctl's value" "want $v" "$(grep unprivileged "$tmp/out")"; fi

echo "cli: $passed passed, $failed failed"
[ $failed = 0 ]
