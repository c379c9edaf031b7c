# SPDX-License-Identifier: GPL-2.0
# /mnt/scenario.sh of the test disk: runs the selected scenarios in order and
# exits with the number of failed checks.
. /mnt/lib.sh
for s in /mnt/scenarios/*.sh; do
	wbvm_scn=$(basename "$s" .sh)
	echo "# scenario $wbvm_scn"
	wbvm_t0=$(cut -d. -f1 /proc/uptime)
	. "$s"
	# where the suite's time goes (make test's budget, docs/testing.md)
	echo "# scenario $wbvm_scn took $(($(cut -d. -f1 /proc/uptime) - wbvm_t0))s"
done
exit $FAILED
