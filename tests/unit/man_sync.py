# SPDX-License-Identifier: GPL-2.0
"""The facts tests/unit/man_sync.sh compares, read from the C source and the
man pages' reStructuredText. Each sub-command prints one fact a line, tab
separated; the shell script sorts and compares them.

  code-commands               the command table of gatekeeper/main.c, and
                              the words main() itself answers (help, version)
  code-options                CMD, an option group ("-e, --enforce"), 1 when
                              it takes a value; CMD is "(main)" for main()'s
                              own, "log verify" for a sub-command
  code-subcommands            CMD, SUB: a sub-command with a function
  code-choices                CMD, WORD: an operand the command compares
  code-values                 CMD, OPTION, VALUE: strcmp(optarg, VALUE)
  code-actions, code-ops      what `log show --action/--op` can match
  man-commands RST            the subsections of COMMANDS
  man-options RST             as code-options, from the option lists
  man-section RST TITLE       the text of a section and of its own
                              (TITLE SUB: log and log verify)
  code-keys                   PATH, FIELD TYPE, FLAGS, DEFAULT, VALUES of
                              every policy key policy/parse.c accepts
  man-keys RST                the ``path`` terms of watchbpf-policy(5)
  key-problems RST            what a key's entry says against the parser
"""
import os
import re
import signal
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SRC_DIRS = ["gatekeeper", "policy", "log", "integrity", "fsverity", "lib", "adopt", "learn"]


def read(path):
    with open(os.path.join(TOP, path), encoding="utf-8") as f:
        return f.read()


def sources():
    out = {}
    for d in SRC_DIRS:
        for name in sorted(os.listdir(os.path.join(TOP, d))):
            if name.endswith(".c"):
                out[f"{d}/{name}"] = read(f"{d}/{name}")
    return out


# Kernel style: a definition starts at column 0 and its body ends at the
# first "}" at column 0.
FUNC_RE = re.compile(r"^[A-Za-z][^\n;=(]*?\b(\w+)\(([^;{}]*?)\)\n\{\n(.*?)\n\}\n", re.M | re.S)
OPTION_ARRAY_RE = re.compile(r"struct option (\w+)\[\]\s*=\s*\{(.*?)\};", re.S)
OPTION_ENTRY_RE = re.compile(
    r'\{\s*"([\w-]+)",\s*(no_argument|required_argument|optional_argument),\s*NULL,\s*([^}]+?)\s*\}')
SUBCMD_RE = re.compile(r'!strcmp\((\w+), "([\w-]+)"\)\)\s*return (\w+)\(')


def functions(text):
    return {m.group(1): m.group(3) for m in FUNC_RE.finditer(text)}


def reach(funcs, name, skip):
    """The bodies of name and of the functions of its file it calls."""
    seen, todo, bodies = set(), [name], []
    while todo:
        f = todo.pop()
        if f in seen or f in skip or f not in funcs:
            continue
        seen.add(f)
        bodies.append(funcs[f])
        todo.extend(re.findall(r"\b(\w+)\(", funcs[f]))
    return "\n".join(bodies)


