// SPDX-License-Identifier: GPL-2.0
/* Kubernetes pod names in records (gatekeeper/pod.c): cgroup paths of the
 * systemd and cgroupfs drivers, a fake cgroup tree and a fake kubelet log
 * tree, the cache, and the records' text and JSON. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <linux/bpf.h>

#include "gatekeeper/event_record.h"
#include "gatekeeper/pod.h"
#include "test.h"

/* a container ID: 64 hex digits, DIGIT first */
static const char *cid(char digit)
{
	static char ids[16][65];
	static int next;
	char *s = ids[next++ % 16];

	for (int i = 0; i < 64; i++)
		s[i] = "0123456789abcdef"[(digit - '0' + i * 7) % 16];
	s[0] = digit;
	s[64] = '\0';
	return s;
}

#define UID1 "1b2c3d4e-5f60-4718-892a-0b1c2d3e4f51"
#define UID2 "2b2c3d4e-5f60-4718-892a-0b1c2d3e4f52"
#define UID3 "3b2c3d4e-5f60-4718-892a-0b1c2d3e4f53"
#define UID4 "4b2c3d4e-5f60-4718-892a-0b1c2d3e4f54"
#define UID6 "6b2c3d4e-5f60-4718-892a-0b1c2d3e4f56"
/* a static pod's UID: the hash of its manifest */
#define UID7 "c2bca9ba2f4fd3f4f7d1b2a1a7e5e8d9"
/* the same, as systemd's slice names spell them */
#define UID1_ "1b2c3d4e_5f60_4718_892a_0b1c2d3e4f51"
#define UID2_ "2b2c3d4e_5f60_4718_892a_0b1c2d3e4f52"
#define UID4_ "4b2c3d4e_5f60_4718_892a_0b1c2d3e4f54"
#define UID6_ "6b2c3d4e_5f60_4718_892a_0b1c2d3e4f56"

static bool parses(const char *path, const char *want_uid, const char *want_id)
{
	char uid[WB_K8S_UID_LEN], id[WB_K8S_ID_LEN];

	if (!pod_parse_cgroup(path, uid, sizeof(uid), id, sizeof(id)))
		return !want_uid;
	if (!want_uid) {
		fprintf(stderr, "  %s: parsed as pod %s container %s\n", path, uid, id);
		return false;
	}
	if (strcmp(uid, want_uid) || strcmp(id, want_id)) {
		fprintf(stderr, "  %s: pod %s container %s\n", path, uid, id);
		return false;
	}
	return true;
}

