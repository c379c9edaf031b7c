# SPDX-License-Identifier: GPL-2.0
# Logs a security team can trust: a flood of 1,000,000 denied bpf() calls
# from several threads against a small ring buffer loses no count; the JSON
# log is chained, signed, and verifies; status tells what happened.

cat >/tmp/flood.yaml <<EOT
name: flood
loaders: []
EOT
N=1000000
watchbpf --enforce /tmp/flood.yaml --ringbuf-size 16384 --log /tmp/flood.jsonl \
	--log-sign-key /mnt/keys/ci.key --status-file /tmp/st.json >/dev/null 2>/tmp/flood.err &
WB_PID=$!
i=0
while ! grep -q 'enforcing policy flood' /tmp/flood.err && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
start=$(date +%s)
/mnt/bin/flood 4 $N >/tmp/flood.out
secs=$(( $(date +%s) - start ))
echo "# flood of $N calls took ${secs}s"
expect_line "every call of the flood was denied" "^flood: $N calls, $N denied$" /tmp/flood.out
sleep 2
hwm=$(awk '/^VmHWM:/ { print $2 }' /proc/$WB_PID/status)
watchbpf status --file /tmp/st.json >/tmp/status.txt
watchbpf status --file /tmp/st.json --json >/tmp/status.json
watchbpf stop >/dev/null
wait $WB_PID
expect_line "status: policy" '^policy +flood$' /tmp/status.txt
expect_line "status: hooks" '^hooks +\[.*"lsm/bpf".*\]$' /tmp/status.txt
expect_line "kernel counters count every call" "\"prog_get_next_id\":\{\"BPFDenied\":$N\}" /tmp/status.json
logged=$(grep -c '"op":"prog_get_next_id"' /tmp/flood.jsonl)
dropped=$(grep '"action":"EventsDropped"' /tmp/flood.jsonl | sed -n 's/.*"count":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
echo "# logged $logged, dropped $dropped, daemon peak memory ${hwm} kB"
if [ $((logged + dropped)) = $N ]; then pass "logged + reported drops = $N"
else fail "logged + reported drops = $N" "logged $logged, dropped $dropped"; fi
if [ "$dropped" -gt 0 ]; then pass "the small ring buffer did drop events, and they were reported"
else fail "the small ring buffer did drop events, and they were reported" "no drops: the test proves nothing"; fi
if [ -n "$hwm" ] && [ "$hwm" -lt 65536 ]; then pass "daemon memory stays bounded (${hwm} kB)"
else fail "daemon memory stays bounded" "VmHWM ${hwm} kB"; fi
expect_line "totals on exit agree" "detached: 0 approved, $N denied, $dropped events dropped; $logged records logged" /tmp/flood.err
expect_ok "the signed log verifies" watchbpf log verify /tmp/flood.jsonl --cert /mnt/keys/ci.pem
cp /tmp/flood.jsonl /tmp/tampered.jsonl
sed -i '5s/"pid":[0-9]*/"pid":1/' /tmp/tampered.jsonl
if watchbpf log verify /tmp/tampered.jsonl --cert /mnt/keys/ci.pem >/tmp/verify.out 2>&1; then
	fail "an altered record is caught" "$(cat /tmp/verify.out)"
else
	expect_line "an altered record is caught, by line" 'tampered.jsonl:5' /tmp/verify.out
fi
watchbpf log summary /tmp/flood.jsonl >/tmp/summary.out 2>&1
expect_line "summary reports the drops" "$dropped" /tmp/summary.out

# logrotate: move the file, SIGHUP, the chain goes on in the new file; and
# stdout in JSON
B=/mnt/bin
verity_on $B/alice $B/bob
ad=$(watchbpf digest $B/alice | cut -d' ' -f1)
printf 'name: rotate\nloaders:\n  - name: alice\n    exec:\n      digest: %s\n' "$ad" >/tmp/rot.yaml
rm -f /tmp/rot.jsonl /tmp/rot.jsonl.1
watchbpf --enforce /tmp/rot.yaml --log /tmp/rot.jsonl --log-sign-key /mnt/keys/ci.key \
	--log-format json --status-file "" >/tmp/rot.out 2>/tmp/rot.err &
WB_PID=$!
i=0
while ! grep -q 'enforcing policy rotate' /tmp/rot.err && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
$B/alice >/dev/null
/mnt/signed/bob-unsigned >/dev/null 2>&1
mv /tmp/rot.jsonl /tmp/rot.jsonl.1
watchbpf reload >/dev/null
sleep 2
$B/alice >/dev/null
sleep 1
watchbpf stop >/dev/null
wait $WB_PID
expect_ok "rotated logs verify as one chain" watchbpf log verify /tmp/rot.jsonl.1 /tmp/rot.jsonl --cert /mnt/keys/ci.pem
watchbpf log verify /tmp/rot.jsonl --cert /mnt/keys/ci.pem >/tmp/v.out 2>&1
expect_line "the new file alone is checked from where the chain picks up" 'chain is picked up at seq' /tmp/v.out
watchbpf log show /tmp/rot.jsonl.1 /tmp/rot.jsonl --op load >/tmp/show.out 2>&1
expect_line "log show: the human lines" "process: alice pid: [0-9]+ pod: host op: load type: xdp name: from_netdev action: Approved loader: alice$" /tmp/show.out
expect_line "stdout in JSON" '^\{.*"op":"load".*"action":"Approved".*"loader":"alice"' /tmp/rot.out
expect_no_line "records name the policy after a reload" '"policy":"[^r]' /tmp/rot.out
expect_no_line "stdout JSON lines are numbered" '"seq":0,' /tmp/rot.out