def conditions(text):
    """The text of every if (...) condition, parentheses matched."""
    for m in re.finditer(r"\bif \(", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        yield text[m.end():i - 1]


def group_key(tokens):
    return ", ".join(sorted(tokens, key=lambda t: (len(t), t)))


def options_of(body, file_text):
    """{group: takes_value} of the parser in body (getopt_long, strcmp)."""
    groups = {}
    # the arrays of the parser's own body, else those of the file it names
    arrays = dict(OPTION_ARRAY_RE.findall(body))
    if not arrays:
        local = "\n".join(functions(file_text).values())
        arrays = {a: e for a, e in OPTION_ARRAY_RE.findall(file_text)
                  if a not in dict(OPTION_ARRAY_RE.findall(local))
                  and re.search(r"\b%s\b" % a, body)}
    used = list(arrays)
    shorts = {}
    for optstring in re.findall(r'getopt_long\(\w+, \w+, "([^"]*)"', body):
        for m in re.finditer(r"([A-Za-z])(:?)", optstring):
            shorts[m.group(1)] = m.group(2) == ":"
    paired = set()
    for a in used:
        for name, has_arg, val in OPTION_ENTRY_RE.findall(arrays[a]):
            tokens = ["--" + name]
            c = re.fullmatch(r"'(.)'", val)
            if c and c.group(1) in shorts:
                tokens.append("-" + c.group(1))
                paired.add(c.group(1))
            groups[group_key(tokens)] = has_arg == "required_argument"
    for c, arg in shorts.items():
        if c not in paired:
            groups["-" + c] = arg
    # hand-parsed: the literals one condition matches with !strcmp(X, "-..")
    for cond in conditions(body):
        lits = re.findall(r'!strcmp\([^,]+, "(-[^"]+)"\)', cond)
        lits = [x for x in lits if x != "--"]
        if lits:
            groups[group_key(lits)] = "< argc" in cond
    return groups


def commands():
    """{command: (file, function)} of main.c's table."""
    main = read("gatekeeper/main.c")
    table = re.findall(r'\{ "([\w-]+)", (cmd_\w+),', main)
    where = {}
    for path, text in sources().items():
        for f in functions(text):
            where.setdefault(f, path)
    return {c: (where[f], f) for c, f in table}


def main_words():
    """main()'s own words: commands (help, version), options (-h, --help)."""
    body = functions(read("gatekeeper/main.c"))["main"]
    words, groups = set(), {}
    for cond in conditions(body):
        lits = re.findall(r'!strcmp\(cmd, "([^"]+)"\)', cond)
        words.update(x for x in lits if not x.startswith("-"))
        dashed = [x for x in lits if x.startswith("-")]
        if dashed:
            groups[group_key(dashed)] = False
    return words, groups


def parsers():
    """[(cmd, file, body of its parser, own body)], sub-commands apart."""
    srcs = sources()
    out = []
    for cmd, (path, fn) in commands().items():
        funcs = functions(srcs[path])
        subs = SUBCMD_RE.findall(funcs[fn])
        skip = {f for _, _, f in subs}
        out.append((cmd, path, reach(funcs, fn, skip), funcs[fn]))
        for _, sub, f in subs:
            out.append((f"{cmd} {sub}", path, reach(funcs, f, set()), funcs[f]))
    return out


def code_options():
    _, groups = main_words()
    for g, arg in groups.items():
        print(f"(main)\t{g}\t{int(arg)}")
    srcs = sources()
    for cmd, path, body, _ in parsers():
        for g, arg in options_of(body, srcs[path]).items():
            print(f"{cmd}\t{g}\t{int(arg)}")


def code_values():
    for cmd, _, body, _ in parsers():
        arrays = "\n".join(a for _, a in OPTION_ARRAY_RE.findall(body))
        by_val = {val: name for name, _, val in OPTION_ENTRY_RE.findall(arrays)}
        for label, block in re.findall(r"case ([^:\n]+):(.*?)(?=\bcase [^:\n]+:|\bdefault:|$)",
                                       body, re.S):
            for v in re.findall(r'strcmp\(optarg, "([^"]+)"\)', block):
                if label in by_val:
                    print(f"{cmd}\t--{by_val[label]}\t{v}")


def code_choices():
    """The words an operand (a variable set from argv) is compared with."""
    for cmd, _, _, own in parsers():
        operands = set(re.findall(r"\b(\w+) = [^;]*\bargv\[", own))
        for var, word in re.findall(r'strcmp\((\w+), "([^"-][^"]*)"\)', own):
            if var in operands:
                print(f"{cmd}\t{word}")


def code_actions():
    """Actions records carry, and the two flags --action also matches."""
    src = sources()
    acts = set(re.findall(r'(?:daemon_record|own_record)\([^;"]*"(\w+)"\)', "\n".join(src.values())))
    acts.update(re.findall(r'^\s+a = "(\w+)";', src["gatekeeper/event_fmt.c"], re.M))
    acts.update(re.findall(r'"((?:Prog|Maps)[A-Z]\w+)"', src["gatekeeper/config.c"]))
    acts.update(re.findall(r'\[WB_ACT_\w+\] = "(\w+)"', src["gatekeeper/status.c"]))
    acts.update(re.findall(r'strcasecmp\(want, "(\w+)"\)', src["log/query.c"]))
    for a in sorted(acts):
        print(a)


def code_ops():
    body = functions(read("gatekeeper/names.c"))["op_name"]
    for op in sorted(set(re.findall(r'return "(\w+)";', body))):
        print(op)


# ---- the man pages ----------------------------------------------------------

def rst_sections(text):
    """[(level, title, body lines)]: '=' underlines level 1, '-' level 2."""
    lines = text.split("\n")
    out, cur = [], None
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line and not line.startswith(" ") and re.fullmatch(r"([=-])\1+", nxt) and \
                len(nxt) == len(line) and not re.fullmatch(r"[=-]+", line):
            cur = (1 if nxt[0] == "=" else 2, line, [])
            out.append(cur)
            i += 2
            continue
        if cur:
            cur[2].append(line)
        i += 1
    return out


def rst_options(lines):
    """{group: takes_value} of an option list: an entry starts at column 0."""
    groups = {}
    for line in lines:
        if not re.match(r"-[-\w]", line):
            continue
        entry = re.split(r"  ", line)[0]
        tokens, arg = [], False
        for part in entry.split(", "):
            words = part.split()
            tokens.append(words[0].split("=")[0])
            arg |= len(words) > 1 or "=" in words[0]
        groups[group_key(tokens)] = arg
    return groups


def man_commands(path):
    level1 = None
    for level, title, _ in rst_sections(read(path)):
        if level == 1:
            level1 = title
        elif level1 == "COMMANDS":
            print(title)


def man_section(path, name):
    """The text of the (sub)sections titled name, or name and a word."""
    for _, title, lines in rst_sections(read(path)):
        if title == name or title.startswith(name + " "):
            print("\n".join(lines))


def man_options(path):
    level1 = None
    for level, title, lines in rst_sections(read(path)):
        if level == 1:
            level1 = title
            if title == "OPTIONS":
                for g, arg in rst_options(lines).items():
                    print(f"(main)\t{g}\t{int(arg)}")
        elif level1 == "COMMANDS":
            for g, arg in rst_options(lines).items():
                print(f"{title}\t{g}\t{int(arg)}")


# ---- policy keys ------------------------------------------------------------

def braces(text, start):
    """The index after the brace block opening at text[start]."""
    depth, i = 0, start
    while True:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
        if not depth:
            return i


def expand_macros(text):
    macros = {}
    for m in re.finditer(r"^#define (\w+)\(([^)]*)\)\s*\\\n((?:.*\\\n)*.*\n)", text, re.M):
        macros[m.group(1)] = ([p.strip() for p in m.group(2).split(",")],
                              m.group(3).replace("\\\n", "\n"))
    for name, (params, body) in macros.items():
        def sub(m, params=params, body=body):
            args = [a.strip() for a in re.findall(r'"[^"]*"|[^,]+', m.group(1))]
            out = body
            for p, a in zip(params, args):
                out = re.sub(r"\b%s\b" % p, a, out)
            return out.strip()
        text = re.sub(r"^\s*%s\(((?:[^()]|\([^()]*\))*)\)," % name, lambda m: sub(m) + ",",
                      text, flags=re.M)
    return text


def field_tables(text):
    tables = {}
    for m in re.finditer(r"static const struct field (\w+)\[\] = \{", text):
        start = m.end() - 1
        block = text[start + 1:braces(text, start) - 1]
        entries, i = [], 0
        while True:
            j = block.find("{", i)
            if j < 0:
                break
            end = braces(block, j)
            body = block[j + 1:end - 1]
            entries.append(dict(re.findall(r'\.(\w+) = ("[^"]*"|[^,\n]+)', body)))
            i = end
        tables[m.group(1)] = entries
    return tables


def code_keys_list():
    text = expand_macros(read("policy/parse.c"))
    header = read("policy/policy.h")
    defines = dict(re.findall(r"^#define (\w+) (\d+)u?$", header, re.M))
    enums = {m.group(1): re.findall(r'\{ "([\w-]+)", \w+ \}', m.group(2))
             for m in re.finditer(r"static const struct enum_name (\w+)\[\] = \{(.*?)\};", text, re.S)}
    tables = field_tables(text)
    schemas = {m.group(1): dict(re.findall(r'\.(\w+) = ("[^"]*"|[^,\n]+)', m.group(2)))
               for m in re.finditer(r"static const struct schema (\w+) = \{(.*?)\};", text, re.S)}
    used = {f.get("schema", "").lstrip("&") for t in tables.values() for f in t}
    roots = [s for s in schemas if s not in used]
    keys = []

    def walk(schema, prefix):
        for f in tables[schemas[schema]["fields"]]:
            key = prefix + f["key"].strip('"')
            names = enums.get(f.get("names", ""), [])
            flags = f.get("flags", "")
            if f["type"] == "FT_ENUM" and "FF_HAS" not in flags:
                default = names[0]
            elif f["type"] == "FT_BOOL":
                default = f.get("def_bool", "false")
            else:
                default = ""
            rng = [defines.get(f[k], f[k]) for k in ("min", "max") if k in f]
            keys.append((key, f["type"], "required" if "FF_REQUIRED" in flags else "",
                         default, " ".join(names + rng)))
            if "schema" in f:
                sep = "[]." if f["type"] == "FT_SEQ" else "."
                walk(f["schema"].lstrip("&"), key + sep)

    for r in roots:
        walk(r, "")
    return keys


def man_key_entries(path):
    """{key: body text} of the ``path`` definition terms."""
    entries, key = {}, None
    for line in read(path).split("\n"):
        m = re.fullmatch(r"``([\w.\[\]]+)``", line)
        if m:
            key = m.group(1)
            entries[key] = []
        elif key and (line.startswith(" ") or not line):
            entries[key].append(line)
        else:
            key = None
    return {k: "\n".join(v) for k, v in entries.items()}


# what a field's type says in the page's "Type:" line
TYPE_WORDS = {"FT_STRING": "string", "FT_DIGEST": "digest", "FT_BOOL": "``true`` or ``false``",
              "FT_UINT": "integer", "FT_PATH": "path", "FT_MAP": "mapping", "FT_SEQ": "list",
              "FT_LIST": "list", "FT_RULES": "mapping"}


def key_problems(path):
    entries = man_key_entries(path)
    for key, ftype, required, default, values in code_keys_list():
        body = entries.get(key)
        if body is None:
            continue  # the key sets are compared apart
        m = re.search(r"\*\*Type:\*\*(.*?)(?:\*\*Default:\*\*|\*\*Required\.\*\*)", body, re.S)
        if not m:
            print(f"{key}: no **Type:** followed by **Default:** or **Required.**")
            continue
        type_text = " ".join(m.group(1).split())
        if ftype in TYPE_WORDS and TYPE_WORDS[ftype] not in type_text:
            print(f"{key}: {ftype}, but its type says '{type_text}'")
        words = re.findall(r"[\w-]+", type_text)
        for v in values.split():
            if v not in words:
                print(f"{key}: the parser's '{v}' is not in its type: '{type_text}'")
        if required and "**Required.**" not in body:
            print(f"{key}: required by the parser, not **Required.** here")
        if not required and "**Required.**" in body:
            print(f"{key}: **Required.** here, optional in the parser")
        if not required:
            d = re.search(r"\*\*Default:\*\*\s*(\S+)", body)
            if not d:
                print(f"{key}: no **Default:**")
            elif default and d.group(1).strip("`.,") != default:
                print(f"{key}: default '{default}' in the parser, '{d.group(1)}' here")
        if "**Example:**" not in body:
            print(f"{key}: no **Example:**")
    for key in entries:
        if not entries[key].strip():
            print(f"{key}: empty entry")


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # | grep -q, | head
    cmd = sys.argv[1]
    arg = sys.argv[2] if len(sys.argv) > 2 else None
    if cmd == "code-commands":
        print("\n".join(list(commands()) + sorted(main_words()[0])))
    elif cmd == "code-options":
        code_options()
    elif cmd == "code-subcommands":
        for c, _, _, _ in parsers():
            if " " in c:
                print(c.replace(" ", "\t"))
    elif cmd == "code-choices":
        code_choices()
    elif cmd == "code-values":
        code_values()
    elif cmd == "code-actions":
        code_actions()
    elif cmd == "code-ops":
        code_ops()
    elif cmd == "man-commands":
        man_commands(arg)
    elif cmd == "man-options":
        man_options(arg)
    elif cmd == "man-section":
        man_section(arg, sys.argv[3])
    elif cmd == "code-keys":
        for k in code_keys_list():
            print("\t".join(k))
    elif cmd == "man-keys":
        print("\n".join(man_key_entries(arg)))
    elif cmd == "key-problems":
        key_problems(arg)
    else:
        sys.exit(f"man_sync.py: unknown command {cmd}")


if __name__ == "__main__":
    main()
