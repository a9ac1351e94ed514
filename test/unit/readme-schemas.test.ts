import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenarios } from "../../src/bench/scenario.js";
import { parseSuite } from "../../src/compat/suite-load.js";
import { parseScanPolicy } from "../../src/scan/policy.js";

type Node = { default?: unknown; properties?: Record<string, Node>; definitions?: Record<string, Node> };
const schema = (name: string) => JSON.parse(readFileSync(`schemas/${name}.schema.json`, "utf8")) as Node;
const defaultOf = (node: Node | undefined, field: string) => node?.properties?.[field]?.default;

/** The YAML examples of the README's configuration section, in order (suite, then scenario). */
function readmeExamples(): string[] {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("## Configuration files"), readme.indexOf("## How it works"));
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

describe("README configuration section", () => {
  it("show examples the loaders accept", async () => {
    const [suite, scenario, policy] = readmeExamples();
    expect((await parseSuite("README.md", suite ?? "", ".")).cases.map((c) => c.id)).toEqual(["capital", "json-reply"]);
    expect(parseScenarios(scenario ?? "", "README.md").map((s) => s.name)).toEqual(["chat-short", "long-prompt"]);
    expect(parseScanPolicy(policy ?? "", "README.md")).toMatchObject({
      maxSize: 8 * 2 ** 30,
      licenses: ["Apache-2.0", "MIT"],
    });
  });

  it("show the defaults the loaders apply", async () => {
    const suiteSchema = schema("suite");
    const options = suiteSchema.definitions?.options;
    const loaded = await parseSuite(
      "defaults.yaml",
      "cases:\n  - id: a\n    prompt: hi\n    assert: [{ type: deterministic }]\n",
      ".",
    );
    const [only] = loaded.cases;
    expect({
      threshold: loaded.threshold,
      weight: only?.weight,
      temperature: only?.options.temperature,
      timeout_ms: only?.timeoutMs,
      repeats: only?.repeats,
      n: only?.assertions[0]?.kind === "deterministic" ? only.assertions[0].n : undefined,
    }).toEqual({
      threshold: defaultOf(suiteSchema, "threshold"),
      weight: defaultOf(suiteSchema.definitions?.case, "weight"),
      temperature: defaultOf(options, "temperature"),
      timeout_ms: defaultOf(options, "timeout_ms"),
      repeats: defaultOf(options, "repeats"),
      n: defaultOf(suiteSchema.definitions?.assertion, "n"),
    });

    const scenarioFields = schema("scenario").definitions?.scenario;
    const [scenario] = parseScenarios("scenarios:\n  - { name: s, prompts: [hi], max_tokens: 1 }\n", "s.yaml");
    expect(scenario).toMatchObject({
      api: defaultOf(scenarioFields, "api"),
      concurrency: defaultOf(scenarioFields, "concurrency"),
      runs: defaultOf(scenarioFields, "runs"),
      warmup: defaultOf(scenarioFields, "warmup"),
      temperature: defaultOf(scenarioFields, "temperature"),
      seed: defaultOf(scenarioFields, "seed"),
    });
  });
});
