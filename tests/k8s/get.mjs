// SPDX-License-Identifier: GPL-2.0
// Prints one value of a manifest, for tests/unit/k8s.sh:
//
//   node get.mjs FILE KIND NAME PATH
//
// PATH is dot-separated (spec.template.spec.containers.0.command.2); a
// ConfigMap key with dots is one step when quoted: data."policy.yaml". A
// string is printed as it is, without a newline of its own; anything else
// as JSON. Exits 1 when there is no such document or value.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const [file, kind, name, path] = process.argv.slice(2);
if (!path) {
  console.error("usage: node get.mjs FILE KIND NAME PATH");
  process.exit(2);
}
const steps = [...path.matchAll(/"([^"]*)"|([^.]+)/g)].map((m) => m[1] ?? m[2]);
for (const doc of parseAllDocuments(readFileSync(file, "utf8"), { version: "1.1" })) {
  const obj = doc.toJS();
  if (!obj || obj.kind !== kind || !obj.metadata || obj.metadata.name !== name) continue;
  let v = obj;
  for (const s of steps) {
    if (v === null || typeof v !== "object" || !(s in v)) {
      console.error(`${file}: ${kind}/${name} has no ${path}`);
      process.exit(1);
    }
    v = v[s];
  }
  process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));
  process.exit(0);
}
console.error(`${file}: no ${kind}/${name}`);
process.exit(1);
