#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Writes the sample audit-run logs of tests/unit/learn.sh (and the fuzz
# seeds of fuzz_learn) as the daemon's writer does (docs/log-format.md): the
# writer's member order, no whitespace, each line's "prev" the SHA-256 of
# the line before. Run it again after a change: ./make-logs.py DIR
import hashlib, json, os, sys

ORDER = ["v", "seq", "prev", "time", "host", "boot_id", "policy", "policy_version", "id", "op",
         "action", "audit", "killed", "reason", "rule", "loader", "pid", "tid", "uid", "comm",
         "exe", "exe_digest", "cgroup", "pod", "type", "name", "insn_cnt", "attach_type",
         "helpers", "kfuncs", "map_id", "count"]
BT = "sha256:" + "a1" * 32   # bpftrace-like, a loader of the audit policy
XDP = "sha256:" + "b2" * 32  # a process no policy names yet
TOOL = "sha256:" + "c3" * 32 # a second loader


def write(path, recs):
    prev = "0" * 64
    with open(path, "w") as f:
        for i, r in enumerate(recs):
            d = {"v": 1, "seq": i + 1, "prev": prev,
                 "time": "2026-11-21T05:55:%02d.%09dZ" % (i // 1000 % 60, i % 1000 * 1000),
                 "host": "node-1", "boot_id": "0d3d599f-eb10-4d6c-8cd6-fcd36377dfdb",
                 "policy": "audit-all", "policy_version": "0123456789ab", "id": i + 1,
                 "op": "load", "action": "Approved", "audit": False, "killed": False,
                 "reason": None, "rule": None, "loader": None, "pid": 100, "tid": 100, "uid": 0,
                 "comm": "x", "exe": None, "exe_digest": None, "cgroup": "4242", "pod": None,
                 "type": None, "name": None, "insn_cnt": None, "map_id": None, "count": 0}
            if d["op"] == "load" or r.get("op", "load") == "load":
                d.update({"attach_type": None, "helpers": None, "kfuncs": None})
            d.update(r)
            if d["op"] != "load":
                for k in ("attach_type", "helpers", "kfuncs"):
                    d.pop(k, None)
            if d["op"] == "-":
                d["id"] = 0
            line = json.dumps({k: d[k] for k in ORDER if k in d}, separators=(",", ":"))
            f.write(line + "\n")
            prev = hashlib.sha256(line.encode()).hexdigest()


def load(pid, loader, name, insns, helpers, typ="kprobe", eat="cgroup_inet_ingress", kf=""):
    r = {"op": "load", "pid": pid, "loader": loader, "type": typ, "name": name,
         "insn_cnt": insns, "attach_type": eat, "helpers": helpers, "kfuncs": kf,
         "rule": loader}
    if not loader:
        r.update({"action": "BPFDenied", "audit": True, "reason": "not-loader",
                  "rule": "default.bpf"})
    return r


def audit_run():
    r = [{"op": "exec", "action": "ProgApproved,MapsApproved", "loader": "bt", "pid": 10,
          "comm": "bpftrace", "exe": "/usr/bin/bpftrace", "exe_digest": BT, "rule": "bt"},
         {"op": "map_create", "loader": "bt", "pid": 10, "type": "hash", "name": "AT_counts",
          "map_id": 5},
         {"op": "map_create", "loader": "bt", "pid": 10, "type": "array", "name": "ringbuf",
          "map_id": 6}]
    for i in range(1, 5):
        r.append(load(10, "bt", "kprobe_vfs_rd_%d" % i, 40 + 30 * i,
                      "map_lookup_elem,map_update_elem,get_current_pid_tgid"))
    r += [load(10, "bt", "tp_sys_enter_1", 300, "ktime_get_ns,ringbuf_output",
               typ="tracepoint"),
          {"op": "map_lookup_elem", "loader": "bt", "pid": 10, "type": "hash",
           "name": "AT_counts", "map_id": 5},
          {"op": "map_get_fd_by_id", "loader": "bt", "pid": 10, "type": "array",
           "name": "cilium_cfg", "map_id": 9},
          {"op": "link_create", "loader": "bt", "pid": 10},
          # a process no policy names: its records carry its digest
          dict(load(20, None, "xdp_pass", 2, "", typ="xdp", eat="xdp"), exe_digest=XDP),
          {"op": "map_create", "action": "BPFDenied", "audit": True, "reason": "not-loader",
           "pid": 20, "exe_digest": XDP, "type": "array", "name": "xdp_stats"},
          # a second loader, exec'd twice (the same digest)
          {"op": "exec", "action": "ProgApproved", "loader": "tool", "pid": 30,
           "comm": "tool", "exe": "/opt/tool/bin/tool", "exe_digest": TOOL},
          load(30, "tool", "handle_exec", 90, "probe_read_kernel,perf_event_output",
               typ="tracepoint", eat="cgroup_inet_ingress", kf="bpf_rcu_read_lock"),
          {"op": "exec", "action": "ProgApproved", "loader": "tool", "pid": 31,
           "comm": "tool", "exe": "/opt/tool/bin/tool", "exe_digest": TOOL},
          load(31, "tool", "handle_exit", 95, "perf_event_output", typ="tracepoint"),
          # a process nothing names
          load(40, None, "anon", 2, "", typ="xdp", eat="xdp"),
          # refused for real: not learned
          dict(load(10, "bt", "kprobe_evil", 10, "probe_write_user"), action="Denied",
               reason="helper:probe_write_user"),
          # the daemon's and other ops
          {"op": "-", "action": "EventsDropped", "pid": 0, "count": 2},
          {"op": "open", "action": "Approved", "loader": "tool", "pid": 30, "name": None},
          {"op": "-", "action": "Stopped", "pid": 0, "reason": "Terminated, enforcement ends"}]
    return r


out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
write(os.path.join(out, "audit-run.jsonl"), audit_run())
# the same run, a helper more: what a merge must not take into "bt"'s rules
more = audit_run()
more.insert(4, load(10, "bt", "kprobe_vfs_rd_9", 60, "map_lookup_elem,send_signal"))
write(os.path.join(out, "more-helpers.jsonl"), more)
