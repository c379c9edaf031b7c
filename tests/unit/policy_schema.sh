#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# docs/policy.schema.json against the parser. `watchbpf check` decides
# which policies are valid; the schema, read as an editor reads YAML, must
# accept every one it accepts: the examples, deploy/policy.yaml, the unit
# tests' fixtures and the policies the VM and host suites write. Of the
# invalid ones it must refuse those whose fault is one of structure; the
# faults it cannot see (uniqueness across loaders, rule order, kernel names,
# files, YAML spellings) are listed as such, and a case of that list the
# schema starts to catch fails until it is moved. Every key of
# policy/parse.c's tables is in the schema, with its values, default and
# bounds, and no other; the program and attach types are libbpf's.
set -euo pipefail
W=${WATCHBPF:-build/watchbpf}
top=$(cd "$(dirname "$0")/../.." && pwd)
W=$(cd "$(dirname "$W")" && pwd)/$(basename "$W")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() {
	echo "FAIL $1"
	shift
	printf '     %s\n' "$@"
	failed=$((failed + 1))
}
finish() {
	echo "policy-schema: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

# Debian's python3 has python3-jsonschema and python3-yaml (scripts/deps.sh);
# another python3 first in PATH may not
py=""
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import jsonschema, yaml' 2>/dev/null; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	bad "a validator: python3 with jsonschema and yaml" "apt-get install python3-jsonschema python3-yaml"
	finish
	exit 1
fi
facts() { "$py" "$top/tests/unit/policy_schema.py" "$@"; }

# ---- the schema and the parser's tables ----
if out=$(facts check-schema 2>&1); then ok "the schema is a valid draft-07 schema"; else
	bad "the schema is a valid draft-07 schema" "$out"; fi
n=$(facts count-keys)
if [ "$n" -ge 30 ] && out=$(facts keys) && [ -z "$out" ]; then
	ok "all $n keys of policy/parse.c's tables, and no other, with their values, defaults and bounds"
else
	bad "all keys of policy/parse.c's tables, and no other, with their values, defaults and bounds" \
		"$n keys found" "$out"
fi
# the same comparison on a schema with one key gone and one value changed:
# it must see both
"$py" - "$top/docs/policy.schema.json" "$tmp/mutant.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
del s["definitions"]["programs"]["properties"]["max_insns"]
s["definitions"]["code"]["properties"]["on_untrusted"]["enum"].remove("kill")
json.dump(s, open(sys.argv[2], "w"))
EOF
out=$(WATCHBPF_SCHEMA=$tmp/mutant.json facts keys)
if echo "$out" | grep -q "programs: 'max_insns' of programs_fields is missing" &&
	echo "$out" | grep -q "code/on_untrusted: enum"; then
	ok "the key comparison sees a key taken out and a value changed"
else
	bad "the key comparison sees a key taken out and a value changed" "$out"
fi
lib=$(ldd "$W" | awk '$1 ~ /^libbpf\.so/ { print $3 }')
if [ -z "$lib" ]; then
	bad "program and attach types are those of libbpf" "$W links no libbpf.so"
elif out=$(facts libbpf "$lib") && [ -z "$out" ]; then
	ok "program and attach types are those of $(basename "$lib")"
else
	bad "program and attach types are those of $(basename "$lib")" "$out"
fi

# ---- the policies of the tree, as check sees them ----
mkdir -p "$tmp/suites" "$tmp/cases"
facts extract "$tmp/suites" "$top/tests/unit/policies/ci.pem" >"$tmp/suites.tsv"
n=$(wc -l <"$tmp/suites.tsv")
if [ "$n" -ge 25 ]; then ok "$n policies found in tests/vm/ and tests/host/"; else
	bad "policies found in tests/vm/ and tests/host/" "only $n: the extractor no longer reads the suites"; fi
cd "$top"
files=(examples/*.yaml deploy/policy.yaml tests/unit/policies/*.yaml)
facts validate "${files[@]}" "$tmp"/suites/*.yaml >"$tmp/verdicts"
verdict() { awk -F'\t' -v f="$1" '$1 == f { print $2 ($3 == "" ? "" : ": " $3) }' "$tmp/verdicts"; }
# the name a suite's policy is known by: its script and line
source_of() { awk -F'\t' -v n="$(basename "$1" .yaml)" '$1 == n { print $2 }' "$tmp/suites.tsv"; }
for f in "${files[@]}" "$tmp"/suites/*.yaml; do
	name=$f
	[[ $f == "$tmp"/* ]] && name="$(source_of "$f")'s policy"
	v=$(verdict "$f")
	if "$W" check -q "$f" 2>"$tmp/err"; then
		if [ "$v" = ok ]; then ok "$name: check and the schema accept it"; else
			bad "$name: check accepts it, the schema does not" "$v"; fi
	elif [ "${v%%:*}" = bad ]; then
		ok "$name: check and the schema refuse it"
	else
		bad "$name: check refuses it, the schema does not" "$(cat "$tmp/err")"
	fi
done

# ---- cases: DESCRIPTION|check's message (ERE)|policy ----
# One line of YAML each, flow style ('\n' for block style); @D and @E are
# two digests.
D=sha256:$(printf '%064d' 0)
E=sha256:$(printf '%064d' 1)
# Cases are written first and validated in one go (python's start is most
# of a validation's time), then judged in order.
nr=0
: >"$tmp/cases.tsv"
# add KIND DESCRIPTION MESSAGE POLICY: a case, its policy in a file of its own
# (MESSAGE: the ERE of check's error; - for a valid one)
add() {
	nr=$((nr + 1))
	printf '%s\n' "$4" | sed -e "s/@D/$D/g" -e "s/@E/$E/g" -e 's/\\n/\n/g' >"$tmp/cases/$nr.yaml"
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$tmp/cases/$nr.yaml" >>"$tmp/cases.tsv"
}
# schema_says FILE: ok, or bad and why
schema_says() { awk -F'\t' -v f="$1" '$1 == f { print $2 ($3 == "" ? "" : ": " $3) }' "$tmp/case-verdicts"; }

# valid: check and the schema accept them (the spellings check takes)
while IFS='|' read -r desc yaml; do
	add valid "$desc" - "$yaml"
done <<EOF
a number for the policy name|{name: 123, loaders: []}
a boolean for the policy name|{name: true, loaders: []}
quoted booleans and integers|{name: x, loaders: [{name: a, exec: {digest: @D, signed: "false"}, programs: {kernel_reads: "false", max_insns: "100"}}]}
a number for a loader name|{name: x, loaders: [{name: 7, exec: {digest: @D}}]}
a quoted mode|{name: x, mode: "audit", loaders: []}
a sha512 digest in capitals|{name: x, loaders: [{name: a, exec: {digest: "sha512:$(printf 'ABCDEF0123456789%.0s' 1 2 3 4 5 6 7 8)"}}]}
'"*": none'|{name: x, loaders: [{name: a, exec: {digest: @D}, maps: {"*": none}}]}
globs at their limits|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {names: ["*abcdefghijklmno", "abcdefghijklmno", "?"]}, maps: {"ab?.d*": ro}}]}
collateral of every file|{name: x, loaders: [{name: a, exec: {digest: @D}, collateral: [{path: /, signed: false}]}]}
a digest in code.digests|{name: x, loaders: [{name: a, exec: {digest: @D}, code: {digests: [@E], jit: true}}]}
the log's names in block|{name: x, default: {bpf: restrict, block: [load, update]}, loaders: []}
max_insns at its bounds|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {max_insns: 1000000}}, {name: b, exec: {digest: @E}, programs: {max_insns: 1}}]}
signatures with a certificate|{name: x, trust: {certs: [$top/tests/unit/policies/ci.pem]}, loaders: [{name: a, exec: {signed: true, path: /usr/bin/a}, collateral: [{path: /usr/lib/a/}], programs: {signed: required}}]}
block style between document markers|---\nname: x\nloaders:\n  - name: a\n    exec:\n      digest: @D\n...
EOF

# faults of structure: check and the schema refuse them
while IFS='|' read -r desc msg yaml; do
	add invalid "$desc" "$msg" "$yaml"
done <<'EOF'
unknown key in the policy|unknown key 'extra' in policy|{name: x, loaders: [], extra: 1}
unknown key in a loader|unknown key 'exce' in loader|{name: x, loaders: [{name: a, exce: {}, exec: {digest: @D}}]}
unknown key in exec|unknown key 'sha' in exec|{name: x, loaders: [{name: a, exec: {digest: @D, sha: 1}}]}
unknown key in programs|unknown key 'type' in programs|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {type: [xdp]}}]}
unknown key in collateral|unknown key 'mode' in collateral|{name: x, loaders: [{name: a, exec: {digest: @D}, collateral: [{path: /a, signed: false, mode: x}]}]}
unknown key in code|unknown key 'ji' in code|{name: x, loaders: [{name: a, exec: {digest: @D}, code: {jit: true, ji: 1}}]}
unknown key in default|unknown key 'bfp' in default|{name: x, default: {bfp: deny}, loaders: []}
unknown key in kernel|unknown key 'module' in kernel|{name: x, kernel: {module: deny}, loaders: []}
unknown key in trust|unknown key 'cert' in trust|{name: x, trust: {cert: [a.pem]}, loaders: []}
unknown key in admin|unknown key 'key' in admin|{name: x, admin: {certs: [a.pem], key: b}, loaders: []}
no name|missing required key 'name' in policy|{loaders: []}
no loaders|missing required key 'loaders' in policy|{name: x}
null loaders|'loaders' must be a sequence, got an empty value|{name: x, loaders: }
a loader without exec|missing required key 'exec' in loader|{name: x, loaders: [{name: a}]}
a loader without name|missing required key 'name' in loader|{name: x, loaders: [{exec: {digest: @D}}]}
exec with a path only|exec needs 'digest' or 'signed: true'|{name: x, loaders: [{name: a, exec: {path: /usr/bin/a}}]}
exec with signed false only|exec needs 'digest' or 'signed: true'|{name: x, loaders: [{name: a, exec: {signed: false}}]}
a bad mode|'mode' must be one of: enforce, audit|{name: x, mode: enforcing, loaders: []}
a bad loader mode|'mode' must be one of|{name: x, loaders: [{name: a, mode: permissive, exec: {digest: @D}}]}
a bad default.bpf|'bpf' must be one of|{name: x, default: {bpf: permit}, loaders: []}
a bad on_deny|'on_deny' must be one of|{name: x, default: {on_deny: stop}, loaders: []}
a bad kernel setting|'kexec' must be one of|{name: x, kernel: {kexec: no}, loaders: []}
a bad programs.signed|'signed' must be one of: optional, required|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {signed: always}}]}
a bad on_untrusted|'on_untrusted' must be one of|{name: x, loaders: [{name: a, exec: {digest: @D}, code: {on_untrusted: warn}}]}
a bad on_takeover|'on_takeover' must be one of|{name: x, loaders: [{name: a, exec: {digest: @D}, code: {on_takeover: kill}}]}
a short digest|bad digest 'sha256:12ab'|{name: x, loaders: [{name: a, exec: {digest: "sha256:12ab"}}]}
another hash|bad digest 'sha1:|{name: x, loaders: [{name: a, exec: {digest: "sha1:0123456789abcdef0123456789abcdef01234567"}}]}
yes for a boolean|'kernel_reads' must be true or false \(got 'yes'; write true\)|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {kernel_reads: yes}}]}
a word for a boolean|'jit' must be true or false|{name: x, loaders: [{name: a, exec: {digest: @D}, code: {jit: maybe}}]}
max_insns 0|'max_insns' must be a decimal integer from 1 to 1000000 \(got '0'\)|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {max_insns: 0}}]}
max_insns over the limit|\(got '1000001'\)|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {max_insns: 1000001}}]}
max_insns a word|\(got 'many'\)|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {max_insns: many}}]}
a relative exec.path|'path' must be an absolute path|{name: x, loaders: [{name: a, exec: {digest: @D, path: bin/a}}]}
an exec.path with //|'path' must be normalized|{name: x, loaders: [{name: a, exec: {digest: @D, path: /usr//bin/a}}]}
an exec.path with ..|'path' must be normalized|{name: x, loaders: [{name: a, exec: {digest: @D, path: /usr/../bin/a}}]}
an exec.path ending with /|'path' names a file|{name: x, loaders: [{name: a, exec: {digest: @D, path: /usr/bin/}}]}
a relative collateral path|'path' must be an absolute path|{name: x, loaders: [{name: a, exec: {digest: @D}, collateral: [{path: lib/, signed: false}]}]}
empty types|'types' must not be empty|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {types: []}}]}
empty maps|'maps' must not be empty|{name: x, loaders: [{name: a, exec: {digest: @D}, maps: {}}]}
empty collateral|'collateral' must not be empty|{name: x, loaders: [{name: a, exec: {digest: @D}, collateral: []}]}
empty trust|'trust' needs 'certs' or 'digests'|{name: x, trust: {}, loaders: []}
empty block|'block' must not be empty|{name: x, default: {bpf: allow, block: []}, loaders: []}
admin without certs|missing required key 'certs' in admin|{name: x, admin: {}, loaders: []}
a repeated type|duplicate entry 'xdp' in 'types'|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {types: [xdp, xdp]}}]}
the kernel's spelling of a type|write 'xdp'|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {types: [BPF_PROG_TYPE_XDP]}}]}
an unknown program type|unknown program type 'xdpp'|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {types: [xdpp]}}]}
an unknown attach type|unknown attach type 'fentry'|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {attach: [fentry]}}]}
a helper in capitals|write 'probe_write_user'|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {deny_helpers: [BPF_FUNC_probe_write_user]}}]}
a glob with a class|character classes and escapes are not supported|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {names: ["from_[ab]"]}}]}
a glob with two stars|at most one '\*' is supported|{name: x, loaders: [{name: a, exec: {digest: @D}, maps: {"a*b*": ro}}]}
a map glob with a dash|can never match: names have only the characters|{name: x, loaders: [{name: a, exec: {digest: @D}, maps: {ct-map: ro}}]}
a glob longer than a name|names have at most 15 characters|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {names: [from_netdev_long]}}]}
an empty glob|it is empty|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {names: [""]}}]}
a bad map access|'ct_map' in maps must be one of: rw, ro, none|{name: x, loaders: [{name: a, exec: {digest: @D}, maps: {ct_map: write}}]}
block with bpf deny|'block' needs 'bpf: allow' or 'bpf: restrict'|{name: x, default: {bpf: deny, block: [prog_load]}, loaders: []}
block with bpf left out|'block' needs 'bpf: allow' or 'bpf: restrict'|{name: x, default: {block: [prog_load]}, loaders: []}
exec.signed without trust.certs|'signed: true' needs a certificate in trust.certs|{name: x, loaders: [{name: a, exec: {signed: true}}]}
programs.signed without trust.certs|'signed: required' needs a certificate|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {signed: required}}]}
signed collateral without trust.certs|collateral is 'signed: true' by default|{name: x, loaders: [{name: a, exec: {digest: @D}, collateral: [{path: /usr/lib/a/}]}]}
exec.signed with trust.digests only|'signed: true' needs a certificate in trust.certs|{name: x, trust: {digests: [@D]}, loaders: [{name: a, exec: {signed: true}}]}
a policy name with a space|'name' must be 1..63 characters|{name: "alice demo", loaders: []}
a policy name too long|'name' must be 1..63 characters|{name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, loaders: []}
a loader name with a colon|'name' must be 1..31 characters|{name: x, loaders: [{name: "a:b", exec: {digest: @D}}]}
a null name|'name' must be a string, got null|{name: ~, loaders: []}
a list for a name|'name' must be a string, got a sequence|{name: [x], loaders: []}
a scalar for types|'types' must be a sequence, got a scalar|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {types: xdp}}]}
a scalar for exec|'exec' must be a mapping, got a scalar|{name: x, loaders: [{name: a, exec: yes}]}
a mapping for loaders|'loaders' must be a sequence, got a mapping|{name: x, loaders: {a: 1}}
an empty certificate path|entries of 'certs' must not be empty|{name: x, trust: {certs: [""]}, loaders: []}
a code entry that is no digest|'sha256:xyz' is neither a digest|{name: x, trust: {digests: ["sha256:xyz"]}, loaders: []}
a sequence for a policy|policy must be a mapping, got a sequence|[name, x]
EOF

# beyond a schema: check refuses them, the schema cannot (what is unique
# across entries, the order of rules, what only the kernel or the file
# system knows, and YAML spellings an editor reads as check does not)
while IFS='|' read -r desc msg yaml; do
	add beyond "$desc" "$msg" "$yaml"
done <<'EOF'
two loaders with one name|duplicate loader name 'a'|{name: x, loaders: [{name: a, exec: {digest: @D}}, {name: a, exec: {digest: @E}}]}
two loaders with one digest|loader 'b' has the digest of loader 'a'|{name: x, loaders: [{name: a, exec: {digest: @D}}, {name: b, exec: {digest: @D}}]}
two collateral entries for one path|duplicate collateral path '/a/'|{name: x, loaders: [{name: a, exec: {digest: @D}, collateral: [{path: /a/, signed: false}, {path: /a/, signed: "false"}]}]}
a map rule after "*"|map rule 'ct_map' can never apply|{name: x, loaders: [{name: a, exec: {digest: @D}, maps: {"*": ro, ct_map: rw}}]}
a certificate that is not there|cannot read certificate '/nonexistent/ci.pem'|{name: x, trust: {certs: [/nonexistent/ci.pem]}, loaders: []}
a digests file that is not there|cannot read '/nonexistent/code.digests'|{name: x, trust: {digests: [/nonexistent/code.digests]}, loaders: []}
a duplicate key|duplicate key 'name' in policy|name: x\nname: y\nloaders: []
an anchor|anchors are not supported|name: x\nloaders: &l []
a tag|tags are not supported|name: !!str x\nloaders: []
True for a boolean|got 'True'; write true|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {kernel_reads: True}}]}
a hexadecimal max_insns|got '0x10'|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {max_insns: 0x10}}]}
a max_insns with a leading zero|got '010'|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {max_insns: 010}}]}
a max_insns in exponent form|got '1e3'|{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {max_insns: 1e3}}]}
a name written as a number with a sign|got '\+1'|{name: +1, loaders: []}
EOF
# names only the kernel's BTF knows: where check has it to ask
if [ -r /sys/kernel/btf/vmlinux ]; then
	add beyond "an unknown helper" "unknown helper 'probe_write_usr'" \
		"{name: x, loaders: [{name: a, exec: {digest: @D}, programs: {deny_helpers: [probe_write_usr]}}]}"
	add beyond "an unknown bpf command" "unknown bpf command 'prog_lod'" \
		"{name: x, default: {bpf: allow, block: [prog_lod]}, loaders: []}"
	add beyond "one command by two names" "'prog_load' in 'block' is the same bpf command as 'load'" \
		"{name: x, default: {bpf: allow, block: [load, prog_load]}, loaders: []}"
fi

cut -f4 "$tmp/cases.tsv" | xargs "$py" "$top/tests/unit/policy_schema.py" validate >"$tmp/case-verdicts"
while IFS=$'\t' read -r kind desc msg f; do
	"$W" check -q "$f" 2>"$tmp/err" && rc=0 || rc=$?
	v=$(schema_says "$f")
	case $kind in
	valid)
		if [ "$rc" != 0 ]; then
			bad "valid, $desc: check refuses it" "$(cat "$tmp/err")"
		elif [ "$v" = ok ]; then
			ok "valid, $desc: check and the schema accept it"
		else
			bad "valid, $desc: the schema refuses it" "$v"
		fi
		;;
	*)
		if [ "$rc" = 0 ] || ! grep -Eq -- "$msg" "$tmp/err"; then
			bad "$kind, $desc: check does not refuse it so" "want: $msg" "got: $(cat "$tmp/err")"
		elif [ "$kind" = invalid ] && [ "${v%%:*}" = bad ]; then
			ok "invalid, $desc: check and the schema refuse it"
		elif [ "$kind" = invalid ]; then
			bad "invalid, $desc: the schema accepts it" "check: $(cat "$tmp/err")"
		elif [ "$v" = ok ]; then
			ok "beyond the schema, $desc: check refuses it"
		else
			bad "beyond the schema, $desc: the schema refuses it now: move it to the faults of structure" "$v"
		fi
		;;
	esac
done <"$tmp/cases.tsv"

finish
