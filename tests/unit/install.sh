#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make install` into a staging tree (DESTDIR): what lands where, with which
# mode (the man pages and bash completion too), that a second install keeps
# the admin's policy, that the installed
# unit passes `systemd-analyze verify`, that deploy/policy.yaml passes
# `watchbpf check`, and `make uninstall`. No root needed, nothing outside
# the staging tree is touched.
set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
top=$(cd "$(dirname "$0")/../.." && pwd)
W=$(cd "$(dirname "$W")" && pwd)/$(basename "$W")
build=$(dirname "$W")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; shift; printf '     %s\n' "$@"; failed=$((failed + 1)); }
# check NAME CMD...: CMD succeeds
check() {
	local name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then ok "$name"; else bad "$name" "$(cat "$tmp/out")"; fi
}
# the octal mode of a file
mode() { stat -c %a "$1" 2>/dev/null; }
# install DESTDIR [VAR=VALUE...]: `make install` of the binary under test
# (-o: it is not rebuilt, whatever changed in the tree since)
install_into() {
	local dest=$1
	shift
	make -s -C "$top" -o "$W" install BUILD="$build" DESTDIR="$dest" "$@" >"$tmp/make.out" 2>&1
}
# verify NAME ROOT UNIT: systemd-analyze verify finds nothing to say
verify() {
	local name=$1 root=$2 unit=$3
	if ! command -v systemd-analyze >/dev/null; then
		ok "$name (skip: no systemd-analyze on this host; apt-get install systemd)"
		return
	fi
	# --root: the unit's ExecStart= binary is looked up in the staging tree;
	# a warning (an unknown key, a bad value) exits 0: any output fails
	if systemd-analyze verify --root="$root" "$root$unit" >"$tmp/verify" 2>&1 &&
		[ ! -s "$tmp/verify" ]; then
		ok "$name"
	else
		bad "$name" "$(cat "$tmp/verify")"
	fi
}

root=$tmp/usr
unit=/usr/lib/systemd/system/watchbpf.service
if install_into "$root" PREFIX=/usr; then ok "make install DESTDIR PREFIX=/usr"; else
	bad "make install DESTDIR PREFIX=/usr" "$(cat "$tmp/make.out")"; fi
want="755 usr/sbin/watchbpf
644 usr/lib/systemd/system/watchbpf.service
600 etc/watchbpf/policy.yaml
644 etc/logrotate.d/watchbpf
750 var/log/watchbpf
644 usr/share/man/man8/watchbpf.8
644 usr/share/man/man5/watchbpf-policy.5
644 usr/share/bash-completion/completions/watchbpf"
got=$(echo "$want" | while read -r _ f; do echo "$(mode "$root/$f") $f"; done)
if [ "$got" = "$want" ]; then ok "the tree: binary, unit, policy, logrotate, log directory, man pages, completion, modes"; else
	bad "the tree: binary, unit, policy, logrotate, log directory, man pages, completion, modes" "want:" $want "got:" $got; fi
check "the installed binary is the one built" cmp "$W" "$root/usr/sbin/watchbpf"
check "PREFIX=/usr: the unit as it is in deploy/" cmp "$top/deploy/systemd/watchbpf.service" "$root$unit"
check "the policy installed is deploy/policy.yaml" cmp "$top/deploy/policy.yaml" "$root/etc/watchbpf/policy.yaml"
check "logrotate snippet installed" cmp "$top/deploy/logrotate/watchbpf" "$root/etc/logrotate.d/watchbpf"
# the pages rst2man makes of docs/man/, uncompressed (a package compresses)
for page in man8/watchbpf.8 man5/watchbpf-policy.5; do
	if rst2man --halt=warning "$top/docs/man/${page#*/}.rst" "$tmp/page" 2>"$tmp/out" &&
		cmp -s "$tmp/page" "$root/usr/share/man/$page"; then
		ok "$page installed, built from docs/man/${page#*/}.rst"
	else
		bad "$page installed, built from docs/man/${page#*/}.rst" "$(cat "$tmp/out")"
	fi
done
check "bash completion installed" cmp "$top/deploy/bash-completion/watchbpf" \
	"$root/usr/share/bash-completion/completions/watchbpf"
verify "systemd-analyze verify of the installed unit" "$root" "$unit"

# the admin's policy is never overwritten
echo "# the admin's edit" >>"$root/etc/watchbpf/policy.yaml"
cp "$root/etc/watchbpf/policy.yaml" "$tmp/edited.yaml"
if install_into "$root" PREFIX=/usr && cmp -s "$tmp/edited.yaml" "$root/etc/watchbpf/policy.yaml" &&
	grep -q "keeping $root/etc/watchbpf/policy.yaml" "$tmp/make.out"; then
	ok "a second install keeps the admin's policy, and says so"
