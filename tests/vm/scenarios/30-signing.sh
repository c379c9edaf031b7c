# SPDX-License-Identifier: GPL-2.0
# Signed loaders: trust comes from the CI's signature, verified in the
# kernel at exec, not from a digest pasted into the policy.

S=/mnt/signed
verity_on $S/bob $S/bob-untrusted $S/bob-othersig $S/bob-modified $S/bob-unsigned $S/alice

cat >/tmp/signed.yaml <<EOT
name: signed
trust:
  certs: [/mnt/keys/ci.pem]
loaders:
  - name: bob
    exec:
      signed: true
      path: $S/bob
  - name: alice
    exec:
      signed: true
      path: $S/alice
EOT
expect_ok "signed policy is valid" watchbpf check /tmp/signed.yaml
expect_ok "watchbpf verify: bob's signature (user space)" watchbpf verify --cert /mnt/keys/ci.pem $S/bob
start_gatekeeper --enforce /tmp/signed.yaml || fail "gatekeeper starts with certificates" "$(cat /tmp/wb.err)"

expect_ok "bob signed by the CI key is approved" $S/bob
expect_eperm "bob signed by an untrusted key is denied" $S/bob-untrusted
expect_eperm "bob carrying another file's signature is denied" $S/bob-othersig
expect_eperm "bob changed after signing is denied" $S/bob-modified
expect_eperm "unsigned bob is denied" $S/bob-unsigned
expect_ok "alice, signed, at her own path, is approved" $S/alice
ln -sf $S/bob /tmp/boblink
expect_ok "a symlink to bob still runs bob's file at bob's path" /tmp/boblink

# reload: a broken policy leaves the running one in force, and the one who
# asked is told why
cp /tmp/signed.yaml /tmp/signed.good
echo "bogus: [" >>/tmp/signed.yaml
if watchbpf reload >/tmp/reload.out 2>&1; then fail "watchbpf reload of a broken policy fails" "$(cat /tmp/reload.out)"
else pass "watchbpf reload of a broken policy fails"; fi
expect_line "... and says why" "error: reload failed, policy signed stays in force: .*signed.yaml:[0-9]+" /tmp/reload.out
expect_line "a broken policy on reload is refused" "reload failed, policy signed stays in force" /tmp/wb.err
expect_ok "bob still approved after a failed reload" $S/bob

# SIGHUP with the CI certificate replaced: bob is revoked for new execs
sed 's|/mnt/keys/ci.pem|/mnt/keys/other.pem|' /tmp/signed.good >/tmp/signed.yaml
reload_gatekeeper signed "SIGHUP reloads the policy"
expect_eperm "bob is revoked once the CI cert is gone" $S/bob
expect_eperm "a file signed by the new key but at no loader's path is denied" $S/bob-untrusted

sleep 1
stop_gatekeeper || fail "signing: gatekeeper stops cleanly"
L=/tmp/wb.out
expect_line "log: signed bob approved" "process: bob pid: [0-9]+ pod: host op: exec action: ProgApproved,MapsApproved loader: bob$" $L
expect_line "log: untrusted signature" "process: bob-untrusted pid: [0-9]+ pod: host op: exec action: BPFDenied reason: bad-signature$" $L
expect_line "log: another file's signature" "process: bob-othersig pid: [0-9]+ pod: host op: exec action: BPFDenied reason: bad-signature$" $L
expect_line "log: modified before verity" "process: bob-modified pid: [0-9]+ pod: host op: exec action: BPFDenied reason: bad-signature$" $L
expect_line "log: right signature, wrong path" "process: bob-untrusted pid: [0-9]+ pod: host op: exec action: BPFDenied reason: path-mismatch$" $L
expect_line "log: unsigned" "process: bob-unsigned pid: [0-9]+ pod: host op: exec action: BPFDenied reason: no-signature$" $L

# the CI step that signs and seals in one go, on a file system with verity
cp /mnt/bin/bob /mnt/signed/bob-sealed
expect_ok "sign --enable-verity signs and seals" watchbpf sign --key /mnt/keys/ci.key --cert /mnt/keys/ci.pem --enable-verity /mnt/signed/bob-sealed
expect_ok "the sealed file has fs-verity" fsverity measure /mnt/signed/bob-sealed
expect_ok "and its signature verifies" watchbpf verify --cert /mnt/keys/ci.pem /mnt/signed/bob-sealed
