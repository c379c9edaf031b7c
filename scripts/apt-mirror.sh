# SPDX-License-Identifier: GPL-2.0
# Sourced by scripts that need Debian's archive: prints the mirror URI this
# machine's apt already uses for Debian (deb822 .sources first, then .list).
# Nothing in this project names a registry host; it is always derived here.

debian_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '
			/^URIs:/ { u = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") s = 1 }
			/^$/ { if (u && s) { print u; done = 1; exit } u = ""; s = 0 }
			END { if (!done && u && s) print u }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(awk '$1 == "deb" && / bookworm / {
			for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; exit } }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	return 1
}
