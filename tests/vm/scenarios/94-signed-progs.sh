# SPDX-License-Identifier: GPL-2.0
# programs.signed: required where the kernel can say so. On a kernel whose
# bpf_prog_aux records its verdict on a program's signature (7.2), only a
# program the kernel verified against the keyring of trust.certs is let
# through; a bad signature never reaches watchbpf (the kernel refuses the
# load), a good one of another keyring is denied. On 6.12 (no signing)
# every load of such a loader is denied. doctor says which meaning holds.
B=/mnt/bin
S=/mnt/sigprog
verity_on $B/alice
ad=$(watchbpf digest $B/alice | cut -d' ' -f1)
case $(uname -r) in
6.12.*) verdict=0 ;;
*) verdict=1 ;;
esac

watchbpf doctor >/tmp/doctor94.out 2>&1
if [ $verdict = 1 ]; then
	expect_line "doctor: signed: required means verified by the kernel" \
		"^signed programs: +verified by the kernel \(bpf_prog_aux\.sig\.verdict\) against trust\.certs$" /tmp/doctor94.out
else
	expect_line "doctor: signed: required means a signature attached, which this kernel cannot verify" \
		"^signed programs: +a signature attached \(this kernel does not verify program signatures: every load is denied\)$" /tmp/doctor94.out
fi

cat >/tmp/sigprogs.yaml <<EOT
name: signed-progs
trust:
  certs: [/mnt/keys/ci.pem]
loaders:
  - name: alice
    exec:
      digest: $ad
    programs:
      signed: required
EOT
# start_gatekeeper waits 60 s; on a loaded host the emulated verifier may
# take far longer: wait while the daemon lives, up to 20 minutes more
started() {
	start_gatekeeper "$@" && return 0
	i=0
	while [ $i -lt 1200 ] && kill -0 $WB_PID 2>/dev/null; do
		grep -Eq 'watchbpf: enforcing policy' /tmp/wb.err && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}
sig94() {
	if started --enforce /tmp/sigprogs.yaml; then
		pass "signed-progs policy starts"
	else
		fail "signed-progs policy starts" "$(cat /tmp/wb.err)"
		kill -9 $WB_PID 2>/dev/null
		wait $WB_PID
		return
	fi
	expect_eperm "an unsigned program of a loader that needs signed ones is denied" $B/alice name plain

	# the keyring the daemon made of trust.certs, as a loader finds it
	kr=$(awk '$8 == "keyring" && $9 ~ /^watchbpf:/ { s = $1 } END { print s }' /proc/keys)
	kr=$((0x${kr:-0}))
	# sigload's output, and whether it failed with TEXT: "NAME TEXT"
	expect_refused() {
		local name=$1 text=$2 out
		shift 2
		if out=$("$@" 2>&1); then
			fail "$name" "succeeded, expected: $text" "$out"
		elif echo "$out" | grep -q "prog_load: $text"; then
			pass "$name"
		else
			fail "$name" "failed, but not with: $text" "$out"
		fi
	}
	if [ $verdict = 1 ]; then
		[ $kr != 0 ] && pass "the trust keyring is in /proc/keys" || fail "the trust keyring is in /proc/keys" "$(cat /proc/keys)"
		expect_ok "a program signed by trust.certs' key, verified by the kernel, is approved" \
			$B/alice sigload $S/pass.insns $S/pass.ci.p7s $kr
		# the kernel refuses these before security_bpf_prog_load(): no log line
		expect_refused "a signature by a key not in the keyring: the kernel refuses the load (ENOKEY)" \
			"Required key not available" $B/alice sigload $S/pass.insns $S/pass.other.p7s $kr
		expect_refused "a malformed signature: the kernel refuses the load (EBADMSG)" \
			"Bad message" $B/alice sigload $S/pass.insns $S/pass.bogus.p7s $kr
		expect_eperm "a signature the kernel verified against the loader's own keyring is denied" \
			$B/alice sigload $S/pass.insns $S/pass.other.p7s own $S/other.der
	else
		# 6.12 knows no signature: union bpf_attr ends before it
		expect_refused "6.12: a load with a signature is refused by the kernel (E2BIG)" \
			"Argument list too long" $B/alice sigload $S/pass.insns $S/pass.ci.p7s $kr
	fi
	sleep 1
	stop_gatekeeper
	L=/tmp/wb.out
	expect_line "log: unsigned program denied, why" \
		"op: load type: xdp name: plain action: Denied reason: unsigned-program loader: alice$" $L
	if [ $verdict = 1 ]; then
		expect_line "log: the verified program approved" \
			"op: load type: xdp name: signed action: Approved loader: alice$" $L
		expect_line "log: another keyring's signature denied, why" \
			"op: load type: xdp name: signed action: Denied reason: unsigned-program:untrusted_keyring loader: alice$" $L
		n=$(grep -c 'op: load type: xdp name: signed ' $L)
		[ "$n" = 2 ] && pass "log: the loads the kernel refused never reached watchbpf" ||
			fail "log: the loads the kernel refused never reached watchbpf" "$n lines:" "$(grep 'name: signed ' $L)"
	else
		expect_no_line "log: no signed program approved on 6.12" "name: signed action: Approved" $L
	fi
}
sig94
