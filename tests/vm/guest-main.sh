# SPDX-License-Identifier: GPL-2.0
# /mnt/scenario.sh of the test disk: runs the selected scenarios in order and
# exits with the number of failed checks.
. /mnt/lib.sh
for s in /mnt/scenarios/*.sh; do
	echo "# scenario $(basename "$s" .sh)"
	. "$s"
done
exit $FAILED
