#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench's report (tests/bench/report.sh) on the fixture data in
# tests/unit/bench-report/, without the benchmarks: the page's figures are
# the data's, every plot it links is a PNG, parts without data are said to
# be missing, and a malformed file stops it with FILE:LINE and the problem.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
report=$top/tests/bench/report.sh
fixture=$top/tests/unit/bench-report
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; shift; printf '     %s\n' "$@"; failed=$((failed + 1)); }
finish() {
	echo "bench-report: $passed passed, $failed failed"
	exit $((failed != 0))
}

if ! command -v gnuplot >/dev/null; then
	bad "gnuplot is installed (Debian package gnuplot-nox: make deps)"
	finish
fi

# fresh NAME: a copy of the fixture in $tmp/NAME
fresh() {
	rm -rf "${tmp:?}/$1"
	cp -r "$fixture" "$tmp/$1"
}

# has NAME FILE TEXT: FILE holds the line TEXT (fixed string)
has() {
	if grep -qxF -- "$3" "$2"; then ok "$1"; else bad "$1" "no line: $3" "in $2"; fi
}

# ---- the whole fixture -----------------------------------------------------
fresh full
if bash "$report" "$tmp/full" "$tmp/full.md" 2>"$tmp/err"; then
	ok "the report of the fixture: exit 0"
else
	bad "the report of the fixture: exit 0" "$(cat "$tmp/err")"
	finish
fi
if [ -s "$tmp/err" ]; then bad "nothing on stderr" "$(cat "$tmp/err")"; else ok "nothing on stderr"; fi
md=$tmp/full.md
for h in "## The machine" "## Digest throughput" "## Signing rate" "## Decision log" \
	"## The hooks' cost" "### Linux 6.12.1-test" "### Linux 7.2.1-test"; do
	has "section: $h" "$md" "$h"
done
has "the machine: load at the end" "$md" "| load average at the end | 1.50 1.00 0.60 |"
has "the machine: the commit and date" "$md" \
	'Measured by `make bench` (`tests/bench/`) on 2026-01-02 03:04 UTC, commit `abc1234`.'
# 4096 B x 1000 files in 0.02 s: 204.8 MB/s; fsverity's 102.4: 2.00x
has "digest: MB/s from size x files / seconds" "$md" "| 4 KiB | 205 | 102 | 2.00x |"
has "digest: the largest size" "$md" "| 256 MiB | 1,342 | 537 | 2.50x |"
has "sign: signatures/s" "$md" "| RSA-2048 | watchbpf sign | 10,000 | 4.00 | 2,500 |"
has "sign: openssl's rate" "$md" \
	"| ECDSA P-256 | openssl speed, 1 core, CPU time | 90,000 | 3.00 | 30,000 |"
has "log: records/s, MB/s, MB/s of CPU time" "$md" \
	"| log verify | 1,500,000 | 1,000 | 4.00 | 375,000 | 250.0 | 256.4 |"
# medians of the three rounds, in the fixed order of configurations
has "hooks: medians and percentages" "$md" \
	"| open()+close() | file_open | 9,100 ns | 9,282 ns (+2.0%) | 9,300 ns (+2.2%) | 9,300 ns (+2.2%) |  |  |"
has "hooks: configurations measured on some paths only" "$md" \
	"| stat() | inode_permission (--persist) | 7,800 ns | 7,800 ns (+0.0%) | 7,810 ns (+0.1%) |  | 7,900 ns (+1.3%) | 7,950 ns (+1.9%) |"
has "hooks: a target met" "$md" \
	"- open()+close(): watchbpf, collateral / no program = 1.022 (target <= 1.03) PASS"
has "hooks: a target missed" "$md" \
	"- kill(pid, 0): watchbpf / empty programs = 1.059 (target <= 1.01) MISS"
has "hooks: each kernel's clock" "$md" "wall clock of software emulation."

# every plot the page links (relative to the page) is there, and a PNG
links=$(grep -o '](full/[^)]*\.png)' "$md" | sed 's/^](//; s/)$//')
if [ "$(echo "$links" | wc -l)" = 5 ]; then
	ok "five plots linked: digest, sign, log, one per kernel"
else
	bad "five plots linked: digest, sign, log, one per kernel" "$links"
