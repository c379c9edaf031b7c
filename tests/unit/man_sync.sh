#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# watchbpf(8), watchbpf-policy(5) and the bash completion in sync with the
# code, as bpftool keeps its docs and completion: every command, sub-command
# and option the code parses (main.c's table, each `struct option` array,
# getopt strings, hand-parsed flags) is in the man page and offered by the
# completion, and neither names one the code does not have; every policy key
# policy/parse.c accepts is in watchbpf-policy(5) with its type, values,
# default and an example, and no other. man_sync.py reads the facts; the
# man pages build without a warning; the completion runs under
# bash-completion and answers as it should.
set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
top=$(cd "$(dirname "$0")/../.." && pwd)
W=$(cd "$(dirname "$W")" && pwd)/$(basename "$W")
man8=$top/docs/man/watchbpf.8.rst
man5=$top/docs/man/watchbpf-policy.5.rst
comp=$top/deploy/bash-completion/watchbpf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; shift; printf '     %s\n' "$@"; failed=$((failed + 1)); }
facts() { python3 "$top/tests/unit/man_sync.py" "$@"; }
# same NAME A B: the sorted files A and B have the same lines
same() {
	local name=$1 d
	if d=$(diff "$2" "$3"); then ok "$name"; else
		bad "$name" "< ${2##*/}, > ${3##*/}:" "$(echo "$d" | grep '^[<>]' | tr '\n' ' ')"; fi
}
# enough NAME N FILE: the extraction found at least N facts (not nothing)
enough() {
	local n
	n=$(wc -l <"$3")
	[ "$n" -ge "$2" ] || bad "$1" "only $n found: the extractor no longer reads the code"
}

# complete DIR WORD...: what the completion offers for the last WORD, in
# DIR, sorted, one a line (bash-completion's helpers, as in a shell)
complete_at() {
	local dir=$1
	shift
	(cd "$dir" && bash --norc --noprofile -c '
		. /usr/share/bash-completion/bash_completion || exit 1
		. "$1" || exit 1
		shift
		COMP_WORDS=(watchbpf "$@")
		COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		COMP_LINE="${COMP_WORDS[*]}"
		COMP_POINT=${#COMP_LINE}
		_watchbpf watchbpf "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@") | sed '/^$/d' | sort -u
}
# expect_completion NAME WANT DIR WORD...: the offer is exactly WANT
expect_completion() {
	local name=$1 want=$2 dir=$3 got
	shift 3
	got=$(complete_at "$dir" "$@" | tr '\n' ' ')
	if [ "$got" = "$want" ]; then ok "$name"; else bad "$name" "want: $want" "got:  $got"; fi
}

# ---- the facts of the code ----
facts code-commands | sort >"$tmp/code-commands"
facts code-options | sort -u >"$tmp/code-options.static"
facts code-subcommands | sort >"$tmp/code-subs"
facts code-choices | sort -u >"$tmp/code-choices"
facts code-values | sort -u >"$tmp/code-values"
facts man-commands "$man8" | sort >"$tmp/man-sections"
facts man-options "$man8" | sort -u >"$tmp/man-options"
enough "commands found in gatekeeper/main.c" 12 "$tmp/code-commands"
enough "options found in the parsers" 60 "$tmp/code-options.static"

# stop, reload, upgrade and request share one parser that refuses some of
# its options per command, so what each takes is asked of the binary: with
# --control naming no socket, an option it takes gets as far as the socket
# (exit 0 or 1), one it refuses is a usage error (exit 2).
head -c 64 /dev/urandom >"$tmp/sig"
accepts() {
	local cmd=$1 opt=$2 arg=$3 argv=("$1" "$2") rc
	[ "$arg" = 1 ] && case $opt in
		--signature) argv+=("$tmp/sig") ;;
		--control) argv+=("$tmp/no-socket") ;;
		*) argv+=("$tmp/value") ;;
	esac
	case $cmd in
		upgrade) argv+=("$W") ;;
		request) argv+=(reload) ;;
	esac
	[ "$opt" = --control ] || argv+=(--control "$tmp/no-socket")
	timeout 10 "$W" "${argv[@]}" >/dev/null 2>&1
	rc=$?
	[ $rc = 0 ] || [ $rc = 1 ]
}
shared=$(awk -F'\t' '$1 != "run" && $1 != "(main)" && $2 == "--control" { print $1 }' \
	"$tmp/code-options.static" | tr '\n' ' ')
