# SPDX-License-Identifier: GPL-2.0
"""The facts tests/unit/policy_schema.sh checks about docs/policy.schema.json.

  validate FILE...        for each YAML policy, "FILE<TAB>ok" or
                          "FILE<TAB>bad<TAB>why": the schema's verdict,
                          the file read as an editor reads it (YAML 1.2)
  check-schema            the schema is a valid draft-07 schema
  keys                    every key of policy/parse.c's tables is in the
                          schema at its place, with its type, values,
                          default, bounds and required flag, and no other
                          key is: one problem a line, nothing when in sync
  libbpf LIB              the program and attach types of the schema
                          against those libbpf (LIB: its .so) names
  extract DIR CERT        the policies tests/vm/ and tests/host/ write
                          (here-documents, printf), expanded as the shell
                          would with stand-in digests, files the host does
                          not have replaced by CERT or a digests file of
                          DIR: one DIR/NAME.yaml each; prints
                          "NAME<TAB>SOURCE:LINE"
"""
import ctypes
import hashlib
import json
import os
import re
import sys

import jsonschema
import yaml

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
# WATCHBPF_SCHEMA: another schema, for the test's own mutations of it
SCHEMA = os.environ.get("WATCHBPF_SCHEMA") or os.path.join(TOP, "docs", "policy.schema.json")


def read(path):
    with open(os.path.join(TOP, path), encoding="utf-8") as f:
        return f.read()


# ---- YAML as editors read it ---------------------------------------------
# PyYAML resolves YAML 1.1 (yes/no/on/off are booleans, 010 is octal);
# yaml-language-server, like the policy parser, reads YAML 1.2's core
# schema: booleans are true/false, integers decimal, 0o or 0x.
class Yaml12Loader(yaml.SafeLoader):
    pass


Yaml12Loader.yaml_implicit_resolvers = {}
for tag, regexp, first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
     r"|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    Yaml12Loader.add_implicit_resolver(tag, re.compile(regexp), list(first))


def construct_int(loader, node):
    v = loader.construct_scalar(node)
    if v.startswith("0o"):
        return int(v[2:], 8)
    if v.startswith("0x"):
        return int(v[2:], 16)
    return int(v, 10)


def construct_bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


def construct_mapping(loader, node, deep=False):
    # JSON has string keys only: a key is its text, as an editor sends it
    out = {}
    for k, v in node.value:
        key = k.value if isinstance(k, yaml.ScalarNode) else str(loader.construct_object(k))
        out[key] = loader.construct_object(v, deep=deep)
    return out


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:bool", construct_bool)
Yaml12Loader.add_constructor("tag:yaml.org,2002:map", construct_mapping)


def load_yaml(text):
    return yaml.load(text, Loader=Yaml12Loader)


def schema():
    with open(SCHEMA, encoding="utf-8") as f:
        return json.load(f)


def validate(files):
    v = jsonschema.Draft7Validator(schema())
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                doc = load_yaml(f.read())
        except (yaml.YAMLError, UnicodeDecodeError, ValueError) as e:
            print(f"{path}\tbad\tnot YAML: {str(e).splitlines()[0]}")
            continue
        errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errs:
            e = errs[0]
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print(f"{path}\tbad\t{where}: {e.message[:200]}")
        else:
            print(f"{path}\tok")


# ---- the parser's tables --------------------------------------------------
def c_defines(text):
    """NAME -> value of the numeric #defines of text (1000000u -> 1000000)."""
    out = {}
    for name, val in re.findall(r"^#define (\w+) \(?(\d+)u?\)?\s*$", text, re.M):
        out[name] = int(val)
    return out


def macros(text):
    """NAME -> (params, body) of the function-like #defines."""
    out = {}
    for m in re.finditer(r"^#define (\w+)\(([^)]*)\)((?:.*\\\n)*.*)$", text, re.M):
        out[m.group(1)] = ([p.strip() for p in m.group(2).split(",")],
                           m.group(3).replace("\\\n", "\n"))
    return out


