#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench's report: the Markdown page and its plots (gnuplot, PNG) from
# the tab-separated data tests/bench/*.sh write, so that `make bench-report`
# redraws both without measuring again. Every figure comes from the data.
#
#   report.sh DATA_DIR OUT.md        writes OUT.md, and DATA_DIR/*.png
#   report.sh --hooks-text DATA_DIR  the hooks' medians as text (vm.sh)
#
# DATA_DIR holds machine.tsv and the files of the parts that ran:
#   digest  digest.tsv, sha256-speed.tsv        sign  sign.tsv
#   log     log.tsv                             vm    hooks.tsv, hook-ops.tsv, vms.tsv
# A file that is not as expected stops it with FILE:LINE and what is wrong.
set -euo pipefail

die() {
	echo "bench report: $*" >&2
	exit 1
}

# check FILE HEADER NUMERIC POSITIVE: the first line of FILE is HEADER,
# every other line has as many tab-separated fields, the fields numbered in
# NUMERIC (comma-separated) are numbers, those in POSITIVE above 0, and
# there is a line of data.
check() {
	awk -F'\t' -v header="$2" -v numeric="$3" -v positive="$4" -v file="$1" '
	function bad(line, msg) {
		printf "bench report: %s:%d: %s\n", file, line, msg > "/dev/stderr"
		failed = 1
		exit 1
	}
	BEGIN {
		nh = split(header, h, "\t")
		nn = split(numeric, num, ",")
		np = split(positive, pos, ",")
		shown = header
		gsub(/\t/, ", ", shown)
	}
	NR == 1 {
		if ($0 != header)
			bad(1, "the columns are not: " shown)
		next
	}
	{
		if (NF != nh)
			bad(NR, NF " fields where " nh " are expected (" shown ")")
		for (i = 1; i <= nn; i++)
			if ($num[i] !~ /^-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/)
				bad(NR, h[num[i]] " is not a number: \"" $num[i] "\"")
		for (i = 1; i <= np; i++)
			if ($pos[i] + 0 <= 0)
				bad(NR, h[pos[i]] " must be above 0: \"" $pos[i] "\"")
	}
	END {
		if (!failed && NR < 2)
			bad(NR, "no data")
	}' "$1"
}

# Formatting shared by the awk programs: thousands separators, medians.
AWKLIB='
function comma(x,    s, r) {
	s = sprintf("%.0f", x)
	r = ""
	while (length(s) > 3 && s ~ /[0-9][0-9][0-9][0-9]$/) {
		r = "," substr(s, length(s) - 2) r
		s = substr(s, 1, length(s) - 3)
	}
	return s r
}
function median(list,    n, v, i, j, t) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j] + 0 < v[j - 1] + 0; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function size(b) {
	if (b >= 1073741824) return b / 1073741824 " GiB"
	if (b >= 1048576) return b / 1048576 " MiB"
	return b / 1024 " KiB"
}
# the configurations in a fixed order: no program, empty programs, then
# watchbpf, its variants, the reference of the last (unknown ones last)
function cfgrank(c) {
	if (c == "none") return 1
	if (c == "empty") return 2
	if (c == "watchbpf") return 3
	if (c == "collateral") return 4
	if (c == "empty+pins") return 5
	if (c == "persist") return 6
	return 7
}
function cfgsort(cfgs, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && cfgrank(cfgs[j]) < cfgrank(cfgs[j - 1]); j--) {
			t = cfgs[j]; cfgs[j] = cfgs[j - 1]; cfgs[j - 1] = t
		}
}
function cfgname(c) {
	if (c == "none") return "no program"
	if (c == "empty") return "empty programs"
	if (c == "empty+pins") return "empty + inode_permission"
	if (c == "collateral") return "watchbpf, collateral"
	if (c == "persist") return "watchbpf --persist"
	return c
}
'