shared=${shared% }
: >"$tmp/code-options"
while IFS=$'\t' read -r cmd group arg; do
	if [[ " $shared " == *" $cmd "* ]]; then
		opt=${group##*, }
		accepts "$cmd" "$opt" "$arg" || continue
	fi
	printf '%s\t%s\t%s\n' "$cmd" "$group" "$arg" >>"$tmp/code-options"
done <"$tmp/code-options.static"
# the asking works: each takes --control, which it relies on
lost=""
for cmd in $shared; do
	grep -q "^$cmd	--control	1" "$tmp/code-options" || lost="$lost $cmd"
done
if [ "$(echo "$shared" | wc -w)" -ge 4 ] && [ -z "$lost" ]; then
	ok "the shared parser: what each of $shared takes, asked of $(basename "$W")"
else
	bad "the shared parser: what each of $shared takes, asked of $(basename "$W")" \
		"--control refused by:$lost" "$(grep -E "^(${shared// /|})	" "$tmp/code-options")"
fi

# ---- watchbpf(8) ----
grep -v ' ' "$tmp/man-sections" >"$tmp/man-commands"
same "watchbpf(8) has a section for every command of main.c, and no other" \
	"$tmp/code-commands" "$tmp/man-commands"
grep ' ' "$tmp/man-sections" | tr ' ' '\t' | sort >"$tmp/man-subs"
same "watchbpf(8) has a section for every sub-command (log verify...), and no other" \
	"$tmp/code-subs" "$tmp/man-subs"
sed -n '/^\*COMMAND\* :=/,/^$/p' "$man8" | grep -o '\*\*[a-z-]*\*\*' | tr -d '*' | sort >"$tmp/synopsis"
same "watchbpf(8)'s SYNOPSIS lists every command" "$tmp/code-commands" "$tmp/synopsis"
same "watchbpf(8) lists every option of every command, with or without a value as the code, and no other" \
	"$tmp/code-options" "$tmp/man-options"
# the fixed values the code compares an option's value or an operand with
missing=""
while IFS=$'\t' read -r cmd word; do
	# not grep -q: pipefail would count the writer's SIGPIPE
	facts man-section "$man8" "$cmd" | grep -w -- "$word" >/dev/null || missing="$missing $cmd:$word"
done < <(cat "$tmp/code-choices"; cut -f1,3 "$tmp/code-values")
if [ -z "$missing" ]; then ok "watchbpf(8) names each operand and option value the code compares with"; else
	bad "watchbpf(8) names each operand and option value the code compares with" "missing:$missing"; fi

# ---- rst2man ----
for page in watchbpf.8 watchbpf-policy.5; do
	if rst2man --halt=warning "$top/docs/man/$page.rst" "$tmp/$page" >"$tmp/rst.out" 2>&1 &&
		[ ! -s "$tmp/rst.out" ] && grep -q '^\.SH NAME' "$tmp/$page"; then
		ok "rst2man builds $page without a warning"
	else
		bad "rst2man builds $page without a warning" "$(cat "$tmp/rst.out")"
	fi
	if ! command -v man >/dev/null; then
		bad "man renders $page without a warning" "no man (apt-get install man-db)"
	elif MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$tmp/$page" 2>&1 >/dev/null | grep . >"$tmp/man.out"; then
		bad "man renders $page without a warning" "$(cat "$tmp/man.out")"
	else
		ok "man renders $page without a warning"
	fi
done
if make -s -C "$top" man BUILD="$tmp/build" >"$tmp/make.out" 2>&1 &&
	cmp -s "$tmp/watchbpf.8" "$tmp/build/man/watchbpf.8" &&
	cmp -s "$tmp/watchbpf-policy.5" "$tmp/build/man/watchbpf-policy.5"; then
	ok "make man builds both into \$(BUILD)/man"
else
	bad "make man builds both into \$(BUILD)/man" "$(cat "$tmp/make.out")" "$(ls -l "$tmp/build/man" 2>&1)"
fi

# ---- watchbpf-policy(5) ----
facts code-keys >"$tmp/code-keys.full"
cut -f1 "$tmp/code-keys.full" | sort >"$tmp/code-keys"
facts man-keys "$man5" | sort >"$tmp/man-keys"
enough "policy keys found in policy/parse.c" 30 "$tmp/code-keys"
same "watchbpf-policy(5) has an entry for every key the parser accepts, and no other" \
	"$tmp/code-keys" "$tmp/man-keys"
facts key-problems "$man5" >"$tmp/key-problems"
if [ -s "$tmp/key-problems" ]; then
	bad "each key's entry: its type and values, required or its default, as the parser; an example" \
		"$(cat "$tmp/key-problems")"
else
	ok "each key's entry: its type and values, required or its default, as the parser; an example"
fi

# ---- the completion ----
if bash -n "$comp" 2>"$tmp/n.out"; then ok "bash -n on the completion"; else
	bad "bash -n on the completion" "$(cat "$tmp/n.out")"; fi
empty=$tmp/empty
mkdir -p "$empty"
complete_at "$empty" "" >"$tmp/comp-commands"
same "the completion offers every command, and no other" "$tmp/code-commands" "$tmp/comp-commands"
# sub-commands not offered must be testing aids, as watchbpf(8) says
complete_at "$empty" log "" >"$tmp/comp-log"
cut -f2 "$tmp/code-subs" | sort | comm -23 - "$tmp/comp-log" >"$tmp/not-offered"
aids=""
while read -r sub; do
	facts man-section "$man8" "log $sub" | grep 'testing aid' >/dev/null || aids="$aids $sub"
done <"$tmp/not-offered"
stale=$(cut -f2 "$tmp/code-subs" | sort | comm -13 - "$tmp/comp-log" | tr '\n' ' ')
if [ -z "$aids$stale" ] && [ -s "$tmp/comp-log" ]; then
	ok "the completion offers the log sub-commands but testing aids ($(tr '\n' ' ' <"$tmp/not-offered" | sed 's/ $//'))"
else
	bad "the completion offers the log sub-commands but testing aids" "not offered, no testing aid:$aids" "not in the code: $stale"
fi

# each command's options: `watchbpf CMD -<TAB>`; `watchbpf -<TAB>`: run's and main()'s
: >"$tmp/comp-options" && : >"$tmp/want-options"
for cmd in $(cut -f1 "$tmp/code-options" | sort -u | tr ' ' '+'); do
	cmd=${cmd//+/ }
	words=$cmd
	[ "$cmd" = "(main)" ] && words=""
	# shellcheck disable=SC2086
	complete_at "$empty" $words - | sed "s/^/$cmd	/" >>"$tmp/comp-options"
	awk -F'\t' -v c="$cmd" '$1 == c || (c == "(main)" && $1 == "run") { n = split($2, t, ", "); for (i = 1; i <= n; i++) print t[i] }' \
		"$tmp/code-options" | sort -u | sed "s/^/$cmd	/" >>"$tmp/want-options"
done
sort -o "$tmp/comp-options" "$tmp/comp-options"
sort -o "$tmp/want-options" "$tmp/want-options"
same "the completion offers every option of every command, and no other" "$tmp/want-options" "$tmp/comp-options"

# after an option that takes a value, '-' starts the value (--since -1h), not
# another option; after one that takes none, it starts an option (but after
# --help, which ends the command)
wrong=""
while IFS=$'\t' read -r cmd group arg; do
	if [ "$cmd" = "(main)" ] || [[ $group == *--help* ]]; then continue; fi
	opt=${group##*, }
	# shellcheck disable=SC2086
	got=$(complete_at "$empty" ${cmd} "$opt" - | grep -xF -f <(awk -F'\t' -v c="$cmd" '$1 == c { print $2 }' \
		"$tmp/want-options" | sed 's/^.*	//') | head -1)
	if [ "$arg" = 1 ] && [ -n "$got" ]; then wrong="$wrong $cmd:$opt(offers $got)"; fi
	if [ "$arg" = 0 ] && [ -z "$got" ]; then wrong="$wrong $cmd:$opt(no options after it)"; fi
done <"$tmp/code-options"
if [ -z "$wrong" ]; then ok "the completion knows which options take a value"; else
	bad "the completion knows which options take a value" "$wrong"; fi

# the fixed values of option values and operands, as the code compares them
while IFS=$'\t' read -r cmd opt; do
	awk -F'\t' -v c="$cmd" -v o="$opt" '$1 == c && $2 == o { print $3 }' "$tmp/code-values" | sort >"$tmp/want"
	complete_at "$empty" "$cmd" "$opt" "" >"$tmp/got"
	same "watchbpf $cmd $opt <TAB>: the values the code takes" "$tmp/want" "$tmp/got"
done < <(cut -f1,2 "$tmp/code-values" | sort -u)
awk -F'\t' '$1 == "request" { print $2 }' "$tmp/code-choices" | sort -u >"$tmp/want"
complete_at "$empty" request "" >"$tmp/got"
same "watchbpf request <TAB>: the operations cmd_request() takes" "$tmp/want" "$tmp/got"
grep -o '\[FSV_HASH_[A-Z0-9_]*\] = { "[a-z0-9]*"' "$top/fsverity/digest.c" | sed 's/.*"\(.*\)"/\1/' | sort >"$tmp/want"
complete_at "$empty" digest --hash-alg "" >"$tmp/got"
enough "hash algorithms found in fsverity/digest.c" 2 "$tmp/want"
same "watchbpf digest --hash-alg <TAB>: fsverity/digest.c's algorithms" "$tmp/want" "$tmp/got"
facts code-actions >"$tmp/want"
complete_at "$empty" log show --action "" >"$tmp/got"
enough "actions found in gatekeeper/ and log/" 10 "$tmp/want"
same "watchbpf log show --action <TAB>: every action a record can carry" "$tmp/want" "$tmp/got"
facts code-ops >"$tmp/want"
complete_at "$empty" log show --op "" >"$tmp/got"
# beyond gatekeeper/names.c's ops: bpf() commands, as <linux/bpf.h> names them
sed -n '/^enum bpf_cmd {/,/^};/s/^[[:space:]]*BPF_\([A-Z_]*\),.*/\1/p' /usr/include/linux/bpf.h |
	tr '[:upper:]' '[:lower:]' | sort >"$tmp/bpf-cmds"
extra=$(comm -13 "$tmp/want" "$tmp/got" | comm -23 - "$tmp/bpf-cmds" | tr '\n' ' ')
lacking=$(comm -23 "$tmp/want" "$tmp/got" | tr '\n' ' ')
enough "bpf commands found in <linux/bpf.h>" 20 "$tmp/bpf-cmds"
if [ -z "$extra$lacking" ]; then ok "watchbpf log show --op <TAB>: names.c's ops, and bpf() commands"; else
	bad "watchbpf log show --op <TAB>: names.c's ops, and bpf() commands" "not offered: $lacking" "no op: $extra"; fi

# the cases of the brief, and the file kinds
files=$tmp/files
mkdir -p "$files/sub" "$tmp/logs"
touch "$files"/{a.yaml,b.yml,c.txt,k.pem,c.crt,d.der,s.key,x.sig} "$tmp/logs"/{decisions.jsonl,decisions.jsonl.1}
expect_completion "watchbpf lo<TAB>: log" "log " "$empty" lo
expect_completion "watchbpf log <TAB>: show summary verify" "show summary verify " "$empty" log ""
if complete_at "$empty" run -- | grep -qx -- --enforce; then ok "watchbpf run --<TAB> offers --enforce"; else
	bad "watchbpf run --<TAB> offers --enforce" "$(complete_at "$empty" run -- | tr '\n' ' ')"; fi
expect_completion "watchbpf check <TAB>: policies (*.yaml, *.yml) and directories" "a.yaml b.yml sub " "$files" check ""
expect_completion "watchbpf --enforce <TAB>: a policy" "a.yaml b.yml sub " "$files" --enforce ""
expect_completion "watchbpf run x.yaml <TAB>: one policy only" "" "$files" run x.yaml ""
expect_completion "watchbpf sign --cert <TAB>: certificates" "c.crt d.der k.pem sub " "$files" sign --cert ""
expect_completion "watchbpf sign --key <TAB>: keys" "d.der k.pem s.key sub " "$files" sign --key ""
expect_completion "watchbpf log verify --cert <TAB>: certificates" "c.crt d.der k.pem sub " "$files" log verify --cert ""
expect_completion "watchbpf stop --signature <TAB>: signatures" "sub x.sig " "$files" stop --signature ""
expect_completion "watchbpf sign --out <TAB>: directories" "sub " "$files" sign --out ""
expect_completion "watchbpf request upgrade <TAB>: the new build" "a.yaml b.yml c.crt c.txt d.der k.pem s.key sub x.sig " \
	"$files" request upgrade ""
expect_completion "watchbpf request --control S <TAB>: the option's value is no operand" \
	"end-enforcement reload stop upgrade " "$empty" request --control S ""
got=$(cd "$files" && WATCHBPF_LOG_DIR=$tmp/logs complete_at "$files" log show "" | tr '\n' ' ')
if [ "$got" = "$tmp/logs/decisions.jsonl $tmp/logs/decisions.jsonl.1 " ]; then
	ok "watchbpf log show <TAB>: the logs of the log directory"
else
	bad "watchbpf log show <TAB>: the logs of the log directory" "got: $got"
fi
expect_completion "watchbpf log summary k<TAB>: files" "k.pem " "$files" log summary k
expect_completion "watchbpf status --file <TAB>: files" "a.yaml b.yml c.crt c.txt d.der k.pem s.key sub x.sig " \
	"$files" status --file ""
expect_completion "watchbpf doctor <TAB>: nothing" "" "$files" doctor ""

echo "man-sync: $passed passed, $failed failed"
[ $failed = 0 ]
