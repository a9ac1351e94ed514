import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { benchPredicate, PredicateType, testResultPredicate } from "../../../src/trust/predicates.js";

const schema = JSON.parse(readFileSync("schemas/bench-predicate.schema.json", "utf8"));

describe("result predicates", () => {
  it("the bench predicate matches its published schema and records the verdict and the results digest", () => {
    const results = new TextEncoder().encode(
      JSON.stringify({
        verdict: "regression",
        createdAt: "2026-12-01T00:00:00Z",
        baseline: { digest: `sha256:${"a".repeat(64)}` },
      }),
    );
    const predicate = benchPredicate(results, false, { url: "https://github.com/o/r/actions/runs/7" });
    expect(schema.$id).toBe(PredicateType.benchResult);
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(predicate), JSON.stringify(validate.errors)).toBe(true);
    expect(predicate).toMatchObject({
      result: "FAILED",
      verdict: "regression",
      baseline: { digest: { sha256: "a".repeat(64) } },
      url: "https://github.com/o/r/actions/runs/7",
    });
    expect(validate({ result: "MAYBE", results: { digest: { sha256: "a".repeat(64) } } })).toBe(false);
  });

  it("the test-result predicate lists cases by outcome and survives a document that is not JSON", () => {
    const doc = {
      suite: { name: "s" },
      cases: [
        { id: "a", status: "pass" },
        { id: "b", status: "error" },
      ],
    };
    expect(testResultPredicate(new TextEncoder().encode(JSON.stringify(doc)), false)).toMatchObject({
      result: "FAILED",
      passedTests: ["a"],
      failedTests: ["b"],
      configuration: [{ annotations: { suite: "s" } }],
    });
    expect(testResultPredicate(new TextEncoder().encode("not json"), true)).toMatchObject({
      result: "PASSED",
      passedTests: [],
      failedTests: [],
    });
  });
});
