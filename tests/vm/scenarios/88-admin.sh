# SPDX-License-Identifier: GPL-2.0
# Admin-signed requests (gatekeeper/admin.c, serve.c): with admin.certs in
# the policy, ending enforcement, a new policy and an upgrade take a request
# signed by an admin's key, bound to this boot and to the daemon's nonce;
# root alone, another key, a replayed or a stale signature get nothing.

B=/mnt/bin
W=$B/watchbpf
PINS=/sys/fs/bpf/watchbpf
K=/mnt/keys
verity_on $B/alice
watchbpf enroll $W $B/wb-next >/dev/null || fail "enroll watchbpf and its libraries"
cp $B/alice /tmp/eve
cat >/tmp/admin.yaml <<EOT
name: admin
admin:
  certs: [$K/ci.pem]
loaders:
  - name: alice
    exec: { digest: $(watchbpf digest $B/alice | cut -d' ' -f1) }
EOT
L=/tmp/wb.out
eve_denied() { expect_eperm "$1: eve denied" /tmp/eve; }
refused() { # NAME ERE CMD...: CMD fails, saying ERE
	local name=$1 ere=$2
	shift 2
	if "$@" >/tmp/r.out 2>&1; then fail "$name" "succeeded: $*" "$(cat /tmp/r.out)"
	elif grep -Eq -- "$ere" /tmp/r.out; then pass "$name"
	else fail "$name" "no '$ere' in:" "$(cat /tmp/r.out)"; fi
}
sign() { watchbpf sign --key $K/$1.key --cert $K/$1.pem --suffix .sig "$2" >/dev/null; }

watchbpf check /tmp/admin.yaml >/dev/null 2>/tmp/chk.err
expect_no_line "check: no warning that root can end enforcement" 'root can end enforcement' /tmp/chk.err
export WATCHBPF_TEST_ABORT=1 # "abort" on the control socket crashes it
WB_BIN=$W start_gatekeeper --persist --enforce /tmp/admin.yaml ||
	fail "gatekeeper starts (admin)" "$(cat /tmp/wb.err)"
P=$WB_PID

refused "root alone cannot end enforcement" "needs a signed request" $W stop --end-enforcement
expect_ok "the pins stay" test -e $PINS/link_wb_bpf
eve_denied "after an unsigned end"

# Eve stops the daemon without ending enforcement (PID 1 may signal it, so
# `systemctl stop` does; here a crash), then starts the genuine watchbpf
# with a policy of hers, or with the policy file edited: the pinned state
# names admin.certs, so only the policy in force may adopt it
/mnt/bin/attack ctl /run/watchbpf/control abort >/dev/null
wait $P
cat >/tmp/eve.yaml <<EOT
name: eve
default: { bpf: allow }
loaders: []
EOT
refused "a daemon with Eve's policy cannot adopt the admin's state" \
	"its policy \(sha256:[0-9a-f]{64}\) names admin.certs, and this is another policy" \
	$W --persist --enforce /tmp/eve.yaml
cp /tmp/admin.yaml /tmp/admin.orig
echo "default: { bpf: allow }" >>/tmp/admin.yaml
refused "... nor one with the policy file edited" "names admin.certs, and this is another policy" \
	$W --persist --enforce /tmp/admin.yaml
mv /tmp/admin.orig /tmp/admin.yaml
expect_ok "the pins stay" test -e $PINS/link_wb_bpf
eve_denied "after Eve's daemons"
WB_BIN=$W start_gatekeeper --persist --enforce /tmp/admin.yaml ||
	fail "the policy in force adopts the state" "$(cat /tmp/wb.err)"
P=$WB_PID

$W request end-enforcement >/tmp/req1
expect_line "the request names this boot" "^boot: $(cat /proc/sys/kernel/random/boot_id)$" /tmp/req1
expect_line "... and what it asks" '^op: end-enforcement$' /tmp/req1
sign other /tmp/req1
refused "a request signed by another key is refused" "does not verify with admin.certs.*wrong-key" \
	$W stop --end-enforcement --signature /tmp/req1.sig
sign ci /tmp/req1
refused "the same text signed by the admin after a refusal: the nonce is spent" "does not verify" \
	$W stop --end-enforcement --signature /tmp/req1.sig
eve_denied "after the refused requests"

# a new policy: root's reload reopens the logs only; the admin's puts it in force
sed -i 's/^name: admin$/name: admin\ndefault: { bpf: allow }/' /tmp/admin.yaml
$W reload >/tmp/rl.out 2>&1
expect_line "an unsigned reload keeps the policy" "logs reopened; policy admin stays in force" /tmp/rl.out
eve_denied "after an unsigned reload"
$W request reload >/tmp/req2
sign ci /tmp/req2
echo "# changed after signing" >>/tmp/admin.yaml
refused "a policy changed after the admin signed is refused" "does not verify" \
	$W reload --signature /tmp/req2.sig
$W request reload >/tmp/req3
sign ci /tmp/req3
expect_ok "a signed reload" $W reload --signature /tmp/req3.sig
expect_line "... puts the new policy in force" "reloaded: enforcing policy admin" /tmp/wb.err
expect_ok "eve is allowed by the new policy" /tmp/eve

# an upgrade: the admin signs the new build's digest
refused "an unsigned upgrade is refused" "needs a signed request" $W upgrade $B/wb-next
$W request upgrade $B/wb-next >/tmp/req4
expect_line "the upgrade request names the new build's digest" "^object: $(watchbpf digest $B/wb-next | cut -d' ' -f1)$" /tmp/req4
sign ci /tmp/req4
before=$(grep -c 'adopted the pinned state' /tmp/wb.err)
expect_ok "a signed upgrade" $W upgrade $B/wb-next --signature /tmp/req4.sig
i=0
while [ "$(grep -c 'adopted the pinned state' /tmp/wb.err)" = "$before" ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ "$(readlink /proc/$P/exe)" = $B/wb-next ]; then pass "the signed upgrade runs the new build"
else fail "the signed upgrade runs the new build" "$(readlink /proc/$P/exe)"; fi

# the end: a fresh request, signed; then its signature cannot serve again
$W request end-enforcement >/tmp/req5
sign ci /tmp/req5
expect_ok "a signed end of enforcement" $W stop --end-enforcement --signature /tmp/req5.sig
wait $P
expect_ok "the pins are gone" test ! -e $PINS
WB_BIN=$W start_gatekeeper --persist --enforce /tmp/admin.yaml || fail "gatekeeper starts again"
refused "a replayed signature is refused" "does not verify" \
	$W stop --end-enforcement --signature /tmp/req5.sig
expect_line "log: refused requests say why" "action: ControlRequest reason: end-enforcement: refused, the request's signature does not verify" $L
$W request end-enforcement >/tmp/req6
sign ci /tmp/req6
$W stop --end-enforcement --signature /tmp/req6.sig >/dev/null
wait $WB_PID
expect_line "log: the admin's request is logged" "action: ControlRequest reason: end-enforcement: done, signed by an admin" $L
