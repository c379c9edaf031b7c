#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Debian package: scripts/build-deb.sh builds it from the working tree
# (cached by its inputs' hash in $BUILD/deb), then: every file with its
# mode, the conffiles, the control fields, lintian without errors, the
# binary in it runs, the unit passes `systemd-analyze verify`, and an
# install, reinstall, remove and purge with dpkg into a throwaway root
# (--root, maintainer scripts run with DPKG_ROOT), which leaves the unit
# disabled and this host untouched.
set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$(dirname "$W")" && pwd)
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
finish() {
	echo "deb: $passed passed, $failed failed"
	[ $failed = 0 ]
	exit
}

if ! deb=$(bash "$top/scripts/build-deb.sh" "$build/deb" 2>"$tmp/build.err"); then
	bad "scripts/build-deb.sh builds the package" "$(tail -n 30 "$tmp/build.err")"
	finish
fi
ok "scripts/build-deb.sh builds $(basename "$deb")"
version=$(cd "$top" && dpkg-parsechangelog -SVersion)

# ---- what is in it, with which mode (dpkg-deb -c: mode owner size date time path)
dpkg-deb -c "$deb" | awk '{ print $1, $2, $6 }' >"$tmp/list"
want="-rwxr-xr-x root/root ./usr/sbin/watchbpf
-rw-r--r-- root/root ./usr/lib/systemd/system/watchbpf.service
-rw------- root/root ./etc/watchbpf/policy.yaml
-rw-r--r-- root/root ./etc/logrotate.d/watchbpf
-rw-r--r-- root/root ./usr/share/man/man8/watchbpf.8.gz
-rw-r--r-- root/root ./usr/share/man/man5/watchbpf-policy.5.gz
-rw-r--r-- root/root ./usr/share/bash-completion/completions/watchbpf
drwxr-x--- root/root ./var/log/watchbpf/
-rw-r--r-- root/root ./usr/share/doc/watchbpf/copyright
-rw-r--r-- root/root ./usr/share/doc/watchbpf/changelog.gz"
while read -r line; do
	if grep -qxF -e "$line" "$tmp/list"; then ok "in the package: $line"; else
		bad "in the package: $line" "$(grep -F -e "${line##* }" "$tmp/list" || echo "(absent)")"; fi
done <<<"$want"
# nothing else but directories and lintian's overrides
extra=$(grep -v '^d' "$tmp/list" | grep -vxF -f <(echo "$want") | grep -v ' ./usr/share/lintian/overrides/watchbpf$')
if [ -z "$extra" ]; then ok "no file in the package but those"; else bad "no file in the package but those" "$extra"; fi

x=$tmp/x
dpkg-deb -x "$deb" "$x"
check "the unit is deploy/systemd/watchbpf.service" cmp "$top/deploy/systemd/watchbpf.service" "$x/usr/lib/systemd/system/watchbpf.service"
check "the policy is deploy/policy.yaml" cmp "$top/deploy/policy.yaml" "$x/etc/watchbpf/policy.yaml"
check "logrotate's snippet is deploy/logrotate/watchbpf" cmp "$top/deploy/logrotate/watchbpf" "$x/etc/logrotate.d/watchbpf"
check "the completion is deploy/bash-completion/watchbpf" cmp "$top/deploy/bash-completion/watchbpf" "$x/usr/share/bash-completion/completions/watchbpf"
check "watchbpf(8) is a man page" sh -c "zcat '$x/usr/share/man/man8/watchbpf.8.gz' | grep -q '^\.TH \"*WATCHBPF\"* \"*8'"
check "watchbpf-policy(5) is a man page" sh -c "zcat '$x/usr/share/man/man5/watchbpf-policy.5.gz' | grep -q '^\.TH \"*WATCHBPF-POLICY\"* \"*5'"

# ---- control: conffiles, fields, maintainer scripts
dpkg-deb -I "$deb" conffiles >"$tmp/conffiles" 2>&1
check "conffiles lists /etc/watchbpf/policy.yaml" grep -qx /etc/watchbpf/policy.yaml "$tmp/conffiles"
check "conffiles lists /etc/logrotate.d/watchbpf" grep -qx /etc/logrotate.d/watchbpf "$tmp/conffiles"
field() { dpkg-deb -f "$deb" "$1"; }
if [ "$(field Package)" = watchbpf ] && [ "$(field Version)" = "$version" ] &&
	[ "$(field Architecture)" = amd64 ] && [ "$(field Section)" = admin ]; then
	ok "control: watchbpf $version amd64, section admin"
else
	bad "control: watchbpf $version amd64, section admin" "$(dpkg-deb -f "$deb")"
fi
# libbpf1 from bookworm-backports, and the libraries of `ldd watchbpf`
deps=$(field Depends)
miss=""
for d in 'libbpf1 (>= 1:1.4)' libc6 libelf1 libkeyutils1 libssl3 libyaml-0-2 zlib1g; do
	grep -qF "$d" <<<"$deps" || miss="$miss $d"
done
if [ -z "$miss" ]; then ok "Depends: libbpf1 (>= 1:1.4) and the libraries it links"; else
	bad "Depends: libbpf1 (>= 1:1.4) and the libraries it links" "missing:$miss" "Depends: $deps"; fi
mkdir -p "$tmp/ctl"
dpkg-deb -e "$deb" "$tmp/ctl"
check "maintainer scripts parse (sh -n)" sh -c "for s in '$tmp'/ctl/p*; do sh -n \"\$s\" || exit 1; done"
# installed disabled and not started (README.md says why): postinst enables
# the unit only where the admin had (was-enabled after debian-installed),
# starts nothing; prerm stops it on removal only
if ! grep -q 'deb-systemd-invoke' "$tmp/ctl/postinst" &&
	grep -q "deb-systemd-helper debian-installed 'watchbpf.service'" "$tmp/ctl/postinst" &&
	grep -q "deb-systemd-helper update-state 'watchbpf.service'" "$tmp/ctl/postinst" &&
	grep -q 'deb-systemd-invoke stop watchbpf.service' "$tmp/ctl/prerm" &&
	! grep -q 'deb-systemd-invoke' "$tmp/ctl/preinst" 2>/dev/null; then
	ok "maintainer scripts: the unit is neither enabled nor started; stopped on removal only"
else
	bad "maintainer scripts: the unit is neither enabled nor started; stopped on removal only" \
		"$(grep -H 'deb-systemd' "$tmp"/ctl/p*)"
fi

# ---- lintian: no error (warnings are fixed or overridden in debian/)
lintian --allow-root --fail-on error --display-info "$deb" >"$tmp/lintian" 2>&1
rc=$?
if [ $rc = 0 ] && ! grep -q '^E: ' "$tmp/lintian"; then
	ok "lintian: no errors ($(grep -c '^W: ' "$tmp/lintian") warnings, $(grep -c '^I: ' "$tmp/lintian") notes)"
else
	bad "lintian: no errors" "exit $rc" "$(cat "$tmp/lintian")"
fi

# ---- the binary in it
out=$("$x/usr/sbin/watchbpf" version 2>&1)
if [ "$out" = "watchbpf $version" ]; then ok "the packaged binary runs: $out"; else
	bad "the packaged binary runs: watchbpf $version" "$out"; fi
out=$("$x/usr/sbin/watchbpf" check "$x/etc/watchbpf/policy.yaml" 2>&1)
if grep -q 'mode audit, 0 loaders' <<<"$out"; then ok "the packaged policy passes check: mode audit, 0 loaders"; else
	bad "the packaged policy passes check: mode audit, 0 loaders" "$out"; fi
if command -v systemd-analyze >/dev/null; then
	if systemd-analyze verify --root="$x" "$x/usr/lib/systemd/system/watchbpf.service" >"$tmp/verify" 2>&1 &&
		[ ! -s "$tmp/verify" ]; then
		ok "systemd-analyze verify of the packaged unit"
	else
		bad "systemd-analyze verify of the packaged unit" "$(cat "$tmp/verify")"
	fi
else
	ok "systemd-analyze verify of the packaged unit (skip: no systemd-analyze on this host)"
fi

# ---- dpkg into a throwaway root. Without a chroot (no shell, no libraries
# in it) the maintainer scripts run here with DPKG_ROOT set, which dpkg
# passes and deb-systemd-helper and the scripts honour: this host's
# systemd state must not change. The libraries are not in its database:
# --force-depends.
if [ "$(id -u)" != 0 ]; then
	ok "dpkg --root install, upgrade, remove, purge (skip: needs root)"
	finish
fi
r=$tmp/root
mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/log" "$r/etc/systemd/system"
: >"$r/var/lib/dpkg/status"
: >"$r/var/lib/dpkg/available"
host_state() {
	find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
		/var/lib/systemd/deb-systemd-helper-masked -name '*watchbpf*' 2>/dev/null | sort
	dpkg-query -W -f '${Status}\n' watchbpf 2>/dev/null
}
before=$(host_state)
rdpkg() { dpkg --root="$r" --force-script-chrootless --force-depends --force-confold "$@" >>"$tmp/dpkg.log" 2>&1; }
st() { dpkg-query --admindir="$r/var/lib/dpkg" -W -f '${Status}' watchbpf 2>/dev/null; }

if rdpkg -i "$deb" && [ "$(st)" = "install ok installed" ]; then
	ok "dpkg --root -i: installed"
else
	bad "dpkg --root -i: installed" "status: $(st)" "$(tail -n 20 "$tmp/dpkg.log")"
fi
got=$(stat -c '%a %U %n' "$r/usr/sbin/watchbpf" "$r/etc/watchbpf/policy.yaml" "$r/var/log/watchbpf" \
	"$r/usr/lib/systemd/system/watchbpf.service" 2>&1 | sed "s|$r||")
want="755 root /usr/sbin/watchbpf
600 root /etc/watchbpf/policy.yaml
750 root /var/log/watchbpf
644 root /usr/lib/systemd/system/watchbpf.service"
if [ "$got" = "$want" ]; then ok "installed with the modes: binary 755, policy 600, log directory 750"; else
	bad "installed with the modes: binary 755, policy 600, log directory 750" "want:" "$want" "got:" "$got"; fi
# dpkg's record of the conffile: path and the shipped file's md5sum
md5=$(md5sum <"$x/etc/watchbpf/policy.yaml" | cut -d' ' -f1)
check "the status database has the policy as a conffile" \
	sh -c "dpkg-query --admindir='$r/var/lib/dpkg' -W -f '\${Conffiles}\n' watchbpf | grep -qx ' /etc/watchbpf/policy.yaml $md5'"
wants=$(find "$r/etc/systemd/system" -name 'watchbpf*' 2>/dev/null)
if [ -z "$wants" ]; then ok "the unit is not enabled (no sysinit.target.wants link)"; else
	bad "the unit is not enabled (no sysinit.target.wants link)" "$wants"; fi

# the admin's policy survives a reinstall (--force-confold: no prompt) and a remove
echo "# the admin's edit" >>"$r/etc/watchbpf/policy.yaml"
cp "$r/etc/watchbpf/policy.yaml" "$tmp/edited.yaml"
if rdpkg -i "$deb" && cmp -s "$tmp/edited.yaml" "$r/etc/watchbpf/policy.yaml" &&
	[ "$(stat -c %a "$r/etc/watchbpf/policy.yaml")" = 600 ]; then
	ok "a reinstall keeps the admin's policy (and its mode 600)"
else
	bad "a reinstall keeps the admin's policy (and its mode 600)" "$(tail -n 20 "$tmp/dpkg.log")"
fi
# enabled by the admin (systemctl --root: what `systemctl enable` makes),
# it stays enabled through a reinstall; a purge removes the link
link=$r/etc/systemd/system/sysinit.target.wants/watchbpf.service
if command -v systemctl >/dev/null; then
	if systemctl --root="$r" enable watchbpf.service >>"$tmp/dpkg.log" 2>&1 && [ -L "$link" ] &&
		rdpkg -i "$deb" && [ -L "$link" ]; then
		ok "the admin's systemctl enable survives a reinstall"
	else
		bad "the admin's systemctl enable survives a reinstall" "$(tail -n 20 "$tmp/dpkg.log")"
	fi
else
	ok "the admin's systemctl enable survives a reinstall (skip: no systemctl on this host)"
fi
if rdpkg -r watchbpf && [ ! -e "$r/usr/sbin/watchbpf" ] && [ ! -e "$r/usr/lib/systemd/system/watchbpf.service" ] &&
	cmp -s "$tmp/edited.yaml" "$r/etc/watchbpf/policy.yaml" && [ "$(st)" = "deinstall ok config-files" ] &&
	{ [ -L "$link" ] || ! command -v systemctl >/dev/null; }; then
	ok "dpkg -r: binary and unit gone, the policy and the enable link kept (config-files)"
else
	bad "dpkg -r: binary and unit gone, the policy and the enable link kept (config-files)" "status: $(st)" "$(tail -n 20 "$tmp/dpkg.log")"
fi
if rdpkg -P watchbpf && [ ! -e "$r/etc/watchbpf/policy.yaml" ] && [ ! -e "$r/etc/logrotate.d/watchbpf" ] &&
	[ ! -L "$link" ] && [ -z "$(st)" ]; then
	ok "dpkg -P: the conffiles and the enable link gone too"
else
	bad "dpkg -P: the conffiles and the enable link gone too" "status: $(st)" \
		"$(find "$r/etc" -name '*watchbpf*')" "$(tail -n 20 "$tmp/dpkg.log")"
fi
after=$(host_state)
if [ "$before" = "$after" ]; then ok "this host's systemd and dpkg state untouched"; else
	bad "this host's systemd and dpkg state untouched" "before:" "$before" "after:" "$after"; fi

finish