else
	bad "a second install keeps the admin's policy, and says so" "$(cat "$tmp/make.out")" \
		"$(diff "$tmp/edited.yaml" "$root/etc/watchbpf/policy.yaml")"
fi

# the default policy: valid, audit, nobody a loader
"$W" check "$top/deploy/policy.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 0 ] && grep -q 'mode audit, 0 loaders' "$tmp/out"; then
	ok "deploy/policy.yaml passes check: mode audit, 0 loaders"
else
	bad "deploy/policy.yaml passes check: mode audit, 0 loaders" "exit $rc" "$(cat "$tmp/out" "$tmp/err")"
fi

# Enabled (WantedBy=sysinit.target) among this host's own units: the boot
# transaction of default.target has no ordering cycle through it. Other
# units' messages (their binaries are not in the staging tree) are not ours.
if command -v systemd-analyze >/dev/null && [ -f /usr/lib/systemd/system/sysinit.target ]; then
	mkdir -p "$root/etc/systemd/system/sysinit.target.wants"
	cp -an /usr/lib/systemd/system/. "$root/usr/lib/systemd/system/"
	ln -sf "$unit" "$root/etc/systemd/system/sysinit.target.wants/watchbpf.service"
	systemd-analyze verify --root="$root" default.target >"$tmp/verify" 2>&1
	if grep -Ei 'cycle|watchbpf' "$tmp/verify" >"$tmp/ours"; then
		bad "enabled among this host's units: no ordering cycle at boot" "$(cat "$tmp/ours")"
	else
		ok "enabled among this host's units: no ordering cycle at boot"
	fi
	rm -rf "$root/etc/systemd/system/sysinit.target.wants"
	find "$root/usr/lib/systemd/system" -mindepth 1 ! -name watchbpf.service -delete
else
	ok "enabled among this host's units: no ordering cycle at boot (skip: no systemd-analyze or no systemd units here)"
fi

# another PREFIX and SYSCONFDIR: the unit names the binary and policy there
root2=$tmp/local
if install_into "$root2" PREFIX=/usr/local SYSCONFDIR=/opt/etc; then
	u=$root2/usr/local/lib/systemd/system/watchbpf.service
	if grep -qx 'ExecStart=/usr/local/sbin/watchbpf run --persist --log /var/log/watchbpf/decisions.jsonl /opt/etc/watchbpf/policy.yaml' "$u" &&
		grep -qx 'ExecReload=/usr/local/sbin/watchbpf reload' "$u" &&
		! grep -q '/usr/sbin/watchbpf' "$u" && [ -x "$root2/usr/local/sbin/watchbpf" ] &&
		[ -f "$root2/opt/etc/watchbpf/policy.yaml" ] && [ -f "$root2/opt/etc/logrotate.d/watchbpf" ] &&
		[ -f "$root2/usr/local/share/man/man8/watchbpf.8" ] &&
		[ -f "$root2/usr/local/share/bash-completion/completions/watchbpf" ]; then
		ok "PREFIX=/usr/local SYSCONFDIR=/opt/etc: paths substituted in the unit"
	else
		bad "PREFIX=/usr/local SYSCONFDIR=/opt/etc: paths substituted in the unit" "$(grep '^Exec' "$u")" "$(find "$root2")"
	fi
	verify "systemd-analyze verify of the PREFIX=/usr/local unit" "$root2" /usr/local/lib/systemd/system/watchbpf.service
else
	bad "make install PREFIX=/usr/local" "$(cat "$tmp/make.out")"
fi

# MANDIR and COMPLETIONSDIR: where a package or a distribution wants them
root3=$tmp/dirs
if install_into "$root3" PREFIX=/usr MANDIR=/opt/man COMPLETIONSDIR=/opt/completions &&
	[ -f "$root3/opt/man/man8/watchbpf.8" ] && [ -f "$root3/opt/man/man5/watchbpf-policy.5" ] &&
	[ -f "$root3/opt/completions/watchbpf" ] && [ ! -e "$root3/usr/share" ]; then
	ok "MANDIR and COMPLETIONSDIR"
else
	bad "MANDIR and COMPLETIONSDIR" "$(cat "$tmp/make.out")" "$(find "$root3" -path '*/opt/*')"
fi

