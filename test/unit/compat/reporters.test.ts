import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { Ajv } from "ajv";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { annotations } from "../../../src/compat/reporters/annotations.js";
import { caseReport, comparisonReport, summaryLine } from "../../../src/compat/reporters/console.js";
import { sideBySide, textDiff } from "../../../src/compat/reporters/diff.js";
import { escapeXml, junitXml } from "../../../src/compat/reporters/junit.js";
import { markdownSummary } from "../../../src/compat/reporters/markdown.js";
import type { CompatResults } from "../../../src/compat/results.js";
import { parseSuite } from "../../../src/compat/suite-load.js";
import { testModel } from "../../../src/compat/test-model.js";
import { promptOf, ScriptedClient } from "../../helpers/scripted-client.js";

// Answers chosen to break naive reporters: markup, quotes, pipes, control characters, non-Latin text, newlines.
const answers: Record<string, string> = {
  ok: "Paris",
  markup: "<b>\"Tom\" & 'Jerry'</b> | \u0007bell",
  unicode: "ありがとう\nございます",
};

let results: CompatResults;

beforeAll(async () => {
  const suite = await parseSuite(
    "suites/tricky.yaml",
    `name: tricky <suite>
cases:
  - id: ok
    prompt: ok
    assert: [{ type: equals, value: Paris }]
  - id: markup
    prompt: markup
    assert:
      - type: equals
        value: "<b>Tom & Jerry</b>"
      - type: is-json
  - id: unicode
    prompt: unicode
    assert: [{ type: equals, value: "ありがとう\\nござる" }]
  - id: down
    prompt: down
    assert: [{ type: is-json }]
`,
    tmpdir(),
  );
  const script = (request: Parameters<ConstructorParameters<typeof ScriptedClient>[0]>[0]) => {
    const prompt = promptOf(request);
    return prompt === "down" ? new Error('HTTP 503 <busy> & "retry"') : { text: answers[prompt] ?? "" };
  };
  results = await testModel({
    suite,
    endpoint: { client: new ScriptedClient(script), model: { name: "m", digest: `sha256:${"b".repeat(64)}` } },
    compare: {
      client: new ScriptedClient((r) => ({ text: promptOf(r) === "ok" ? "Lyon" : (answers[promptOf(r)] ?? "") })),
      model: { name: "prod" },
    },
  });
});

describe("JSON results", () => {
  it("validate against the published schema", async () => {
    const schema = JSON.parse(
      await readFile(new URL("../../../schemas/compat-results.schema.json", import.meta.url), "utf8"),
    );
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
    const document = JSON.parse(JSON.stringify(results));
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.summary).toMatchObject({ total: 4, passed: 1, failed: 2, errors: 1, verdict: "fail" });
    expect(validate({ ...document, summary: { ...document.summary, verdict: "maybe" } })).toBe(false);
  });
});

