/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running daemon's state (gatekeeper/run.c), and the records it makes of
 * its own (gatekeeper/reports.c): drops, probe counts, the gap a pinned
 * state went without a daemon, why it stopped, the status file.
 */
#ifndef WATCHBPF_DAEMON_H
#define WATCHBPF_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "gatekeeper/admin.h"
#include "gatekeeper/config.h"
#include "gatekeeper/control.h"
#include "gatekeeper/event_record.h"
#include "gatekeeper/calls.h"
#include "gatekeeper/exe_id.h"
#include "gatekeeper/names.h"
#include "gatekeeper/persist.h"
#include "log/writer.h"
#include "policy/policy.h"

struct btf;
struct learn_live;
struct ring_buffer;
struct watchbpf;

/* A policy ready to be put in force: parsed, resolved, with its keyring. */
struct loaded {
	struct wb_policy pol;
	struct wb_config *cfg;
	int32_t keyring;
};

struct gatekeeper {
	const char *policy_path;
	int mode_override; /* -1, or the command line's WB_MODE_* */
	const char *log_path, *log_key, *status_path, *control_path;
	int control_fd, epoll_fd; /* -1: none */
	bool json_stdout;
	unsigned int ringbuf_size;
	/* --kubelet-logs: pods/ and containers/ name the pods of records
	 * (gatekeeper/pod.h); NULL: none */
	const char *kubelet_logs;
	struct wb_pods *pods;
	struct wb_writer *log;
	struct wb_origin origin;
	uint64_t next_id; /* decision ids, from 1 */
	uint64_t logged; /* decision records written */
	uint64_t drops_told; /* events_dropped already reported */
	uint64_t probes_told[WB_MAX_LOADERS]; /* feature probes already reported */
	uint64_t stdout_seq; /* the JSON stdout's own chain position */
	/* what records name the policy by: ours, so a reload cannot leave
	 * them pointing into the policy it freed */
	char policy_name[WB_POLICY_NAME_MAX + 1], policy_version[WB_POLICY_VERSION_SIZE];
	char stdout_prev[WB_HASH_HEX + 1]; /* the JSON stdout's own chain */
	time_t started;
	struct loaded cur;
	struct wb_ids ids;
	struct wb_names names;
	struct wb_calls calls; /* kfunc names of program loads' records */
	struct wb_exes exes; /* exe and exe_digest of bpf() records */
	struct btf *vmlinux;
	struct watchbpf *skel;
	struct ring_buffer *rb;
	unsigned long long mnt_ns_inum;
	bool attached; /* links are registered as our own as they come */
	struct persist persist; /* --persist: the pinned state */
	const char *stop_why; /* for the last record: what stopped the daemon */
	bool end_enforcement; /* the stop ends a pinned state too */
	char upgrade_to[WB_CONTROL_LINE]; /* exec this build when the loop ends */
	char **argv; /* the command line, for the upgrade's exec */
	bool test_abort; /* WATCHBPF_TEST_ABORT: the "abort" request crashes it */
	bool stop_requested; /* by a control request: the loop ends */
	char nonce[WB_NONCE_HEX]; /* what the next signed request must name */
	struct learn_live *learn; /* --learn FILE (learn/live.h), or NULL */
};

/* Reads the policy file anew and puts it in force; with MUST_BE, only if
 * its bytes have that SHA-256 ("sha256:HEX": an admin-signed reload's).
 * 0, or -1; either way MSG says what happened (gatekeeper/run.c). */
int do_reload(struct gatekeeper *gk, const char *must_be, char *msg, size_t len);
/* One request of the control socket (gatekeeper/serve.c). */
void serve_control(struct gatekeeper *gk);
/* `watchbpf upgrade`: exec the new build; returns only on failure. */
void exec_upgrade(struct gatekeeper *gk, int argc);

/* One record to every sink: stdout (text or chained JSON) and --log. */
void emit_record(struct gatekeeper *gk, const struct wb_record *r);
/* Fills R as a record of the daemon's own (op "-") with ACTION. */
void daemon_record(struct gatekeeper *gk, struct wb_record *r, const char *action);
void report_drops(struct gatekeeper *gk);
void report_probes(struct gatekeeper *gk);
void report_adoption(struct gatekeeper *gk);
void note_state(struct gatekeeper *gk, bool stopped);
void report_stop(struct gatekeeper *gk, int sig);
void print_totals(struct gatekeeper *gk);
void write_status(struct gatekeeper *gk);

#endif
