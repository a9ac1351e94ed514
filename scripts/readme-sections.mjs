// Generated sections of README.md: each lies between `<!-- <kind>:<name> -->` and `<!-- <kind>:<name>:end -->`
// and is rewritten from its source (action.yml, a JSON Schema), so the README cannot drift from the code.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..");
export const readmePath = path.join(root, "README.md");

/** Text fit for one Markdown table cell. */
export function cell(text) {
  return String(text ?? "")
    .replace(/\s*\n\s*/g, " ")
    .replace(/\|/g, "\\|")
    .trim();
}

/** A Markdown table with its columns padded to one width, as a Markdown formatter leaves it. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(3, ...[h, ...rows.map((r) => r[i])].map((c) => [...c].length)));
  const line = (cells) => `| ${cells.map((c, i) => c + " ".repeat(widths[i] - [...c].length)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/**
 * Replaces each named section's body; `sections` maps a name to its new body. Fails naming the markers to
 * add when a section is missing. With `check`, writes nothing and fails when the README is out of date.
 */
export function updateReadme(kind, sections, { check, command }) {
  const original = readFileSync(readmePath, "utf8");
  let readme = original;
  const missing = [];
  for (const [name, body] of sections) {
    const start = `<!-- ${kind}:${name} -->`;
    const end = `<!-- ${kind}:${name}:end -->`;
    const from = readme.indexOf(start);
    const to = readme.indexOf(end);
    if (from < 0 || to < from) {
      missing.push(`${start} ${end}`);
      continue;
    }
    readme = `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`;
  }
  if (missing.length > 0) {
    console.error(`README.md lacks section markers: add ${missing.join(", ")}`);
    process.exit(1);
  }
  // A formatter may pad table cells; what must match is the content, not the alignment.
  const normalized = (text) => text.replace(/ {2,}/g, " ").replace(/-{3,}/g, "---");
  if (!check) {
    writeFileSync(readmePath, readme);
    return;
  }
  if (normalized(readme) !== normalized(original)) {
    console.error(`README.md's ${kind} sections differ from their sources: run ${command}`);
    process.exit(1);
  }
}
