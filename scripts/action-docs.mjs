#!/usr/bin/env node
// Renders each action's inputs and outputs from its action.yml into README.md, between the markers
// `<!-- action-docs:<name> -->` and `<!-- action-docs:<name>:end -->`, so the README cannot drift from
// the metadata, and regenerates the root action.yml from actions/setup-model/action.yml. With --check it
// changes nothing and fails when either is out of date.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { cell, root, table, updateReadme } from "./readme-sections.mjs";
import { updateRootAction } from "./root-action.mjs";

function render(meta) {
  const tables = [];
  const inputs = Object.entries(meta.inputs ?? {});
  if (inputs.length > 0) {
    const rows = inputs.map(([name, input]) => [
      `\`${name}\``,
      input.required ? "yes" : "no",
      input.default === undefined ? "" : `\`${cell(input.default)}\``,
      cell(input.description),
    ]);
    tables.push(table(["input", "required", "default", "description"], rows));
  }
  const outputs = Object.entries(meta.outputs ?? {});
  if (outputs.length > 0) {
    tables.push(
      table(
        ["output", "description"],
        outputs.map(([name, output]) => [`\`${name}\``, cell(output.description)]),
      ),
    );
  }
  return tables.join("\n\n");
}

const actionsDir = path.join(root, "actions");
const names = readdirSync(actionsDir).filter((name) => existsSync(path.join(actionsDir, name, "action.yml")));
const sections = names.map((name) => [
  name,
  render(parse(readFileSync(path.join(actionsDir, name, "action.yml"), "utf8"))),
]);
const check = process.argv.includes("--check");
if (!updateRootAction({ check })) {
  console.error("action.yml differs from actions/setup-model/action.yml: run npm run docs:actions");
  process.exit(1);
}
updateReadme("action-docs", sections, { check, command: "npm run docs:actions" });
