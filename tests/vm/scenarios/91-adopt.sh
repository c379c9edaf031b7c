# SPDX-License-Identifier: GPL-2.0
# Adoption of running processes (gatekeeper/adopt.c, bpf/adopt.bpf.c):
# processes that were running before the daemon started, or before a reload
# made their executable a loader, get the mark an exec would have given
# them, on every thread, when the exec hook's rules say so; a process with
# Eve's code mapped, under a tracer or whose executable is gone gets none.
# Processes that fork or flip between a loader and another program while
# the daemon walks end up with the right mark. Each waits for $F, then
# tries bpf() once and writes "NAME PID TID ok|error" to $O.

B=/mnt/bin
L=/tmp/wb.out
F=/tmp/adopt.flag
O=/tmp/adopt.out
verity_on $B/alice $B/bob
cp $B/evil.so /tmp/evil.so
cp $B/attack /tmp/eve-attack
cp $B/alice /mnt/adopt-alice
verity_on /mnt/adopt-alice
rm -f $F $O

cat >/tmp/adopt.yaml <<EOT
name: adopt
default:
  bpf: deny
loaders:
  - name: alice
    exec: { digest: $(watchbpf digest $B/alice | cut -d' ' -f1) }
EOT
cat >/tmp/adopt2.yaml <<EOT
name: adopt2
default:
  bpf: deny
loaders:
  - name: alice
    exec: { digest: $(watchbpf digest $B/alice | cut -d' ' -f1) }
  - name: bob
    exec: { digest: $(watchbpf digest $B/bob | cut -d' ' -f1) }
EOT
cp /tmp/adopt.yaml /tmp/adopt-live.yaml

# ---- running before the daemon
$B/alice wait $F $O >/dev/null 2>&1 &
P_PLAIN=$!
$B/alice waitthreads $F $O 4 >/dev/null 2>&1 &
P_THREADS=$!
$B/alice wait $F $O /tmp/evil.so >/dev/null 2>&1 &
P_EVIL=$!
$B/alice wait $F $O >/dev/null 2>&1 &
P_TRACED=$!
/tmp/eve-attack seizehold $P_TRACED 600 >/dev/null 2>&1 &
P_TRACER=$!
/mnt/adopt-alice wait $F $O >/dev/null 2>&1 &
P_DELETED=$!
$B/bob wait $F $O hold >/dev/null 2>&1 &
P_HOLD=$!
$B/alice forkloop $F $O >/dev/null 2>&1 &
P_FORK=$!
$B/alice flip $F $O $B/alice $B/bob >/dev/null 2>&1 &
P_FLIP1=$!
$B/bob flip $F $O $B/bob $B/alice >/dev/null 2>&1 &
P_FLIP2=$!
rm -f /mnt/adopt-alice
# each in the state it is judged in before the daemon starts (a loaded
# emulator can take seconds to run them)
ready() {
	grep -q /tmp/evil.so /proc/$P_EVIL/maps 2>/dev/null &&
		grep -Eq '^TracerPid:[[:space:]]*[1-9]' /proc/$P_TRACED/status 2>/dev/null &&
		ls -l /proc/$P_HOLD/fd 2>/dev/null | grep -q bpf-map &&
		ls -l /proc/$P_DELETED/exe 2>/dev/null | grep -q deleted
}
i=0
while ! ready && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if ready; then pass "the running processes are set up (Eve's library, a tracer, a map, a deleted file)"
else fail "the running processes are set up (Eve's library, a tracer, a map, a deleted file)"; fi

start_gatekeeper --enforce /tmp/adopt-live.yaml --log /tmp/adopt.jsonl || fail "gatekeeper starts (adopt)" "$(cat /tmp/wb.err)"
expect_line "the daemon says what it adopted" 'adopted [0-9]+ running process(es)? as loaders \(3 refused, 1 holding BPF objects' /tmp/wb.err
touch $F
# a traced process's parent waits for it until its tracer lets it go
kill $P_TRACER
wait $P_TRACER 2>/dev/null
wait $P_PLAIN $P_THREADS $P_EVIL $P_TRACED $P_DELETED $P_HOLD $P_FORK $P_FLIP1 $P_FLIP2
expect_no_line "every waiter tried after the daemon was in force" ' timeout$' $O
sleep 0.5

