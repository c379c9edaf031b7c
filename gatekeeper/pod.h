/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kubernetes pod names for decision records (gatekeeper/pod.c). A record
 * carries the task's cgroup id and the last component of its cgroup path;
 * a container's cgroup path carries its pod's UID and its container ID:
 *
 *   /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope
 *   /kubepods/burstable/pod<uid>/<id>
 *
 * (systemd and cgroupfs drivers; '-' of the UID as '_' under systemd).
 * The kubelet's log directories name the rest, with no API access:
 * <pods>/<namespace>_<pod>_<uid>/<container>/ and the links
 * <containers>/<pod>_<namespace>_<container>-<id>.log.
 */
#ifndef WATCHBPF_GATEKEEPER_POD_H
#define WATCHBPF_GATEKEEPER_POD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kubernetes' limits: a namespace and a container name are DNS labels
 * (63), a pod name a DNS subdomain (253); UIDs are 36 characters (32 for a
 * static pod), container IDs 64 hex digits. */
#define WB_K8S_NS_LEN 64
#define WB_K8S_NAME_LEN 254
#define WB_K8S_UID_LEN 40
#define WB_K8S_ID_LEN 72

/* What is known of a task's pod; an empty string is not known. */
struct wb_pod {
	char ns[WB_K8S_NS_LEN];
	char name[WB_K8S_NAME_LEN];
	char uid[WB_K8S_UID_LEN];
	char container[WB_K8S_NS_LEN];
	char container_id[WB_K8S_ID_LEN];
	/* the records' pod: "namespace/pod/container", "namespace/pod" when
	 * the container's name is not known, "" when the pod's is not */
	char label[WB_K8S_NS_LEN + WB_K8S_NAME_LEN + WB_K8S_NS_LEN];
};

struct wb_pods_opts {
	const char *cgroup_root; /* the cgroup v2 mount: /sys/fs/cgroup */
	const char *pods_dir; /* the kubelet's: /var/log/pods */
	const char *containers_dir; /* /var/log/containers */
	/* a pod or container not found yet is looked for again after this
	 * long (its log directory may not be there yet); 0: at every lookup */
	unsigned int retry_ms;
};

struct wb_pods;

/* A resolver with an empty cache; NULL when out of memory. */
struct wb_pods *pods_new(const struct wb_pods_opts *o);
void pods_free(struct wb_pods *p);

/*
 * The pod of a task in cgroup CGROUP_ID, whose cgroup's name (maybe cut
 * short, as an event carries it) is LEAF. NULL when the task is in no
 * Kubernetes pod. Otherwise the uid and container_id are known and the
 * rest may not be (a pod or container the kubelet's logs do not name).
 * Valid until the next call. Names of no container cost nothing; the
 * first lookup of a container walks the cgroup tree for its path.
 */
const struct wb_pod *pods_lookup(struct wb_pods *p, uint64_t cgroup_id, const char *leaf);

/* How many times the cgroup tree was walked (a cache miss). */
unsigned long pods_walks(const struct wb_pods *p);

/* The cgroup v2 mount to walk: /sys/fs/cgroup, or /sys/fs/cgroup/unified on
 * a hybrid host; NULL on a host with cgroup v1 only. */
const char *pods_cgroup2_root(void);

/* The pod UID and container ID a cgroup path names; false when it is no
 * container of a Kubernetes pod. */
bool pod_parse_cgroup(const char *path, char *uid, size_t uid_len, char *id, size_t id_len);

/* The path, below ROOT, of the directory with inode number ID (a cgroup's
 * id on cgroup v2), into OUT (ROOT included). 0, or -1 when not found. */
int pod_find_cgroup(const char *root, uint64_t id, char *out, size_t len);

#endif
