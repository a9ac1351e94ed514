import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { promtool } from "../helpers/prometheus-text.js";

// The example alerting rules: valid for promtool, firing as their unit tests say, and naming only metrics
// the code emits (the server's exposition and the exported results).
const root = join(import.meta.dirname, "..", "..");
const dir = join(root, "examples", "prometheus");

async function emittedNames(): Promise<Set<string>> {
  const sources = await Promise.all(
    ["src/serve/metrics.ts", "src/metrics/result-metrics.ts"].map((file) => readFile(join(root, file), "utf8")),
  );
  return new Set(sources.flatMap((source) => [...source.matchAll(/name: "([a-z_:]+)"/g)].map((m) => m[1] as string)));
}

describe("examples/prometheus", () => {
  it("passes promtool check rules", async () => {
    const result = await promtool(["check", "rules", join(dir, "alerts.yml")]);
    expect(result.output).toContain("SUCCESS: 6 rules found");
    expect(result.code).toBe(0);
  });

  it("fires and stays quiet as its promtool unit tests say", async () => {
    const result = await promtool(["test", "rules", join(dir, "alerts.test.yml")]);
    expect(result.output).toContain("SUCCESS");
    expect(result.code).toBe(0);
  });

  it("promtool does reject a rule whose expression does not parse", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "cortex-rules-")), "broken.yml");
    await writeFile(file, "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up ==\n");
    const result = await promtool(["check", "rules", file]);
    expect(result.output).toContain("FAILED");
    expect(result.code).not.toBe(0);
    await rm(dirname(file), { recursive: true, force: true });
  });

  it("uses only metric names the server and the results export emit", async () => {
    const emitted = await emittedNames();
    const rules = parse(await readFile(join(dir, "alerts.yml"), "utf8")) as {
      groups: { rules: { expr: string }[] }[];
    };
    const used = rules.groups
      .flatMap((g) => g.rules.map((r) => r.expr))
      .flatMap((expr) => [...expr.matchAll(/\b(cortex_[a-z_]+|llamacpp:[a-z_]+)/g)].map((m) => m[1] as string))
      .map((name) => name.replace(/_(bucket|sum|count)$/, ""));
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((name) => !emitted.has(name))).toEqual([]);
  });
});