TEST(pod_cgroup_paths)
{
	char p[512], id[65];

	snprintf(id, sizeof(id), "%s", cid('1'));
	/* systemd driver: containerd, CRI-O, Docker (cri-dockerd), each QoS */
	snprintf(p, sizeof(p),
		 "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID1_
		 ".slice/cri-containerd-%s.scope",
		 id);
	CHECK(parses(p, UID1, id), "systemd containerd");
	snprintf(p, sizeof(p),
		 "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID2_
		 ".slice/crio-%s.scope",
		 id);
	CHECK(parses(p, UID2, id), "systemd cri-o");
	snprintf(p, sizeof(p), "/kubepods.slice/kubepods-pod" UID4_ ".slice/docker-%s.scope", id);
	CHECK(parses(p, UID4, id), "systemd docker, guaranteed");
	/* cgroupfs driver */
	snprintf(p, sizeof(p), "/kubepods/burstable/pod" UID3 "/%s", id);
	CHECK(parses(p, UID3, id), "cgroupfs containerd");
	snprintf(p, sizeof(p), "/kubepods/pod" UID3 "/crio-%s", id);
	CHECK(parses(p, UID3, id), "cgroupfs cri-o, guaranteed");
	snprintf(p, sizeof(p), "/kubepods/besteffort/pod" UID7 "/%s", id);
	CHECK(parses(p, UID7, id), "a static pod's UID");
	/* a kubelet in a container (kind), its tree below another */
	snprintf(p, sizeof(p),
		 "/system.slice/docker-%s.scope/kubelet.slice/kubelet-kubepods.slice/"
		 "kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" UID2_
		 ".slice/cri-containerd-%s.scope",
		 cid('9'), id);
	CHECK(parses(p, UID2, id), "nested kubelet");

	/* no pod's container */
	CHECK(parses("/system.slice/sshd.service", NULL, NULL), "a service");
	CHECK(parses("/", NULL, NULL), "the root");
	snprintf(p, sizeof(p), "/system.slice/docker-%s.scope", id);
	CHECK(parses(p, NULL, NULL), "docker without a kubelet");
	CHECK(parses("/kubepods/burstable/pod" UID3, NULL, NULL), "the pod's own cgroup");
	snprintf(p, sizeof(p), "/kubepods.slice/kubepods-pod" UID4_ ".slice/crio-conmon-%s.scope",
		 id);
	CHECK(parses(p, NULL, NULL), "cri-o's conmon");
	snprintf(p, sizeof(p), "/kubepods/pod" UID3 "/%.11s", id);
	CHECK(parses(p, NULL, NULL), "an ID too short");
	snprintf(p, sizeof(p), "/kubepods/pod" UID3 "/%s", id);
	p[strlen(p) - 1] = 'G';
	CHECK(parses(p, NULL, NULL), "an ID not hex");
	snprintf(p, sizeof(p), "/kubepods/pod" UID3 "/cri-containerd-%s.scope.x", id);
	CHECK(parses(p, NULL, NULL), "a name after .scope");
	snprintf(p, sizeof(p), "/kubepods/pod../%s", id);
	CHECK(parses(p, NULL, NULL), "a UID with dots");
	snprintf(p, sizeof(p), "/kubepods/pod%s0/%s", UID3, id);
	CHECK(parses(p, NULL, NULL), "a UID too long");
}

/* mkdir -p */
static void mkdirs(const char *path)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	CHECK(!mkdir(p, 0755) || errno == EEXIST, "mkdir %s: %s", p, strerror(errno));
}

/* a container cgroup under the fake root; its "cgroup id" (inode) */
static uint64_t cgroup(const char *root, const char *path)
{
	char p[1024];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", root, path);
	mkdirs(p);
	return stat(p, &st) ? 0 : st.st_ino;
}

/* the kubelet's link for a container in a pod: DIR/NAME_NS_CONTAINER-ID.log,
 * cut to 251 characters before .log as the kubelet cuts it */
static void container_link(const char *dir, const char *pod, const char *ns, const char *c,
			   const char *id)
{
	char name[512], path[1024];

	snprintf(name, sizeof(name), "%s_%s_%s-%s", pod, ns, c, id);
	name[251] = '\0';
	snprintf(path, sizeof(path), "%s/%s.log", dir, name);
	CHECK(!symlink("/var/log/pods/x/0.log", path), "symlink %s: %s", path, strerror(errno));
}

/* DIR/NS_POD_UID/CONTAINER/ of the kubelet's pod logs */
static void pod_dir(const char *dir, const char *ns, const char *pod, const char *uid,
		    const char *c)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s_%s_%s/%s", dir, ns, pod, uid, c);
	mkdirs(p);
}

struct fake {
	char cg[256], pods[256], containers[256];
	struct wb_pods *p;
};

static void fake_init(struct fake *f, const char *name)
{
	struct wb_pods_opts o = { f->cg, f->pods, f->containers, 0 };

	snprintf(f->cg, sizeof(f->cg), "%s/%s/cgroup", test_tmpdir(), name);
	snprintf(f->pods, sizeof(f->pods), "%s/%s/pods", test_tmpdir(), name);
	snprintf(f->containers, sizeof(f->containers), "%s/%s/containers", test_tmpdir(), name);
	mkdirs(f->cg);
	mkdirs(f->pods);
	mkdirs(f->containers);
	f->p = pods_new(&o);
}

/* The cgroup's name as an event carries it: 63 bytes at most. */
static const char *leaf_of(const char *path)
{
	static char leaf[WB_POD_LEN];

	snprintf(leaf, sizeof(leaf), "%s", strrchr(path, '/') + 1);
	return leaf;
}

