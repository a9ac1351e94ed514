import { describe, expect, it } from "vitest";
import { defaultRuns, defaultWarmup, generatePrompts, parseScenarios } from "../../../src/bench/scenario.js";

describe("scenario files", () => {
  it("fills defaults and generates prompts of the requested length", () => {
    const [explicit, generated] = parseScenarios(
      `scenarios:
  - name: chat-short
    api: chat
    prompts: ["Say hi", "Say bye"]
    max_tokens: 16
    concurrency: 2
    runs: 10
    warmup: 1
  - name: long-prompt
    generated_prompts: { words: 200, count: 3 }
    max_tokens: 8
`,
      "test.yaml",
    );
    expect(explicit).toMatchObject({
      name: "chat-short",
      api: "chat",
      concurrency: 2,
      runs: 10,
      warmup: 1,
      maxTokens: 16,
    });
    expect(explicit?.prompts).toEqual(["Say hi", "Say bye"]);
    expect(generated).toMatchObject({ api: "completions", concurrency: 1, runs: defaultRuns, warmup: defaultWarmup });
    expect(generated?.prompts).toHaveLength(3);
    expect(generated?.prompts[0]?.split(" ")).toHaveLength(200);
  });

  it("makes deterministic, distinct prompts", () => {
    const prompts = generatePrompts(20, 4, 9);
    expect(generatePrompts(20, 4, 9)).toEqual(prompts);
    expect(new Set(prompts).size).toBe(4);
  });

  it("names the schema violation", () => {
    expect(() => parseScenarios("scenarios:\n  - name: x\n    prompts: [a]\n", "bad.yaml")).toThrow(
      /bad.yaml does not match the scenario schema: .*max_tokens/,
    );
    expect(() => parseScenarios("scenarios:\n  - name: x\n    max_tokens: 4\n", "none.yaml")).toThrow(/none.yaml/);
  });

  it("rejects duplicate names and broken YAML", () => {
    const twice =
      "scenarios:\n  - {name: a, prompts: [x], max_tokens: 1}\n  - {name: a, prompts: [y], max_tokens: 1}\n";
    expect(() => parseScenarios(twice, "dup.yaml")).toThrow(/"a" is used twice/);
    expect(() => parseScenarios("scenarios: [", "broken.yaml")).toThrow(/broken.yaml is not valid YAML/);
  });
});
