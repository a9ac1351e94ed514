import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { evaluate } from "../../../src/compat/assertions/evaluate.js";
import type { Evidence, Sample } from "../../../src/compat/assertions/evidence.js";
import type { Assertion } from "../../../src/compat/suite.js";
import { parseSuite } from "../../../src/compat/suite-load.js";

async function assertionOf(spec: Record<string, unknown>, dir = tmpdir(), api = "chat"): Promise<Assertion> {
  const request = api === "embeddings" ? { input: "x" } : { messages: [{ role: "user", content: "q" }] };
  const suite = await parseSuite("s.yaml", stringify({ cases: [{ id: "c", ...request, assert: [spec] }] }), dir);
  const assertion = suite.cases[0]?.assertions[0];
  if (!assertion) throw new Error("no assertion parsed");
  return assertion;
}

function sample(text: string, extra: Partial<Sample> = {}): Sample {
  return {
    text,
    finishReason: "stop",
    usage: { promptTokens: 4, completionTokens: 3 },
    timing: { e2eMs: 100, ttftMs: 20, chunkTimesMs: [] },
    ...extra,
  };
}

async function check(spec: Record<string, unknown>, evidence: Evidence | string) {
  const given = typeof evidence === "string" ? { samples: [sample(evidence)] } : evidence;
  return evaluate(await assertionOf(spec), given);
}

describe("text assertions", () => {
  it("equals passes on the same text and fails with both sides for a diff", async () => {
    expect((await check({ type: "equals", value: "Paris" }, "Paris")).pass).toBe(true);
    const failed = await check({ type: "equals", value: "Paris" }, "Lyon");
    expect(failed).toMatchObject({ pass: false, expected: "Paris", actual: "Lyon" });
    expect(failed.location).toEqual({ file: "s.yaml", line: 7 });
  });

  it("equals treats composed and decomposed accents alike, and an empty answer as a mismatch", async () => {
    expect((await check({ type: "equals", value: "caf\u00e9" }, "cafe\u0301")).pass).toBe(true);
    expect(await check({ type: "equals", value: "x" }, "")).toMatchObject({ pass: false, actual: "" });
    expect((await check({ type: "equals", value: "" }, "")).pass).toBe(true);
  });

  it("contains and icontains", async () => {
    expect((await check({ type: "contains", value: "Par" }, "Paris")).pass).toBe(true);
    expect((await check({ type: "contains", value: "par" }, "Paris")).pass).toBe(false);
    expect((await check({ type: "icontains", value: "PAR" }, "Paris")).pass).toBe(true);
    expect((await check({ type: "icontains", value: "ÉTÉ" }, "un été")).pass).toBe(true);
    expect((await check({ type: "icontains", value: "x" }, "")).pass).toBe(false);
    expect((await check({ type: "contains", value: "ありがとう" }, "はい、ありがとう。")).pass).toBe(true);
  });

  it("starts-with keeps both sides on failure", async () => {
    expect((await check({ type: "starts-with", value: "Yes" }, "Yes, indeed")).pass).toBe(true);
    expect(await check({ type: "starts-with", value: "Yes" }, " Yes")).toMatchObject({ pass: false, expected: "Yes" });
  });

  it("contains-any and contains-all name what they found or missed", async () => {
    expect((await check({ type: "contains-any", value: ["cat", "dog"] }, "a dog")).pass).toBe(true);
    const none = await check({ type: "contains-any", value: ["cat", "dog"] }, "a bird");
    expect(none).toMatchObject({ pass: false, reason: 'output contains none of "cat", "dog"' });
    expect((await check({ type: "contains-all", value: ["a", "b"] }, "ab")).pass).toBe(true);
    const missing = await check({ type: "contains-all", value: ["a", "b", "c"] }, "ab");
    expect(missing).toMatchObject({ pass: false, reason: 'output lacks "c"' });
  });

  it("regex honours flags and a global flag does not leak between answers", async () => {
    expect((await check({ type: "regex", value: "^\\d{3}$" }, "123")).pass).toBe(true);
    expect((await check({ type: "regex", value: "^yes$", flags: "i" }, "YES")).pass).toBe(true);
    expect((await check({ type: "regex", value: "^\\d+$" }, "")).pass).toBe(false);
    const twice = { samples: [sample("ab"), sample("ab")] };
    expect((await check({ type: "regex", value: "b", flags: "g" }, twice)).pass).toBe(true);
  });

  it("finish-reason compares the reported reason, a missing one reads as none", async () => {
    expect((await check({ type: "finish-reason", value: "stop" }, "x")).pass).toBe(true);
    const length = { samples: [sample("x", { finishReason: "length" })] };
    expect(await check({ type: "finish-reason", value: "stop" }, length)).toMatchObject({
      pass: false,
      expected: "stop",
      actual: "length",
    });
    const none = { samples: [sample("x", { finishReason: null })] };
    expect((await check({ type: "finish-reason", value: "stop" }, none)).reason).toBe('finish reason is "none"');
  });
});

