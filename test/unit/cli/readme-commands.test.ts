import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "../../../src/cli/commands/index.js";

const readme = readFileSync(path.resolve(import.meta.dirname, "../../../README.md"), "utf8");
const cliSection = readme.slice(readme.indexOf("## CLI"), readme.indexOf("\n## ", readme.indexOf("## CLI") + 1));

describe("the README's CLI section", () => {
  it("lists every command the CLI has, each in the table", () => {
    const listed = [...cliSection.matchAll(/^\| `([a-z-]+)[ `]/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual(commands.map((c) => c.name).sort());
  });

  it("says how to get cortex-model on the PATH", () => {
    expect(cliSection).toContain("npx cortex-model");
    expect(cliSection).toMatch(/npm i -g github:cortex\/setup-model/);
    expect(cliSection).toMatch(/npm i -g \.\/cortex-model-ci-\*\.tgz/);
  });
});
