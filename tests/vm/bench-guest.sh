# SPDX-License-Identifier: GPL-2.0
# make bench, inside the VM: what each hook watchbpf has on a hot path costs
# a task the policy does not concern (or a loader, for bpf()), against no
# BPF LSM program and against an empty BPF LSM program on the same hooks,
# in the same boot. Prints tab-separated lines for tests/bench/vm.sh:
#   BENCH-OP   id, what, hooks, targets (CONFIG/BASELINE<=MAX ..., or -)
#   BENCH-TSV  id, config, round, ns per operation (a median of 21 batches)
. /mnt/lib.sh
B=/mnt/bin
LIBC=/lib/x86_64-linux-gnu/libc.so.6
fsverity enable $B/alice
ad=$(watchbpf digest $B/alice | cut -d' ' -f1)
echo data >/tmp/f
# Alice is a loader: bpf() and program loads are hers. No collateral, so
# file_open carries self-protection's program alone; bench-coll.yaml adds
# collateral, which hooks file_open a second time (sleepable).
cat >/tmp/bench.yaml <<EOT
name: bench
loaders:
  - name: alice
    exec:
      digest: $ad
    programs:
      deny_helpers: [probe_write_user, send_signal]
      kernel_reads: false
EOT
cp /tmp/bench.yaml /tmp/bench-coll.yaml
cat >>/tmp/bench-coll.yaml <<EOT
    collateral:
      - path: /usr/lib/alice/
        signed: false
EOT
watchbpf enroll $B/watchbpf >/dev/null # --persist: its code with fs-verity

tab=$(printf '\t')
op_info() {
	printf 'BENCH-OP\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4"
}
op_info open "open()+close()" "file_open" "collateral/none<=1.03 watchbpf/empty<=1.01"
op_info openw "open(O_WRONLY)+close()" "file_open" "watchbpf/empty<=1.01"
op_info stat "stat()" "inode_permission (--persist)" "persist/empty+pins<=1.01"
op_info kill "kill(pid, 0)" "task_kill" "watchbpf/empty<=1.01"
op_info mmapf "mmap(PROT_EXEC) of a file" "mmap_file" "watchbpf/empty<=1.01"
op_info mmapa "mmap(PROT_EXEC) anonymous" "mmap_file" "watchbpf/empty<=1.01"
op_info mprotect "mprotect() RW <-> RX" "file_mprotect" "-"
op_info ptrace "process_vm_readv() of a child" "ptrace_access_check" "-"
op_info bpf "bpf(MAP_LOOKUP_ELEM) by a loader" "bpf" "-"
op_info forkexec "fork+exec+wait, static program" \
	"task_alloc, bprm_check_security, bprm_committed_creds, file_open, mmap_file" \
	"collateral/none<=1.03"
op_info forkexecd "fork+exec+wait, dynamic program" \
	"task_alloc, bprm_check_security, bprm_committed_creds, file_open, mmap_file" \
	"watchbpf/empty<=1.01"
op_info load "load a 100,000-insn program" "bpf, bpf_prog_load" "collateral/none<=1.10"

ALL="open openw stat kill mmapf mmapa mprotect ptrace bpf forkexec forkexecd load"
# the configurations that add hooks on some paths only: the paths they add to
SOME_COLL="open openw forkexec forkexecd load"
SOME_PINS="stat open forkexec"

# Counts: instruction counts vary little between batches, and a loaded host
# runs the emulation slowly: enough for 21 batches of a few hundred
run_op() {
	case $1 in
	open | openw | stat) $B/benchops "$1" 20000 /tmp/f ;;
	kill) $B/benchops kill 40000 - ;;
	mmapf) $B/benchops mmapf 20000 $LIBC ;;
	mmapa | mprotect | ptrace) $B/benchops "$1" 20000 - ;;
	bpf) $B/alice timemap 10000 | tail -n 1 ;;
	forkexec) $B/benchops forkexec 252 /bin/true ;;
	forkexecd) $B/benchops forkexec 252 $B/dyntrue ;;
	load) $B/alice timeload 100000 1 | tail -n 1 ;;
	esac
}

# measure CONFIG ROUND OPS...: one BENCH-TSV line per operation
measure() {
	cfg=$1 round=$2
	shift 2
	for o in "$@"; do
		ns=$(run_op "$o")
		case "$ns" in
		'' | *[!0-9]*)
			echo "bench: $o under $cfg: '$ns'" >&2
			exit 1
			;;
		esac
		echo "BENCH-TSV${tab}$o${tab}$cfg${tab}$round${tab}$ns"
	done
}

empties() {
	for o in "$@"; do
		bpftool prog loadall /mnt/bpf/$o.bpf.o /sys/fs/bpf/$o autoattach || exit 1
	done
}

if grep -q 'wbvm.icount=1' /proc/cmdline; then
	clock="guest instructions (qemu -icount: 1 ns = 1 instruction)"
else
	clock="wall clock of software emulation"
fi
mem=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
echo "BENCH-BEGIN $(uname -r)${tab}$clock${tab}$(nproc)${tab}$mem"
# warm-up: caches, page tables, the first exec of each binary
measure none 0 $ALL >/dev/null
# Rounds cycle through the configurations, so drifts of the emulated
# machine hit all alike; the host compares medians.
for round in 1 2 3; do
	measure none $round $ALL
	empties empty_hooks
	measure empty $round $ALL
	empties empty_inode_permission
	measure empty+pins $round $SOME_PINS
	rm -rf /sys/fs/bpf/empty_hooks /sys/fs/bpf/empty_inode_permission
	start_gatekeeper --enforce /tmp/bench.yaml --status-file "" >/dev/null ||
		{ cat /tmp/wb.err; exit 1; }
	measure watchbpf $round $ALL
	stop_gatekeeper
	start_gatekeeper --enforce /tmp/bench-coll.yaml --status-file "" >/dev/null ||
		{ cat /tmp/wb.err; exit 1; }
	measure collateral $round $SOME_COLL
	stop_gatekeeper
	WB_BIN=$B/watchbpf start_gatekeeper --persist --enforce /tmp/bench.yaml \
		--status-file "" >/dev/null || { cat /tmp/wb.err; exit 1; }
	measure persist $round $SOME_PINS
	$B/watchbpf stop --end-enforcement >/dev/null
	wait $WB_PID
done
echo "BENCH-END"
