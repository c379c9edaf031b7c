#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# docs/doctor.md and `watchbpf doctor` in sync: every line doctor prints (its
# label, as gatekeeper/doctor.c spells it and as this host's run prints it)
# is named in docs/doctor.md as `LABEL`, every line of the page's table is
# one doctor prints, and every problem doctor shows comes with a fix: line.
set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/gatekeeper/doctor.c
doc=$top/docs/doctor.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; shift; printf '     %s\n' "$@"; failed=$((failed + 1)); }

# The labels in doctor.c: string literals ending in ':' (line()'s first
# argument, the verity_paths table), and the sysctl names with ':' added.
grep -o '"[A-Za-z][^"%\\]*:"' "$src" | tr -d '"' | sort -u >"$tmp/src"
grep -o '"[a-z_]*\.[a-z_.]*"' "$src" | tr -d '"' | sed 's/$/:/' | sort -u >>"$tmp/src"
sort -u -o "$tmp/src" "$tmp/src"
# what the page names: `LABEL` anywhere, and the first column of its tables
grep -o '`[^`]*:`' "$doc" | tr -d '`' | sort -u >"$tmp/doc"
sed -n '/^## The lines/,/^##* [^T]/s/^| `\([^`]*:\)` |.*/\1/p' "$doc" | sort -u >"$tmp/table"

missing=$(comm -23 "$tmp/src" "$tmp/doc" | tr '\n' ' ')
if [ "$(wc -l <"$tmp/src")" -lt 15 ]; then
	bad "doctor.c's labels found" "only $(wc -l <"$tmp/src"):" "$(cat "$tmp/src")"
elif [ -n "$missing" ]; then
	bad "docs/doctor.md names every line doctor.c prints" "missing: $missing"
else
	ok "docs/doctor.md names every line doctor.c prints ($(wc -l <"$tmp/src"))"
fi

stale=$(comm -13 "$tmp/src" "$tmp/table" | tr '\n' ' ')
if [ -n "$stale" ]; then
	bad "docs/doctor.md lists no line doctor.c does not print" "stale: $stale"
else
	ok "docs/doctor.md lists no line doctor.c does not print"
fi

# the prefixes of the lines under a problem
for kind in fix hint note; do
	grep -q "hint(\"$kind\"\|^	*$kind(" "$src" || continue
	if grep -q "\`$kind:\`" "$doc"; then ok "docs/doctor.md explains $kind:"
	else bad "docs/doctor.md explains $kind:"; fi
done

# What this host's doctor prints: every label named, every problem fixed.
"$W" doctor >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc != 0 ] && [ $rc != 1 ]; then
	bad "doctor runs" "exit $rc" "$(cat "$tmp/err")"
else
	ok "doctor runs (exit $rc)"
fi
sed '/^$/q' "$tmp/out" | grep -o '^[^ :][^:]*:' | sort -u >"$tmp/run"
missing=$(comm -23 "$tmp/run" "$tmp/doc" | tr '\n' ' ')
if [ -n "$missing" ]; then
	bad "docs/doctor.md names every line this host's doctor printed" "missing: $missing"
else
	ok "docs/doctor.md names every line this host's doctor printed ($(wc -l <"$tmp/run"))"
fi

# A check line whose value is "no ..." or "unknown ..." is followed by a fix:
# line, but "lockdown: unknown" (no lockdown LSM: nothing to fix).
unfixed=$(sed '/^$/q' "$tmp/out" | awk '
	/^[^ ]/ {
		if (pending) print pending
		pending = ""
		v = substr($0, 36)
		if ((v ~ /^no( |$)/ || v ~ /^unknown( |$)/) && $0 !~ /^lockdown:/) pending = $0
		next
	}
	/^  fix: / { pending = "" }
	END { if (pending) print pending }')
if [ -n "$unfixed" ]; then
	bad "every problem doctor shows has a fix: line" "$unfixed"
else
	ok "every problem doctor shows has a fix: line"
fi
# the verdict: a fix: line when it names a kfunc or hook
if grep -q '^kernel lacks the ' "$tmp/out" && ! grep -A1 '^kernel lacks the ' "$tmp/out" | grep -q '^  fix: '; then
	bad "a missing kfunc or hook in the verdict has a fix: line" "$(tail -3 "$tmp/out")"
else
	ok "a missing kfunc or hook in the verdict has a fix: line"
fi
# the family is the one os-release names
if [ -r /etc/os-release ] && grep -q '^ID=debian$' /etc/os-release; then
	if grep -q '^distribution: *debian ' "$tmp/out"; then ok "doctor: this Debian host is debian"
	else bad "doctor: this Debian host is debian" "$(grep '^distribution:' "$tmp/out")"; fi
fi

echo "doctor-docs: $passed passed, $failed failed"
[ $failed = 0 ]