# The hooks' medians: "KERNEL OP CONFIG MEDIAN" lines, configurations in
# the order of their first appearance.
hook_medians() {
	awk -F'\t' "$AWKLIB"'
	NR > 1 {
		k = $1 SUBSEP $2 SUBSEP $3
		if (!(k in v)) order[++n] = k
		v[k] = v[k] " " $5
	}
	END {
		for (i = 1; i <= n; i++) {
			split(order[i], p, SUBSEP)
			printf "%s\t%s\t%s\t%s\n", p[1], p[2], p[3], median(v[order[i]])
		}
	}' "$1/hooks.tsv"
}

check_vm() {
	check "$1/hooks.tsv" "$(printf 'kernel\top\tconfig\tround\tns')" 4,5 5
	check "$1/hook-ops.tsv" "$(printf 'op\twhat\thooks\ttargets')" "" ""
	check "$1/vms.tsv" "$(printf 'kernel\tclock\tvcpus\tmemory_mib\tqemu')" 3,4 3,4
	# every kernel's VM and operation described, every one measured
	# without a program
	awk -F'\t' 'FNR == 1 { f++; next }
		f == 1 { vm[$1] = 1; next }
		f == 2 { what[$1] = 1; next }
		!($1 in vm) {
			printf "bench report: %s:%d: kernel \"%s\" is not in vms.tsv\n",
				FILENAME, FNR, $1 > "/dev/stderr"
			exit 1
		}
		!($2 in what) {
			printf "bench report: %s:%d: operation \"%s\" is not in hook-ops.tsv\n",
				FILENAME, FNR, $2 > "/dev/stderr"
			exit 1
		}
		{ seen[$1 SUBSEP $2] = 1; if ($3 == "none") base[$1 SUBSEP $2] = 1 }
		END {
			for (k in seen)
				if (!(k in base)) {
					split(k, p, SUBSEP)
					printf "bench report: hooks.tsv: \"%s\" on %s has no rows without a program\n",
						p[2], p[1] > "/dev/stderr"
					exit 1
				}
		}' "$1/vms.tsv" "$1/hook-ops.tsv" "$1/hooks.tsv"
}

# hooks_table DATA KERNEL FORMAT: the medians of KERNEL as a Markdown table
# (md) or text (text), then each target with its ratio
hooks_table() {
	hook_medians "$1" | awk -F'\t' -v kernel="$2" -v fmt="$3" "$AWKLIB"'
	FILENAME != "-" && FNR == 1 { next }
	FILENAME != "-" { what[$1] = $2; hooks[$1] = $3; targets[$1] = $4; next }
	$1 != kernel { next }
	{
		if (!($2 in seen)) { ops[++nops] = $2; seen[$2] = 1 }
		if (!($3 in cseen)) { cfgs[++ncfg] = $3; cseen[$3] = 1 }
		m[$2, $3] = $4
	}
	END {
		cfgsort(cfgs, ncfg)
		if (fmt == "md") {
			printf "| operation | hooks |"
			for (c = 1; c <= ncfg; c++) printf " %s |", cfgname(cfgs[c])
			printf "\n|---|---|"
			for (c = 1; c <= ncfg; c++) printf "---:|"
			printf "\n"
		} else {
			printf "%-34s", "ns per operation (median)"
			for (c = 1; c <= ncfg; c++) printf " %23s", cfgs[c]
			printf "\n"
		}
		for (o = 1; o <= nops; o++) {
			op = ops[o]
			base = m[op, "none"]
			if (fmt == "md")
				printf "| %s | %s |", what[op], hooks[op]
			else
				printf "%-34s", substr(what[op], 1, 34)
			for (c = 1; c <= ncfg; c++) {
				k = op SUBSEP cfgs[c]
				cell = ""
				if (k in m) {
					cell = comma(m[k]) (fmt == "md" ? " ns" : "")
					if (cfgs[c] != "none")
						cell = cell sprintf(" (%+.1f%%)", (m[k] / base - 1) * 100)
				}
				if (fmt == "md")
					printf " %s |", cell
				else
					printf " %23s", cell
			}
			printf "\n"
		}
		printf "\n"
		for (o = 1; o <= nops; o++) {
			op = ops[o]
			n = split(targets[op], t, " ")
			for (i = 1; i <= n; i++) {
				if (!match(t[i], /^[^\/]+\/[^<]+<=[0-9.]+$/))
					continue
				split(t[i], a, "/")
				split(a[2], b, "<=")
				cfg = a[1]; against = b[1]; max = b[2]
				if (!((op, cfg) in m) || !((op, against) in m))
					continue
				r = m[op, cfg] / m[op, against]
				line = sprintf("%s: %s / %s = %.3f (target <= %.2f) %s", what[op],
					cfgname(cfg), cfgname(against), r, max, r <= max ? "PASS" : "MISS")
				print (fmt == "md" ? "- " : "  ") line
			}
		}
	}' "$1/hook-ops.tsv" -
}

