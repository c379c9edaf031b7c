# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2016 # the sh -c scripts expand in their own shell
# watchbpf's Debian package as apt installed it (tests/host/boot.sh:
# `apt-get install -t bookworm-backports ./watchbpf_*.deb`): installed, its
# dependencies pulled from the archive, the files where Debian puts them
# with their modes, the policy a conffile, the unit disabled and stopped
# (README.md, "Install the Debian package", says why), the man pages, the
# completion and logrotate's snippet usable.

v=$(dpkg-query -W -f '${Version}' watchbpf 2>/dev/null)
check "dpkg: watchbpf is installed" sh -c "dpkg-query -W -f '\${Status}' watchbpf | grep -qx 'install ok installed'"
check "the binary is the package's version ($v)" sh -c "watchbpf version | grep -qx 'watchbpf $v'"
check "dpkg -S: /usr/sbin/watchbpf is the package's" sh -c 'dpkg -S /usr/sbin/watchbpf | grep -q "^watchbpf: "'
# apt's own record of the install: what it pulled in
hist=$(grep -A4 '^Commandline: apt-get install .*watchbpf_.*\.deb' /var/log/apt/history.log)
check "apt installed the .deb" test -n "$hist"
check "apt pulled libyaml-0-2 in (not in the image)" grep -Eq '^Install: .*libyaml-0-2:amd64' <<<"$hist"
check "apt installed libbpf1 with it (the image's is 1.1)" grep -Eq '^(Install|Upgrade): .*libbpf1:amd64' <<<"$hist"
check "apt took libbpf1 >= 1.4 from bookworm-backports" \
	sh -c "dpkg --compare-versions \"\$(dpkg-query -W -f '\${Version}' libbpf1)\" ge 1:1.4 &&
		dpkg-query -W -f '\${Version}' libbpf1 | grep -q '~bpo12'"
note "apt:" "$hist"
check "logrotate installed (Recommends)" sh -c "dpkg-query -W -f '\${Status}' logrotate | grep -qx 'install ok installed'"

check "the policy is a conffile" sh -c "dpkg-query -W -f '\${Conffiles}\n' watchbpf | grep -q '^ /etc/watchbpf/policy.yaml [0-9a-f]\{32\}$'"
check "the policy is unchanged since install (dpkg's md5sum)" sh -c \
	"dpkg-query -W -f '\${Conffiles}\n' watchbpf | awk '\$1 == \"/etc/watchbpf/policy.yaml\" { print \$2 \"  \" \$1 }' | md5sum -c --quiet"
check "modes: policy 600, log directory 750, binary 755" sh -c '
	[ "$(stat -c %a /etc/watchbpf/policy.yaml)" = 600 ] &&
	[ "$(stat -c %a /var/log/watchbpf)" = 750 ] &&
	[ "$(stat -c %a /usr/sbin/watchbpf)" = 755 ]'
check "the default policy: audit, no loaders" sh -c "watchbpf check /etc/watchbpf/policy.yaml | grep -q 'mode audit, 0 loaders'"

# Debian 12's systemd names it by /lib/systemd/system, the same directory
# (merged /usr)
fp=$(systemctl show -p FragmentPath --value watchbpf.service)
check "systemd loads the unit the package put in /usr/lib/systemd/system ($fp)" \
	test "${fp:-none}" -ef /usr/lib/systemd/system/watchbpf.service
check "the unit is disabled" sh -c '[ "$(systemctl is-enabled watchbpf.service)" = disabled ]'
check "the unit is not running" sh -c '! systemctl is-active --quiet watchbpf.service'
check "systemd-analyze verify of the packaged unit" \
	sh -c 'out=$(systemd-analyze verify /usr/lib/systemd/system/watchbpf.service 2>&1) && [ -z "$out" ] || { echo "$out"; false; }'

check "watchbpf(8) and watchbpf-policy(5) are installed" \
	test -s /usr/share/man/man8/watchbpf.8.gz -a -s /usr/share/man/man5/watchbpf-policy.5.gz
check "bash completion: loaded for watchbpf" \
	bash -c '. /usr/share/bash-completion/completions/watchbpf && complete -p watchbpf'
check "logrotate reads the snippet" sh -c 'logrotate -d /etc/logrotate.d/watchbpf 2>&1 | grep -q "rotating pattern: /var/log/watchbpf/decisions.jsonl"'