def split_top(body):
    """The {...} entries and NAME(...) macro calls of an initializer list."""
    out, i = [], 0
    while i < len(body):
        m = re.compile(r"\{|(\w+)\(").search(body, i)
        if not m:
            break
        open_c, close_c = ("{", "}") if m.group(0) == "{" else ("(", ")")
        depth, j = 0, m.end() - 1
        while j < len(body):
            depth += {open_c: 1, close_c: -1}.get(body[j], 0)
            j += 1
            if not depth:
                break
        out.append(body[m.start():j])
        i = j
    return out


def expand(entry, defs):
    m = re.match(r"(\w+)\((.*)\)$", entry, re.S)
    if not m or m.group(1) not in defs:
        return entry
    params, body = defs[m.group(1)]
    args = [a.strip() for a in split_args(m.group(2))]
    for p, a in zip(params, args):
        body = re.sub(r"\b%s\b" % re.escape(p), a, body)
    return body.strip()


def split_args(s):
    args, depth, cur = [], 0, ""
    for c in s:
        if c == "," and not depth:
            args.append(cur)
            cur = ""
            continue
        depth += {"(": 1, ")": -1}.get(c, 0)
        cur += c
    return args + [cur]


def parser_tables():
    """{schema name: [field]} of policy/parse.c, each field a dict."""
    text = read("policy/parse.c")
    nums = c_defines(read("policy/policy.h"))
    defs = macros(text)
    enums = {}
    for name, body in re.findall(r"struct enum_name (\w+)\[\] = \{(.*?)\n\};", text, re.S):
        enums[name] = re.findall(r'\{ "(\w+)",', body)
    tables = {}
    for name, body in re.findall(r"struct field (\w+)_fields\[\] = \{(.*?)\n\};", text, re.S):
        fields = []
        for entry in split_top(body):
            e = expand(entry, defs)
            key = re.search(r'\.key = "(\w+)"', e)
            if not key:
                continue

            def attr(a, e=e):
                m = re.search(r"\.%s = ([^,\n}]+)" % a, e)
                return m.group(1).strip() if m else None
            f = {"key": key.group(1), "type": attr("type"), "flags": attr("flags") or ""}
            f["names"] = enums.get(attr("names") or "", None)
            f["def_bool"] = attr("def_bool") == "true"
            for b in ("min", "max", "max_items"):
                v = attr(b)
                f[b] = None if v is None else nums.get(v, int(v) if v.isdigit() else v)
            f["empty_hint"] = attr("empty_hint") is not None
            sch = attr("schema")
            f["schema"] = sch.lstrip("&").removesuffix("_schema") if sch else None
            fields.append(f)
        tables[name] = fields
    return tables


def resolve(node, s):
    """node with its $ref followed and its allOf merged in."""
    node = dict(node)
    while "$ref" in node:
        ref = node.pop("$ref")
        target = s
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        node = {**target, **node}
    for sub in node.pop("allOf", []):
        for k, v in resolve(sub, s).items():
            node.setdefault(k, v)
    return node


def ref_name(node):
    ref = node.get("$ref") or next((a["$ref"] for a in node.get("allOf", []) if "$ref" in a), "")
    return ref.rsplit("/", 1)[-1]


def key_problems():
    s = schema()
    defs = s["definitions"]
    out = []
    for table, fields in parser_tables().items():
        if table not in defs:
            out.append(f"{table}: no definitions/{table} for policy/parse.c's {table}_fields")
            continue
        d = defs[table]
        props = d.get("properties", {})
        where = f"definitions/{table}"
        if d.get("additionalProperties") is not False:
            out.append(f"{where}: additionalProperties is not false (the parser refuses "
                       "unknown keys)")
        code_keys = [f["key"] for f in fields]
        for k in sorted(set(props) - set(code_keys)):
            out.append(f"{where}: '{k}' is no key of {table}_fields in policy/parse.c")
        for f in fields:
            k = f["key"]
            if k not in props:
                out.append(f"{where}: '{k}' of {table}_fields is missing")
                continue
            out.extend(f"{where}/{k}: {p}" for p in field_problems(f, props[k], d, s))
    return out


