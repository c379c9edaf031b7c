// SPDX-License-Identifier: GPL-2.0
// Validates Kubernetes manifests offline, as the API server would take them:
//
//   node validate.mjs FILE...
//
// Each FILE is a YAML stream (YAML 1.1, as the API server reads it; a
// duplicate key is an error). Every document is checked against the JSON
// schema of its apiVersion and kind, from the OpenAPI of the Kubernetes API
// (npm kubernetes-models: types, required fields, enums, formats); then for
// fields the schema does not know (a misspelt field is dropped by the API
// server, with a warning at most), from the models' type declarations; then
// for a few of the API server's own rules the schema cannot say. Prints
// "ok FILE#N Kind/name" or "FAIL ..." with the reasons, one a line, and
// exits 1 when any document fails.
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const modelsDir = dirname(require.resolve("kubernetes-models/package.json"));
const nodeModules = dirname(modelsDir);

// ---- the models' type declarations: which fields each type has --------

const types = new Map(); // .d.ts path -> { props: Map(name -> type) } or null (a scalar)

function dtsOf(spec, from) {
  const base = spec.startsWith(".") ? resolve(dirname(from), spec) : join(nodeModules, spec);
  const noJs = base.replace(/\.js$/, "");
  for (const f of [noJs + ".d.ts", join(noJs, "index.d.ts")]) if (existsSync(f)) return f;
  throw new Error(`no declarations for ${spec} (from ${from})`);
}

// "Array<IX>", "{ [key: string]: IX; }", "IX", "string"... as a walker's type
function typeOf(text, imports) {
  text = text.trim();
  let m = /^Array<(.*)>$/s.exec(text);
  if (m) return { array: typeOf(m[1], imports) };
  m = /^\{\s*\[key: string\]:\s*(.*?);?\s*\}$/s.exec(text);
  if (m) return { map: typeOf(m[1], imports) };
  m = /^(I[A-Za-z0-9]+)$/.exec(text);
  if (m && imports.has(m[1])) return { file: dtsOf(...imports.get(m[1])) };
  return {}; // a scalar, a union of strings, an inline object: no fields to check
}

function load(file) {
  if (types.has(file)) return types.get(file);
  const src = readFileSync(file, "utf8");
  const imports = new Map();
  for (const m of src.matchAll(/^import \{([^}]*)\} from "([^"]+)";$/gm))
    for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean))
      imports.set(name, [m[2], file]);
  const start = /^export interface I[A-Za-z0-9]+(?: extends [^{]+)? \{$/m.exec(src);
  if (!start) {
    types.set(file, null); // "export type IQuantity = number | string"
    return null;
  }
  const lines = src.slice(start.index).split("\n").slice(1);
  const props = new Map();
  for (let i = 0; i < lines.length && lines[i] !== "}"; i++) {
    const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i]);
    if (!m) continue;
    let text = m[2];
    // a type over several lines: until its braces close
    const open = (s) => (s.match(/[{<]/g) || []).length - (s.match(/[}>]/g) || []).length;
    while ((open(text) > 0 || !text.endsWith(";")) && i + 1 < lines.length) text += "\n" + lines[++i];
    props.set(m[1], typeOf(text.replace(/;$/, ""), imports));
  }
  if (!props.size) throw new Error(`${file}: an interface without fields`);
  const t = { props };
  types.set(file, t);
  return t;
}

function unknownFields(value, type, path, errs) {
  if (value === null || typeof value !== "object") return;
  if (type.array) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, type.array, `${path}/${i}`, errs));
    return;
  }
  if (type.map) {
    for (const [k, v] of Object.entries(value)) unknownFields(v, type.map, `${path}/${k}`, errs);
    return;
  }
  if (!type.file || Array.isArray(value)) return;
  const t = load(type.file);
  if (!t) return;
  for (const [k, v] of Object.entries(value)) {
    const field = t.props.get(k);
    if (!field) errs.push(`${path}/${k}: unknown field`);
    else unknownFields(v, field, `${path}/${k}`, errs);
  }
}

