// The repository's root action.yml is setup-model's, so `uses: cortex/setup-model@v1` runs it: the same text
// as actions/setup-model/action.yml with the entry paths made relative to the repository root.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { root } from "./readme-sections.mjs";

export const rootActionPath = path.join(root, "action.yml");
export const setupModelActionPath = path.join(root, "actions", "setup-model", "action.yml");

const HEADER =
  "# Generated from actions/setup-model/action.yml by `npm run docs:actions`; edit that file, not this one.\n";

/** The root action.yml for a given actions/setup-model/action.yml text. */
export function rootActionText(setupModelText) {
  let inRuns = false;
  const lines = setupModelText.split("\n").map((line) => {
    if (/^\S/.test(line)) inRuns = line.startsWith("runs:");
    const entry = /^(\s+(?:pre|main|post):\s*)(["']?)([^"'\s#]+)\2(.*)$/.exec(line);
    if (!inRuns || !entry) return line;
    const [, key, quote, file, rest] = entry;
    return `${key}${quote}${path.posix.join("actions/setup-model", file)}${quote}${rest}`;
  });
  return HEADER + lines.join("\n");
}

/** Writes the root action.yml, or with `check` reports whether it is current; returns true when it is. */
export function updateRootAction({ check }) {
  const expected = rootActionText(readFileSync(setupModelActionPath, "utf8"));
  if (check) return readFileSync(rootActionPath, "utf8") === expected;
  writeFileSync(rootActionPath, expected);
  return true;
}