# by pid: "NAME PID TID RESULT"
tries() { grep -E "^$1 $2 " $O; }
expect_line "a loader running before the daemon is adopted" "^alice $P_PLAIN [0-9]+ ok$" $O
if [ "$(tries alice $P_THREADS | grep -c ' ok$')" = 5 ]; then pass "every thread of a running loader is adopted (5 of 5)"
else fail "every thread of a running loader is adopted (5 of 5)" "$(tries alice $P_THREADS)"; fi
expect_line "Eve's library mapped in it: not adopted" "^alice $P_EVIL [0-9]+ Operation not permitted$" $O
expect_line "traced: not adopted" "^alice $P_TRACED [0-9]+ Operation not permitted$" $O
expect_line "its executable deleted: not adopted" "^alice $P_DELETED [0-9]+ Operation not permitted$" $O
expect_line "no loader holding a map stays no loader" "^bob $P_HOLD [0-9]+ Operation not permitted$" $O

# the fork race: every child of the forking loader, whenever forked, is one
n_fork=$(grep -c '^alice ' $O)
n_denied=$(grep -c '^alice .* Operation not permitted$' $O)
if [ "$n_denied" = 3 ] && [ "$n_fork" -gt 20 ]; then
	pass "children forked before, during and after the walk are all loaders ($((n_fork - 3)) alice tries ok)"
else
	fail "children forked before, during and after the walk are all loaders" \
		"$n_denied alice tries denied (3 expected: evil, traced, deleted) of $n_fork" \
		"$(grep '^alice .* Operation not permitted$' $O)"
fi
# the exec race: the process flipping alice <-> bob is marked as what it is
expect_no_line "a process that exec'd bob during the walk never has alice's mark" '^bob .* ok$' $O
# each chain keeps its pid across the execs and ends as alice or as bob
flip_ok() { grep -Eq "^(alice $1 [0-9]+ ok|bob $1 [0-9]+ Operation not permitted)$" $O; }
if flip_ok $P_FLIP1 && flip_ok $P_FLIP2; then
	pass "the flipping processes ended as what they are (alice approved, bob denied)"
else fail "the flipping processes ended as what they are (alice approved, bob denied)" \
	"$(grep -E " ($P_FLIP1|$P_FLIP2) " $O)"; fi

# ---- the log
expect_line "adoption logged with op adopt" "pid: $P_PLAIN .*op: adopt action: ProgApproved,MapsApproved loader: alice" $L
expect_line "the JSON record names the executable and its digest" \
	"\"op\":\"adopt\",.*\"loader\":\"alice\",\"pid\":$P_PLAIN,.*\"exe\":\"$B/alice\",\"exe_digest\":\"sha256:" /tmp/adopt.jsonl
expect_line "the refusal for Eve's library names it" "pid: $P_EVIL .*op: adopt action: BPFDenied reason: code:/tmp/evil.so check: not-verity" $L
expect_line "the refusal for the tracer says so" "pid: $P_TRACED .*op: adopt action: BPFDenied reason: traced" $L
expect_line "the refusal for the deleted executable says so" "pid: $P_DELETED .*op: adopt action: BPFDenied reason: deleted-file" $L
expect_line "a non-loader holding BPF objects is logged" "pid: $P_HOLD .*op: adopt action: BPFDenied reason: unknown-digest:bpf_objects_1" $L

# ---- a reload adopts what the new policy makes a loader
rm -f $F
$B/bob wait $F $O >/dev/null 2>&1 &
P_BOB=$!
sleep 0.5
cp /tmp/adopt2.yaml /tmp/adopt-live.yaml
reload_gatekeeper adopt2 "reload to a policy where bob is a loader"
touch $F
wait $P_BOB
expect_line "a process the reload made a loader is adopted" "^bob $P_BOB [0-9]+ ok$" $O
expect_line "the reload's adoption logged" "pid: $P_BOB .*op: adopt action: ProgApproved,MapsApproved loader: bob" $L
cp $B/alice /tmp/eve
expect_eperm "Eve is still denied after all this" /tmp/eve

stop_gatekeeper
rm -f $F $O /tmp/adopt*.yaml /tmp/adopt.jsonl /tmp/evil.so
