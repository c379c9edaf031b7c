#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Renders watchbpf's Kubernetes manifests on stdout: the ConfigMap
# watchbpf-policy with POLICY as policy.yaml and each FILE under its own
# name (certificates, digest lists: what the policy names as
# /etc/watchbpf/NAME), then deploy/kubernetes/watchbpf.yaml with IMAGE and
# the ConfigMap's SHA-256 in the pod template's checksum/policy annotation,
# so that a changed policy rolls the pods. Needs bash, coreutils and iconv
# only: no kubectl, no cluster.
#
#   render.sh [--image IMAGE] [--on-delete] [POLICY [FILE...]] | kubectl apply -f -
#
# POLICY defaults to deploy/kubernetes/policy.yaml, IMAGE to watchbpf:latest.
# --on-delete: updateStrategy OnDelete, for a policy with admin.certs
# (docs/kubernetes.md, "Signed policies").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=watchbpf:latest
strategy=RollingUpdate

usage() {
	echo "usage: render.sh [--image IMAGE] [--on-delete] [POLICY [FILE...]]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--image)
		[ $# -ge 2 ] || usage
		image=$2
		shift 2
		;;
	--on-delete)
		strategy=OnDelete
		shift
		;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
policy=${1:-$here/policy.yaml}
[ $# -gt 0 ] && shift
# it goes into YAML and sed unquoted
[[ $image =~ ^[A-Za-z0-9][A-Za-z0-9._/:@-]*$ ]] || { echo "render.sh: bad image name '$image'" >&2; exit 2; }

# KEY FILE: one member of the ConfigMap. Text as a literal block (an
# explicit indentation, so a first line's spaces are kept; '+' keeps the
# file's final newlines, '-' says it has none), anything YAML would not
# keep byte for byte (not UTF-8, CR, control bytes) in binaryData.
is_text() {
	iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1 &&
		! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$1" &&
		[ "$(tr -d '\000' <"$1" | wc -c)" = "$(wc -c <"$1")" ]
}
text_member() {
	local key=$1 file=$2
	if [ ! -s "$file" ]; then
		printf '  %s: ""\n' "$key"
		return
	fi
	if [ -z "$(tail -c 1 "$file")" ]; then
		printf '  %s: |2+\n' "$key"
	else
		printf '  %s: |2-\n' "$key"
	fi
	sed 's/^/    /' "$file"
	[ -z "$(tail -c 1 "$file")" ] || echo
}

keys=() files=()
add() {
	local key=$2
	[ -f "$1" ] && [ -r "$1" ] || { echo "render.sh: cannot read $1" >&2; exit 1; }
	# what a ConfigMap key may be
	[[ $key =~ ^[-._a-zA-Z0-9]+$ ]] && [ ${#key} -le 253 ] ||
		{ echo "render.sh: $1: '$key' is no ConfigMap key" >&2; exit 1; }
	for k in "${keys[@]}"; do
		[ "$k" != "$key" ] || { echo "render.sh: two files named $key" >&2; exit 1; }
	done
	keys+=("$key")
	files+=("$1")
}
add "$policy" policy.yaml
for f in "$@"; do
	add "$f" "$(basename "$f")"
done

configmap=$({
	cat <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: watchbpf-policy
  namespace: kube-system
  labels:
    app.kubernetes.io/name: watchbpf
EOF
	text=() binary=()
	for i in "${!keys[@]}"; do
		if is_text "${files[$i]}"; then text+=("$i"); else binary+=("$i"); fi
	done
	if [ ${#text[@]} -gt 0 ]; then
		echo "data:"
		for i in "${text[@]}"; do
			text_member "${keys[$i]}" "${files[$i]}"
		done
	fi
	if [ ${#binary[@]} -gt 0 ]; then
		echo "binaryData:"
		for i in "${binary[@]}"; do
			printf '  %s: %s\n' "${keys[$i]}" "$(base64 -w0 "${files[$i]}")"
		done
	fi
	echo "---"
})
sum=$(printf '%s\n' "$configmap" | sha256sum | cut -d' ' -f1)

printf '%s\n' "$configmap"
sed -e "s|@IMAGE@|$image|g" -e "s|@POLICY_SHA256@|$sum|" \
	-e "s|type: RollingUpdate  # render.sh: strategy|type: $strategy|" \
	"$here/watchbpf.yaml"
