#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `watchbpf learn` on the command line, on the sample audit-run logs of
# tests/unit/learn-logs/ (made by make-logs.py as the daemon's writer
# writes them): the policy it writes passes `watchbpf check`, is the same
# bytes whatever way the logs come (gzip'd, twice), is written atomically
# and only when every input was read; a merge keeps the existing policy's
# text and widens none of its loaders. What the policy holds in detail is
# tests/unit/test_learn.c's.
set -euo pipefail
W=${WATCHBPF:-build/watchbpf}
top=$(cd "$(dirname "$0")/../.." && pwd)
W=$(cd "$(dirname "$W")" && pwd)/$(basename "$W")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
L=$top/tests/unit/learn-logs

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() {
	echo "FAIL $1"
	shift
	printf '     %s\n' "$@"
	failed=$((failed + 1))
}
run() {
	"$@" >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
}
# expect NAME RC ERR_ERE: the last run's status, and a line of its stderr
expect() {
	local why=""
	[ "$rc" = "$2" ] || why="exit $rc, want $2"
	[ -z "$3" ] || grep -Eq -- "$3" "$tmp/err" || why="$why; stderr lacks: $3"
	if [ -z "$why" ]; then ok "$1"; else bad "$1" "$why" "stderr: $(head -c 800 "$tmp/err")"; fi
}
# check NAME FILE: FILE passes watchbpf check
check() {
	if out=$("$W" check "$2" 2>&1); then ok "$1"; else bad "$1" "$out"; fi
}
has() {
	if grep -Eq -- "$2" "$3"; then ok "$1"; else bad "$1" "no line: $2" "$(head -c 1500 "$3")"; fi
}

# ---- a new policy
run "$W" learn "$L/audit-run.jsonl"
expect "learn LOG: exit 0" 0 'learned from 14 of 22 record\(s\): 3 executable\(s\)'
expect "learn LOG: records without a digest said on stderr" 0 \
	'^watchbpf: 1 bpf\(\) record\(s\) of processes no record gives a digest for were left out'
expect "learn LOG: calls refused for real said on stderr" 0 '1 record\(s\) of calls refused for real'
cp "$tmp/out" "$tmp/stdout.yaml"
check "learn LOG: the policy on stdout passes watchbpf check" "$tmp/stdout.yaml"
has "one loader per executable, named after its path" '^  - name: bpftrace$' "$tmp/stdout.yaml"
has "a loader named after its comm without a path" '^  - name: x$' "$tmp/stdout.yaml"
has "the path in a comment" '^  # /opt/tool/bin/tool, 2 record\(s\)$' "$tmp/stdout.yaml"
has "generated names collapsed" 'names: \["kprobe_vfs_rd_\*", "tp_sys_enter_1"\]' "$tmp/stdout.yaml"
has "a kernel read keeps kernel_reads open: tool has none" \
	'allow_helpers: \[perf_event_output, probe_read_kernel\]' "$tmp/stdout.yaml"

run "$W" learn -o "$tmp/p.yaml" "$L/audit-run.jsonl"
expect "learn -o: exit 0" 0 "wrote $tmp/p.yaml"
if cmp -s "$tmp/p.yaml" "$tmp/stdout.yaml"; then ok "-o writes what stdout gets"
else bad "-o writes what stdout gets" "$(diff "$tmp/p.yaml" "$tmp/stdout.yaml" | head)"; fi
[ "$(stat -c %a "$tmp/p.yaml")" = 600 ] && ok "-o: mode 0600" || bad "-o: mode 0600" "$(stat -c %a "$tmp/p.yaml")"
gzip -c "$L/audit-run.jsonl" >"$tmp/a.jsonl.gz"
run "$W" learn -o "$tmp/gz.yaml" "$tmp/a.jsonl.gz" "$L/audit-run.jsonl"
# the same rules; only the comments' record counts double
if diff <(grep -v '#' "$tmp/gz.yaml") <(grep -v '#' "$tmp/p.yaml") >/dev/null; then
	ok "the same policy from a gzip'd log given twice"
else bad "the same policy from a gzip'd log given twice" "$(diff "$tmp/gz.yaml" "$tmp/p.yaml" | head)"; fi
run "$W" learn --name web-1.learned "$L/audit-run.jsonl"
grep -q '^name: web-1.learned$' "$tmp/out" && ok "--name names the policy" || bad "--name names the policy"

