#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The error and warning messages watchbpf's user space can print, from its source.

Prints one line per message: GROUP<TAB>KEY<TAB>FILE:LINE, sorted. KEY is
the message's format string with every printf conversion replaced by "…"
and "%%" by "%": the stable key docs/troubleshooting.md names it by
(tests/unit/troubleshooting.sh). GROUP is the command that prints it, by
the file it is in (GROUPS below).

A message is a format string (or a string literal) passed to one of the
SINKS below: p_err() and friends, the policy parser's yerr_at()/perr(), the
error buffers (char *err, char *why) the callers print, the daemon's
control replies, `watchbpf log verify`'s findings. Formats with no letter
outside their conversions ("%s", "%s: %s") only pass on a message made
elsewhere, which is listed where it is made.

  python3 scripts/messages.py            # every message, with its place
  python3 scripts/messages.py --keys     # GROUP<TAB>KEY, once each
  python3 scripts/messages.py --doc docs/troubleshooting.md
                                         # GROUP<TAB>KEY<TAB>LINE of its entries
  python3 scripts/messages.py --match DOC < LINES
                                         # the printed lines no entry describes
  python3 scripts/messages.py --scan REL FILE
                                         # FILE's messages, as if it were REL
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRS = ["gatekeeper", "policy", "log", "integrity", "fsverity", "adopt", "lib", "learn"]
# doctor's report lines are docs/doctor.md's (tests/unit/doctor_docs.sh)
SKIP_FILES = {"gatekeeper/doctor_fix.c"}

# The group of a file: the first prefix that matches.
GROUPS = [
    ("gatekeeper/doctor", "doctor"),
    ("gatekeeper/kernel.c", "doctor"),
    ("gatekeeper/status.c", "control"),
    ("gatekeeper/control.c", "control"),
    ("gatekeeper/request_cmd.c", "control"),
    ("gatekeeper/admin.c", "control"),
    ("gatekeeper/serve.c", "control"),
    ("gatekeeper/main.c", "common"),
    ("lib/", "common"),
    ("gatekeeper/config.c", "policy"),
    ("policy/", "policy"),
    ("gatekeeper/", "daemon"),
    ("adopt/", "daemon"),
    ("log/", "log"),
    ("learn/", "learn"),
    ("fsverity/", "files"),
    ("integrity/", "files"),
]

# function -> (index of the format argument, condition on the call or None)
# A condition is (argument index, regex the argument's text must match).
SINKS = {
    "p_err": (0, None),
    # informational lines are no errors: only its warnings
    "p_info": (0, "warning"),
    "fprintf": (1, (0, r"^stderr$")),
    "fputs": (0, (1, r"^stderr$")),
    "yerr_at": (3, None),
    "perr": (2, None),
    "problem": (2, None),  # policy/resolve.c
    "say": (3, None),  # log/verify.c
    "set_pending": (2, None),  # log/verify.c
    "ssl_err": (3, None),  # log/chain.c: "PATH: WHAT[: openssl's reason]"
    "control_reply": (2, (1, r"^(?!true$)")),  # refusals the client prints
    "snprintf": (2, (0, r"^(err|errbuf|why|msg|e -> msg)$")),
    "vsnprintf": (2, (0, r"^(err|why|msg)$")),
}
# Sinks that are a file's own helpers: file -> {function: format index}
FILE_SINKS = {
    "gatekeeper/config.c": {"fail": 5},
    "fsverity/sign_cmd.c": {"fail": 1},
    "log/json.c": {"fail": 1},
    # check --explain and --strict: what a valid policy leaves open
    "policy/explain.c": {"risk": 4},
    # the reasons fs-verity cannot be turned on, inside enroll's and
    # sign's messages; verify's reasons for a BAD file
    "fsverity/verity.c": {"snprintf": 2},
    "fsverity/verify_cmd.c": {"snprintf": 2},
    # check's warning about PID 1
    "policy/host_check.c": {"snprintf": 2},
}
# Error strings stored for a caller to print: NAME = "literal", by file
ASSIGNED = {
    "gatekeeper/config.c": r"^why$",
    "log/record.c": r"^why$",
    "log/query.c": r"^why$",
    "log/reader.c": r"^err$",
    "fsverity/verify_cmd.c": r"^reason$",
    # what a valid policy leaves open: check's and the daemon's warnings
    "policy/warnings.c": r"^(stop|modules|kexec|memory)$",
}
# Functions whose returned literals are (parts of) messages: file -> names
RETURNS = {
    "policy/parse.c": ["path_problem", "glob_problem"],
    "fsverity/keyring.c": ["kernel_reason"],
    "fsverity/sign.c": ["fsv_verdict_str"],
    "log/reader.c": ["lr_error"],
}
# Lines that match a sink and are no error: (file, key regex). Usage text
# (docs/troubleshooting.md says what a usage error is), progress, the
# daemon's status lines to systemd and its records' texts, success.
NOT_ERRORS = [
    (r"", r"^Usage:|^usage:"),
    (r"^lib/util\.c$", r"^…: error:$"),
    (r"^fsverity/sign_cmd\.c$", r"^signed …/… files$"),
    (r"^log/log_cmd\.c$", r"^generate: "),
    (r"^gatekeeper/notify\.c$", r"STATUS=$|^RELOADING="),
    (r"^gatekeeper/reports\.c$", r""),
    (r"^gatekeeper/serve\.c$", r"^boot=… nonce="),
    (r"^gatekeeper/run\.c$", r"^reloaded: "),
    (r"^fsverity/sign\.c$", r"^ok$"),
]

TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<comment>//[^\n]*|/\*.*?\*/)
    |(?P<pp>^[ \t]*\#(?:[^\n\\]|\\.)*)
    |(?P<str>"(?:\\.|[^"\\\n])*")|(?P<chr>'(?:\\.|[^'\\\n])*')
    |(?P<id>[A-Za-z_]\w*)|(?P<num>\.?\d(?:[\w.]|[eEpP][+-])*)
    |(?P<op>->|\+\+|--|==|!=|<=|>=|&&|\|\||<<|>>|\S)""",
    re.X | re.S | re.M,
)
# printf conversions: flags, width, precision, length, conversion
CONV = re.compile(r"%%|%[-+ #0']*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|L|j|z|t|q)?[diouxXeEfgGcspaAn]")
PRI = re.compile(r"^PRI[diouxX](8|16|32|64|MAX|PTR)$")


def tokenize(src):
    for m in TOKEN.finditer(src):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        yield kind, m.group(), src.count("\n", 0, m.start()) + 1


def string_macros(paths):
    """#define NAME "literal" ... of every file, for formats that use one."""
    out = {}
    define = re.compile(r'^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+((?:"(?:\\.|[^"\\\n])*"[ \t]*)+)$', re.M)
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for m in define.finditer(f.read()):
                out[m.group(1)] = unquote_all(m.group(2))
    return out


def unquote(lit):
    esc = {"n": "\n", "t": "\t", "r": "\r"}
    body = lit[1:-1]
    return re.sub(r"\\([0-7]{1,3}|.)",
                  lambda m: chr(int(m.group(1), 8)) if m.group(1)[0] in "01234567"
                  else esc.get(m.group(1), m.group(1)), body)


def unquote_all(text):
    return "".join(unquote(s) for s in re.findall(r'"(?:\\.|[^"\\\n])*"', text))


def split_args(toks, i):
    """The arguments of the call whose '(' is toks[i], as token lists."""
    depth, cur, res = 0, [], []
    for j in range(i, len(toks)):
        t = toks[j][1] if toks[j][0] == "op" else None
        if t in ("(", "[", "{"):
            depth += 1
            if depth == 1:
                continue
        elif t in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                res.append(cur)
                return res
        elif t == "," and depth == 1:
            res.append(cur)
            cur = []
            continue
        cur.append(toks[j])
    return res


