/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decision record: the one model every sink formats. The daemon fills a
 * wb_record per decision; record_format_text() makes the human line (stdout),
 * record_format_json() the line of the hash-chained JSON log (log/writer.h),
 * and record_parse_json() reads such a line back for `watchbpf log`.
 * docs/log-format.md is the reference for both formats.
 */
#ifndef WATCHBPF_LOG_RECORD_H
#define WATCHBPF_LOG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SHA-256, raw and in lower-case hex */
#define WB_HASH_LEN 32
#define WB_HASH_HEX 64
/* "2026-11-21T05:55:16.123456789Z" and a NUL */
#define WB_TIME_STR 31
/* the "v" member of every line */
#define WB_LOG_VERSION 1

struct wb_record {
	uint64_t time_ns; /* CLOCK_REALTIME, ns */
	const char *boot_id, *host; /* /proc/sys/kernel/random/boot_id, gethostname */
	/* policy name; version = sha256 of the policy file, first 12 hex */
	const char *policy, *policy_version;
	/* decision id: monotonic per daemon run, from 1; 0: a daemon record */
	uint64_t id;
	const char *op; /* "exec", "load", "update", "map_create", ... or "-" for daemon records */
	/* "Approved", "BPFDenied", "Denied", "Tainted", "EventsDropped", "Checkpoint" ... */
	const char *action;
	bool audit, killed; /* text: "action: BPFDenied audit", "action: BPFDenied,Killed" */
	const char *reason; /* NULL or e.g. "not-loader", "helper:probe_write_user" */
	const char *rule; /* NULL or the matched rule, e.g. "alice.programs.deny_helpers" */
	const char *loader; /* NULL or loader name */
	uint32_t pid, tid, uid;
	const char *comm, *exe, *exe_digest, *cgroup, *pod;
	/* a task in a Kubernetes pod (gatekeeper/pod.h): what is known of it,
	 * NULL what is not; all NULL for a task in none. pod is then
	 * "namespace/pod/container" when the pod's name is known. */
	const char *k8s_namespace, *k8s_pod, *k8s_pod_uid, *k8s_container, *k8s_container_id;
	const char *type; /* prog or map type name, NULL if none */
	const char *name; /* prog or map name, NULL if none */
	int64_t insn_cnt; /* -1 unknown */
	/* a program load: libbpf's name of its expected attach type, and the
	 * helpers (policy spelling, no "bpf_") and kfuncs it calls, separated
	 * by ','; kfuncs ends in ",..." when it calls more than were kept.
	 * NULL: not a program load, or not known. */
	const char *attach_type, *helpers, *kfuncs;
	int64_t map_id; /* -1 unknown */
	/* EventsDropped, RecordsLost: how many; Checkpoint: lines before it */
	uint64_t count;

	/*
	 * Filled by the JSON writer, not by the daemon: they belong to the
	 * chained file, and record_parse_json() must give them back.
	 */
	uint64_t seq; /* position in the hash chain, from 1 */
	const char *key; /* Checkpoint: SHA-256 of the signer's public key (DER SPKI), hex */
	const char *sig; /* Checkpoint: base64 signature, see docs/log-format.md */
};

/*
 * The human line, as the daemon has always printed it:
 *
 * process: COMM pid: PID pod: POD op: OP[ type: T][ name: N] action: ACTION[,Killed][ audit][ reason: R][ loader: L]
 *
 * A missing comm is "?" and a missing pod "host". Daemon records (op "-")
 * show "-" for both and end with " count: N" when N is not 0 or the action
 * is EventsDropped. No field can forge another or a line: in comm, pod and
 * name every byte below 0x21 or above 0x7e is '?', in the other fields
 * (the daemon's own words, which may hold spaces) every byte below 0x20
 * or above 0x7e. Like snprintf(): never writes past len, NUL-terminates
 * when len > 0, returns the would-be length.
 */
int record_format_text(const struct wb_record *r, char *buf, size_t len);

/*
 * One JSON object, no newline, members in the fixed order of
 * docs/log-format.md; prev_hash_hex is the hex SHA-256 of the previous
 * line (NULL: 64 zeros, the first line of a chain). key and sig are written
 * only when sig is set, sig last. Same return contract as above.
 */
int record_format_json(const struct wb_record *r, const char *prev_hash_hex, char *buf, size_t len);

/* What a parsed line has besides the record. */
struct wb_parsed {
	struct wb_record rec; /* strings point into the caller's scratch */
	char prev[WB_HASH_HEX + 1];
	uint64_t version;
	/* Checkpoint: the line's bytes before ,"sig": (what is signed) */
	size_t signed_len;
};

/*
 * Parses one line (without its newline). Strings land in scratch, which
 * must be at least len + 1 bytes. Unknown members are skipped, so newer
 * writers stay readable; duplicate or mistyped ones are errors, as are
 * missing v, seq, prev, time, op or action. Returns 0, or -1 with *why.
 */
int record_parse_json(const char *line, size_t len, struct wb_parsed *out, char *scratch,
		      size_t scratch_len, const char **why);

/* "2026-11-21T05:55:16.123456789Z" (RFC 3339, UTC, always 9 digits) */
void record_time_str(uint64_t time_ns, char buf[WB_TIME_STR]);
/*
 * RFC 3339: DATE{T,t,space}TIME[.FRACTION]{Z,z,+hh:mm,-hh:mm}; at most 9
 * fraction digits count. 0, or -1 if s[0..n) is not one or before 1970.
 */
int record_parse_time(const char *s, size_t n, uint64_t *time_ns);

/* CLOCK_REALTIME and CLOCK_MONOTONIC in ns */
uint64_t wb_realtime_ns(void);
uint64_t wb_monotonic_ns(void);

/* gethostname() and /proc/sys/kernel/random/boot_id, for the record's
 * host and boot_id; "-" for what cannot be read. */
void wb_host_identity(char *host, size_t host_len, char *boot_id, size_t boot_id_len);

/* lower-case hex of n bytes into out[2n + 1] */
void wb_hex(const unsigned char *in, size_t n, char *out);

#endif
