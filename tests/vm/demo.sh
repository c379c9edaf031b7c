#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boots the first kernel of $KERNELS (default 6.12) and runs the
# Alice/Eve demo, printing what happens and the decision log.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../../build}
out=$build/vm
mkdir -p "$out"
k=$("$here/kernels.sh" "${KERNELS:-6.12}" | head -n 1) || exit 1
"$here/initramfs.sh" "$out/initramfs.cpio.gz" "$build/watchbpf" || exit 1
SCENARIOS=none "$here/stage.sh" "$out/demo-disk" "$build" || exit 1
cp "$here/demo-guest.sh" "$out/demo-disk/scenario.sh"
echo "demo: booting $(cat "$k/release") under qemu (software emulation, ~20 s)..."
"$here/run.sh" "$k" "$out/initramfs.cpio.gz" "$out/demo-disk" "$out/demo-console.log" 300
rc=$?
# the guest's output, without the firmware's and kernel's
sed -n '/WBVM-BOOTED/,/WBVM-EXIT/p' "$out/demo-console.log" | grep -v -e '^WBVM-' -e 'WBVM-BOOTED' -e '^\[ *[0-9.]*\] '
exit $rc
