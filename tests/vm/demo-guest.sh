# SPDX-License-Identifier: GPL-2.0
# The demo, inside the VM: Alice is a verified loader, Eve is not.
. /mnt/lib.sh
B=/mnt/bin
say() { printf '\n== %s\n' "$*"; }

fsverity enable $B/alice
fsverity enable $B/imposter
cp "$(command -v bpftool)" /tmp/eve
digest=$(watchbpf digest $B/alice | cut -d' ' -f1)
cat >/tmp/alice.yaml <<EOT
name: alice-demo
mode: enforce
loaders:
  - name: alice
    exec:
      digest: $digest
EOT
say "kernel $(uname -r); policy alice.yaml:"
cat /tmp/alice.yaml
say "watchbpf --enforce alice.yaml"
start_gatekeeper --enforce /tmp/alice.yaml || exit 1
cat /tmp/wb.err
say "alice (fs-verity, digest in the policy) creates a map and loads an XDP program:"
in_cgroup alice $B/alice
say "imposter alice (one byte changed, fs-verity on) tries the same:"
$B/imposter
say "alice copied to /tmp (no fs-verity) tries the same:"
cp $B/alice /tmp/alice && /tmp/alice
say "eve runs bpftool prog load:"
in_cgroup eve /tmp/eve prog load /mnt/bpf/xdp_pass.bpf.o /sys/fs/bpf/eve 2>&1 | tail -n 2
sleep 1
stop_gatekeeper
cat /tmp/wb.err | tail -n 1
say "decision log:"
cat /tmp/wb.out
say "after watchbpf stops, eve can load again:"
/tmp/eve prog load /mnt/bpf/xdp_pass.bpf.o /sys/fs/bpf/eve && echo "eve: loaded" && rm /sys/fs/bpf/eve