def field_problems(f, prop, parent, s):
    p = resolve(prop, s)
    req = "FF_REQUIRED" in f["flags"]
    if req != (f["key"] in parent.get("required", [])):
        yield f"required is {req} in the parser"
    if not p.get("description"):
        yield "no description"
    t = f["type"]
    if t == "FT_ENUM":
        if set(p.get("enum", [])) != set(f["names"]):
            yield f"enum {p.get('enum')}, the parser's {f['names']}"
        if "FF_HAS" not in f["flags"] and p.get("default") != f["names"][0]:
            yield f"default {p.get('default')!r}, the parser's {f['names'][0]!r}"
    elif t == "FT_BOOL":
        if set(map(str, p.get("enum", []))) != {"True", "False", "true", "false"}:
            yield f"not a boolean: {p.get('enum')}"
        if p.get("default") is not f["def_bool"]:
            yield f"default {p.get('default')!r}, the parser's {f['def_bool']}"
    elif t == "FT_UINT":
        ints = [b for b in p.get("anyOf", [p]) if b.get("type") == "integer"]
        if not ints or ints[0].get("minimum") != f["min"] or ints[0].get("maximum") != f["max"]:
            yield f"integer bounds are not {f['min']}..{f['max']}"
    elif t in ("FT_STRING", "FT_DIGEST", "FT_PATH"):
        strs = [resolve(b, s) for b in p.get("anyOf", [p])]
        if not any(b.get("type") == "string" and b.get("pattern") for b in strs):
            yield "no string pattern"
    elif t == "FT_MAP":
        if p.get("type") != "object" or ref_name(prop) != f["schema"]:
            yield f"not a reference to definitions/{f['schema']}"
    elif t in ("FT_SEQ", "FT_LIST"):
        if p.get("type") != "array":
            yield "not an array"
        if f["empty_hint"] and p.get("minItems") != 1:
            yield "may be empty, the parser refuses an empty one"
        if f["max_items"] and p.get("maxItems") != f["max_items"]:
            yield f"maxItems {p.get('maxItems')}, the parser's {f['max_items']}"
        if t == "FT_SEQ" and ref_name(p.get("items", {})) != f["schema"]:
            yield f"items are not definitions/{f['schema']}"
        if t == "FT_LIST" and not p.get("uniqueItems"):
            yield "uniqueItems is not true (the parser refuses a repeated entry)"
    elif t == "FT_RULES":
        ap = resolve(p.get("additionalProperties") or {}, s)
        if set(ap.get("enum", [])) != set(f["names"]):
            yield f"values {ap.get('enum')}, the parser's {f['names']}"
        if f["empty_hint"] and p.get("minProperties") != 1:
            yield "may be empty, the parser refuses an empty one"
        if f["max_items"] and p.get("maxProperties") != f["max_items"]:
            yield f"maxProperties {p.get('maxProperties')}, the parser's {f['max_items']}"
    else:
        yield f"field type {t} unknown to this test"


def libbpf_names(lib):
    so = ctypes.CDLL(lib)
    s = schema()["definitions"]
    for fn, d, first in [("libbpf_bpf_prog_type_str", "programType", 1),
                         ("libbpf_bpf_attach_type_str", "attachType", 0)]:
        f = getattr(so, fn)
        f.restype = ctypes.c_char_p
        f.argtypes = [ctypes.c_int]
        # policy/resolve.c's bound of libbpf's tables, and its first value
        have = {f(i).decode() for i in range(first, 256) if f(i)}
        want = set(s[d].get("enum", []))
        for n in sorted(have - want):
            print(f"definitions/{d}: libbpf's '{n}' is missing")
        for n in sorted(want - have):
            print(f"definitions/{d}: '{n}' is no name of {os.path.basename(lib)}")


# ---- the policies the VM and host suites write ----------------------------
def assignments(text):
    """VAR -> its value where a script assigns a literal, None where it
    computes one (a digest, in these scripts)."""
    out = {}
    for var, val in re.findall(r"^\s*(\w+)=(.*)$", text, re.M):
        val = val.strip()
        if "$(" in val or "`" in val:
            out[var] = None
        elif val[:1] == "'" and val.endswith("'"):
            out[var] = val[1:-1]
        elif "$" not in val:
            out[var] = val.strip('"')
    return out


def stand_in_digest(what):
    return "sha256:" + hashlib.sha256(what.encode()).hexdigest()


