#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# deploy/kubernetes: every manifest, as rendered and as written, validated
# against the Kubernetes API schemas offline (tests/k8s/validate.mjs, npm
# kubernetes-models); broken manifests rejected; the policy ConfigMap's
# checksum changes with the policy and only then; its files come back byte
# for byte; its policy passes `watchbpf check`; the daemon container's shell
# stops the daemon on SIGTERM and the readiness probe tells a stale status
# file. npm installs tests/k8s's locked packages once (the only network use).
set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
top=$(cd "$(dirname "$0")/../.." && pwd)
k8s=$top/deploy/kubernetes
tools=$top/tests/k8s
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; shift; printf '     %s\n' "$@"; failed=$((failed + 1)); }
finish() {
	echo "k8s: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}
render() { bash "$k8s/render.sh" "$@"; }
validate() { node "$tools/validate.mjs" "$@"; }
get() { node "$tools/get.mjs" "$@"; }
# rejected NAME FILE WHY: validate.mjs fails on FILE, for reason WHY
rejected() {
	if validate "$2" >"$tmp/v.out" 2>&1; then
		bad "$1" "accepted:" "$(cat "$tmp/v.out")"
	elif grep -q '^FAIL' "$tmp/v.out" && grep -qF -- "$3" "$tmp/v.out"; then
		ok "$1"
	else
		bad "$1" "not for '$3':" "$(cat "$tmp/v.out")"
	fi
}

# ---- the validator's packages: installed from the lock, once -----------
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	bad "node and npm" "not installed: scripts/deps.sh installs them"
	finish
fi
stamp=$tools/node_modules/.watchbpf-lock
lock_sum=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
	if (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error) >"$tmp/npm.out" 2>&1; then
		echo "$lock_sum" >"$stamp"
	else
		bad "npm ci in tests/k8s" "$(tail -20 "$tmp/npm.out")"
		finish
	fi
fi
if grep -q '"resolved"' "$tools/package-lock.json"; then
	bad "package-lock.json names no registry" "$(grep -m3 '"resolved"' "$tools/package-lock.json")"
else
	ok "package-lock.json names no registry"
fi
if git -C "$top" check-ignore -q tests/k8s/node_modules/x; then
	ok "node_modules is ignored by git"
else
	bad "node_modules is ignored by git" "tests/k8s/node_modules/ is not in .gitignore"
fi

# ---- valid manifests -----------------------------------------------------
if render >"$tmp/default.yaml" 2>"$tmp/err" && validate "$tmp/default.yaml" >"$tmp/v.out" 2>&1 &&
	[ "$(grep -c '^ok' "$tmp/v.out")" = 3 ]; then
	ok "rendered manifests validate (ConfigMap, ServiceAccount, DaemonSet)"
else
	bad "rendered manifests validate (ConfigMap, ServiceAccount, DaemonSet)" \
		"$(cat "$tmp/err" "$tmp/v.out")"
fi
# the template as written: its placeholders are strings too
if validate "$k8s/watchbpf.yaml" >"$tmp/v.out" 2>&1; then
	ok "deploy/kubernetes/watchbpf.yaml validates as written"
else
	bad "deploy/kubernetes/watchbpf.yaml validates as written" "$(cat "$tmp/v.out")"
fi

# a policy with files beside it, one of them no text, another image, OnDelete
printf 'name: k8s-files\nmode: audit\nloaders: []\n' >"$tmp/policy.yaml"
printf '  first line indented\n\tand a tab\n\n\n' >"$tmp/lead.txt"
printf 'no final newline' >"$tmp/nonl.txt"
: >"$tmp/empty.txt"
printf 'a\r\nb\0c\377' >"$tmp/bin.dat"
if render --image example/watchbpf:1.2 --on-delete "$tmp/policy.yaml" "$tmp/lead.txt" \
	"$tmp/nonl.txt" "$tmp/empty.txt" "$tmp/bin.dat" >"$tmp/files.yaml" 2>"$tmp/err" &&
	validate "$tmp/files.yaml" >"$tmp/v.out" 2>&1; then
	ok "rendered with files, --image, --on-delete: validates"
else
	bad "rendered with files, --image, --on-delete: validates" "$(cat "$tmp/err" "$tmp/v.out")"
fi
got=$(get "$tmp/files.yaml" DaemonSet watchbpf spec.updateStrategy.type)
[ "$got" = OnDelete ] && ok "--on-delete: updateStrategy OnDelete" ||
	bad "--on-delete: updateStrategy OnDelete" "got '$got'"
got=$(get "$tmp/default.yaml" DaemonSet watchbpf spec.updateStrategy.type)
[ "$got" = RollingUpdate ] && ok "default: updateStrategy RollingUpdate" ||
	bad "default: updateStrategy RollingUpdate" "got '$got'"
got=$(get "$tmp/files.yaml" DaemonSet watchbpf spec.template.spec.containers)
if [ "$(grep -o '"image":"example/watchbpf:1.2"' <<<"$got" | wc -l)" = 2 ] && ! grep -q '@' <<<"$got"; then
	ok "--image: both containers, no placeholder left"
else
	bad "--image: both containers, no placeholder left" "$got"
fi

# ---- the ConfigMap's files, byte for byte --------------------------------
same=1
for f in policy.yaml lead.txt nonl.txt empty.txt; do
	get "$tmp/files.yaml" ConfigMap watchbpf-policy "data.\"$f\"" >"$tmp/back" 2>>"$tmp/err" &&
		cmp -s "$tmp/back" "$tmp/$f" || { same=0; echo "$f differs" >>"$tmp/err"; }
done
get "$tmp/files.yaml" ConfigMap watchbpf-policy 'binaryData."bin.dat"' | base64 -d >"$tmp/back" &&
	cmp -s "$tmp/back" "$tmp/bin.dat" || { same=0; echo "bin.dat differs" >>"$tmp/err"; }
[ $same = 1 ] && ok "ConfigMap files come back byte for byte (text, binary, empty)" ||
	bad "ConfigMap files come back byte for byte (text, binary, empty)" "$(cat "$tmp/err")"

# the DaemonSet mounts that ConfigMap where its command reads the policy
cm=$(get "$tmp/default.yaml" DaemonSet watchbpf spec.template.spec.volumes)
script=$(get "$tmp/default.yaml" DaemonSet watchbpf spec.template.spec.containers.0.command.2)
mounts=$(get "$tmp/default.yaml" DaemonSet watchbpf spec.template.spec.containers.0.volumeMounts)
if grep -q '"configMap":{"name":"watchbpf-policy"' <<<"$cm" &&
	grep -q '"name":"policy","mountPath":"/etc/watchbpf"' <<<"$mounts" &&
	grep -q 'watchbpf run .* /etc/watchbpf/policy.yaml' <<<"$script"; then
	ok "the daemon reads the policy where the ConfigMap is mounted"
else
	bad "the daemon reads the policy where the ConfigMap is mounted" "$cm" "$mounts" "$script"
fi

# ---- the checksum annotation ---------------------------------------------
ann='spec.template.metadata.annotations."checksum/policy"'
sum=$(get "$tmp/default.yaml" DaemonSet watchbpf "$ann")
# the ConfigMap's document, its closing --- line included
want=$(awk '{ print } /^---$/ { exit }' "$tmp/default.yaml" | sha256sum | cut -d' ' -f1)
if [[ $sum =~ ^[0-9a-f]{64}$ ]] && [ "$sum" = "$want" ]; then
	ok "checksum/policy is the ConfigMap's SHA-256"
else
	bad "checksum/policy is the ConfigMap's SHA-256" "annotation '$sum'" "ConfigMap $want"
fi
again=$(render | tee "$tmp/again.yaml" >/dev/null; get "$tmp/again.yaml" DaemonSet watchbpf "$ann")
[ "$again" = "$sum" ] && ok "the same policy: the same checksum" ||
	bad "the same policy: the same checksum" "$sum" "$again"
cp "$k8s/policy.yaml" "$tmp/changed.yaml"
sed -i 's/^mode: audit$/mode: enforce/' "$tmp/changed.yaml"
render "$tmp/changed.yaml" >"$tmp/changed-out.yaml"
changed=$(get "$tmp/changed-out.yaml" DaemonSet watchbpf "$ann")
if [ -n "$changed" ] && [ "$changed" != "$sum" ] && ! cmp -s "$tmp/changed.yaml" "$k8s/policy.yaml"; then
	ok "a changed policy: another checksum (the pods roll)"
else
	bad "a changed policy: another checksum (the pods roll)" "$sum" "$changed"
fi
printf 'x' >>"$tmp/nonl.txt"
render --image example/watchbpf:1.2 --on-delete "$tmp/policy.yaml" "$tmp/lead.txt" \
	"$tmp/nonl.txt" "$tmp/empty.txt" "$tmp/bin.dat" >"$tmp/files2.yaml"
a=$(get "$tmp/files.yaml" DaemonSet watchbpf "$ann")
b=$(get "$tmp/files2.yaml" DaemonSet watchbpf "$ann")
[ -n "$a" ] && [ "$a" != "$b" ] && ok "a changed file beside the policy: another checksum" ||
	bad "a changed file beside the policy: another checksum" "$a" "$b"

# ---- the policy in the ConfigMap -----------------------------------------
get "$tmp/default.yaml" ConfigMap watchbpf-policy 'data."policy.yaml"' >"$tmp/cm-policy.yaml"
if cmp -s "$tmp/cm-policy.yaml" "$k8s/policy.yaml" && "$W" check "$tmp/cm-policy.yaml" >"$tmp/out" 2>&1; then
	ok "the ConfigMap's policy is deploy/kubernetes/policy.yaml and passes watchbpf check"
else
	bad "the ConfigMap's policy is deploy/kubernetes/policy.yaml and passes watchbpf check" \
		"$(cat "$tmp/out")"
fi

# ---- broken manifests ----------------------------------------------------
d=$tmp/default.yaml
sed 's/      hostPID: true/      hostPID: "true"/' "$d" >"$tmp/b.yaml"
rejected "rejects a field of the wrong type (hostPID: \"true\")" "$tmp/b.yaml" \
	"/spec/template/spec/hostPID must be boolean"
sed '0,/            type: Directory/s//            tpye: Directory/' "$d" >"$tmp/b.yaml"
rejected "rejects an unknown field deep in the pod (hostPath tpye)" "$tmp/b.yaml" \
	"/hostPath/tpye: unknown field"
sed '0,/        - name: watchbpf$/s//        - stdin: false/' "$d" >"$tmp/b.yaml"
rejected "rejects a container without its required name" "$tmp/b.yaml" \
	"containers/0 must have required property name"
sed 's/              type: Unconfined/              type: Off/' "$d" >"$tmp/b.yaml"
rejected "rejects a value no enum has (seccompProfile Off)" "$tmp/b.yaml" \
	"seccompProfile/type must be equal to one of the allowed values"
sed 's/            - name: pod-logs$/            - name: pod-log/' "$d" >"$tmp/b.yaml"
rejected "rejects a volumeMount of no volume" "$tmp/b.yaml" "pod-log: no such volume"
sed 's/^      labels:$/      labels:\n        app.kubernetes.io\/name: other/' "$d" >"$tmp/b.yaml"
rejected "rejects a duplicate key" "$tmp/b.yaml" "Map keys must be unique"
# the DaemonSet alone, its selector (the first label indented so) changed
sed -n '/^kind: DaemonSet/,$p' "$d" |
	sed -e '1s/^/apiVersion: apps\/v1\n/' \
	    -e '0,/^      app.kubernetes.io\/name: watchbpf$/s//      app.kubernetes.io\/name: other/' \
	    >"$tmp/b.yaml"
rejected "rejects a selector that does not match the template" "$tmp/b.yaml" \
	"/spec/selector: does not match the template's labels"
printf 'apiVersion: apps/v1\nkind: DaemonSett\nmetadata:\n  name: x\n' >"$tmp/b.yaml"
rejected "rejects an unknown kind" "$tmp/b.yaml" "unknown kind apps/v1 DaemonSett"
sed 's/      containers:$/      containerz:/' "$d" >"$tmp/b.yaml"
rejected "rejects a pod without containers" "$tmp/b.yaml" "must have required property containers"

# ---- render.sh refuses what it cannot render -----------------------------
if render --image 'bad image' >/dev/null 2>&1; then bad "render.sh refuses a bad image name"; else
	ok "render.sh refuses a bad image name"; fi
mkdir -p "$tmp/a" "$tmp/b"
: >"$tmp/a/x.pem"
: >"$tmp/b/x.pem"
if render "$k8s/policy.yaml" "$tmp/a/x.pem" "$tmp/b/x.pem" >/dev/null 2>&1; then
	bad "render.sh refuses two files of one name"
else ok "render.sh refuses two files of one name"; fi
if render "$tmp/missing.yaml" >/dev/null 2>&1; then bad "render.sh refuses a missing policy"; else
	ok "render.sh refuses a missing policy"; fi

# ---- the daemon container's shell: SIGTERM becomes `watchbpf stop` -------
# A fake watchbpf: `run` ignores SIGTERM, as the daemon refuses it, and
# exits when told to stop; `stop` fails twice (no control socket yet).
mkdir -p "$tmp/bin" "$tmp/fake"
cat >"$tmp/bin/watchbpf" <<EOF
#!/bin/sh
d=$tmp/fake
case \$1 in
run) trap '' TERM INT; echo \$\$ >"\$d/pid"; while [ ! -e "\$d/stopped" ]; do sleep 0.1; done
     exit "\$(cat "\$d/stopped")" ;;