fi
for f in $links; do
	if [ "$(head -c 8 "$tmp/$f" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		[ "$(stat -c %s "$tmp/$f")" -gt 5000 ]; then
		ok "$f is a PNG"
	else
		bad "$f is a PNG" "$(ls -l "$tmp/$f" 2>&1)"
	fi
done
cp "$md" "$tmp/first.md"
bash "$report" "$tmp/full" "$md" 2>/dev/null
if cmp -s "$md" "$tmp/first.md"; then ok "a second run writes the same page"; else
	bad "a second run writes the same page" "$(diff "$tmp/first.md" "$md" | head -5)"; fi

out=$(bash "$report" --hooks-text "$tmp/full" 2>&1)
if echo "$out" | grep -qF "stat(): watchbpf --persist / empty + inode_permission = 1.006 (target <= 1.01) PASS" &&
	echo "$out" | grep -q '^kernel 7.2.1-test; wall clock'; then
	ok "--hooks-text: each kernel, the targets"
else
	bad "--hooks-text: each kernel, the targets" "$out"
fi

# ---- a shared machine ------------------------------------------------------
if grep -q 'load average reached' "$md"; then
	bad "a load under the CPU count: no note"
else
	ok "a load under the CPU count: no note"
fi
fresh busy
sed -i 's/^load_end\t.*/load_end\t3.25 1.00 0.60/' "$tmp/busy/machine.tsv"
bash "$report" "$tmp/busy" "$tmp/busy.md" 2>/dev/null
has "a load above the CPU count: said" "$tmp/busy.md" \
	"In this run the 1-minute load average reached 3.25 on 2 CPUs:"

# ---- a part without data ---------------------------------------------------
fresh nosign
rm "$tmp/nosign/sign.tsv"
if bash "$report" "$tmp/nosign" "$tmp/nosign.md" 2>"$tmp/err" &&
	grep -qxF "Not measured in this run: sign." "$tmp/nosign.md" &&
	! grep -q '^## Signing rate' "$tmp/nosign.md" && [ ! -e "$tmp/nosign/sign.png" ]; then
	ok "a part without data: said, no section, no plot"
else
	bad "a part without data: said, no section, no plot" "$(cat "$tmp/err")"
fi

# ---- malformed data --------------------------------------------------------
# broken NAME EXPECTED EDIT: after EDIT (shell code, run in the copy), the
# report fails, says EXPECTED (a fixed string) and writes no page
broken() {
	local name=$1 expected=$2 edit=$3
	fresh bad
	(cd "$tmp/bad" && eval "$edit")
	rm -f "$tmp/bad.md"
	if bash "$report" "$tmp/bad" "$tmp/bad.md" >/dev/null 2>"$tmp/err"; then
		bad "$name: refused" "exit 0"
	elif ! grep -qF -- "$expected" "$tmp/err"; then
		bad "$name: refused, saying: $expected" "said: $(cat "$tmp/err")"
	elif [ -e "$tmp/bad.md" ]; then
		bad "$name: no page written"
	else
		ok "$name: refused with '$expected'"
	fi
}
broken "a row with a field missing" "digest.tsv:3: 3 fields where 4 are expected" \
	"sed -i '3s/\t[^\t]*\$//' digest.tsv"
broken "a number that is not one" 'hooks.tsv:2: ns is not a number: "9O00"' \
	"sed -i '2s/\t[0-9]*\$/\t9O00/' hooks.tsv"
broken "other columns" "log.tsv:1: the columns are not: what, records, bytes, seconds, cpu_seconds" \
	"sed -i '1s/records/lines/' log.tsv"
broken "a time of 0" 'sign.tsv:2: seconds must be above 0: "0"' \
	"sed -i '2s/\t4\$/\t0/' sign.tsv"
broken "a header and no data" "vms.tsv:1: no data" "sed -i '2,\$d' vms.tsv"
broken "a part with some of its files" "digest has some of its files only" "rm sha256-speed.tsv"
broken "an operation hook-ops.tsv does not describe" \
	'operation "kill" is not in hook-ops.tsv' "sed -i '/^kill\t/d' hook-ops.tsv"
broken "a kernel vms.tsv does not describe" 'hooks.tsv:2: kernel "6.12.1-test" is not in vms.tsv' \
	"sed -i '/^6.12.1-test\t/d' vms.tsv"
broken "an operation never measured without a program" \
	'"open" on 7.2.1-test has no rows without a program' \
	"sed -i '/^7.2.1-test\topen\tnone\t/d' hooks.tsv"
broken "the machine without its load at the end" "machine.tsv: no load_end" \
	"sed -i '/^load_end\t/d' machine.tsv"
broken "no data at all" "no data of any part" \
	"rm digest.tsv sha256-speed.tsv sign.tsv log.tsv hooks.tsv hook-ops.tsv vms.tsv"
finish
