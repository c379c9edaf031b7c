#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The seed corpora and dictionaries of the fuzz targets, made fresh into
# FUZZDIR (the Makefile's $(BUILD)/fuzz, where gen-logs was built):
#   seeds/fuzz_policy/    every policy in the tree: examples/, deploy/,
#                         tests/unit/policies/, and the heredoc policies of
#                         the VM and host scenarios, their shell variables
#                         replaced by values of the same kind
#   seeds/fuzz_log/       logs the real writer makes (gen-logs), gzip'd and
#                         damaged copies of them
#   seeds/fuzz_log_json/  each line of those logs
#   seeds/fuzz_learn/     those logs, and the audit-run logs of
#                         tests/unit/learn-logs/
#   <target>.dict         the policy schema's keys and words, the log's
#                         member names, read from the sources
# Regression inputs (tests/fuzz/regressions/) are not copied: run.sh reads
# them from the tree.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: seeds.sh FUZZDIR}
cd "$top"

rm -rf "$out/seeds"
mkdir -p "$out/seeds/fuzz_policy" "$out/seeds/fuzz_log" "$out/seeds/fuzz_log_json" "$out/seeds/fuzz_learn"

# ---- policies
pol=$out/seeds/fuzz_policy
for f in examples/*.yaml deploy/policy.yaml $(find tests/unit/policies -name '*.y*ml'); do
	cp "$f" "$pol/$(echo "${f%.*}" | tr / -).yaml"
done
# heredocs written to a .yaml: `cat >/tmp/x.yaml <<EOT` ... `EOT`; each
# variable a digest of its own (loaders cannot share one), but the quoted
# literals a script assigns (EXEC_MAPS='{ ... }') and directories ($B/)
for script in $(find tests/vm tests/host -name '*.sh' | sort); do
	awk -v script="$script" -v dir="$pol" '
	function digest() { return sprintf("sha256:%064d", ++ndigest) }
	/^[A-Z_]+='\''/ {
		name = $0; sub(/=.*/, "", name)
		val = $0; sub(/^[^=]*=/, "", val); gsub(/^'\''|'\''$/, "", val)
		vars[name] = val
	}
	/cat >[^> ]*\.ya?ml <<.?EOT/ {
		file = $0; sub(/.*cat >[^ ]*\//, "", file); sub(/ .*/, "", file)
		name = script; gsub(/[\/.]/, "-", name)
		outf = dir "/" name "-" file
		on = 1; next
	}
	on && /^EOT$/ { on = 0; close(outf); next }
	on {
		line = $0
		while (match(line, /\$\([^)]*\)/))
			line = substr(line, 1, RSTART - 1) digest() substr(line, RSTART + RLENGTH)
		gsub(/\$[A-Za-z_]+\//, "/opt/test/", line)
		while (match(line, /\$[A-Za-z_][A-Za-z_0-9]*/)) {
			v = substr(line, RSTART + 1, RLENGTH - 1)
			if (!(v in vars))
				vars[v] = digest()
			line = substr(line, 1, RSTART - 1) vars[v] substr(line, RSTART + RLENGTH)
		}
		print line > outf
	}' "$script"
done
n_heredoc=$(find "$pol" -name 'tests-vm-*' -o -name 'tests-host-*' | wc -l)

# ---- logs
log=$out/seeds/fuzz_log
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$out/gen-logs" "$tmp"
for f in "$tmp"/*.jsonl*; do
	cp "$f" "$log/$(basename "$f")"
done
gzip -9 -c "$tmp/signed.jsonl" >"$log/signed.jsonl.gz"
# a .gz cut short, as a copy in progress leaves it
head -c 300 "$log/signed.jsonl.gz" >"$log/cut.jsonl.gz"
s=$tmp/signed.jsonl
# what log verify tells apart: an altered line, a deleted one, two swapped,
# one inserted, a cut last line, a forged checkpoint signature
sed '5s/"pid":[0-9]*/"pid":1/' "$s" >"$log/altered.jsonl"
sed '7d' "$s" >"$log/deleted.jsonl"
awk 'NR == 6 { held = $0; next } { print } NR == 7 { print held }' "$s" >"$log/swapped.jsonl"
awk '{ print } NR == 4 { print }' "$s" >"$log/inserted.jsonl"
head -c -40 "$s" >"$log/cut-last.jsonl"
sed '9s/"sig":"[A-Za-z0-9+\/]/"sig":"A/' "$s" >"$log/forged.jsonl"

# ---- learn: whole logs, plain
for f in "$tmp"/*.jsonl "$log/altered.jsonl" tests/unit/learn-logs/*.jsonl; do
	[ -f "$f" ] && cp "$f" "$out/seeds/fuzz_learn/$(basename "$f")"
done

# ---- lines
i=0
for f in "$tmp"/*.jsonl* "$log/altered.jsonl"; do
	while IFS= read -r line || [ -n "$line" ]; do
		i=$((i + 1))
		printf '%s' "$line" >"$out/seeds/fuzz_log_json/line-$i"
	done <"$f"
done

# ---- dictionaries
{
	# schema keys and the words of its values, as parse.c spells them
	grep -o '\.key = "[a-z_]*"' policy/parse.c | sed 's/.*= //'
	grep -o '^	{ "[a-z_]*", WB_' policy/parse.c | grep -o '"[a-z_]*"'
	grep -o '"[a-z_]*",' policy/resolve.c | tr -d ,
	printf '"%s"\n' 'sha256:' 'sha512:' 'true' 'false' 'null' '~' '- ' ': ' '[' ']' '{' '}' \
		'\"*\"' '---' '...' '&a' '*a' '!!str' '#' '|' '>' 'xdp' 'kprobe' \
		'socket_filter' 'tracepoint' 'cgroup_skb' 'probe_write_user' 'send_signal' \
		'[[:alpha:]]' '[!a-z]' '\\' 'a*b*' '/usr/lib/' '../' '/./'
} | sort -u >"$out/fuzz_policy.dict"
{
	# member names as the writer spells them: "name":
	grep -o '^	{ "[a-z_0-9]*", [0-9]*, KV_' log/record.c | grep -o '"[a-z_0-9]*"' |
		sed 's/"\(.*\)"/"\\"\1\\":"/'
	printf '"%s"\n' 'true' 'false' 'null' '\\u00' '\\ud83d\\udc1d' '\\\"' '\\\\' \
		'Checkpoint' 'LogRepaired' 'EventsDropped' 'BPFDenied' 'Approved' \
		'2026-11-21T05:55:16.123456789Z' '+01:00' \
		'0000000000000000000000000000000000000000000000000000000000000000'
} | sort -u >"$out/fuzz_log_json.dict"
cp "$out/fuzz_log_json.dict" "$out/fuzz_log.dict"
cp "$out/fuzz_log_json.dict" "$out/fuzz_learn.dict"

echo "seeds: $(ls "$pol" | wc -l) policies ($n_heredoc from scenario heredocs)," \
	"$(ls "$log" | wc -l) logs, $i log lines"
