#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `watchbpf log` end to end on the host: logs made by the real writer
# (`watchbpf log generate`, a testing aid), tampered with by sed and friends,
# read back by verify, show and summary; a checkpoint checked with nothing
# but the openssl command line, as docs/log-format.md says a third party can.
set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; shift; printf '     %s\n' "$@"; failed=$((failed + 1)); }

# expect NAME RC OUT_ERE CMD...: exit status RC, stdout+stderr matching ERE
expect() {
	local name=$1 want=$2 ere=$3 rc
	shift 3
	"$@" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc != "$want" ]; then
		bad "$name" "exit $rc, want $want" "$(head -20 "$tmp/out")"
	elif [ -n "$ere" ] && ! grep -Eq -- "$ere" "$tmp/out"; then
		bad "$name" "output does not match: $ere" "$(head -20 "$tmp/out")"
	else
		ok "$name"
	fi
}

# check NAME CONDITION...: the condition (a command) succeeds
check() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else bad "$name" "failed: $*"; fi
}

cd "$tmp" || exit 1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key \
	-out ec.crt -subj /CN=watchbpf-log -days 3650 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.crt -subj /CN=other \
	-days 3650 2>/dev/null
openssl x509 -in ec.crt -pubkey -noout >ec.pub

expect "log: usage" 2 'Usage: .* log verify' "$W" log
expect "log: unknown command" 2 "unknown log command 'bogus'" "$W" log bogus
expect "verify: --cert is needed" 2 '--cert is needed' "$W" log verify x.log
expect "verify: no files" 2 'no log file given' "$W" log verify --cert ec.crt
expect "verify: a bad certificate" 2 'not a PEM certificate or public key' "$W" log verify --cert ec.key x.log
expect "show: bad time" 2 "bad time '-1y'" "$W" log show --since -1y x.log
expect "show: unknown option" 2 "unknown option '--bogus'" "$W" log show --bogus x.log

# 60 records, a checkpoint every 20, one more at close
"$W" log generate 60 a.log --sign-key ec.key --every 20 --seed 7
check "generate: 60 records, 3 checkpoints, EventsDropped not yet" \
	[ "$(wc -l <a.log)" = 63 ] && [ "$(grep -c '"action":"Checkpoint"' a.log)" = 3 ]
expect "verify: a clean log" 0 '^log verify: 63 lines in 1 file, 3 checkpoints verified: OK$' \
	"$W" log verify --cert ec.crt a.log
expect "verify: a public key does as well" 0 ': OK$' "$W" log verify --cert ec.pub a.log
expect "verify: the wrong certificate" 1 'a.log:21: error: checkpoint signed by key [0-9a-f]{16}\.\.\., not by the --cert key' \
	"$W" log verify --cert rsa.crt a.log

# tampering, one kind at a time
sed '7s/"pid":[0-9]*/"pid":1/' a.log >alt.log
expect "verify: an altered record" 1 '^alt.log:7: error: altered: ' "$W" log verify --cert ec.crt alt.log
sed '7d' a.log >del.log
expect "verify: a deleted record" 1 '^del.log:7: error: deleted: the record of seq 7 is missing' \
	"$W" log verify --cert ec.crt del.log
sed '7,9d' a.log >del3.log
expect "verify: deleted records" 1 '^del3.log:7: error: deleted: 3 records \(seq 7\.\.9\)' \
	"$W" log verify --cert ec.crt del3.log
sed '3p' a.log >ins.log
expect "verify: an inserted record" 1 '^ins.log:3: error: inserted: not part of the chain' \
	"$W" log verify --cert ec.crt ins.log
awk 'NR == 7 { held = $0; next } NR == 8 { print; print held; next } { print }' a.log >swap.log
expect "verify: two records swapped" 1 '^swap.log:7: error: reordered: seq 8 comes before seq 7' \
	"$W" log verify --cert ec.crt swap.log