describe("negation", () => {
  it("not- flips the verdict and drops the misleading diff", async () => {
    expect((await check({ type: "not-contains", value: "error" }, "all good")).pass).toBe(true);
    const failed = await check({ type: "not-equals", value: "same" }, "same");
    expect(failed).toMatchObject({ type: "not-equals", pass: false, actual: "same" });
    expect(failed.expected).toBeUndefined();
    expect((await check({ type: "not-is-json" }, "plain words")).pass).toBe(true);
  });
});

describe("JSON assertions", () => {
  it("is-json accepts a whole JSON document, refuses prose, empty and truncated output", async () => {
    expect((await check({ type: "is-json" }, ' {"a": 1}\n')).pass).toBe(true);
    expect((await check({ type: "is-json" }, '"ありがとう"')).pass).toBe(true);
    expect(await check({ type: "is-json" }, "")).toMatchObject({ pass: false, reason: "output is empty, not JSON" });
    expect((await check({ type: "is-json" }, 'Sure! {"a": 1}')).pass).toBe(false);
    expect((await check({ type: "is-json" }, '{"a": ')).reason).toMatch(/^output is not JSON/);
  });

  it("json-schema validates inline schemas and names the failing property", async () => {
    const schema = { type: "object", required: ["name"], properties: { name: { type: "string" } } };
    expect((await check({ type: "json-schema", schema }, '{"name": "Ada"}')).pass).toBe(true);
    const wrong = await check({ type: "json-schema", schema }, '{"name": 3}');
    expect(wrong.pass).toBe(false);
    expect(wrong.reason).toContain("/name must be string");
    expect((await check({ type: "json-schema", schema }, "not json")).reason).toMatch(/not JSON/);
  });

  it("json-schema reads file: schemas relative to the suite", async () => {
    const dir = await mkdtemp(join(tmpdir(), "compat-schema-"));
    await writeFile(join(dir, "answer.json"), JSON.stringify({ type: "array", minItems: 2 }));
    const assertion = await assertionOf({ type: "json-schema", schema: "file:answer.json" }, dir);
    expect(evaluate(assertion, { samples: [sample("[1, 2]")] }).pass).toBe(true);
    expect(evaluate(assertion, { samples: [sample("[1]")] }).pass).toBe(false);
  });
});

