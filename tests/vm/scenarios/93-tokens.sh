# SPDX-License-Identifier: GPL-2.0
# BPF tokens (bpf/token.bpf.c): a bpffs with delegate_* options made for a
# new user namespace, a token of it, programs loaded with it
# (tests/progs/token.c). A loader whose 'tokens' allow it creates tokens and
# loads through them, judged by its program rules; one with no 'tokens', or
# a token delegating more than its limits, is refused token_create; a task
# that is no loader gets nothing from a token, neither one it makes nor one
# a loader passes it (SCM_RIGHTS) in the user namespace where it counts;
# audit mode logs and lets through.

B=/mnt/bin
verity_on $B/token
td=$(watchbpf digest $B/token | cut -d' ' -f1)
cp $B/token /tmp/eve-token
T=$B/token
EVE=/tmp/eve-token
# the bpffs's delegation: prog_load and map_create (0x21), array maps (0x4),
# socket_filter and xdp programs (0x42), any attach type
OK="0x21 0x4 0x42 any"
# ... and kprobe programs besides (0x46), which tok's limits do not allow
WIDE="0x21 0x4 0x46 any"

# tok_start ARGS...: start_gatekeeper, with more time for a daemon still
# verifying its programs (an emulated kernel on a loaded host)
tok_start() {
	start_gatekeeper "$@" >/dev/null && return 0
	i=0
	while kill -0 $WB_PID 2>/dev/null && [ $i -lt 1200 ]; do
		grep -Eq 'watchbpf: (enforcing|auditing) policy' /tmp/wb.err && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# eve_receives TAG: Eve listens for a token; tok makes one and passes it
# to her; she joins tok's user namespace and loads an XDP program with it.
# Eve's output in /tmp/eve-TAG.out, tok's in /tmp/tok-TAG.out.
eve_receives() {
	rm -f /tmp/tok.sock
	$EVE recv /tmp/tok.sock xdp >/tmp/eve-$1.out 2>&1 &
	eve_pid=$!
	i=0
	while [ ! -S /tmp/tok.sock ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	$T $OK send /tmp/tok.sock >/tmp/tok-$1.out 2>&1
	wait $eve_pid
}

# Without watchbpf: what a token gives, and that Eve's attack works at all
expect_ok "no watchbpf: a token loads an xdp program in a user namespace" $T $OK load xdp
expect_eperm "no watchbpf: without the token the same load fails" $T $OK notoken xdp
eve_receives bare
expect_line "no watchbpf: a token passed to eve loads her program (the attack works)" \
	'^token: load: ok$' /tmp/eve-bare.out

cat >/tmp/tokens.yaml <<EOT
name: tokens
default:
  bpf: allow
loaders:
  - name: tok
    exec:
      digest: $td
    programs:
      types: [xdp]
    maps:
      tok_map: rw
    tokens:
      create: allow
      delegate_cmds: [prog_load, map_create]
      delegate_maps: [array]
      delegate_progs: [xdp, socket_filter]
EOT
cat >/tmp/notokens.yaml <<EOT
name: notokens
loaders:
  - name: tok
    exec:
      digest: $td
    programs:
      types: [xdp]
EOT
expect_ok "tokens policy is valid" watchbpf check /tmp/tokens.yaml
expect_ok "notokens policy is valid" watchbpf check /tmp/notokens.yaml

# a daemon that does not start cannot be stopped either: the scenario ends
if ! tok_start --enforce /tmp/tokens.yaml; then
	fail "gatekeeper starts with the tokens policy" "$(cat /tmp/wb.err)"
	return 0
fi
expect_ok "tok: a token, and an xdp program loaded with it" $T $OK load xdp
expect_ok "tok: an array map created with the token" $T $OK map
expect_eperm "tok: a socket_filter program through the token is denied by programs.types" \
	$T $OK load socket_filter
expect_eperm "tok: a bpffs delegating kprobe programs is beyond tokens.delegate_progs" \
	$T $WIDE create
expect_eperm "eve (no loader) cannot create a token" $EVE $OK create
eve_receives enforce
expect_line "eve receives tok's token and joins its user namespace" '^token: setns: ok$' \
	/tmp/eve-enforce.out
expect_line "but loads nothing with it" '^token: load: Operation not permitted$' /tmp/eve-enforce.out
expect_line "tok passed the token" '^token: send_token: ok$' /tmp/tok-enforce.out
sleep 1
stop_gatekeeper || fail "tokens: gatekeeper stops cleanly"
cp /tmp/wb.out /tmp/tokens.log
L=/tmp/tokens.log
expect_line "log: tok's token_create approved" \
	'process: token pid: [0-9]+ pod: host op: token_create action: Approved loader: tok$' $L
expect_line "log: tok's token used for the load" \
	'op: token_cmd name: load action: Approved loader: tok$' $L
expect_line "log: the token's capabilities for tok" \
	'op: token_capable name: cap_bpf action: Approved loader: tok$' $L
expect_line "log: tok's xdp program approved" \
	'op: load type: xdp name: tok_prog action: Approved loader: tok$' $L
expect_line "log: tok's map approved" \
	'op: map_create type: array name: tok_map action: Approved loader: tok$' $L
expect_line "log: the socket_filter program denied by its type" \
	'op: load type: socket_filter name: tok_prog action: Denied reason: prog-type loader: tok$' $L
expect_line "log: the wide bpffs refused by tokens.delegate_progs" \
	'op: token_create action: Denied reason: token-delegation:progs:kprobe loader: tok$' $L
expect_line "log: eve's token_create refused (default.tokens)" \
	'process: eve-token pid: [0-9]+ pod: host op: token_create action: BPFDenied reason: not-loader$' $L
expect_line "log: eve's use of tok's token refused" \
	'process: eve-token pid: [0-9]+ pod: host op: token_cmd name: load action: BPFDenied reason: not-loader$' $L
expect_no_line "log: eve never approved a token" 'process: eve-token .*op: token_[a-z]+ .*Approved' $L

# A loader with no 'tokens', and default.bpf: deny
if ! tok_start --enforce /tmp/notokens.yaml; then
	fail "gatekeeper starts with the notokens policy" "$(cat /tmp/wb.err)"
	return 0
fi
expect_eperm "tok without 'tokens' cannot create a token" $T $OK load xdp
expect_eperm "eve cannot create a token (default.bpf: deny)" $EVE $OK create
sleep 1
stop_gatekeeper || fail "notokens: gatekeeper stops cleanly"
cp /tmp/wb.out /tmp/notokens.log
L=/tmp/notokens.log
expect_line "log: tok's token_create refused by tokens.create" \
	'op: token_create action: Denied reason: token-create loader: tok$' $L
expect_line "log: eve's token_create refused by default.bpf" \
	'process: eve-token pid: [0-9]+ pod: host op: token_create action: BPFDenied reason: not-loader$' $L

# Audit: the same refusals logged, nothing refused
if ! tok_start --audit /tmp/notokens.yaml; then
	fail "gatekeeper audits the notokens policy" "$(cat /tmp/wb.err)"
	return 0
fi
expect_ok "audit: tok creates a token and loads with it" $T $OK load xdp
expect_ok "audit: eve creates a token and loads with it" $EVE $OK load xdp
sleep 1
stop_gatekeeper || fail "audit: gatekeeper stops cleanly"
cp /tmp/wb.out /tmp/audit-tokens.log
L=/tmp/audit-tokens.log
expect_line "log: audit: tok's token_create logged as denied" \
	'op: token_create action: Denied audit reason: token-create loader: tok$' $L
expect_line "log: audit: tok's token use logged as denied" \
	'op: token_cmd name: load action: Denied audit reason: token-use loader: tok$' $L
expect_line "log: audit: eve's token use logged as denied" \
	'process: eve-token pid: [0-9]+ pod: host op: token_cmd name: load action: BPFDenied audit reason: not-loader$' $L
echo "--- tokens decision log"
cat /tmp/tokens.log