// ---- the API server's own rules ---------------------------------------

function podRules(spec, path, errs) {
  const volumes = new Set((spec.volumes || []).map((v) => v.name));
  const names = new Set();
  for (const [i, c] of [...(spec.initContainers || []), ...(spec.containers || [])].entries()) {
    const at = `${path}/containers/${c.name || i}`;
    if (names.has(c.name)) errs.push(`${at}: a second container of this name`);
    names.add(c.name);
    const sc = c.securityContext || {};
    const caps = (sc.capabilities && sc.capabilities.add) || [];
    if (sc.allowPrivilegeEscalation === false &&
        (sc.privileged === true || caps.some((x) => /^(CAP_)?SYS_ADMIN$/.test(x))))
      errs.push(`${at}/securityContext: allowPrivilegeEscalation false with privileged or SYS_ADMIN`);
    for (const m of c.volumeMounts || []) {
      if (!volumes.has(m.name)) errs.push(`${at}/volumeMounts/${m.name}: no such volume`);
      if (m.mountPropagation === "Bidirectional" && sc.privileged !== true)
        errs.push(`${at}/volumeMounts/${m.name}: Bidirectional propagation needs a privileged container`);
    }
  }
}

function workloadRules(obj, errs) {
  const spec = obj.spec || {};
  const labels = (spec.template && spec.template.metadata && spec.template.metadata.labels) || {};
  const match = (spec.selector && spec.selector.matchLabels) || {};
  for (const [k, v] of Object.entries(match))
    if (labels[k] !== v) errs.push(`/spec/selector: does not match the template's labels (${k})`);
  const us = spec.updateStrategy || {};
  if (us.type === "OnDelete" && us.rollingUpdate)
    errs.push("/spec/updateStrategy/rollingUpdate: may not be given with OnDelete");
  if (spec.template && spec.template.spec) podRules(spec.template.spec, "/spec/template/spec", errs);
}

// ---- documents --------------------------------------------------------

async function modelOf(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind))
    throw new Error("no apiVersion or kind");
  const dir = join(modelsDir, ...apiVersion.split("/"));
  const dts = join(dir, `${kind}.d.ts`);
  if (!existsSync(dts)) throw new Error(`unknown kind ${apiVersion} ${kind}`);
  const mod = await import(join(dir, `${kind}.js`));
  return { Model: mod[kind], dts };
}

async function checkDoc(obj) {
  const errs = [];
  const { Model, dts } = await modelOf(obj.apiVersion, obj.kind);
  try {
    new Model(obj).validate();
  } catch (e) {
    errs.push(...String(e.message).split(", ").map((s) => s.replace(/^data/, "")));
  }
  unknownFields(obj, { file: dts }, "", errs);
  if (obj.kind === "DaemonSet" || obj.kind === "Deployment" || obj.kind === "StatefulSet")
    workloadRules(obj, errs);
  return errs;
}

let failed = 0;
const files = process.argv.slice(2);
if (!files.length) {
  console.error("usage: node validate.mjs FILE...");
  process.exit(2);
}
for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"), { version: "1.1", uniqueKeys: true });
  let n = 0;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    n++;
    const where = `${file}#${n}`;
    const yamlErrs = [...doc.errors, ...doc.warnings].map((e) => e.message);
    if (yamlErrs.length) {
      failed++;
      console.log(`FAIL ${where}: ${yamlErrs.join("; ")}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue; // an empty document
    const what = `${obj.kind}/${obj.metadata && obj.metadata.name}`;
    let errs;
    try {
      errs = await checkDoc(obj);
    } catch (e) {
      errs = [e.message];
    }
    if (errs.length) {
      failed++;
      console.log(`FAIL ${where} ${what}`);
      for (const e of errs) console.log(`     ${e}`);
    } else {
      console.log(`ok   ${where} ${what}`);
    }
  }
}
process.exit(failed ? 1 : 0);
