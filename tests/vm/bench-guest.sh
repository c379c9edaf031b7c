# SPDX-License-Identifier: GPL-2.0
# make bench, inside the VM: hot-path costs with and without the gatekeeper
# attached, in the same boot.
. /mnt/lib.sh
B=/mnt/bin
fsverity enable $B/alice
ad=$(watchbpf digest $B/alice | cut -d' ' -f1)
echo data >/tmp/f
cat >/tmp/bench.yaml <<EOT
name: bench
loaders:
  - name: alice
    exec:
      digest: $ad
    programs:
      deny_helpers: [probe_write_user, send_signal]
      kernel_reads: false
    collateral:
      - path: /usr/lib/alice/
        signed: false
EOT
measure() {
	open=$($B/benchops open 200000 /tmp/f)
	fe=$($B/benchops forkexec 3000 /bin/true)
	load=$($B/alice timeload 100000 7 | tail -n 1)
}
measure # warm-up: caches, page tables, the first exec of each binary
measure
o0=$open f0=$fe l0=$load
start_gatekeeper --enforce /tmp/bench.yaml --status-file "" >/dev/null || { cat /tmp/wb.err; exit 1; }
measure
o1=$open f1=$fe l1=$load
stop_gatekeeper
measure
o2=$open f2=$fe l2=$load

# the baseline is the mean of the runs before and after
row() {
	awk -v what="$1" -v a="$2" -v b="$3" -v c="$4" -v target="$5" 'BEGIN {
		base = (a + c) / 2; r = b / base
		printf "%-36s %10.0f ns without, %10.0f ns with: ratio %.3f (target <= %.2f) %s\n",
			what, base, b, r, target, r <= target ? "PASS" : "MISS" }'
}
echo "BENCH-BEGIN $(uname -r), qemu software emulation: noisy, compare ratios"
row "open()+close(), not a loader" $o0 $o1 $o2 1.03
row "fork+exec, not a loader" $f0 $f1 $f2 1.03
row "load a 100,000-insn program (alice)" $l0 $l1 $l2 1.10
echo "BENCH-END"