def formats(arg, macros):
    """The format strings an argument can be: adjacent literals (with string
    macros) joined; each branch of a ?: of literals. [] when it is none."""
    # a conditional: the literals of each branch
    depth, q, c = 0, None, None
    for n, (kind, text, _) in enumerate(arg):
        if kind != "op":
            continue
        if text in "([{":
            depth += 1
        elif text in ")]}":
            depth -= 1
        elif depth == 0 and text == "?" and q is None:
            q = n
        elif depth == 0 and text == ":" and q is not None and c is None:
            c = n
    if q is not None and c is not None:
        return formats(arg[q + 1:c], macros) + formats(arg[c + 1:], macros)
    if not arg or arg[0][0] != "str":
        return []
    out = ""
    for kind, text, _ in arg:
        if kind == "str":
            out += unquote(text)
        elif kind == "id" and text in macros:
            out += macros[text]
        elif kind == "id" and PRI.match(text):
            out += "llu"
        else:
            return []
    return [out]


def key_of(fmt):
    """The stable key: conversions as "…", "%%" as "%", one line."""
    k = CONV.sub(lambda m: "%" if m.group() == "%%" else "…", fmt)
    k = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", k)
    return " ".join(k.split())


def meaningful(key):
    """False for a format that only passes a message on: "%s", "%s: %s",
    "warning: %s", "%s: error: %s"."""
    rest = re.sub(r"\b(warning|error):", "", key.replace("…", ""))
    return re.search(r"[A-Za-z]{2}", rest) is not None


def not_error(rel, key):
    return any(re.search(f, rel) and re.search(k, key) for f, k in NOT_ERRORS)


def group_of(rel):
    for prefix, group in GROUPS:
        if rel.startswith(prefix):
            return group
    return "other"


def statement_end(toks, i):
    """The index of the ';' that ends the statement toks[i] is in."""
    while i < len(toks) and toks[i][1] != ";":
        i += 1
    return i


def returned(toks, i, macros):
    """The literals `return` hands back in the body of the function whose
    name is toks[i] (a definition: its '{' comes before any ';')."""
    j = i + 1
    depth = 0
    while j < len(toks):
        t = toks[j][1]
        if t == "(":
            depth += 1
        elif t == ")":
            depth -= 1
        elif depth == 0 and t in ";{":
            break
        j += 1
    if j >= len(toks) or toks[j][1] != "{":
        return []
    found, depth = [], 0
    for k in range(j, len(toks)):
        t = toks[k][1]
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
            if depth == 0:
                break
        elif toks[k][0] == "id" and t == "return":
            end = statement_end(toks, k)
            found += [(f, toks[k][2]) for f in formats(toks[k + 1:end], macros)]
    return found


def scan(rel, src, macros):
    toks = list(tokenize(src))
    found = []
    sinks = dict(SINKS)
    for name, index in FILE_SINKS.get(rel, {}).items():
        sinks[name] = (index, None)
    assigned = ASSIGNED.get(rel)
    for i, (kind, text, line) in enumerate(toks):
        if kind != "id":
            continue
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        prev = toks[i - 1][1] if i > 0 else ""
        # NAME = "literal";
        if (assigned and re.match(assigned, text) and nxt == "=" and
                i + 2 < len(toks) and toks[i + 2][0] == "str"):
            end = statement_end(toks, i)
            found += [(f, line) for f in formats(toks[i + 2:end], macros)]
            continue
        if text in RETURNS.get(rel, []) and nxt == "(":
            found += returned(toks, i, macros)
            continue
        if text not in sinks or nxt != "(":
            continue
        # a declaration or definition, not a call
        if prev in ("void", "int", "bool", "char", "static") or prev.endswith("*"):
            continue
        index, cond = sinks[text]
        args = split_args(toks, i + 1)
        if index >= len(args):
            continue
        if isinstance(cond, tuple):
            ci, rx = cond
            if ci >= len(args) or not re.search(rx, " ".join(t[1] for t in args[ci])):
                continue
        for f in formats(args[index], macros):
            if cond == "warning" and not f.startswith("warning:"):
                continue
            found.append((f, line))
    return found