# The unit's choices that keep --persist working (deploy/systemd/watchbpf.service
# says why): no setting that makes a mount namespace (the pinned bpffs would
# live and die in it) or has PID 1 load BPF for the unit.
u=$top/deploy/systemd/watchbpf.service
ns=$(grep -E '^(ProtectSystem|ProtectHome|PrivateTmp|PrivateDevices|PrivateMounts|PrivateNetwork|PrivateIPC|PrivateUsers|ReadWritePaths|ReadOnlyPaths|InaccessiblePaths|BindPaths|BindReadOnlyPaths|TemporaryFileSystem|ProtectKernelTunables|ProtectKernelModules|ProtectKernelLogs|ProtectControlGroups|ProtectProc|ProcSubset|ProtectClock|DeviceAllow|DevicePolicy|IPAddressDeny|IPAddressAllow|RestrictFileSystems|RestrictNetworkInterfaces|SocketBindDeny|SocketBindAllow|DynamicUser|User|MountFlags)=' "$u")
if [ -z "$ns" ]; then ok "the unit: no mount namespace, no BPF of PID 1's"; else
	bad "the unit: no mount namespace, no BPF of PID 1's" "$ns"; fi
if grep -qx 'Type=notify' "$u" && grep -qx 'CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_SYS_ADMIN CAP_SYS_PTRACE CAP_DAC_READ_SEARCH' "$u" &&
	grep -qx 'Delegate=yes' "$u" && grep -q '^ExecStart=.* --persist ' "$u" &&
	! grep -Eq '^ExecReload=.*kill' "$u"; then
	ok "the unit: Type=notify, the capability set, --persist, a reload by the control socket"
else
	bad "the unit: Type=notify, the capability set, --persist, a reload by the control socket" "$(grep -E '^(Type|Capab|Delegate|Exec)' "$u")"
fi

# logrotate's own parser, on the snippet with the log moved into $tmp
if command -v logrotate >/dev/null; then
	mkdir -p "$tmp/log"
	sed "s|/var/log/watchbpf/|$tmp/log/|" "$top/deploy/logrotate/watchbpf" >"$tmp/logrotate.conf"
	: >"$tmp/log/decisions.jsonl"
	if logrotate -d -s "$tmp/logrotate.state" "$tmp/logrotate.conf" >"$tmp/out" 2>&1 &&
		! grep -Eqi '^error|unknown option|unexpected' "$tmp/out" &&
		grep -q "^rotating pattern: $tmp/log/decisions.jsonl " "$tmp/out" &&
		grep -q 'copytruncate' "$top/deploy/logrotate/watchbpf" &&
		! grep -Eq '^[[:space:]]*copytruncate' "$top/deploy/logrotate/watchbpf"; then
		ok "logrotate -d reads the snippet (create + postrotate, not copytruncate)"
	else
		bad "logrotate -d reads the snippet (create + postrotate, not copytruncate)" "$(cat "$tmp/out")"
	fi
else
	ok "logrotate -d reads the snippet (skip: no logrotate on this host)"
fi

# `watchbpf run` with no POLICY: the default path, named when it is missing
if [ -e /etc/watchbpf/policy.yaml ]; then
	ok "run without POLICY names the missing default (skip: /etc/watchbpf/policy.yaml exists here)"
else
	"$W" run >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc = 2 ] && grep -q '/etc/watchbpf/policy.yaml' "$tmp/err" && grep -q 'make install' "$tmp/err"; then
		ok "run without POLICY names the missing default and how to make it"
	else
		bad "run without POLICY names the missing default and how to make it" "exit $rc" "$(cat "$tmp/err")"
	fi
fi

# uninstall: what it installed goes, the policy and the logs stay
make -s -C "$top" uninstall BUILD="$build" DESTDIR="$root" PREFIX=/usr >"$tmp/make.out" 2>&1
if [ ! -e "$root/usr/sbin/watchbpf" ] && [ ! -e "$root$unit" ] && [ ! -e "$root/etc/logrotate.d/watchbpf" ] &&
	[ -z "$(find "$root/usr/share" -type f)" ] &&
	cmp -s "$tmp/edited.yaml" "$root/etc/watchbpf/policy.yaml" && [ -d "$root/var/log/watchbpf" ]; then
	ok "make uninstall: binary, unit, logrotate, man pages and completion gone; policy and logs kept"
else
	bad "make uninstall: binary, unit, logrotate, man pages and completion gone; policy and logs kept" \
		"$(cat "$tmp/make.out")" "$(find "$root")"
fi

echo "install: $passed passed, $failed failed"
[ $failed = 0 ]