def shell_expand(s, env, src):
    """$(...), ${VAR} and $VAR as the shell would: a literal VAR by its
    value, anything computed by a digest of its own."""
    out, i = "", 0
    while i < len(s):
        if s.startswith("$(", i):
            depth, j = 0, i + 1
            while j < len(s):
                depth += {"(": 1, ")": -1}.get(s[j], 0)
                j += 1
                if not depth:
                    break
            out += stand_in_digest(src + s[i:j])
            i = j
            continue
        m = re.compile(r"\$\{(\w+)\}|\$(\w+)").match(s, i)
        if m:
            var = m.group(1) or m.group(2)
            val = env.get(var)
            out += shell_expand(val, env, src) if val is not None else stand_in_digest(src + var)
            i = m.end()
            continue
        out += s[i]
        i += 1
    return out


def script_policies(path):
    """(line, text) of each policy a script writes: here-documents, and
    printf lines (inside a here-document too: a script a test writes)."""
    text = read(path)
    env = assignments(text)
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.search(r"<<-?\s*(['\"]?)(\w+)\1", lines[i])
        if m:
            tag, quoted, start = m.group(2), bool(m.group(1)), i + 1
            body = []
            i += 1
            while i < len(lines) and lines[i].strip() != tag:
                body.append(lines[i])
                i += 1
            doc = "\n".join(body) + "\n"
            if re.search(r"^loaders:", doc, re.M):
                yield start, doc if quoted else shell_expand(doc, env, path)
        i += 1
    for i, line in enumerate(lines):
        m = re.search(r"printf '([^']*loaders:[^']*)'(.*?)>\s*\S+", line)
        if m:
            args = [shell_expand(a.strip('"'), env, path) for a in m.group(2).split()]
            doc = m.group(1).replace("\\n", "\n")
            yield i + 1, re.sub("%s", lambda _: args.pop(0) if args else "", doc)


def files_named(doc):
    """The paths a policy gives the checker to read: certificates, digests
    files."""
    try:
        p = load_yaml(doc)
    except yaml.YAMLError:
        return [], []
    if not isinstance(p, dict):
        return [], []
    certs, code = [], []
    for sect in ("trust", "admin"):
        if isinstance(p.get(sect), dict):
            certs += p[sect].get("certs") or []
    if isinstance(p.get("trust"), dict):
        code += p["trust"].get("digests") or []
    for ld in p.get("loaders") or []:
        if isinstance(ld, dict) and isinstance(ld.get("code"), dict):
            code += ld["code"].get("digests") or []
    return [c for c in certs if isinstance(c, str)], [c for c in code if isinstance(c, str)]


def extract(outdir, cert):
    digests = os.path.join(outdir, "stand-in.digests")
    with open(digests, "w", encoding="utf-8") as f:
        f.write(stand_in_digest("stand-in") + "  /stand-in\n")
    scripts = []
    for d in ("tests/vm", "tests/host"):
        for root, _, names in os.walk(os.path.join(TOP, d)):
            scripts += [os.path.relpath(os.path.join(root, n), TOP) for n in names
                        if n.endswith(".sh")]
    for path in sorted(scripts):
        for line, doc in script_policies(path):
            certs, code = files_named(doc)
            # files of the guest: this host's stand-ins, on the same line
            for c in certs:
                if c.startswith("/") and not os.path.exists(c):
                    doc = doc.replace(c, cert)
            for c in code:
                if c.startswith("/") and not c.endswith("/") and not os.path.exists(c):
                    doc = doc.replace(c, digests)
            name = re.sub(r"[^A-Za-z0-9]+", "-", f"{path}-{line}").strip("-")
            with open(os.path.join(outdir, name + ".yaml"), "w", encoding="utf-8") as f:
                f.write(doc)
            print(f"{name}\t{path}:{line}")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "validate":
        validate(args)
    elif cmd == "check-schema":
        jsonschema.Draft7Validator.check_schema(schema())
    elif cmd == "keys":
        print("\n".join(key_problems()))
    elif cmd == "count-keys":
        print(sum(len(f) for f in parser_tables().values()))
    elif cmd == "libbpf":
        libbpf_names(args[0])
    elif cmd == "extract":
        extract(args[0], args[1])
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