if [ "${1:-}" = --hooks-text ]; then
	[ $# = 2 ] || die "usage: report.sh --hooks-text DATA_DIR"
	check_vm "$2"
	for k in $(awk -F'\t' 'NR > 1 { print $1 }' "$2/vms.tsv"); do
		echo "kernel $k; $(awk -F'\t' -v k="$k" '$1 == k { print $2 }' "$2/vms.tsv")"
		hooks_table "$2" "$k" text
	done
	exit 0
fi

[ $# = 2 ] || die "usage: report.sh DATA_DIR OUT.md | --hooks-text DATA_DIR"
data=$1 out=$2
[ -d "$data" ] || die "$data: no such directory"
command -v gnuplot >/dev/null || die "gnuplot not found (Debian package gnuplot-nox)"
check "$data/machine.tsv" "$(printf 'key\tvalue')" "" ""
# machine KEY: a value of machine.tsv, which must be there
machine() {
	awk -F'\t' -v k="$1" '$1 == k { print $2; found = 1 } END { exit !found }' \
		"$data/machine.tsv" || die "$data/machine.tsv: no $1"
}
for k in date commit cpu cpus memory_mib os host_kernel load_start load_end parts; do
	machine "$k" >/dev/null
done

# which parts have data: all of a part's files, or none
have() {
	local n=0 f
	for f in "${@:2}"; do [ -e "$data/$f" ] && n=$((n + 1)); done
	[ $n = 0 ] && return 1
	[ $n = $(($# - 1)) ] || die "$data: $1 has some of its files only (${*:2})"
}
parts=""
if have digest digest.tsv sha256-speed.tsv; then
	check "$data/digest.tsv" "$(printf 'size_bytes\tfiles\ttool\tseconds')" 1,2,4 1,2,4
	check "$data/sha256-speed.tsv" "$(printf 'block_bytes\tbytes_per_s_one_core\tcpus')" 1,2,3 1,2,3
	parts+=" digest"
fi
if have sign sign.tsv; then
	check "$data/sign.tsv" "$(printf 'key\ttool\tsignatures\tseconds')" 3,4 3,4
	parts+=" sign"
fi
if have log log.tsv; then
	check "$data/log.tsv" "$(printf 'what\trecords\tbytes\tseconds\tcpu_seconds')" 2,3,4,5 2,3,4
	parts+=" log"
fi
if have vm hooks.tsv hook-ops.tsv vms.tsv; then
	check_vm "$data"
	parts+=" vm"
fi
[ -n "$parts" ] || die "$data: no data of any part"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rel=$(realpath --relative-to="$(dirname "$(realpath -m "$out")")" "$data")
# the plots' common look
cat >"$tmp/style.gp" <<'EOT'
set terminal pngcairo size 960,560 font "DejaVu Sans,11" noenhanced
set border 3
set xtics nomirror
set ytics nomirror
set grid ytics lc rgb "#d0d0d0"
set key below
set key autotitle columnheader
set datafile separator "\t"
EOT

page() { cat >>"$tmp/page.md"; }
: >"$tmp/page.md"
page <<EOT
# Benchmarks

Measured by \`make bench\` (\`tests/bench/\`) on $(machine date), commit \`$(machine commit)\`.
\`make bench-report\` redraws this page and its plots from the data beside
them (\`$rel/*.tsv\`). Parts in this run: $(machine parts).

## The machine

| | |
|---|---|
| CPU | $(machine cpu) |
| CPUs | $(machine cpus) |
| memory | $(machine memory_mib) MiB |
| system | $(machine os), kernel $(machine host_kernel) |
| load average (1, 5, 15 min) at the start | $(machine load_start) |
| load average at the end | $(machine load_end) |

Host figures (digests, signing, the log) are wall-clock times on this
kernel and include whatever else the machine ran: a load average above
the CPU count means other jobs shared it, and the times are inflated.
EOT
busy=$(awk -v s="$(machine load_start)" -v e="$(machine load_end)" -v n="$(machine cpus)" \
	'BEGIN { split(s, a, " "); split(e, b, " "); m = a[1] > b[1] ? a[1] : b[1]; if (m > n) print m }')
if [ -n "$busy" ]; then
	page <<EOT
In this run the 1-minute load average reached $busy on $(machine cpus) CPUs:
the host figures are those of a shared machine, lower than it gives alone.
EOT
fi

# ---- digest --------------------------------------------------------------
if [[ $parts == *digest* ]]; then
	# rows: size, then MB/s of each tool in order of appearance
	awk -F'\t' 'NR == 1 { next }
		{
			if (!($3 in ts)) { tools[++nt] = $3; ts[$3] = 1 }
			if (!($1 in ss)) { sizes[++ns] = $1; ss[$1] = 1 }
			r[$1, $3] = $1 * $2 / 1e6 / $4
		}
		END {
			printf "size"
			for (t = 1; t <= nt; t++) printf "\t%s", tools[t]
			printf "\n"
			for (s = 1; s <= ns; s++) {
				printf "%s", sizes[s]
				for (t = 1; t <= nt; t++)
					printf "\t%s", ((sizes[s], tools[t]) in r) ? r[sizes[s], tools[t]] : "?"
				printf "\n"
			}
		}' "$data/digest.tsv" >"$tmp/digest.dat"
	ncol=$(head -1 "$tmp/digest.dat" | awk -F'\t' '{ print NF }')
	limit=$(awk -F'\t' 'NR == 2 { printf "%.0f", $2 * $3 / 1e6 }' "$data/sha256-speed.tsv")
	cpus=$(awk -F'\t' 'NR == 2 { print $3 }' "$data/sha256-speed.tsv")
	xtics=$(awk -F'\t' "$AWKLIB"'NR > 1 { printf "%s\"%s\" %s", n++ ? ", " : "", size($1), $1 }' \
		"$tmp/digest.dat")
	# room around the first and last size, and above the limit and every point
	xrange=$(awk -F'\t' 'NR > 1 { if (!lo || $1 < lo) lo = $1; if ($1 > hi) hi = $1 }
		END { printf "%g:%g", lo / 1.5, hi * 1.5 }' "$tmp/digest.dat")
	ymax=$(awk -F'\t' -v l="$limit" 'BEGIN { m = l }
		NR > 1 { for (i = 2; i <= NF; i++) if ($i != "?" && $i > m) m = $i }
		END { printf "%.0f", m * 1.12 }' "$tmp/digest.dat")
	{
		cat "$tmp/style.gp"
		cat <<EOT
set output "$data/digest.png"
set title "fs-verity digest throughput against file size (files in the page cache)"
set xlabel "file size (log scale)"
set ylabel "throughput (MB/s, 10^6 bytes per second)"
set logscale x 2
set xrange [$xrange]
set xtics ($xtics)
set yrange [0:$ymax]
set datafile missing "?"
plot for [i=2:$ncol] "$tmp/digest.dat" using 1:i with linespoints lw 2 pt 7 title columnheader(i), \\
	$limit with lines dt 2 lc rgb "#808080" title "SHA-256 limit: openssl speed x $cpus CPUs ($limit MB/s)"
EOT
	} >"$tmp/digest.gp"
	gnuplot "$tmp/digest.gp" || die "gnuplot failed on the digest plot"
	page <<EOT

## Digest throughput

\`watchbpf digest\` beside \`fsverity digest\` (fsverity-utils) on the same
files of random content, read from the page cache; the best of several
runs. Small files are digested many to a run, so that the time is the
hashing and not a process start. The dashed line is what SHA-256 allows
here: \`openssl speed -evp sha256\` on 16 KiB blocks, one core, times $cpus CPUs.

![digest throughput]($rel/digest.png)

EOT
	awk -F'\t' "$AWKLIB"'NR == 1 { for (i = 2; i <= NF; i++) t[i] = $i
			printf "| file size |"; for (i = 2; i <= NF; i++) printf " %s (MB/s) |", t[i]
			printf " ratio |\n|---:|"; for (i = 2; i <= NF; i++) printf "---:|"
			printf "---:|\n"; next }
		{ printf "| %s |", size($1); for (i = 2; i <= NF; i++) printf " %s |", $i == "?" ? "" : comma($i)
		  printf " %s |\n", (($2 != "?" && $3 != "?" && NF >= 3) ? sprintf("%.2fx", $2 / $3) : "") }' \
		"$tmp/digest.dat" | page
	echo "" | page
	echo "The ratio is the first tool's throughput over the second's." | page
fi

# ---- sign ----------------------------------------------------------------
if [[ $parts == *sign* ]]; then
	awk -F'\t' 'NR == 1 { next }
		{
			if (!($2 in ts)) { tools[++nt] = $2; ts[$2] = 1 }
			if (!($1 in ks)) { keys[++nk] = $1; ks[$1] = 1 }
			r[$1, $2] = $3 / $4
		}
		END {
			printf "key"
			for (t = 1; t <= nt; t++) printf "\t%s", tools[t]
			printf "\n"
			for (k = 1; k <= nk; k++) {
				printf "%s", keys[k]
				for (t = 1; t <= nt; t++)
					printf "\t%s", ((keys[k], tools[t]) in r) ? r[keys[k], tools[t]] : "?"
				printf "\n"
			}
		}' "$data/sign.tsv" >"$tmp/sign.dat"
	ncol=$(head -1 "$tmp/sign.dat" | awk -F'\t' '{ print NF }')
	nrow=$(($(wc -l <"$tmp/sign.dat") - 1))
	ymin=$(awk -F'\t' 'NR > 1 { for (i = 2; i <= NF; i++) if ($i != "?" && (!m || $i < m)) m = $i }
		END { e = 1; while (e * 10 <= m / 2) e *= 10; print e }' "$tmp/sign.dat")
	{
		cat "$tmp/style.gp"
		cat <<EOT
set output "$data/sign.png"
set title "Signing rate: fs-verity signatures of 4 KiB files"
set ylabel "signatures per second (log scale)"
set logscale y
set yrange [$ymin:*]
set xrange [-0.6:$nrow - 0.4]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set datafile missing "?"
plot for [i=2:$ncol] "$tmp/sign.dat" using i:xtic(1) title columnheader(i)
EOT
	} >"$tmp/sign.gp"
	gnuplot "$tmp/sign.gp" || die "gnuplot failed on the signing plot"
	page <<EOT

## Signing rate

\`watchbpf sign -r --out DIR\` over a directory of 4 KiB files (wall clock,
file creation included) beside \`fsverity sign\`, which signs one file per
process as a CI script would run it, and the machine's signing speed
(\`openssl speed\`, signatures per CPU second of one core: the floor the
keys set, with nothing else done).

![signing rate]($rel/sign.png)

| key | tool | signatures | seconds | signatures/s |
|---|---|---:|---:|---:|
EOT
	awk -F'\t' "$AWKLIB"'NR > 1 { printf "| %s | %s | %s | %.2f | %s |\n", $1, $2, comma($3), $4, comma($3 / $4) }' \
		"$data/sign.tsv" | page
fi

# ---- log -----------------------------------------------------------------
if [[ $parts == *log* ]]; then
	awk -F'\t' 'NR == 1 { print "what\trecords/s"; next }
		{ printf "%s\t%s\n", $1, $2 / $4 }' "$data/log.tsv" >"$tmp/log.dat"
	{
		cat "$tmp/style.gp"
		cat <<EOT
set output "$data/log.png"
set title "Decision log: records per second (JSON, signed checkpoints)"
set ylabel "records per second (wall clock)"
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.7
set xrange [-0.6:$(($(wc -l <"$tmp/log.dat") - 1)) - 0.4]
set xtics rotate by 15 right
set key off
plot "$tmp/log.dat" using 2:xtic(1) lc rgb "#4060a0", \
	"" using 0:2:(sprintf("%.0f", \$2)) with labels offset 0,0.8 notitle
EOT
	} >"$tmp/log.gp"
	gnuplot "$tmp/log.gp" || die "gnuplot failed on the log plot"
	page <<EOT

## Decision log

The writer (\`watchbpf log generate\`: formatting, the hash chain, write()
and a signed checkpoint every 1,000 records) into a log of about 1 GB, then
the readers over it from the page cache. A record is a line: a decision or
a checkpoint.

![log rates]($rel/log.png)

| what | records | MB | seconds | records/s | MB/s | MB/s of CPU time |
|---|---:|---:|---:|---:|---:|---:|
EOT
	awk -F'\t' "$AWKLIB"'NR > 1 { printf "| %s | %s | %s | %.2f | %s | %.1f | %s |\n", $1, comma($2),
		comma($3 / 1e6), $4, comma($2 / $4), $3 / 1e6 / $4,
		($5 > 0 ? sprintf("%.1f", $3 / 1e6 / $5) : "") }' "$data/log.tsv" | page
fi

# ---- hooks ---------------------------------------------------------------
if [[ $parts == *vm* ]]; then
	page <<EOT

## The hooks' cost

Each operation runs in the test VM (\`tests/bench/vm.sh\`, the guest's side
in \`tests/vm/bench-guest.sh\`) by a task the policy does not concern (a
loader for \`bpf()\` and the program load) with no BPF LSM program, with
an empty BPF LSM program on each hook watchbpf has on that path (empty
programs: \`tests/progs/empty_hooks.bpf.c\`; + inode_permission:
\`empty_inode_permission.bpf.c\` too), and with watchbpf: a policy without
collateral, with collateral (a second, sleepable \`file_open\` program), and
\`--persist\` (\`inode_permission\` on every path lookup). Rounds cycle
through the configurations in one boot; each figure is the median of the
rounds, each round the median of 21 batches. Percentages are against no
program. Where watchbpf attaches two programs on a hook (\`ptrace_access_check\`,
\`bpf_prog_load\`), the empty configuration has one. Every \`bpf()\` call of a
loader is a logged decision: that row includes the daemon's logging.
EOT
	for k in $(awk -F'\t' 'NR > 1 { print $1 }' "$data/vms.tsv"); do
		read -r clock vcpus mem qemu < <(awk -F'\t' -v k="$k" \
			'$1 == k { gsub(/ /, "\001", $2); print $2, $3, $4, $5 }' "$data/vms.tsv")
		clock=${clock//$'\001'/ }
		hook_medians "$data" | awk -F'\t' -v kernel="$k" "$AWKLIB"'
			FILENAME != "-" && FNR == 1 { next }
			FILENAME != "-" { what[$1] = $2; next }
			$1 != kernel { next }
			{
				if (!($2 in seen)) { ops[++nops] = $2; seen[$2] = 1 }
				if ($3 != "none" && !($3 in cseen)) { cfgs[++ncfg] = $3; cseen[$3] = 1 }
				m[$2, $3] = $4
			}
			END {
				cfgsort(cfgs, ncfg)
				printf "what"
				for (c = 1; c <= ncfg; c++) printf "\t%s", cfgname(cfgs[c])
				printf "\n"
				for (o = 1; o <= nops; o++) {
					printf "%s", what[ops[o]]
					for (c = 1; c <= ncfg; c++) {
						k = ops[o] SUBSEP cfgs[c]
						printf "\t%s", (k in m) ? (m[k] / m[ops[o], "none"] - 1) * 100 : "?"
					}
					printf "\n"
				}
			}' "$data/hook-ops.tsv" - >"$tmp/hooks.dat"
		ncol=$(head -1 "$tmp/hooks.dat" | awk -F'\t' '{ print NF }')
		# One bar far above the others (a logged decision per call) would
		# flatten them all: the axis ends at 3x the 90th percentile of
		# the bars' heights, and a bar beyond says its value at the edge.
		read -r ymin ymax < <(awk -F'\t' 'NR > 1 {
				for (i = 2; i <= NF; i++) if ($i != "?") { v[++n] = $i < 0 ? -$i : $i; if ($i < lo) lo = $i }
			}
			END {
				for (i = 2; i <= n; i++)
					for (j = i; j > 1 && v[j] < v[j - 1]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
				cap = 3 * v[int(0.9 * n) > 0 ? int(0.9 * n) : 1]
				if (cap < 5) cap = 5
				if (cap > v[n] * 1.15) cap = v[n] * 1.15
				if (cap < 1) cap = 1
				lo = lo * 1.15 < -cap ? -cap : lo * 1.15
				printf "%.2f %.2f\n", lo < -0.5 ? lo : -0.5, cap
			}' "$tmp/hooks.dat")
		png=hooks-$k.png
		{
			cat "$tmp/style.gp"
			cat <<EOT
set terminal pngcairo size 1200,680 font "DejaVu Sans,11" noenhanced
set output "$data/$png"
set title "Time added to each operation by BPF LSM programs, Linux $k (qemu VM)"
set ylabel "added time over no program (% of the operation)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by 25 right font ",10"
set xrange [-0.6:$(($(wc -l <"$tmp/hooks.dat") - 1)) - 0.4]
set datafile missing "?"
set xzeroaxis lt -1
set tmargin 4
set rmargin 3
set yrange [$ymin:$ymax]
cap = $ymax
low = $ymin
# the bars of a cluster: 1 / (series + gap) wide, centred on its x
x(i) = \$0 + (i - 2 - ($ncol - 2) / 2.0) / $ncol
plot for [i=2:$ncol] "$tmp/hooks.dat" using i:xtic(1) title columnheader(i), \
	for [i=2:$ncol] "" using (x(i)):(column(i) > cap ? cap : column(i) < low ? low : NaN): \
		(sprintf("%+.0f%%", column(i))) with labels offset 0,0.6 font ",9" notitle
EOT
		} >"$tmp/hooks.gp"
		gnuplot "$tmp/hooks.gp" || die "gnuplot failed on the hooks plot of $k"
		page <<EOT

### Linux $k

qemu $qemu, software emulation (TCG), $vcpus vCPUs, $mem MiB; the clock:
$clock.

![hook costs on $k]($rel/$png)

EOT
		hooks_table "$data" "$k" md | page
	done
	page <<EOT

Under \`qemu -icount\` a nanosecond is a guest instruction: the same run
gives the same count to a fraction of a percent whatever else the host
runs, where the wall clock of emulation swings by tens of percent. What it
misses is what emulation misses anyway (caches, branch prediction).
EOT
fi

for p in digest sign log vm; do
	[[ $parts == *$p* ]] || printf '\nNot measured in this run: %s.\n' "$p" | page
done
mv "$tmp/page.md" "$out"