# ---- bad input: nothing written, the file and line said
cp "$L/audit-run.jsonl" "$tmp/bad.jsonl"
sed -i '5s/"op":"load"/"op":"load"BROKEN/' "$tmp/bad.jsonl"
echo "keep" >"$tmp/keep.yaml"
run "$W" learn -o "$tmp/keep.yaml" "$tmp/bad.jsonl"
expect "a malformed line: exit 1, FILE:LINE" 1 "^watchbpf: error: $tmp/bad.jsonl:5: malformed: "
[ "$(cat "$tmp/keep.yaml")" = keep ] && ok "a malformed line: the output is untouched" ||
	bad "a malformed line: the output is untouched"
run "$W" learn --skip-malformed -o "$tmp/skip.yaml" "$tmp/bad.jsonl"
expect "--skip-malformed: exit 0, the line said" 0 "^$tmp/bad.jsonl:5: malformed: "
run "$W" learn -o "$tmp/keep.yaml" "$L/audit-run.jsonl" "$tmp/none.jsonl"
expect "an unreadable file: exit 1" 1 "^$tmp/none.jsonl: error: No such file or directory"
[ "$(cat "$tmp/keep.yaml")" = keep ] && ok "an unreadable file: the output is untouched" ||
	bad "an unreadable file: the output is untouched"
printf '\037\213garbage' >"$tmp/cut.jsonl.gz"
run "$W" learn -o "$tmp/keep.yaml" "$tmp/cut.jsonl.gz"
expect "a broken gzip file: exit 1" 1 "cut.jsonl.gz"
run "$W" learn -o /nonexistent/dir/p.yaml "$L/audit-run.jsonl"
expect "an unwritable output: exit 1" 1 '^watchbpf: error: /nonexistent/dir/p.yaml: cannot write'
run "$W" learn
expect "no log: usage, exit 2" 2 'no log file given'
run "$W" learn --bogus "$L/audit-run.jsonl"
expect "an unknown option: exit 2" 2 "unknown option '--bogus'"
run "$W" learn --name 'bad name' "$L/audit-run.jsonl"
expect "a bad --name: exit 2" 2 "--name 'bad name': 1 to 63 characters"
run "$W" learn --policy "$tmp/nothere.yaml" "$L/audit-run.jsonl"
expect "an unreadable --policy: exit 1" 1 "nothere.yaml: cannot open"

# ---- merge: the admin's policy kept, its loaders not widened
cat >"$tmp/base.yaml" <<'EOT'
# the admin's policy: bpftrace may call three helpers
name: prod
mode: audit
loaders:
  - name: bt   # reviewed in March
    exec: { digest: sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 }
    programs:
      allow_helpers: [map_lookup_elem, map_update_elem, get_current_pid_tgid, ktime_get_ns, ringbuf_output]
  - name: tool
    exec:
      digest: sha256:c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3

default:
  bpf: deny
EOT
run "$W" learn --policy "$tmp/base.yaml" -o "$tmp/m.yaml" "$L/more-helpers.jsonl"
expect "merge: exit 0" 0 "wrote $tmp/m.yaml"
expect "merge: a helper the loader's rules deny is a warning" 0 \
	"warning: loader bt: the log shows helper send_signal, which its rules deny \(not in programs.allow_helpers\): left denied"
check "merge: the result passes watchbpf check" "$tmp/m.yaml"
# every line of the admin's policy is there, in its order: learn only inserts
if awk 'NR == FNR { b[++n] = $0; next } $0 == b[i + 1] { i++ } END { exit !(i == n) }' \
	"$tmp/base.yaml" "$tmp/m.yaml"; then ok "merge: the admin's policy is kept as written"
else bad "merge: the admin's policy is kept as written" "$(cat "$tmp/m.yaml")"; fi
has "merge: the denied helper in a comment" '^  # learned: seen, left denied: helper send_signal' "$tmp/m.yaml"
has "merge: a loader without rules gets them" '^    # learned: its rules, from 2 record\(s\)$' "$tmp/m.yaml"
has "merge: a new executable added, marked" '^  # learned: \(path not in the log\), 2 record\(s\)$' "$tmp/m.yaml"
grep -q 'send_signal\]' "$tmp/m.yaml" && bad "merge: send_signal not in any allow list" "$(grep send_signal "$tmp/m.yaml")" ||
	ok "merge: send_signal not in any allow list"
run "$W" learn --policy "$tmp/base.yaml" --name x "$L/audit-run.jsonl"
expect "merge: --name is refused" 2 'the merged one keeps its name'

echo "learn: $passed passed, $failed failed"
[ "$failed" = 0 ]
