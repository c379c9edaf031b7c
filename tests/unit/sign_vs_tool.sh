#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `watchbpf sign` must write, byte for byte, the signature `fsverity sign`
# writes (RSA; ECDSA signatures are randomized, so those are checked with
# `openssl smime -verify` instead), and `watchbpf verify` must judge them.
# Then the command line around it: exit codes, -r, --suffix, --out,
# --manifest, --pass, and no partial signature for a file that failed.
#
#   WATCHBPF=path   binary under test (default build/watchbpf)
#   FSVERITY=path   reference tool (default fsverity)

set -u

W=${WATCHBPF:-build/watchbpf}
FSVERITY=${FSVERITY:-fsverity}
passed=0
failed=0

ok() {
	echo "ok   $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL $1"
	shift
	[ $# -gt 0 ] && printf '     %s\n' "$@"
	failed=$((failed + 1))
}

skip() {
	echo "SKIP $1"
}

finish() {
	echo "sign-tool: $passed passed, $failed failed"
	exit $((failed != 0))
}

# check NAME CMD...: passes if CMD succeeds; check_not: if it fails
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

check_not() {
	local name=$1
	shift
	if "$@"; then fail "$name"; else ok "$name"; fi
}

for tool in "$FSVERITY" openssl python3; do
	command -v "$tool" >/dev/null || { fail "setup: '$tool' not found"; finish; }
done
[ -x "$W" ] || { fail "setup: '$W' is not an executable (build it or set WATCHBPF)"; finish; }
# the tests run in a scratch directory
W=$(readlink -f "$W")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sign-vs-tool.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# run RC ERE CMD...: exit status RC and stderr matching ERE ('' = empty)
run() {
	local want=$1 ere=$2 rc
	shift 2
	"$@" >out 2>err
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "exit $rc, want $want: $(head -3 err)"
		return 1
	fi
	if [ -z "$ere" ]; then
		[ ! -s err ] || { echo "unexpected stderr: $(head -3 err)"; return 1; }
	elif ! grep -Eq -- "$ere" err; then
		echo "stderr does not match '$ere': $(head -3 err)"
		return 1
	fi
}

# expect NAME RC ERE CMD...
expect() {
	local name=$1 msg
	shift
	if msg=$(run "$@"); then ok "$name"; else fail "$name" "$msg"; fi
}

xattr() { # FILE: the signature xattr's bytes on stdout
	python3 -c 'import os,sys; sys.stdout.buffer.write(os.getxattr(sys.argv[1], "user.watchbpf.sig"))' "$1" 2>/dev/null
}

# shellcheck disable=SC2317 # called through check_not
has_xattr() {
	python3 -c 'import os,sys; os.getxattr(sys.argv[1], "user.watchbpf.sig")' "$1" 2>/dev/null
}

# no_dotfiles DIR [PREFIX]: no hidden (temporary) file in DIR
# shellcheck disable=SC2317 # called through check
no_dotfiles() {
	test -z "$(find "$1" -mindepth 1 -maxdepth 1 -name ".${2:-}*" -print -quit)"
}

# ---- keys ----------------------------------------------------------------
mkcert() { # NAME NEWKEY [SUBJECT]
	# shellcheck disable=SC2086 # NEWKEY may carry -pkeyopt
	openssl req -x509 -newkey $2 -nodes -keyout "$1.key" -out "$1.crt" \
		-subj "${3:-/CN=$1}" -days 30 >/dev/null 2>&1
}
mkcert rsa rsa:2048 "/O=Example, Inc./CN=watchbpf CI" || { fail "setup: openssl req"; finish; }
mkcert ec "ec -pkeyopt ec_paramgen_curve:P-256"
mkcert other rsa:2048
# an encrypted copy of rsa.key (the passphrase through the environment)
export WBPF_TEST_PASS='correct horse'
openssl pkcs8 -topk8 -v2 aes-256-cbc -in rsa.key -out enc.key -passout env:WBPF_TEST_PASS
printf 'correct horse\n' >passfile

# ---- byte equality with fsverity sign ------------------------------------
mkdir eq
head -c 3145728 /dev/urandom >pool
for size in 0 1 4095 4096 4097 65536 1048576 3145728; do
	head -c $size pool >eq/f$size
done
cp -r eq eq_x && cp -r eq eq_o
for f in eq/f*; do
	"$FSVERITY" sign "$f" "$f.tool" --key rsa.key --cert rsa.crt >/dev/null
done
expect "sign --suffix: exit 0, nothing on stderr" 0 '' "$W" sign --key rsa.key --cert rsa.crt --suffix .sig eq/f*[0-9]
for f in eq/f*[0-9]; do
	check "DER equals fsverity sign: $(basename "$f") (--suffix)" cmp -s "$f.sig" "$f.tool"
done
if "$W" sign --key rsa.key --cert rsa.crt eq_x/f* 2>err; then
	for f in eq_x/f*; do
		xattr "$f" >x.der
		check "DER equals fsverity sign: $(basename "$f") (xattr)" cmp -s x.der "eq/$(basename "$f").tool"
	done
else
	skip "xattr equality: $(head -1 err)"
fi
expect "sign --out DIR (created)" 0 '' "$W" sign --key rsa.key --cert rsa.crt --out sigs/new eq_o/f0 eq_o/f4097
check "DER equals fsverity sign (--out)" cmp -s sigs/new/f4097.sig eq/f4097.tool
check "--out leaves the files alone" test ! -e eq_o/f4097.sig

# ---- ECDSA P-256 ---------------------------------------------------------
formatted() { # FILE -> struct fsverity_formatted_digest on stdout
	printf 'FSVerity\001\000\040\000'
	"$FSVERITY" digest --compact "$1" | xxd -r -p
}
mkdir ecd
head -c 10000 pool >ecd/a
head -c 0 pool >ecd/empty
expect "sign with ECDSA P-256" 0 '' "$W" sign --key ec.key --cert ec.crt --suffix .sig ecd/a ecd/empty
for f in ecd/a ecd/empty; do
	formatted "$f" >fmt
	check "ECDSA signature verifies with openssl smime: $(basename "$f")" \
		openssl smime -verify -binary -inform DER -in "$f.sig" -content fmt \
		-certfile ec.crt -nointern -noverify -out /dev/null 2>/dev/null
done
"$W" sign --key ec.key --cert ec.crt --suffix .sig2 ecd/a
check_not "ECDSA signatures are randomized (so no byte comparison)" cmp -s ecd/a.sig ecd/a.sig2

# ---- verify --------------------------------------------------------------
expect "verify: all OK, exit 0" 0 '' "$W" verify --cert rsa.crt --suffix .sig eq/f*[0-9]
check "verify: one OK line per file" test "$(grep -c '^OK ' out)" = 8
cp eq/f4097 eq/f4097.bak
printf 'x' >>eq/f4097
expect "verify: changed file, exit 1" 1 '' "$W" verify --cert rsa.crt --suffix .sig eq/f4097 eq/f1
check "verify: RSA tells a changed file: digest-mismatch" grep -q '^BAD: digest-mismatch.* eq/f4097$' out
check "verify: the others stay OK" grep -q '^OK eq/f1$' out
mv eq/f4097.bak eq/f4097
printf 'x' >>ecd/a
"$W" verify --cert ec.crt --suffix .sig ecd/a >out 2>&1
check "verify: ECDSA and a changed file: bad-signature" grep -q '^BAD: bad-signature ecd/a$' out
"$W" verify --cert other.crt --suffix .sig eq/f1 >out 2>&1
check "verify: another certificate: wrong-key" grep -q '^BAD: wrong-key eq/f1$' out
"$W" verify --cert rsa.crt --suffix .nope eq/f1 >out 2>&1
check "verify: no signature file: no-signature" grep -q '^BAD: no-signature eq/f1$' out
"$W" verify --cert rsa.crt eq/f1 >out 2>&1
check "verify: no xattr: no-signature" grep -q '^BAD: no-signature eq/f1$' out
cp eq/f65536.sig bad.sig
python3 -c 'import sys; b=bytearray(open("bad.sig","rb").read()); b[-20]^=1; open("eq/f65536.sig","wb").write(b)'
"$W" verify --cert rsa.crt --suffix .sig eq/f65536 >out 2>&1
check "verify: corrupted signature: bad-signature" grep -q '^BAD: bad-signature eq/f65536$' out
head -c 100 bad.sig >eq/f65536.sig
"$W" verify --cert rsa.crt --suffix .sig eq/f65536 >out 2>&1
check "verify: truncated signature: bad-signature" grep -q '^BAD: bad-signature eq/f65536$' out
cp bad.sig eq/f65536.sig
"$W" verify --cert rsa.crt --suffix .sig eq/nope >out 2>&1
check "verify: missing file: unreadable" grep -q '^BAD: unreadable (No such file or directory) eq/nope$' out
expect "verify: the xattr flavour" 0 '' "$W" verify --cert rsa.crt eq_x/f0 eq_x/f3145728
expect "verify: the --out flavour" 0 '' "$W" verify --cert rsa.crt --out sigs/new eq_o/f4097

# ---- usage errors: exit 2 ------------------------------------------------
expect "usage: sign without arguments" 2 'required' "$W" sign
expect "usage: sign without --cert" 2 'required' "$W" sign --key rsa.key eq/f1
expect "usage: sign without files" 2 'no file' "$W" sign --key rsa.key --cert rsa.crt
expect "usage: unknown option" 2 "unknown option '--bogus'" "$W" sign --bogus --key rsa.key --cert rsa.crt eq/f1
expect "usage: --pass pass: is refused" 2 'pass:\.\.\. refused' "$W" sign --key enc.key --cert rsa.crt --pass pass:secret eq/f1
check_not "usage: the refusal does not echo the passphrase" grep -q secret err
expect "usage: --pass other forms" 2 'env:VAR or file:PATH' "$W" sign --key enc.key --cert rsa.crt --pass stdin eq/f1
expect "usage: --pass env: unset" 2 'not set' env -u NOPE "$W" sign --key enc.key --cert rsa.crt --pass env:NOPE eq/f1
expect "usage: empty --suffix" 2 'suffix' "$W" sign --key rsa.key --cert rsa.crt --suffix '' eq/f1
expect "usage: --suffix with /" 2 'suffix' "$W" sign --key rsa.key --cert rsa.crt --suffix a/b eq/f1
expect "usage: verify without --cert" 2 'required' "$W" verify eq/f1
expect "usage: verify without files" 2 'no file' "$W" verify --cert rsa.crt

# ---- keys: passphrases, mismatches, expiry -------------------------------
mkdir pk
head -c 5000 pool >pk/a
expect "--pass env:VAR" 0 '' "$W" sign --key enc.key --cert rsa.crt --pass env:WBPF_TEST_PASS --suffix .env pk/a
expect "--pass file:PATH" 0 '' "$W" sign --key enc.key --cert rsa.crt --pass file:passfile --suffix .file pk/a
check "an encrypted key signs the same" cmp -s pk/a.env pk/a.file
expect "encrypted key without --pass: exit 1, no prompt" 1 'encrypted.*--pass' "$W" sign --key enc.key --cert rsa.crt --suffix .x pk/a </dev/null
WRONG=nope expect "wrong passphrase: exit 1" 1 'wrong passphrase' "$W" sign --key enc.key --cert rsa.crt --pass env:WRONG --suffix .x pk/a
expect "key of another certificate: exit 1" 1 'not the key of certificate' "$W" sign --key other.key --cert rsa.crt --suffix .x pk/a
expect "missing key file: exit 1, named" 1 'nokey.pem: No such file' "$W" sign --key nokey.pem --cert rsa.crt --suffix .x pk/a
check "no signature from a failed setup" test ! -e pk/a.x
mkdir ca ca/new && touch ca/index.txt && echo 01 >ca/serial
cat >ca.cnf <<'EOF'
[ca]
default_ca = d
[d]
dir = ca
database = ca/index.txt
new_certs_dir = ca/new
serial = ca/serial
default_md = sha256
policy = p
[p]
commonName = supplied
EOF
openssl req -new -key rsa.key -subj /CN=old -out old.csr 2>/dev/null
if openssl ca -batch -config ca.cnf -selfsign -keyfile rsa.key -in old.csr -out old.crt \
	-startdate 20200101000000Z -enddate 20200201000000Z >/dev/null 2>&1; then
	expect "expired certificate: sign refuses" 1 'expired' "$W" sign --key rsa.key --cert old.crt --suffix .old pk/a
	"$FSVERITY" sign pk/a pk/a.old --key rsa.key --cert old.crt >/dev/null
	"$W" verify --cert old.crt --suffix .old pk/a >out 2>&1
	check "expired certificate: verify says so" grep -q '^BAD: certificate expired pk/a$' out
else
	skip "expired certificate: openssl ca could not make one"
fi

# ---- failures: exit 1, one line each, no partial signature ---------------
mkdir fl && chmod 777 fl
head -c 4096 pool >fl/good
mkfifo fl/fifo
mkdir fl/dir
ln -s good fl/link
expect "failures: exit 1" 1 'error' "$W" sign --key rsa.key --cert rsa.crt --suffix .sig \
	fl/good fl/missing fl/fifo fl/dir /proc/self/mem
check "failures: one error line per failed file" test "$(grep -c '^watchbpf: error: ' err)" = 4
for what in "fl/missing: No such file" "fl/fifo: not a regular file" "fl/dir: is a directory" \
	"/proc/self/mem: cannot read: Input/output error"; do
	check "failures: '$what'" grep -q "^watchbpf: error: $what" err
done
check "failures: the good file is signed" test -s fl/good.sig
check "failures: no signature for a failed file" sh -c '! ls fl/missing.sig fl/fifo.sig fl/dir.sig 2>/dev/null'
check "failures: no temporary file left" no_dotfiles fl
# Root reads through chmod; a real EACCES needs another user.
if setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	chmod 755 "$tmp"
	chmod 644 rsa.key
	head -c 100 pool >fl/secret
	chmod 000 fl/secret
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$W" sign --key rsa.key --cert rsa.crt --suffix .sig fl/secret fl/good >out 2>err
	rc=$?
	check "unreadable file (EACCES as nobody): exit 1" test $rc = 1
	check "unreadable file: named, with the reason" grep -q '^watchbpf: error: fl/secret: Permission denied' err
	check "unreadable file: no signature" test ! -e fl/secret.sig
	chmod 600 rsa.key
else
	skip "unreadable file as another user: setpriv cannot drop to uid 65534"
fi
# An existing signature survives a failed re-sign.
cp fl/good.sig keep.sig
"$W" sign --key rsa.key --cert rsa.crt --suffix .sig --enable-verity fl/good >out 2>err
rc=$?
if grep -q 'not supported' err; then
	check "--enable-verity without fs-verity: exit 1" test $rc = 1
	check "--enable-verity failure names the file" grep -q '^watchbpf: error: fl/good: cannot enable fs-verity' err
	check "--enable-verity failure keeps the old signature" cmp -s fl/good.sig keep.sig
	head -c 10 pool >fl/nover
	"$W" sign --key rsa.key --cert rsa.crt --enable-verity fl/nover 2>/dev/null
	check_not "--enable-verity failure sets no xattr" has_xattr fl/nover
else
	skip "--enable-verity: this file system has fs-verity (exit $rc)"
fi

# ---- -r ----------------------------------------------------------------------
mkdir -p tree/sub/deeper tree/empty
head -c 100 pool >tree/a
head -c 5000 pool >tree/b
head -c 70000 pool >tree/sub/deeper/c
head -c 1 pool >'tree/sub/we"ird
name'
printf 'old' >tree/old.sig
ln -s a tree/link
ln -s /nonexistent tree/dangling
mkfifo tree/fifo
expect "sign a directory without -r: exit 1" 1 'tree: is a directory \(use -r' "$W" sign --key rsa.key --cert rsa.crt --suffix .sig tree
expect "-r --suffix: exit 0, quiet" 0 '' "$W" sign --key rsa.key --cert rsa.crt -r --suffix .sig tree
for f in tree/a tree/b tree/sub/deeper/c; do
	"$FSVERITY" sign "$f" want.sig --key rsa.key --cert rsa.crt >/dev/null
	check "-r --suffix: $f signed like fsverity" cmp -s "$f.sig" want.sig
done
check "-r: symlinks not followed, FIFOs skipped" sh -c '! ls tree/link.sig tree/dangling.sig tree/fifo.sig 2>/dev/null'
check "-r --suffix: existing signatures are not signed" test ! -e tree/old.sig.sig
expect "-r -v: notes on skipped files" 0 'skipped: symbolic link' "$W" sign --key rsa.key --cert rsa.crt -r -v --suffix .sig tree
check "-r -v: FIFO note" grep -q 'tree/fifo: skipped: not a regular file' err
expect "-r --out: relative paths kept" 0 '' "$W" sign --key rsa.key --cert rsa.crt -r --out osigs tree/
check "-r --out: nested signature" cmp -s osigs/sub/deeper/c.sig tree/sub/deeper/c.sig
check "-r --out: nothing written in the tree" test ! -e tree/a.sig.sig
expect "verify -r --out" 0 '' "$W" verify --cert rsa.crt -r --out osigs tree
# (the signatures the --suffix run left in the tree are files too)
check "verify -r: a line per regular file" test "$(grep -c '^OK ' out)" = "$(find tree -type f -printf x | wc -c)"
expect "--out: two files, one name: exit 1" 1 'tree/sub/deeper/c.*also|as that of' "$W" sign --key rsa.key --cert rsa.crt --out coll tree/a tree/sub/deeper/../../a
check "--out collision: the first keeps it" cmp -s coll/a.sig tree/a.sig

# ---- --manifest -----------------------------------------------------------
mkdir -p mf/dir
head -c 4096 pool >mf/dir/one
head -c 9000 pool >mf/two
printf 'x' >"$(printf 'mf/bad\377name')"
expect "--manifest with --out" 0 '' "$W" sign --key rsa.key --cert rsa.crt -r --out msigs --manifest m.json mf
subject=$(openssl x509 -in rsa.crt -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
fpr=$(openssl x509 -in rsa.crt -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f)
cat >check_manifest.py <<'EOF'
import json, os, subprocess, sys
want_loc, subject, fpr = sys.argv[1], sys.argv[2], sys.argv[3]
n = 0
for line in open("m.json", "rb").read().decode("utf-8").splitlines():
    r = json.loads(line)
    n += 1
    path = r["path"].encode("utf-8", "surrogateescape")
    assert os.path.isfile(path), path
    assert r["size"] == os.path.getsize(path), r
    tool = subprocess.run(["fsverity", "digest", path], capture_output=True).stdout.split()[0]
    assert r["digest"] == tool.decode(), (r["digest"], tool)
    assert r["signer"] == {"subject": subject, "fingerprint": fpr}, r["signer"]
    if want_loc == "xattr":
        assert r["signature"] == {"xattr": "user.watchbpf.sig"}, r["signature"]
    else:
        sig = r["signature"]["file"].encode("utf-8", "surrogateescape")
        assert os.path.isfile(sig), sig
    assert set(r) == {"path", "size", "digest", "signature", "signer"}, r.keys()
print(n)
EOF
n=$(python3 check_manifest.py file "$subject" "$fpr" 2>&1)
check "--manifest: one valid record per file (got '$n')" test "$n" = 3
check "--manifest: the record order is the list order" sh -c "head -1 m.json | grep -q 'mf/bad'"
expect "--manifest with xattrs" 0 '' "$W" sign --key rsa.key --cert rsa.crt -r --manifest m.json mf
n=$(python3 check_manifest.py xattr "$subject" "$fpr" 2>&1)
check "--manifest xattr records (got '$n')" test "$n" = 3
expect "--manifest: a failed file is not listed" 1 'missing' "$W" sign --key rsa.key --cert rsa.crt --suffix .s --manifest m2.json mf/two mf/missing
check "--manifest: only the signed file" test "$(wc -l <m2.json)" = 1
expect "--manifest in a missing directory: exit 1" 1 'manifest' "$W" sign --key rsa.key --cert rsa.crt --suffix .s --manifest nodir/m.json mf/two
check "--manifest: no stray temporary file" no_dotfiles . m

# ---- progress ---------------------------------------------------------------
mkdir many
for i in $(seq 1 150); do printf '%s' "$i" >"many/f$i"; done
expect "many files, stderr not a terminal: no progress line" 0 '' "$W" sign --key ec.key --cert ec.crt -r --out msig many
if command -v script >/dev/null; then
	script -qec "$W sign --key ec.key --cert ec.crt -r --out msig2 many" /dev/null >tty.out 2>&1
	check "many files on a terminal: 'signed N/M files'" grep -q 'signed 150/150 files' tty.out
fi

finish
