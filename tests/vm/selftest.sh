#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the VM harness itself: a kernel that never boots is retried three
# times and reported; a scenario that hangs is killed at its time limit.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../../build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; shift; printf '     %s\n' "$@"; failed=$((failed + 1)); }

k=$("$here/kernels.sh" 6.12 | head -n 1) || { echo "harness: 0 passed, 1 failed"; exit 1; }
"$here/initramfs.sh" "$tmp/initrd" "$build/watchbpf" || exit 1
mkdir -p "$tmp/disk" "$tmp/bad"

# a "kernel" that is not one
head -c 65536 /dev/urandom >"$tmp/bad/vmlinuz"
cp "$k/virtio_blk.ko" "$tmp/bad/"
echo broken >"$tmp/bad/release"
echo 'echo hello' >"$tmp/disk/scenario.sh"
"$here/run.sh" "$tmp/bad" "$tmp/initrd" "$tmp/disk" "$tmp/log" 30 2>"$tmp/err"
rc=$?
if [ $rc = 124 ] && [ "$(grep -c 'did not reach the scenario' "$tmp/err")" = 3 ] &&
	grep -q 'broken never booted to the scenario' "$tmp/err"; then
	ok "a kernel that never boots: 3 tries, then reported"
else
	bad "a kernel that never boots: 3 tries, then reported" "exit $rc" "$(cat "$tmp/err")"
fi

# a scenario that hangs
echo 'echo started; sleep 1000' >"$tmp/disk/scenario.sh"
start=$(date +%s)
"$here/run.sh" "$k" "$tmp/initrd" "$tmp/disk" "$tmp/log" 5 2>"$tmp/err"
rc=$?
secs=$(( $(date +%s) - start ))
if [ $rc != 0 ] && grep -q 'WBVM-ERROR scenario killed after 5s' "$tmp/log" && [ $secs -lt 120 ]; then
	ok "a hanging scenario is killed at its limit (${secs}s in all)"
else
	bad "a hanging scenario is killed at its limit" "exit $rc after ${secs}s" "$(tail -n 5 "$tmp/log")"
fi

# the scenario's exit status comes back
echo 'exit 7' >"$tmp/disk/scenario.sh"
"$here/run.sh" "$k" "$tmp/initrd" "$tmp/disk" "$tmp/log" 30 2>"$tmp/err"
rc=$?
if [ $rc = 7 ]; then ok "the scenario's exit status is returned"; else bad "the scenario's exit status is returned" "exit $rc"; fi

# a kernel booted without the BPF LSM: the daemon says so and exits 1
cat >"$tmp/disk/scenario.sh" <<'EOT'
printf 'name: p\nloaders: []\n' >/tmp/p.yaml
watchbpf --enforce /tmp/p.yaml 2>/tmp/err
echo "rc=$?"
cat /tmp/err
EOT
WBVM_APPEND="lsm=capability,landlock,yama" "$here/run.sh" "$k" "$tmp/initrd" "$tmp/disk" "$tmp/log" 60 2>"$tmp/err"
if grep -q '^rc=1$' "$tmp/log" &&
	grep -Eq "^watchbpf: error: BPF LSM is not active: 'bpf' is not in the active LSM list '([a-z]+,)*yama(,[a-z]+)*' \(boot with lsm=[a-z,]*yama[a-z,]*,bpf\)$" "$tmp/log" &&
	[ "$(grep -c '^watchbpf:' "$tmp/log")" = 1 ]; then
	ok "daemon on a kernel booted without the BPF LSM: one clear error, exit 1"
else
	bad "daemon on a kernel booted without the BPF LSM: one clear error, exit 1" "$(grep -v '^\[' "$tmp/log" | tail -n 5)"
fi

echo "harness: $passed passed, $failed failed"
[ $failed = 0 ]
