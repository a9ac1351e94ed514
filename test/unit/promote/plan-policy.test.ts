import { describe, expect, it } from "vitest";
import { sha256Digest } from "../../../src/core/digest.js";
import { MediaType } from "../../../src/core/media-types.js";
import { PromoteUsageError } from "../../../src/promote/errors.js";
import { aliasHoldReason, type PlannedTag, planTags } from "../../../src/promote/plan.js";
import { describeVerdict, evaluatePolicy, parseResultKinds, type ResultRecord } from "../../../src/promote/policy.js";
import { documentPassed } from "../../../src/promote/results.js";

type Alias = Extract<PlannedTag, { kind: "alias" }>;

describe("planning tags", () => {
  it("adds semver aliases, explicit tags winning, the highest version per alias", () => {
    const planned = planTags(["v1.4.2", "stable", "v1.5.0", "v1.4"], true);
    expect(planned.map((p) => `${p.kind}:${p.tag}${p.kind === "alias" ? `=${p.version.tag}` : ""}`)).toEqual([
      "explicit:v1.4.2",
      "explicit:stable",
      "explicit:v1.5.0",
      "explicit:v1.4",
      "alias:v1=v1.5.0",
      "alias:v1.5=v1.5.0",
    ]);
  });

  it("refuses malformed, reserved and missing tags", () => {
    expect(() => planTags([], false)).toThrow(PromoteUsageError);
    expect(() => planTags(["-bad"], false)).toThrow(/invalid tag "-bad"/);
    expect(() => planTags(["a".repeat(129)], false)).toThrow(/1-128 characters/);
    expect(() => planTags(["cortex-history-x"], false)).toThrow(/reserved for history/);
    expect(() => planTags([`sha256-${"a".repeat(64)}`], false)).toThrow(/referrers fallback/);
    expect(() => planTags(["stable"], true)).toThrow(/^semver-aliases needs a version tag/);
  });

  it("never moves an alias backwards", () => {
    const [v14, v1] = planTags(["v1.4.2"], true).filter((p): p is Alias => p.kind === "alias") as [Alias, Alias];
    expect(aliasHoldReason(v1, "v1.5.0", [])).toBe("v1 stays at v1.5.0, which is newer than v1.4.2");
    expect(aliasHoldReason(v1, "v1.4.1", ["v1.9.0"])).toBeUndefined();
    expect(aliasHoldReason(v14, undefined, ["v1.4.3", "v1.5.0"])).toMatch(/stays at v1.4.3/);
    expect(aliasHoldReason(v14, undefined, ["v1.4.2", "v1.4.1"])).toBeUndefined();
    expect(aliasHoldReason(v14, undefined, [])).toBeUndefined();
  });
});

describe("result policy", () => {
  const digest = sha256Digest("model");
  const result = (kind: "compat" | "bench", passed: boolean): ResultRecord => ({
    descriptor: { mediaType: MediaType.ociManifest, digest: sha256Digest(`${kind}${passed}`), size: 1 },
    kind,
    passed,
  });

  it("parses kinds and refuses unknown ones", () => {
    expect(parseResultKinds(["compat,bench", "compat", "bench:pass"])).toEqual(["compat", "bench", "bench:pass"]);
    expect(() => parseResultKinds(["compat,perf"])).toThrow(/unknown result kind "perf"/);
  });

  it("names missing and failing kinds", () => {
    const verdict = evaluatePolicy(["compat", "bench"], [result("bench", false), result("bench", false)]);
    expect(verdict).toEqual({ satisfied: false, missing: ["compat"], failing: ["bench"] });
    expect(describeVerdict(verdict, digest, [result("bench", false), result("bench", false)])).toBe(
      `${digest} does not meet the result policy: no compat result, bench failing (2 results, none passed)`,
    );
  });

  it("reads whether a compat or bench results document passed", () => {
    expect(documentPassed("compat", { summary: { verdict: "pass" } })).toBe(true);
    expect(documentPassed("compat", { summary: { verdict: "fail" } })).toBe(false);
    expect(documentPassed("bench", { verdict: "improvement" })).toBe(true);
    // One rule with the gate's exit code: a bench run passes when it showed no regression.
    expect(documentPassed("bench", { verdict: "inconclusive" })).toBe(true);
    expect(documentPassed("bench", { verdict: "regression" })).toBe(false);
    expect(documentPassed("bench", { summary: { verdict: "pass" } })).toBeUndefined();
    expect(documentPassed("compat", null)).toBeUndefined();
  });

  it("reads bench as no regression shown and bench:pass as a shown pass, and lets a recorded override stand", () => {
    const bench = (verdict: string, extra: Partial<ResultRecord> = {}): ResultRecord => ({
      ...result("bench", verdict !== "regression"),
      verdict,
      ...extra,
    });
    expect(evaluatePolicy(["bench"], [bench("inconclusive")]).satisfied).toBe(true);
    expect(evaluatePolicy(["bench:pass"], [bench("inconclusive")])).toEqual({
      satisfied: false,
      missing: [],
      failing: ["bench:pass"],
    });
    expect(describeVerdict(evaluatePolicy(["bench:pass"], [bench("inconclusive")]), digest, [bench("x")])).toBe(
      `${digest} does not meet the result policy: bench:pass failing (1 result, none showed a pass)`,
    );
    expect(evaluatePolicy(["bench:pass"], [bench("improvement")]).satisfied).toBe(true);
    expect(evaluatePolicy(["bench"], [bench("regression")]).satisfied).toBe(false);
    const overridden = bench("regression", { passed: true, override: "passed" });
    expect(evaluatePolicy(["bench", "bench:pass"], [overridden]).satisfied).toBe(true);
  });

  it("is satisfied by one passing result per kind", () => {
    const results = [result("compat", false), result("compat", true), result("bench", true)];
    expect(evaluatePolicy(["compat", "bench"], results).satisfied).toBe(true);
    expect(evaluatePolicy([], []).satisfied).toBe(true);
  });
});
