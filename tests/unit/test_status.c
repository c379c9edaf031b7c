// SPDX-License-Identifier: GPL-2.0
/* The status file `watchbpf status` reads: counters by action and op. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "gatekeeper/status.h"
#include "lib/util.h"
#include "test.h"

TEST(status_counts_probes_and_new_ops)
{
	char dir[] = "/tmp/wbstatus.XXXXXX", path[64], buf[8192];
	static struct wb_status st;
	struct wb_names n;
	FILE *f;
	size_t len;

	if (!CHECK(mkdtemp(dir) != NULL, "mkdtemp"))
		return;
	snprintf(path, sizeof(path), "%s/status.json", dir);
	memset(&n, 0, sizeof(n));
	memset(&st, 0, sizeof(st));
	st.names = &n;
	st.policy = "p";
	st.version = "v";
	st.mode = "enforce";
	st.totals.decisions[wb_op_index(BPF_PROG_LOAD)][WB_ACT_PROBE] = 5;
	st.totals.decisions[wb_op_index(WB_OP_PERF_IOCTL)][WB_ACT_DENIED] = 1;
	st.totals.decisions[wb_op_index(WB_OP_FD_RECEIVE)][WB_ACT_DENIED] = 2;
	st.totals.by_action[WB_ACT_PROBE] = 5;
	st.totals.by_action[WB_ACT_DENIED] = 3;
	st.totals.total = 8;
	CHECK_INT(status_write(path, &st), ==, 0);
	f = fopen(path, "r");
	if (!CHECK(f != NULL, "status file written"))
		goto out;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[len] = '\0';
	fclose(f);
	CHECK(strstr(buf, "\"Probe\":5") != NULL, "%s", buf);
	CHECK(strstr(buf, "\"load\":{\"Probe\":5}") != NULL, "%s", buf);
	CHECK(strstr(buf, "\"perf_ioctl\":{\"Denied\":1}") != NULL, "%s", buf);
	CHECK(strstr(buf, "\"fd_receive\":{\"Denied\":2}") != NULL, "%s", buf);
out:
	unlink(path);
	rmdir(dir);
}