stop) n=\$(cat "\$d/tries" 2>/dev/null || echo 0); echo \$((n + 1)) >"\$d/tries"
      [ "\$n" -ge 2 ] || exit 1; echo 0 >"\$d/stopped" ;;
status) [ -e "\$d/status" ] ;;
esac
EOF
chmod +x "$tmp/bin/watchbpf"
PATH=$tmp/bin:$PATH sh -c "$script" &
shell=$!
for _ in $(seq 100); do [ -s "$tmp/fake/pid" ] && break; sleep 0.1; done
kill -TERM "$shell"
wait "$shell"
rc=$?
if [ "$rc" = 0 ] && [ "$(cat "$tmp/fake/tries" 2>/dev/null)" = 3 ] && ! kill -0 "$(cat "$tmp/fake/pid")" 2>/dev/null; then
	ok "SIGTERM: watchbpf stop until it is done, then the daemon's exit status"
else
	bad "SIGTERM: watchbpf stop until it is done, then the daemon's exit status" "rc $rc, tries $(cat "$tmp/fake/tries" 2>/dev/null)"
fi
rm -f "$tmp/fake/"*
PATH=$tmp/bin:$PATH sh -c "$script" &
shell=$!
for _ in $(seq 100); do [ -s "$tmp/fake/pid" ] && break; sleep 0.1; done
echo 2 >"$tmp/fake/stopped" # the daemon fails on its own
wait "$shell"
rc=$?
[ "$rc" = 2 ] && ok "the daemon's failure is the container's (exit 2)" ||
	bad "the daemon's failure is the container's (exit 2)" "rc $rc"