static bool is_pod(const struct wb_pod *pod, const char *label, const char *ns, const char *name,
		   const char *uid, const char *container, const char *id)
{
	bool ok = pod && !strcmp(pod->label, label) && !strcmp(pod->ns, ns) &&
		  !strcmp(pod->name, name) && !strcmp(pod->uid, uid) &&
		  !strcmp(pod->container, container) && !strcmp(pod->container_id, id);

	if (!ok && pod)
		fprintf(stderr, "  got %s [%s %s %s %s %s]\n", pod->label, pod->ns, pod->name,
			pod->uid, pod->container, pod->container_id);
	else if (!ok)
		fprintf(stderr, "  got no pod, want %s\n", label);
	return ok;
}

TEST(pod_lookup_drivers_and_runtimes)
{
	char p1[512], p2[512], p3[512], p4[512], i1[65], i2[65], i3[65], i4[65];
	const struct wb_pod *pod;
	uint64_t g1, g2, g3, g4;
	struct fake f;

	fake_init(&f, "drivers");
	strcpy(i1, cid('1'));
	strcpy(i2, cid('2'));
	strcpy(i3, cid('3'));
	strcpy(i4, cid('4'));
	snprintf(p1, sizeof(p1),
		 "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID1_
		 ".slice/cri-containerd-%s.scope",
		 i1);
	snprintf(p2, sizeof(p2),
		 "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID2_
		 ".slice/crio-%s.scope",
		 i2);
	snprintf(p3, sizeof(p3), "/kubepods/burstable/pod" UID3 "/%s", i3);
	snprintf(p4, sizeof(p4), "/kubepods.slice/kubepods-pod" UID4_ ".slice/docker-%s.scope", i4);
	g1 = cgroup(f.cg, p1);
	g2 = cgroup(f.cg, p2);
	g3 = cgroup(f.cg, p3);
	g4 = cgroup(f.cg, p4);
	pod_dir(f.pods, "default", "web-0", UID1, "nginx");
	pod_dir(f.pods, "default", "web-0", UID1, "sidecar");
	container_link(f.containers, "web-0", "default", "sidecar", cid('5'));
	container_link(f.containers, "web-0", "default", "nginx", i1);
	pod_dir(f.pods, "kube-system", "coredns-7db6d8ff4d-x2x9k", UID2, "coredns");
	container_link(f.containers, "coredns-7db6d8ff4d-x2x9k", "kube-system", "coredns", i2);
	pod_dir(f.pods, "shop", "cart", UID3, "app");
	container_link(f.containers, "cart", "shop", "app", i3);
	/* directories no kubelet makes: names with '_' or capitals */
	pod_dir(f.pods, "my_ns", "web-0", UID1, "nginx");
	pod_dir(f.pods, "Default", "web-0", UID1, "nginx");
	pod_dir(f.pods, "monitoring", "exporter", UID4, "exporter");
	pod_dir(f.pods, "monitoring", "exporter", UID4, "Exporter");
	container_link(f.containers, "exporter", "monitoring", "Exporter", i4);
	container_link(f.containers, "exporter", "monitoring", "exporter", i4);

	CHECK(is_pod(pods_lookup(f.p, g1, leaf_of(p1)), "default/web-0/nginx", "default", "web-0",
		     UID1, "nginx", i1),
	      "systemd containerd");
	CHECK(is_pod(pods_lookup(f.p, g2, leaf_of(p2)),
		     "kube-system/coredns-7db6d8ff4d-x2x9k/coredns", "kube-system",
		     "coredns-7db6d8ff4d-x2x9k", UID2, "coredns", i2),
	      "systemd cri-o");
	CHECK(is_pod(pods_lookup(f.p, g3, leaf_of(p3)), "shop/cart/app", "shop", "cart", UID3,
		     "app", i3),
	      "cgroupfs containerd");
	CHECK(is_pod(pods_lookup(f.p, g4, leaf_of(p4)), "monitoring/exporter/exporter",
		     "monitoring", "exporter", UID4, "exporter", i4),
	      "systemd docker");
	CHECK_INT(pods_walks(f.p), ==, 4);
	/* the cache: a container looked up again walks no more */
	pod = pods_lookup(f.p, g1, leaf_of(p1));
	CHECK(is_pod(pod, "default/web-0/nginx", "default", "web-0", UID1, "nginx", i1), "cached");
	CHECK_INT(pods_walks(f.p), ==, 4);
	pods_free(f.p);
}

