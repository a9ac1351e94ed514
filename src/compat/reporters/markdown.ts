import type { CaseResult, CompatResults } from "../results.js";

/** Table cells cannot hold newlines or bare pipes; answers are shortened so the table stays readable. */
function cell(text: string, max = 120): string {
  const short = [...text].length > max ? `${[...text].slice(0, max - 1).join("")}…` : text;
  return (
    short
      .replace(/\\/g, "\\\\")
      .replace(/\|/g, "\\|")
      .replace(/</g, "&lt;")
      .replace(/\r?\n/g, "<br>")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "\uFFFD") || " "
  );
}

const icon = { pass: "✅ pass", fail: "❌ fail", error: "⚠️ error" } as const;

function detail(result: CaseResult): string {
  if (result.status === "error") return result.error ?? "";
  return result.assertions
    .filter((a) => !a.pass)
    .map((a) => `${a.type}: ${a.reason}${a.expected === undefined ? "" : ` (expected ${JSON.stringify(a.expected)})`}`)
    .join("; ");
}

/** The job summary: verdict, one row per case, and the comparison side by side when there is one. */
export function markdownSummary(results: CompatResults): string {
  const s = results.summary;
  const digest = results.model.digest ? ` \`${results.model.digest}\`` : "";
  const lines = [
    `### Compatibility: ${results.suite.name} ${s.verdict === "pass" ? "✅ passed" : "❌ failed"}`,
    "",
    `Model **${cell(results.model.name)}**${digest} at ${cell(results.backend.baseUrl)}: ${s.passed} passed, ${s.failed} failed, ${s.errors} errors; pass rate ${(s.passRate * 100).toFixed(1)}% (threshold ${(s.threshold * 100).toFixed(1)}%).`,
    "",
    "| Case | Result | Latency | Answer | Details |",
    "| --- | --- | ---: | --- | --- |",
    ...results.cases.map(
      (c) =>
        `| ${cell(c.id)} | ${icon[c.status]} | ${c.timings.e2eMs === undefined ? "" : `${Math.round(c.timings.e2eMs)} ms`} | ${cell(c.output, 80)} | ${cell(detail(c), 200)} |`,
    ),
  ];
  const comparison = results.comparison;
  if (comparison) {
    lines.push(
      "",
      `#### Differences against ${cell(comparison.model.name)} at ${cell(comparison.backend.baseUrl)}`,
      "",
      comparison.differences.length === 0
        ? "Every case answered the same."
        : `| Case | ${cell(results.model.name)} | ${cell(comparison.model.name)} |`,
    );
    if (comparison.differences.length > 0) {
      lines.push(
        "| --- | --- | --- |",
        ...comparison.differences.map((d) => `| ${cell(d.id)} | ${cell(d.primary)} | ${cell(d.other)} |`),
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