describe("JUnit XML", () => {
  it("is well-formed whatever the answers contain, with failures and errors apart", () => {
    const xml = junitXml(results);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);
    const suite = parsed.testsuites.testsuite;
    expect(suite).toMatchObject({ name: "tricky <suite>", tests: "4", failures: "2", errors: "1" });
    const [ok, markup, unicode, down] = suite.testcase;
    expect(ok).toMatchObject({ name: "ok", file: "suites/tricky.yaml", line: "3" });
    expect(ok.failure).toBeUndefined();
    expect(markup.failure["#text"]).toContain("actual:   <b>\"Tom\" & 'Jerry'</b> | \uFFFDbell");
    expect(unicode.failure["#text"]).toContain("expected: ありがとう\nござる");
    expect(down.error.message).toBe('HTTP 503 <busy> & "retry"');
  });

  it("escapes markup and replaces characters XML cannot carry", () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0000\u001b\t`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;\uFFFD\uFFFD\t",
    );
    expect(escapeXml("😀 ありがとう")).toBe("😀 ありがとう");
  });
});

describe("console", () => {
  it("prints one line per case and, for a failure, both answers", () => {
    const [ok, markup, unicode, down] = results.cases;
    expect(caseReport(ok as never)).toEqual([expect.stringMatching(/^PASS {2}ok \(\d+ ms\)$/)]);
    const lines = caseReport(markup as never);
    expect(lines[0]).toMatch(/^FAIL {2}markup/);
    expect(lines).toContain("    x equals: output differs from the expected text  [suites/tricky.yaml:9]");
    expect(lines).toContain('      expected: "<b>Tom & Jerry</b>"');
    expect(lines).toContain(`      actual:   ${JSON.stringify(answers.markup)}`);
    expect(lines.some((l) => l.startsWith("    x is-json: output is not JSON"))).toBe(true);
    expect(caseReport(unicode as never)).toEqual(
      expect.arrayContaining(['        "ありがとう"', '      - "ござる"', '      + "ございます"']),
    );
    expect(caseReport(down as never)).toEqual([expect.stringMatching(/^ERROR down \(|^ERROR down: HTTP 503/)]);
    expect(summaryLine(results.summary)).toBe("1 passed, 2 failed, 1 errors; pass rate 25.0% (threshold 100%): FAIL");
  });

  it("shows the differing cases of a comparison side by side", () => {
    const lines = comparisonReport(results);
    expect(lines[0]).toBe("compared with prod at http://127.0.0.1:1/v1: 2 of 4 cases answer differently");
    expect(lines).toContain("  ok:");
    expect(lines.find((l) => l.includes("Paris"))).toMatch(/^ {4}Paris +\| Lyon$/);
  });
});

describe("diff", () => {
  it("points at the first differing character of one-line answers", () => {
    expect(textDiff("Paris", "Parks")).toEqual([
      'expected: "Paris"',
      'actual:   "Parks"',
      "              ^ first difference",
    ]);
    expect(textDiff("", "x")[0]).toBe('expected: ""');
  });

  it("diffs multi-line answers line by line", () => {
    expect(textDiff("a\nb\nc", "a\nB\nc\nd")).toEqual([
      "--- expected",
      "+++ actual",
      '  "a"',
      '- "b"',
      '+ "B"',
      '  "c"',
      '+ "d"',
    ]);
  });

  it("wraps long answers into columns", () => {
    expect(sideBySide({ title: "A", text: "abcdef" }, { title: "B", text: "xy" }, 4)).toEqual([
      "A    | B",
      "-    | -",
      "abcd | xy",
      "ef   |",
    ]);
  });
});

describe("markdown summary", () => {
  it("has one row per case and cells that cannot break the table", () => {
    const markdown = markdownSummary(results);
    const rows = markdown.split("\n").filter((l) => l.startsWith("| "));
    expect(rows[0]).toBe("| Case | Result | Latency | Answer | Details |");
    expect(rows.filter((r) => /^\| (ok|markup|unicode|down) \|/.test(r))).toHaveLength(4 + 2);
    const markupRow = rows.find((r) => r.startsWith("| markup | ❌ fail"));
    expect(markupRow).toContain("\\|");
    expect(markupRow?.split(/(?<!\\)\|/)).toHaveLength(7);
    expect(markdown).toContain(`\`sha256:${"b".repeat(64)}\``);
    expect(markdown).toContain("| ok | Paris | Lyon |");
    expect(markdown).toContain(
      '| ありがとう<br>ございます | equals: output differs from the expected text (expected "ありがとう\\\\nござる") |',
    );
  });
});

describe("annotations", () => {
  it("gives one error per failed or errored case, at the failing assertion", () => {
    expect(annotations(results)).toEqual([
      {
        title: "compat: case markup failed",
        message: expect.stringMatching(
          /^equals: output differs from the expected text \(expected "<b>Tom & Jerry<\/b>", got .*\)\nis-json: /,
        ),
        file: "suites/tricky.yaml",
        line: 9,
      },
      {
        title: "compat: case unicode failed",
        message: expect.stringContaining("ござる"),
        file: "suites/tricky.yaml",
        line: 14,
      },
      {
        title: "compat: case down errored",
        message: 'HTTP 503 <busy> & "retry"',
        file: "suites/tricky.yaml",
        line: 15,
      },
    ]);
  });
});
