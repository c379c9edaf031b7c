#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fuzzes each target for SECONDS (`make fuzz`, tests/unit/fuzz.sh):
#
#	run.sh FUZZDIR SECONDS [TARGET...]	(default: every target)
#
# The corpus of a target lives on in FUZZDIR/corpus-TARGET (FUZZ_CORPUS=DIR:
# DIR/corpus-TARGET), started from the seeds (seeds.sh) and the regression
# inputs of tests/fuzz/regressions/. libFuzzer runs a whole corpus before
# its clock starts: a short run wants a fresh one.
# A crash, leak, UB or timeout stops that target: its reproducer is written
# under FUZZDIR/crashes/TARGET/ and its path printed; the exit status is 1
# when any target failed.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(cd "${1:?usage: run.sh FUZZDIR SECONDS [TARGET...]}" && pwd)
secs=${2:?usage: run.sh FUZZDIR SECONDS [TARGET...]}
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_policy fuzz_log fuzz_log_json fuzz_learn)

[ -d "$dir/seeds" ] || bash "$top/tests/fuzz/seeds.sh" "$dir" >/dev/null
rc=0
for t in "${targets[@]}"; do
	corpus=${FUZZ_CORPUS:-$dir}/corpus-$t crashes=$dir/crashes/$t/ out=${FUZZ_CORPUS:-$dir}/$t.log
	mkdir -p "$corpus" "$crashes" "$top/tests/fuzz/regressions/$t"
	# -close_fd_mask=3: what the commands under test print is no report;
	# libFuzzer and the sanitizers keep a stderr of their own.
	# -timeout: a hang is a finding too.
	if "$dir/$t" -max_total_time="$secs" -timeout=10 -close_fd_mask=3 \
		-print_final_stats=1 -dict="$dir/$t.dict" -artifact_prefix="$crashes" \
		"$corpus" "$dir/seeds/$t" "$top/tests/fuzz/regressions/$t" >"$out" 2>&1; then
		status=ok
	else
		status=FAILED
		rc=1
	fi
	# -a: the log quotes inputs, which may be binary
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -n 1)
	cov=$(grep -ao 'cov: [0-9]* ft: [0-9]*' "$out" | tail -n 1 || true)
	echo "$t: $status, ${execs:-?} execs in $secs s ($cov, corpus $(ls "$corpus" | wc -l) files)"
	if [ $status = FAILED ]; then
		grep -aE '^(==[0-9]+==ERROR|SUMMARY|.*runtime error:|ALARM)' "$out" |
			head -n 6 | sed 's/^/  /' || true
		sed -n 's/.*Test unit written to /  reproducer: /p' "$out"
		echo "  log: $out"
	fi
done
exit $rc