def sources():
    out = []
    for d in DIRS:
        for name in sorted(os.listdir(os.path.join(TOP, d))):
            if name.endswith((".c", ".h")):
                out.append(os.path.join(d, name))
    return out


def doc_entries(path):
    """(GROUP, KEY, LINE) of each entry of docs/troubleshooting.md, and its
    problems. A section is a "## " heading with a "<!-- group: NAME -->"
    line; an entry a table row whose first cell holds the messages as code
    spans (`...`, or ``...`` around one with a backtick), the next two the
    cause and the fix."""
    entries, problems, group = [], [], None
    span = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("## "):
                group = None
            m = re.match(r"^<!-- group: ([a-z]+) -->$", line)
            if m:
                group = m.group(1)
            if not line.startswith("| `"):
                continue
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            keys = [k.strip().replace("\\|", "|") for _, k in span.findall(cells[0])]
            if group is None:
                problems.append("%s:%d: an entry outside a group's section" % (path, no))
            if len(cells) != 3 or not cells[1] or not cells[2]:
                problems.append("%s:%d: an entry without its cause and fix" % (path, no))
            for k in keys:
                entries.append((group or "-", k, no))
    return entries, problems


def unmatched(doc, lines):
    """The lines (printed messages) that no entry of doc describes: each
    key a pattern ("…" anything), tried on the line as printed and without
    the prefixes of p_err() and of the policy parser."""
    entries, _ = doc_entries(doc)
    pats = [re.compile(".*?".join(re.escape(p) for p in k.split("…")) + "$")
            for _, k, _ in entries]
    # check's: "FILE:LINE:COL: ", "FILE: warning: ", and --strict's
    # "FILE[:LINE]: warning: [loader 'NAME'] MESSAGE [ID]"
    prefixes = [r"", r"watchbpf: ", r"watchbpf: error: ", r"\S+?:\d+:\d+: ", r"\S+?: ",
                r"\S+?(:\d+)?: warning: (loader '[^']*' )?"]
    # "PATH: the system's words" is the system's message, not watchbpf's
    system = re.compile(r".*: (%s)$" % "|".join(
        re.escape(os.strerror(e)) for e in range(1, 134)
        if not os.strerror(e).startswith("Unknown")))
    out = []
    for line in lines:
        tails = [line[m.end():] for m in (re.match(p, line) for p in prefixes) if m]
        tails += [re.sub(r" \[[a-z0-9-]+\]$", "", t) for t in tails]
        if not system.match(line) and not any(p.match(t) for p in pats for t in tails):
            out.append(line)
    return out


def main(argv):
    args = argv[1:]
    if args[:1] == ["--match"] and len(args) == 2:
        lines = [l.rstrip("\n") for l in sys.stdin if l.strip()]
        for line in unmatched(args[1], lines):
            print(line)
        return 0
    if args[:1] == ["--doc"] and len(args) == 2:
        entries, problems = doc_entries(args[1])
        for group, key, no in entries:
            print("%s\t%s\t%d" % (group, key, no))
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    keys_only = "--keys" in args
    paths = sources()
    macros = string_macros([os.path.join(TOP, p) for p in paths])
    if args[:1] == ["--scan"] and len(args) == 3:
        # one file as if it were REL: for the extractor's own test
        paths, files = [args[1]], {args[1]: args[2]}
        macros.update(string_macros([args[2]]))
        keys_only = True
    else:
        files = {p: os.path.join(TOP, p) for p in paths}
    rows = set()
    for rel in paths:
        if not rel.endswith(".c") or rel in SKIP_FILES:
            continue
        with open(files[rel], encoding="utf-8") as f:
            src = f.read()
        for fmt, line in scan(rel, src, macros):
            key = key_of(fmt)
            if not meaningful(key) or not_error(rel, key):
                continue
            group = group_of(rel)
            rows.add((group, key) if keys_only else (group, key, "%s:%d" % (rel, line)))
    for row in sorted(rows):
        print("\t".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