TEST(pod_lookup_not_a_pod)
{
	char path[512], id[65], leaf[WB_POD_LEN];
	struct fake f;
	uint64_t g;

	/* the root's own name does not count: "kubepods" in it is no kubelet */
	fake_init(&f, "kubepods-nopod");
	/* a name no container has: not looked up at all */
	g = cgroup(f.cg, "/system.slice/sshd.service");
	CHECK(!pods_lookup(f.p, g, "sshd.service"), "a service");
	CHECK(!pods_lookup(f.p, 1, ""), "the root");
	CHECK(!pods_lookup(f.p, g, NULL), "no name");
	CHECK_INT(pods_walks(f.p), ==, 0);
	/* a container outside the kubelet's tree: walked once, then cached */
	strcpy(id, cid('7'));
	snprintf(path, sizeof(path), "/system.slice/docker-%s.scope", id);
	g = cgroup(f.cg, path);
	snprintf(leaf, sizeof(leaf), "%s", leaf_of(path));
	CHECK(!pods_lookup(f.p, g, leaf), "docker without a kubelet");
	CHECK(!pods_lookup(f.p, g, leaf), "again");
	CHECK_INT(pods_walks(f.p), ==, 1);
	/* a pod-like name outside a kubelet's tree */
	snprintf(path, sizeof(path), "/machine.slice/pod" UID3 "/%s", id);
	g = cgroup(f.cg, path);
	snprintf(leaf, sizeof(leaf), "%s", leaf_of(path));
	CHECK(!pods_lookup(f.p, g, leaf), "no kubepods above");
	CHECK_INT(pods_walks(f.p), ==, 2);
	/* a cgroup gone before its event was read */
	CHECK(!pods_lookup(f.p, g + 1000000, leaf), "a cgroup that is no more");
	CHECK_INT(pods_walks(f.p), ==, 3);
	pods_free(f.p);
	/* no resolver, no pod */
	CHECK(!pods_lookup(NULL, g, leaf), "no resolver");
}

TEST(pod_lookup_unknown_pod_then_known)
{
	char path[512], id[65], leaf[WB_POD_LEN];
	const struct wb_pod *pod;
	struct fake f;
	uint64_t g;

	fake_init(&f, "unknown");
	strcpy(id, cid('6'));
	snprintf(path, sizeof(path),
		 "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID6_
		 ".slice/cri-containerd-%s.scope",
		 id);
	g = cgroup(f.cg, path);
	snprintf(leaf, sizeof(leaf), "%s", leaf_of(path));
	/* a pod UID the kubelet's logs do not name: UID and ID only */
	pod = pods_lookup(f.p, g, leaf);
	CHECK(is_pod(pod, "", "", "", UID6, "", id), "unknown pod UID");
	/* its directory comes, not yet its container's link: the pod only
	 * (retry_ms 0: looked for again at once) */
	pod_dir(f.pods, "batch", "job-x7k2p", UID6, "worker");
	pod = pods_lookup(f.p, g, leaf);
	CHECK(is_pod(pod, "batch/job-x7k2p", "batch", "job-x7k2p", UID6, "", id),
	      "pod, no container");
	container_link(f.containers, "job-x7k2p", "batch", "worker", id);
	pod = pods_lookup(f.p, g, leaf);
	CHECK(is_pod(pod, "batch/job-x7k2p/worker", "batch", "job-x7k2p", UID6, "worker", id),
	      "all of it");
	/* the path was found once */
	CHECK_INT(pods_walks(f.p), ==, 1);
	pods_free(f.p);
}