sed '21s/"count":20/"count":19/' a.log >forge.log
expect "verify: a forged checkpoint" 1 '^forge.log:21: error: checkpoint signature does not verify' \
	"$W" log verify --cert ec.crt forge.log
sed '5s/^{/[/' a.log >mal.log
expect "verify: a malformed line is a failure, with its line" 1 '^mal.log:5: error: malformed: not a JSON object' \
	"$W" log verify --cert ec.crt mal.log
head -n 60 a.log >tail.log
expect "verify: a cut tail is unsigned, and only a warning" 0 \
	'^warning: 18 records after the last checkpoint \(tail.log:42, seq 42, ' \
	"$W" log verify --cert ec.crt tail.log
expect "verify --strict: an unsigned tail fails" 1 '^error: 18 records after the last checkpoint' \
	"$W" log verify --strict --cert ec.crt tail.log
head -c -30 a.log >cut.log
expect "verify: a cut last line is a warning" 0 '^cut.log:63: warning: truncated last line' \
	"$W" log verify --cert ec.crt cut.log

# restarts: the chain goes on in the same file, a cut line is repaired
cp a.log re.log
head -c -30 a.log >re.log
"$W" log generate 5 re.log --sign-key ec.key
expect "writer: a restart repairs the cut line and goes on" 0 \
	're.log:63: warning: a cut line, ended by the writer and noted at re.log:64' \
	"$W" log verify --strict --cert ec.crt re.log
check "writer: the repair is a record" grep -q '"seq":64,.*"action":"LogRepaired".*"reason":"truncated-line"' re.log

# rotation: one chain over the files, oldest first, gzip'd or not
"$W" log generate 100 r.log --sign-key ec.key --every 1000 --rotate 30
gzip r.log.3 r.log.2
expect "verify: a rotated set" 0 '^log verify: 104 lines in 4 files, 4 checkpoints verified: OK$' \
	"$W" log verify --strict --cert ec.crt r.log.3.gz r.log.2.gz r.log.1 r.log
expect "verify: a file missing from the set" 1 \
	'^r.log.1:1: error: deleted: 31 records \(seq 32\.\.62\) missing before this line \(a file missing' \
	"$W" log verify --cert ec.crt r.log.3.gz r.log.1 r.log
expect "verify: a file alone is picked up mid-chain" 0 '^r.log:1: note: the chain is picked up at seq 94' \
	"$W" log verify --cert ec.crt r.log
head -c 500 r.log.2.gz >cut.gz
expect "verify: a cut .gz" 1 'cut.gz:[0-9]+: error: compressed data ends early' \
	"$W" log verify --cert ec.crt cut.gz

# a third party needs only openssl: the chain and a checkpoint by hand
l1=$(sed -n 1p a.log)
p2=$(sed -n 2p a.log | grep -o '"prev":"[0-9a-f]*"' | cut -d'"' -f4)
check "third party: prev is the SHA-256 of the previous line" \
	[ "$(printf '%s' "$l1" | sha256sum | cut -d' ' -f1)" = "$p2" ]
cp=$(sed -n 21p a.log)
{ printf 'watchbpf-checkpoint-v1\n'; printf '%s' "${cp%%,\"sig\":*}"; } >msg
printf '%s' "$cp" | sed 's/.*,"sig":"\([^"]*\)"}$/\1/' | base64 -d >sig.der
check "third party: openssl verifies a checkpoint's signature" \
	openssl dgst -sha256 -verify ec.pub -signature sig.der msg
kid=$(openssl x509 -in ec.crt -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)
check "third party: key is the SHA-256 of the DER public key" grep -q "\"key\":\"$kid\"" a.log

# show
"$W" log generate 1000 s.log --sign-key ec.key --seed 3
"$W" log show s.log >all.txt 2>err.txt
check "show: one line per record, the human format, time first" \
	[ "$(wc -l <all.txt)" = "$(wc -l <s.log)" ] && [ ! -s err.txt ] &&
	grep -Eq '^20[0-9-]+T[0-9:.]+Z process: [a-z-]+ pid: [0-9]+ pod: [a-z0-9-]+ op: [a-z_]+ ' all.txt
