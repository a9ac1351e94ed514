import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_RULES } from "../../../src/scan/rules.js";

const docs = readFileSync(path.resolve(import.meta.dirname, "../../../docs/scan.md"), "utf8");

describe("scan rules", () => {
  it("have unique ids and names in the forms SARIF and code scanning expect", () => {
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
    expect(new Set(ALL_RULES.map((r) => r.name)).size).toBe(ALL_RULES.length);
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(/^(gguf|template|policy)\/[a-z]+(-[a-z]+)*$/);
      expect(rule.name).toMatch(/^[A-Z][A-Za-z]+$/);
    }
  });

  it("each have a heading in docs/scan.md, where their SARIF help links point", () => {
    const headings = [...docs.matchAll(/^#### `([^`]+)`$/gm)].map((m) => m[1]);
    expect(headings).toEqual(ALL_RULES.map((r) => r.id));
  });
});
