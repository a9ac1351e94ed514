#!/usr/bin/env node
// Renders each action's inputs and outputs from its action.yml into README.md, between the markers
// `<!-- action-docs:<name> -->` and `<!-- action-docs:<name>:end -->`, so the README cannot drift from
// the metadata. With --check it changes nothing and fails when the README is out of date.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

const root = path.resolve(import.meta.dirname, "..");
const readmePath = path.join(root, "README.md");
const check = process.argv.includes("--check");

function cell(text) {
  return String(text ?? "")
    .replace(/\s*\n\s*/g, " ")
    .replace(/\|/g, "\\|")
    .trim();
}

function render(meta) {
  const lines = [];
  const inputs = Object.entries(meta.inputs ?? {});
  if (inputs.length > 0) {
    lines.push("| input | required | default | description |", "| --- | --- | --- | --- |");
    for (const [name, input] of inputs) {
      const fallback = input.default === undefined ? "" : `\`${cell(input.default)}\``;
      lines.push(`| \`${name}\` | ${input.required ? "yes" : "no"} | ${fallback} | ${cell(input.description)} |`);
    }
  }
  const outputs = Object.entries(meta.outputs ?? {});
  if (outputs.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push("| output | description |", "| --- | --- |");
    for (const [name, output] of outputs) lines.push(`| \`${name}\` | ${cell(output.description)} |`);
  }
  return lines.join("\n");
}

const actionsDir = path.join(root, "actions");
const names = readdirSync(actionsDir).filter((name) => existsSync(path.join(actionsDir, name, "action.yml")));
let readme = readFileSync(readmePath, "utf8");
const missing = [];
for (const name of names) {
  const meta = parse(readFileSync(path.join(actionsDir, name, "action.yml"), "utf8"));
  const start = `<!-- action-docs:${name} -->`;
  const end = `<!-- action-docs:${name}:end -->`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) {
    missing.push(name);
    continue;
  }
  readme = `${readme.slice(0, from + start.length)}\n${render(meta)}\n${readme.slice(to)}`;
}
if (missing.length > 0) {
  console.error(
    `README.md has no section markers for: ${missing.join(", ")} (add ${missing.map((n) => `<!-- action-docs:${n} --> <!-- action-docs:${n}:end -->`).join(", ")})`,
  );
  process.exit(1);
}
// A formatter may pad table cells; what must match is the content, not the alignment.
const normalized = (text) => text.replace(/ {2,}/g, " ").replace(/-{3,}/g, "---");
if (check) {
  if (normalized(readme) !== normalized(readFileSync(readmePath, "utf8"))) {
    console.error("README.md's action tables differ from actions/*/action.yml: run npm run docs:actions");
    process.exit(1);
  }
} else {
  writeFileSync(readmePath, readme);
}
