import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SuiteError } from "../../../src/compat/suite-error.js";
import { loadSuite, parseSuite } from "../../../src/compat/suite-load.js";

async function issuesOf(text: string): Promise<string[]> {
  try {
    await parseSuite("suites/chat.yaml", text, tmpdir());
  } catch (error) {
    if (error instanceof SuiteError) return error.issues.map((i) => `${i.file}:${i.line}: ${i.message}`);
    throw error;
  }
  throw new Error("suite was accepted");
}

describe("parseSuite", () => {
  it("types a valid suite: defaults merged under case options, vars substituted, api inferred", async () => {
    const suite = await parseSuite(
      "s.yaml",
      `name: smoke
threshold: 0.5
vars: { city: Paris }
defaults: { seed: 7, max_tokens: 16, stop: ["\\n"], timeout_ms: 5000, repeats: 2 }
cases:
  - id: chat
    messages: [{ role: user, content: "Capital of {{ city }}?" }]
    options: { max_tokens: 4 }
    weight: 2
    assert: [{ type: contains, value: "{{city}}" }]
  - id: complete
    prompt: "{{city}} is in"
    vars: { city: Lyon }
    assert: [{ type: not-equals, value: "" }]
  - id: vector
    input: [a, b]
    assert: [{ type: embedding-dim, value: 8 }]
`,
      tmpdir(),
    );
    expect(suite).toMatchObject({ name: "smoke", threshold: 0.5 });
    const [chat, complete, vector] = suite.cases;
    expect(chat).toMatchObject({
      api: "chat",
      messages: [{ role: "user", content: "Capital of Paris?" }],
      options: { temperature: 0, seed: 7, maxTokens: 4, stop: ["\n"] },
      timeoutMs: 5000,
      repeats: 2,
      weight: 2,
      location: { file: "s.yaml", line: 6 },
    });
    expect(chat?.assertions[0]).toMatchObject({ kind: "contains", value: "Paris", negate: false });
    expect(complete).toMatchObject({ api: "completions", prompt: "Lyon is in", weight: 1 });
    expect(complete?.assertions[0]).toMatchObject({ kind: "equals", negate: true, label: "not-equals" });
    expect(vector).toMatchObject({ api: "embeddings", input: ["a", "b"] });
  });

  it("reports YAML syntax errors with their line", async () => {
    const tab = await issuesOf("cases:\n  - id: a\n    prompt: x\n\tassert: []\n");
    expect(tab[0]).toBe("suites/chat.yaml:4: Tabs are not allowed as indentation");
    expect(await issuesOf("name: a\nname: b\ncases: []\n")).toEqual([
      expect.stringMatching(/^suites\/chat\.yaml:2: Map keys must be unique/),
    ]);
  });

  it("names the file, line and problem for schema violations", async () => {
    const issues = await issuesOf(`cases:
  - id: one
    prompt: hello
    colour: blue
    assert:
      - type: contians
        value: x
      - type: max-latency-ms
        value: fast
      - type: contains
  - id: two
    assert: [{ type: is-json }]
`);
    expect(issues).toEqual([
      'suites/chat.yaml:4: cases[0]: unknown property "colour"',
      expect.stringMatching(
        /^suites\/chat\.yaml:6: cases\[0\]\.assert\[0\]\.type: unknown assertion type "contians" \(known: equals, contains, .*; prefix not- to negate\)$/,
      ),
      "suites/chat.yaml:9: cases[0].assert[1].value: must be number",
      'suites/chat.yaml:10: cases[0].assert[2]: missing required property "value"',
      'suites/chat.yaml:11: cases[1]: a case needs exactly one of "messages", "prompt" or "input"',
    ]);
  });

  it("reports problems found after the schema: duplicates, unknown variables, bad regexes and schemas", async () => {
    const issues = await issuesOf(`cases:
  - id: same
    prompt: "Hi {{ name }}"
    assert:
      - type: regex
        value: "(unclosed"
      - type: json-schema
        schema: file:missing.json
  - id: same
    input: text
    api: embeddings
    assert:
      - type: contains
        value: x
  - id: other
    prompt: x
    api: chat
    assert:
      - type: embedding-dim
        value: 3
      - type: json-schema
        schema: { type: nonsense }
`);
    expect(issues).toEqual([
      'suites/chat.yaml:3: unknown variable "name" (define it under vars)',
      expect.stringMatching(/^suites\/chat\.yaml:6: invalid regular expression: /),
      expect.stringMatching(/^suites\/chat\.yaml:8: cannot read schema .*missing\.json: /),
      'suites/chat.yaml:9: duplicate case id "same"',
      "suites/chat.yaml:13: contains does not apply to an embeddings case",
      "suites/chat.yaml:19: embedding-dim applies only to an embeddings case",
      expect.stringMatching(/^suites\/chat\.yaml:22: invalid JSON Schema: /),
    ]);
  });

  it("words common mistakes plainly", async () => {
    expect(await issuesOf("")).toEqual(["suites/chat.yaml:1: suite: the file is empty; a suite needs at least cases"]);
    expect(
      await issuesOf("cases:\n  - id: 'bad id'\n    prompt: x\n    assert: [{type: json-schema, schema: 3}]\n"),
    ).toEqual([
      'suites/chat.yaml:2: cases[0].id: "bad id" is not a usable case id (letters, digits and _ . : / -, starting with a letter or digit)',
      "suites/chat.yaml:4: cases[0].assert[0].schema: must be an object or a string",
    ]);
  });

  it("refuses an api that does not match the request given", async () => {
    expect(await issuesOf("cases:\n  - id: a\n    input: x\n    api: chat\n    assert: [{type: is-json}]\n")).toEqual([
      'suites/chat.yaml:4: api chat needs "messages"',
    ]);
  });

  it("summarises many issues in one line and exits 2", async () => {
    const error = await parseSuite("s.yaml", "cases: 3\nextra: 1\n", tmpdir()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SuiteError);
    expect((error as SuiteError).message).toBe("invalid suite: s.yaml:1: cases: must be array (and 1 more)");
    expect((error as SuiteError).exitCode).toBe(2);
  });
});

describe("loadSuite", () => {
  it("resolves the suite's baseline next to it and names a missing file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "compat-suite-"));
    await writeFile(
      join(dir, "s.yaml"),
      "baseline: golden.json\ncases: [{id: a, prompt: x, assert: [{type: is-json}]}]\n",
    );
    const suite = await loadSuite("s.yaml", dir);
    expect(suite).toMatchObject({ name: "s", file: "s.yaml", baseline: join(dir, "golden.json") });
    await expect(loadSuite("nope.yaml", dir)).rejects.toThrow(
      /^invalid suite: nope\.yaml:1: cannot read suite: ENOENT/,
    );
  });
});
