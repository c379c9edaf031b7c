# SPDX-License-Identifier: GPL-2.0
# Measured identity on file systems without fs-verity, attacked the ways a
# path can come to name other bytes: modified, truncated, replaced, renamed
# over, hard-linked, bind-mounted over, and for an overlay (every container
# image), written through the overlay (a copy-up) or in the lower layer.
# None gives Eve's code a loader's mark. The overlay's identity follows the
# real file underneath (data_inode(), bpf/measured.bpf.h).

B=/mnt/bin
L=/tmp/wb.out
cp $B/alice /tmp/eve
printf x >>/tmp/eve # other bytes: Eve's program, which tries bpf() and says EPERM
cp $B/attack /tmp/eve-attack
mkdir -p /tmp/mf /mnt/mf /tmp/ol/lower /tmp/ol/upper /tmp/ol/work /tmp/ol/merged
cp $B/alice /tmp/mf/alice # tmpfs
cp $B/bob /mnt/mf/bob # ext4, fs-verity off
cp $B/alice /tmp/ol/lower/oalice
cp $B/bob /tmp/ol/lower/obob
if mount -t overlay overlay -o lowerdir=/tmp/ol/lower,upperdir=/tmp/ol/upper,workdir=/tmp/ol/work \
	/tmp/ol/merged; then pass "an overlay (tmpfs layers) is mounted"
else fail "an overlay (tmpfs layers) is mounted" "$(dmesg | tail -n 3)"; fi
A=$(watchbpf digest $B/alice | cut -d' ' -f1)
BD=$(watchbpf digest $B/bob | cut -d' ' -f1)
# an executable is one loader: the overlay's turn comes with a second policy
cat >/tmp/mfs.yaml <<EOT
name: mfs
default:
  bpf: deny
loaders:
  - name: tmpalice
    exec: { digest: $A, path: /tmp/mf/alice }
  - name: extbob
    exec: { digest: $BD, path: /mnt/mf/bob }
EOT
cat >/tmp/ovl.yaml <<EOT
name: ovl
default:
  bpf: deny
loaders:
  - name: oalice
    exec: { digest: $A, path: /tmp/ol/merged/oalice }
  - name: obob
    exec: { digest: $BD, path: /tmp/ol/merged/obob }
EOT
expect_ok "measured-fs policy is valid" watchbpf check /tmp/mfs.yaml
start_gatekeeper --enforce /tmp/mfs.yaml || fail "gatekeeper starts (measured-fs)" "$(cat /tmp/wb.err)"
expect_line "two files measured" '2 files without fs-verity measured' /tmp/wb.err
expect_no_line "nothing left out" 'warning: measured' /tmp/wb.err

for f in /tmp/mf/alice /mnt/mf/bob; do
	expect_ok "$f: the measured loader is its loader" $f
	expect_eperm "$f: modify" sh -c "echo x >>$f"
	expect_eperm "$f: truncate" /tmp/eve-attack truncate $f
	ln $f $f.link
	expect_eperm "$f: a hard link is the same inode: no write through it" sh -c "echo x >>$f.link"
	expect_eperm "$f: ... and exec through it is not the loader's path" $f.link
	rm -f $f.link
	mount --bind /tmp/eve $f
	expect_eperm "$f: Eve's file bind-mounted over the path is nobody" $f
	umount $f
	expect_ok "$f: the measured file again once unmounted" $f
done
cp /tmp/eve /tmp/mf/eve
mv /tmp/mf/eve /tmp/mf/alice
expect_eperm "renamed over on tmpfs: Eve's file at the path is nobody" /tmp/mf/alice
cp /tmp/eve /mnt/mf/eve
mv /mnt/mf/eve /mnt/mf/bob
expect_eperm "renamed over on ext4: Eve's file at the path is nobody" /mnt/mf/bob
stop_gatekeeper

# ---- overlay: the identity follows the real file underneath
start_gatekeeper --enforce /tmp/ovl.yaml || fail "gatekeeper starts (overlay)" "$(cat /tmp/wb.err)"
expect_line "overlay: both files measured, under the overlay" '2 files without fs-verity measured' /tmp/wb.err
expect_no_line "overlay: nothing left out" 'warning: measured' /tmp/wb.err
expect_ok "overlay: the measured loader in the merged tree is its loader" /tmp/ol/merged/obob
expect_ok "overlay: the other one too" /tmp/ol/merged/oalice
expect_eperm "overlay: a write to the lower layer's file is refused" sh -c 'echo x >>/tmp/ol/lower/obob'
expect_eperm "overlay: a truncate of the lower layer's file is refused" /tmp/eve-attack truncate /tmp/ol/lower/obob
expect_ok "overlay: still its loader after the attempts" /tmp/ol/merged/obob
# a write through the overlay copies the file up: another file, nobody's
expect_ok "overlay: a write through the merged tree goes to the upper layer" \
	sh -c 'cat /tmp/eve >/tmp/ol/merged/oalice'
expect_eperm "overlay: the copied-up file is nobody" /tmp/ol/merged/oalice
expect_ok "overlay: the lower file is unchanged" cmp $B/alice /tmp/ol/lower/oalice
cp /tmp/eve /tmp/ol/merged/neweve
expect_eperm "overlay: a new file in the merged tree is nobody" /tmp/ol/merged/neweve
sleep 0.5
expect_line "overlay: the refused lower write is logged" 'op: write action: Denied reason: measured-file:/tmp/ol/lower/obob' $L

stop_gatekeeper
umount /tmp/ol/merged
rm -rf /tmp/mf /mnt/mf /tmp/ol /tmp/mfs.yaml /tmp/ovl.yaml
