#!/usr/bin/env node
// Renders every field of the configuration files from the JSON Schemas the loaders validate with
// (schemas/<name>.schema.json) into README.md, between `<!-- schema-docs:<name> -->` and
// `<!-- schema-docs:<name>:end -->`. With --check it changes nothing and fails when the README is out of date.
import { readFileSync } from "node:fs";
import path from "node:path";
import { cell, root, table, updateReadme } from "./readme-sections.mjs";

const files = {
  suite: "suite.schema.json",
  scenario: "scenario.schema.json",
  "scan-policy": "scan-policy.schema.json",
};

const code = (value) => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;

function resolve(schema, node) {
  if (!node.$ref) return { node, ref: undefined };
  const name = node.$ref.replace("#/definitions/", "");
  const target = schema.definitions?.[name];
  if (!target) throw new Error(`unresolved $ref ${node.$ref}`);
  // Keywords beside a $ref (its description) describe this use of the shared definition.
  const { $ref: _, ...local } = node;
  return { node: { ...target, ...local }, ref: name };
}

const LONG_ENUM = 6;

// Names with a `not-` twin are listed once (assertions: the description says the prefix negates).
function enumText(values) {
  const shown = values.filter((v) => !(typeof v === "string" && v.startsWith("not-") && values.includes(v.slice(4))));
  const text = shown.map(code).join(", ");
  return shown.length < values.length ? `${text} (each also as \`not-…\`)` : text;
}

function bounds(node) {
  if (node.minimum !== undefined && node.maximum !== undefined) return ` ${node.minimum} to ${node.maximum}`;
  const parts = [];
  if (node.minimum !== undefined) parts.push(`≥ ${node.minimum}`);
  if (node.exclusiveMinimum !== undefined) parts.push(`> ${node.exclusiveMinimum}`);
  if (node.maximum !== undefined) parts.push(`≤ ${node.maximum}`);
  return parts.length > 0 ? ` ${parts.join(", ")}` : "";
}

function typeText(schema, raw) {
  const { node } = resolve(schema, raw);
  if (node.enum) return node.enum.length > LONG_ENUM ? "name, listed below" : enumText(node.enum);
  const branches = node.anyOf ?? node.oneOf;
  if (branches && !node.type) return branches.map((b) => typeText(schema, b)).join(" or ");
  const types = [node.type ?? "any"].flat();
  if (types.length > 1) return types.join(" or ");
  const [type] = types;
  if (type === "array") return `list of ${node.items ? typeText(schema, node.items) : "any"}`;
  if (type === "object" && typeof node.additionalProperties === "object") {
    return `map of name to ${typeText(schema, node.additionalProperties)}`;
  }
  return `${type}${bounds(node)}`;
}

/** Whether a field is required: always, as one of a set of alternatives, or for some values of another field. */
function requirement(node, name) {
  if (node.required?.includes(name)) return "yes";
  const alternatives = (node.oneOf ?? []).map((branch) => branch.required ?? []);
  if (alternatives.some((names) => names.includes(name))) return `one of ${alternatives.flat().join(", ")}`;
  const conditions = (node.allOf ?? []).filter((rule) => rule.then?.required?.includes(name));
  if (conditions.length > 0) {
    const on = [...new Set(conditions.flatMap((rule) => Object.keys(rule.if?.properties ?? {})))];
    return `by ${on.join(", ")}`;
  }
  return "no";
}

/** One row per field, depth first; a shared definition is spelled out only at its first use. */
function fields(schema, raw, prefix, expanded) {
  const { node } = resolve(schema, raw);
  const out = [];
  for (const [name, property] of Object.entries(node.properties ?? {})) {
    const field = `${prefix}${name}`;
    const { node: own, ref } = resolve(schema, property);
    out.push({ field, property, own, required: requirement(node, name) });
    if (ref && expanded.has(ref)) continue;
    if (ref) expanded.add(ref);
    const items = own.type === "array" && own.items ? resolve(schema, own.items) : undefined;
    if (items?.ref && expanded.has(items.ref)) continue;
    if (items?.ref) expanded.add(items.ref);
    if (items?.node.properties) out.push(...fields(schema, items.node, `${field}[].`, expanded));
    else if (own.properties) out.push(...fields(schema, own, `${field}.`, expanded));
  }
  return out;
}

/** The fields table; enumerations too long for a cell follow it, one line each. */
function render(schema) {
  const all = fields(schema, schema, "", new Set());
  const rows = all.map(({ field, property, own, required }) => [
    code(field),
    cell(typeText(schema, property)),
    required,
    own.default === undefined ? "" : code(own.default),
    cell(own.description),
  ]);
  const lists = all
    .filter(({ own }) => own.enum && own.enum.length > LONG_ENUM)
    .map(({ field, own }) => `${code(field)}: ${enumText(own.enum)}.`);
  return [table(["field", "type", "required", "default", "description"], rows), ...lists].join("\n\n");
}

const sections = Object.entries(files).map(([name, file]) => [
  name,
  render(JSON.parse(readFileSync(path.join(root, "schemas", file), "utf8"))),
]);
updateReadme("schema-docs", sections, { check: process.argv.includes("--check"), command: "npm run docs:schemas" });