TEST(pod_lookup_retry_waits)
{
	struct wb_pods_opts o;
	char path[512], id[65];
	struct fake f;
	uint64_t g;

	fake_init(&f, "retry");
	pods_free(f.p);
	o = (struct wb_pods_opts){ f.cg, f.pods, f.containers, 60000 };
	f.p = pods_new(&o);
	strcpy(id, cid('8'));
	snprintf(path, sizeof(path), "/kubepods/besteffort/pod" UID7 "/%s", id);
	g = cgroup(f.cg, path);
	CHECK(is_pod(pods_lookup(f.p, g, leaf_of(path)), "", "", "", UID7, "", id), "unknown");
	/* known now, but not looked for again within retry_ms */
	pod_dir(f.pods, "kube-system", "etcd-node-1", UID7, "etcd");
	container_link(f.containers, "etcd-node-1", "kube-system", "etcd", id);
	CHECK(is_pod(pods_lookup(f.p, g, leaf_of(path)), "", "", "", UID7, "", id), "not yet");
	pods_free(f.p);
}

TEST(pod_lookup_long_names)
{
	char path[512], id[65], name[254], leaf[WB_POD_LEN], label[400];
	struct fake f;
	uint64_t g;

	fake_init(&f, "long");
	/* a pod name of 180 characters: the pod directory's name still fits
	 * in 255, its container link's is cut (258), as the event's cgroup
	 * name is (85) */
	memset(name, 'p', 180);
	name[180] = '\0';
	strcpy(id, cid('9'));
	snprintf(path, sizeof(path),
		 "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID1_
		 ".slice/cri-containerd-%s.scope",
		 id);
	g = cgroup(f.cg, path);
	snprintf(leaf, sizeof(leaf), "%s", leaf_of(path));
	CHECK_INT(strlen(leaf), ==, WB_POD_LEN - 1);
	pod_dir(f.pods, "default", name, UID1, "main");
	container_link(f.containers, name, "default", "main", id);
	snprintf(label, sizeof(label), "default/%s/main", name);
	CHECK(is_pod(pods_lookup(f.p, g, leaf), label, "default", name, UID1, "main", id),
	      "long pod name");
	pods_free(f.p);
}

TEST(pod_find_cgroup_real)
{
	const char *root = pods_cgroup2_root();
	char path[4096], sub[4096];
	struct dirent *d;
	struct stat st;
	DIR *dir;

	if (!root) {
		printf("     (no cgroup v2 mount on this host: skipped)\n");
		return;
	}
	CHECK(!stat(root, &st), "%s", root);
	CHECK_INT(pod_find_cgroup(root, st.st_ino, path, sizeof(path)), ==, 0);
	CHECK_STR(path, root);
	/* a child cgroup, by the inode number its cgroup id is */
	dir = opendir(root);
	CHECK(dir != NULL, "%s", root);
	while (dir && (d = readdir(dir))) {
		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", root, d->d_name);
		if (stat(sub, &st))
			continue;
		CHECK_INT(pod_find_cgroup(root, st.st_ino, path, sizeof(path)), ==, 0);
		CHECK_STR(path, sub);
		break;
	}
	if (dir)
		closedir(dir);
}

/* The names op_name() needs: enum bpf_cmd, as a kernel's BTF has it. */
static struct btf *fake_vmlinux(void)
{
	struct btf *btf = btf__new_empty();

	btf__add_enum(btf, "bpf_cmd", 4);
	btf__add_enum_value(btf, "BPF_PROG_LOAD", BPF_PROG_LOAD);
	return btf;
}