n_denied=$(grep -c '"action":"BPFDenied"' s.log)
expect "show --action Denied: every denial" 0 '' "$W" log show --action Denied s.log
check "show --action Denied: only denials" \
	[ "$(grep -c ' action: BPFDenied' "$tmp/out")" = "$n_denied" ] && [ "$(wc -l <"$tmp/out")" = "$n_denied" ]
"$W" log show --json --process eve s.log >eve.json
check "show --json: the original lines" \
	[ "$(grep -F -x -c -f eve.json s.log)" = "$(wc -l <eve.json)" ] && [ "$(grep -c '"comm":"eve"' s.log)" = "$(wc -l <eve.json)" ]
"$W" log show --process /tmp/eve --pod eve --op load s.log >f.txt
check "show: filters combine (exe path, pod, op)" \
	[ -s f.txt ] && ! grep -vq 'process: eve pid: [0-9]* pod: eve op: load ' f.txt
"$W" log show --loader none --action Approved s.log >none.txt
check "show --loader none: no loader approved" [ ! -s none.txt ]
"$W" log show --action Checkpoint,EventsDropped s.log >cp.txt
check "show: daemon records" grep -q 'process: - pid: 0 pod: - op: - action: Checkpoint count: ' cp.txt
check "show: alternatives" grep -q 'action: EventsDropped count: ' cp.txt
expect "show --since the future" 0 '' "$W" log show --since 2100-01-01 s.log
check "show --since the future: nothing" [ ! -s "$tmp/out" ]
"$W" log show --since -1h --until now s.log >recent.txt
check "show --since -1h: everything just written" [ "$(wc -l <recent.txt)" = "$(wc -l <s.log)" ]
{ sed -n 1,2p s.log; echo 'garbage'; sed -n 3p s.log; printf '{"v":1,"seq":'; } >m.log
expect "show: malformed lines reported with FILE:LINE, not fatal" 0 \
	'^m.log:3: malformed: not a JSON object' "$W" log show m.log
check "show: a cut last line is reported too" grep -q '^m.log:5: malformed: truncated last line' "$tmp/out"
check "show: the good lines are shown" [ "$(grep -c 'process: ' "$tmp/out")" = 3 ]
expect "show: a missing file is an error, the others are read" 1 'nope.log: error: No such file' \
	"$W" log show nope.log m.log

# summary
"$W" log summary s.log >sum.txt
check "summary: record count" grep -q "^records: $(wc -l <s.log) in 1 file$" sum.txt
check "summary: denials by action" grep -q "BPFDenied $n_denied" sum.txt
check "summary: events dropped total" grep -q '^events dropped: 2 (in 1 EventsDropped records)$' sum.txt
check "summary: top denied processes" grep -A2 -q '^top denied processes:$' sum.txt
gzip -c s.log >s.log.gz
"$W" log summary s.log.gz >sumgz.txt
check "summary: a .gz file reads the same" cmp -s sum.txt sumgz.txt
"$W" log summary --json s.log >sum.json
if command -v python3 >/dev/null; then
	check "summary --json: valid JSON, the same counts" python3 -c "
import json, sys
s = json.load(open('sum.json'))
assert s['records'] == $(wc -l <s.log), s['records']
assert s['actions']['BPFDenied'] == $n_denied
assert s['top_denied'][0]['count'] >= s['top_denied'][-1]['count']
"
	check "log lines are valid JSON" python3 -c "
import json
for l in open('s.log'):
    json.loads(l)
"
else
	check "summary --json: one object" grep -q '^{"files":1,"records":' sum.json
fi
expect "summary: malformed lines counted" 0 'records: 3 in 1 file \(and 2 malformed lines\)' \
	"$W" log summary m.log

echo "log-cli: $passed passed, $failed failed"
[ $failed = 0 ]