describe("measurement assertions", () => {
  it("max-latency-ms and max-ttft-ms compare against the limit, inclusive", async () => {
    expect((await check({ type: "max-latency-ms", value: 100 }, "x")).pass).toBe(true);
    expect(await check({ type: "max-latency-ms", value: 99 }, "x")).toMatchObject({
      pass: false,
      reason: "answer took 100 ms (limit 99 ms)",
    });
    expect((await check({ type: "max-ttft-ms", value: 20 }, "x")).pass).toBe(true);
    expect((await check({ type: "max-ttft-ms", value: 19 }, "x")).pass).toBe(false);
    const noContent = { samples: [sample("", { timing: { e2eMs: 3, chunkTimesMs: [] } })] };
    expect((await check({ type: "max-ttft-ms", value: 1000 }, noContent)).reason).toMatch(/no time to first token/);
  });

  it("max-tokens and min-tokens read usage, and fail when the server sent none", async () => {
    expect((await check({ type: "max-tokens", value: 3 }, "x")).pass).toBe(true);
    expect((await check({ type: "max-tokens", value: 2 }, "x")).pass).toBe(false);
    expect((await check({ type: "min-tokens", value: 3 }, "x")).pass).toBe(true);
    expect((await check({ type: "min-tokens", value: 4 }, "x")).pass).toBe(false);
    const bare: Sample = { text: "x", finishReason: "stop", timing: { e2eMs: 1, chunkTimesMs: [] } };
    expect((await check({ type: "max-tokens", value: 10 }, { samples: [bare] })).reason).toMatch(/no usage/);
  });

  it("embedding-dim checks every vector and refuses an empty answer", async () => {
    const assertion = await assertionOf({ type: "embedding-dim", value: 3 }, tmpdir(), "embeddings");
    const vectors = (embeddings: number[][]) => ({ samples: [sample("", { embeddings })] });
    expect(evaluate(assertion, vectors([[1, 2, 3]])).pass).toBe(true);
    expect(evaluate(assertion, vectors([[1, 2]])).pass).toBe(false);
    expect(evaluate(assertion, vectors([[1, 2, 3], [1]])).pass).toBe(false);
    expect(evaluate(assertion, vectors([])).reason).toBe("the server returned no embedding");
  });
});

describe("repeat assertions", () => {
  it("deterministic needs n identical answers and shows the first that differs", async () => {
    const same = { samples: [sample("a"), sample("a"), sample("a")] };
    expect((await check({ type: "deterministic", n: 3 }, same)).pass).toBe(true);
    const drift = { samples: [sample("a"), sample("a"), sample("b")] };
    expect(await check({ type: "deterministic" }, drift)).toMatchObject({
      pass: false,
      reason: "answer 3 of 3 differs from answer 1",
      expected: "a",
      actual: "b",
    });
    expect((await check({ type: "deterministic", n: 4 }, same)).reason).toBe("only 3 of 4 answers were received");
  });

  it("every other assertion must hold for every repeated answer", async () => {
    const result = await check({ type: "contains", value: "a" }, { samples: [sample("a"), sample("b")] });
    expect(result).toMatchObject({ pass: false, reason: 'answer 2 of 2: output does not contain "a"' });
  });

  it("stream-consistent compares the streamed with the non-streamed text", async () => {
    const same = { samples: [sample("x")], otherMode: { streamed: "hé", plain: "hé" } };
    expect((await check({ type: "stream-consistent" }, same)).pass).toBe(true);
    const differ = { samples: [sample("x")], otherMode: { streamed: "he", plain: "hé" } };
    expect(await check({ type: "stream-consistent" }, differ)).toMatchObject({
      pass: false,
      expected: "hé",
      actual: "he",
    });
    expect((await check({ type: "stream-consistent" }, "x")).pass).toBe(false);
  });
});

describe("matches-baseline", () => {
  it("is exact without a threshold", async () => {
    expect((await check({ type: "matches-baseline" }, { samples: [sample("Paris")], baseline: "Paris" })).pass).toBe(
      true,
    );
    expect(await check({ type: "matches-baseline" }, { samples: [sample("Paris ")], baseline: "Paris" })).toMatchObject(
      { pass: false, expected: "Paris", actual: "Paris " },
    );
  });

  it("uses normalised similarity with a threshold", async () => {
    const close = { samples: [sample("The capital is  Paris.")], baseline: "The capital is Paris" };
    expect((await check({ type: "matches-baseline", threshold: 0.9 }, close)).pass).toBe(true);
    const far = { samples: [sample("Lyon")], baseline: "The capital is Paris" };
    const result = await check({ type: "matches-baseline", threshold: 0.9 }, far);
    expect(result.pass).toBe(false);
    expect(result.reason).toMatch(/^similarity to the baseline 0\.\d{3} \(threshold 0\.9\)$/);
  });

  it("fails when the baseline has no output for the case", async () => {
    expect((await check({ type: "matches-baseline" }, "x")).reason).toBe(
      "no baseline output is recorded for this case",
    );
  });
});