TEST(pod_in_records)
{
	struct wb_ids ids = { .name = { NULL, "alice" } };
	char path[512], id[65], text[1024], json[4096], scratch[4096];
	struct btf *btf = fake_vmlinux();
	struct wb_event_record er;
	struct wb_fmt_ctx ctx = {};
	struct wbpf_event e = {};
	struct wb_parsed parsed;
	struct wb_names names;
	const char *why;
	struct fake f;

	fake_init(&f, "records");
	CHECK_INT(names_init(&names, btf), ==, 0);
	ctx.names = &names;
	ctx.ids = &ids;
	ctx.pods = f.p;
	strcpy(id, cid('a'));
	snprintf(path, sizeof(path),
		 "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID1_
		 ".slice/cri-containerd-%s.scope",
		 id);
	e.cgroup_id = cgroup(f.cg, path);
	pod_dir(f.pods, "default", "web-0", UID1, "nginx");
	container_link(f.containers, "web-0", "default", "nginx", id);
	snprintf(e.pod, sizeof(e.pod), "%s", leaf_of(path));
	snprintf(e.comm, sizeof(e.comm), "eve");
	e.pid = 284;
	e.op = BPF_PROG_LOAD;
	e.action = WB_ACT_DENIED_TASK;
	e.reason = WB_R_NOT_LOADER;

	event_record(&e, &ctx, NULL, NULL, 1, &er);
	record_format_text(&er.rec, text, sizeof(text));
	CHECK_STR(text, "process: eve pid: 284 pod: default/web-0/nginx op: load action: BPFDenied "
			"reason: not-loader");
	CHECK_INT(event_format_text(&e, &ctx, json, sizeof(json)), >, 0);
	CHECK_STR(json, text);
	record_format_json(&er.rec, NULL, json, sizeof(json));
	snprintf(text, sizeof(text),
		 ",\"pod\":\"default/web-0/nginx\",\"k8s_namespace\":\"default\",\"k8s_pod\":"
		 "\"web-0\",\"k8s_pod_uid\":\"" UID1 "\",\"k8s_container\":\"nginx\","
		 "\"k8s_container_id\":\"%s\",\"type\":null,",
		 id);
	CHECK(strstr(json, text), "%s in %s", text, json);
	CHECK_INT(record_parse_json(json, strlen(json), &parsed, scratch, sizeof(scratch), &why),
		  ==, 0);
	CHECK_STR(parsed.rec.pod, "default/web-0/nginx");
	CHECK_STR(parsed.rec.k8s_namespace, "default");
	CHECK_STR(parsed.rec.k8s_pod, "web-0");
	CHECK_STR(parsed.rec.k8s_pod_uid, UID1);
	CHECK_STR(parsed.rec.k8s_container, "nginx");
	CHECK_STR(parsed.rec.k8s_container_id, id);

	/* a pod the kubelet's logs do not name: the cgroup's name stays the
	 * pod, UID and ID are known, the rest null */
	strcpy(id, cid('b'));
	snprintf(path, sizeof(path), "/kubepods/burstable/pod" UID3 "/%s", id);
	e.cgroup_id = cgroup(f.cg, path);
	snprintf(e.pod, sizeof(e.pod), "%s", leaf_of(path));
	event_record(&e, &ctx, NULL, NULL, 2, &er);
	record_format_text(&er.rec, text, sizeof(text));
	snprintf(json, sizeof(json), "process: eve pid: 284 pod: %.63s op: load", id);
	CHECK(!strncmp(text, json, strlen(json)), "%s", text);
	record_format_json(&er.rec, NULL, json, sizeof(json));
	snprintf(text, sizeof(text),
		 ",\"k8s_namespace\":null,\"k8s_pod\":null,\"k8s_pod_uid\":\"" UID3
		 "\",\"k8s_container\":null,\"k8s_container_id\":\"%s\",",
		 id);
	CHECK(strstr(json, text), "%s in %s", text, json);
	CHECK_INT(record_parse_json(json, strlen(json), &parsed, scratch, sizeof(scratch), &why),
		  ==, 0);
	CHECK(!parsed.rec.k8s_namespace && !parsed.rec.k8s_pod && !parsed.rec.k8s_container,
	      "nulls");
	CHECK_STR(parsed.rec.k8s_pod_uid, UID3);

	/* a task in no pod: no k8s_ member at all */
	snprintf(e.pod, sizeof(e.pod), "sshd.service");
	event_record(&e, &ctx, NULL, NULL, 3, &er);
	record_format_json(&er.rec, NULL, json, sizeof(json));
	CHECK(!strstr(json, "k8s_"), "%s", json);
	CHECK(strstr(json, ",\"pod\":\"sshd.service\",\"type\":null,"), "%s", json);
	record_format_text(&er.rec, text, sizeof(text));
	CHECK(strstr(text, " pod: sshd.service op: "), "%s", text);

	names_free(&names);
	btf__free(btf);
	pods_free(f.p);
}