# ---- the readiness probe: a status file rewritten within 10 s ------------
probe=$(get "$tmp/default.yaml" DaemonSet watchbpf spec.template.spec.containers.1.readinessProbe.exec.command.2)
probe=${probe//\/run\/watchbpf/$tmp\/fake}
touch "$tmp/fake/status" "$tmp/fake/status.json"
PATH=$tmp/bin:$PATH sh -c "$probe" && r1=0 || r1=1
touch -d '-30 seconds' "$tmp/fake/status.json"
PATH=$tmp/bin:$PATH sh -c "$probe" && r2=0 || r2=1
rm -f "$tmp/fake/status" "$tmp/fake/status.json"
PATH=$tmp/bin:$PATH sh -c "$probe" 2>/dev/null && r3=0 || r3=1
[ "$r1$r2$r3" = 011 ] && ok "readiness: fresh status ready; stale or none not" ||
	bad "readiness: fresh status ready; stale or none not" "fresh $r1 stale $r2 none $r3 (want 0 1 1)" "$probe"

# ---- the status container: on SIGTERM, there while the daemon is --------
status=$(get "$tmp/default.yaml" DaemonSet watchbpf spec.template.spec.containers.1.command.2)
status=${status//\/run\/watchbpf/$tmp\/fake}
touch "$tmp/fake/status.json"
# its `sleep 3600` outlives it: a sleep that says its pid, to be ended
cat >"$tmp/bin/sleep" <<EOF
#!/bin/sh
echo \$\$ >>"$tmp/fake/sleeps"
exec $(command -v sleep) "\$@"
EOF
chmod +x "$tmp/bin/sleep"
PATH=$tmp/bin:$PATH sh -c "$status" >/dev/null 2>&1 &
shell=$!
# its trap is set once it sleeps
for _ in $(seq 100); do [ -s "$tmp/fake/sleeps" ] && break; sleep 0.1; done
kill -TERM "$shell"
sleep 1.5
kill -0 "$shell" 2>/dev/null && r1=0 || r1=1
rm -f "$tmp/fake/status.json"
for _ in $(seq 100); do kill -0 "$shell" 2>/dev/null || break; sleep 0.1; done
kill -0 "$shell" 2>/dev/null && r2=0 || r2=1
wait "$shell"
r3=$?
[ "$r1$r2$r3" = 010 ] && ok "status container: stays on SIGTERM while the daemon runs, then exits 0" ||
	bad "status container: stays on SIGTERM while the daemon runs, then exits 0" \
		"alive after TERM $r1, gone after the daemon $r2, exit $r3 (want 0 1 0)"
while read -r pid; do kill "$pid" 2>/dev/null; done <"$tmp/fake/sleeps"

finish
