import type { AssertionResult } from "../assertions/evidence.js";
import type { CaseResult, CompatResults, RunSummary } from "../results.js";
import { sideBySide, textDiff } from "./diff.js";

const ms = (value: number | undefined) => (value === undefined ? "" : ` (${Math.round(value)} ms)`);
const percent = (rate: number) => `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;

/** One line as a case finishes, for live progress. */
export function caseLine(result: CaseResult): string {
  const label = { pass: "PASS ", fail: "FAIL ", error: "ERROR" }[result.status];
  const detail = result.status === "error" ? `: ${result.error}` : "";
  return `${label} ${result.id}${ms(result.timings.e2eMs)}${detail}`;
}

/** Why a failed case failed: each failed assertion with its place in the suite, and a diff of both answers. */
export function failureDetails(result: CaseResult): string[] {
  return result.assertions.filter((a) => !a.pass).flatMap(assertionDetails);
}

function assertionDetails(assertion: AssertionResult): string[] {
  const head = `    x ${assertion.type}: ${assertion.reason}  [${assertion.location.file}:${assertion.location.line}]`;
  if (assertion.expected !== undefined && assertion.actual !== undefined) {
    return [head, ...textDiff(assertion.expected, assertion.actual).map((line) => `      ${line}`)];
  }
  if (assertion.actual !== undefined) return [head, `      output: ${JSON.stringify(assertion.actual)}`];
  return [head];
}

export function summaryLine(summary: RunSummary): string {
  return (
    `${summary.passed} passed, ${summary.failed} failed, ${summary.errors} errors; ` +
    `pass rate ${percent(summary.passRate)} (threshold ${percent(summary.threshold)}): ${summary.verdict.toUpperCase()}`
  );
}

/** A case's line followed, when it failed, by why. */
export function caseReport(result: CaseResult): string[] {
  return [caseLine(result), ...failureDetails(result)];
}

/** The cases that answer differently on the compared endpoint, both answers side by side. */
export function comparisonReport(results: CompatResults): string[] {
  const comparison = results.comparison;
  if (!comparison) return [];
  const lines = [
    `compared with ${comparison.model.name} at ${comparison.backend.baseUrl}: ${comparison.differences.length} of ${results.cases.length} cases answer differently`,
  ];
  for (const difference of comparison.differences) {
    lines.push(
      `  ${difference.id}:`,
      ...sideBySide(
        { title: `${results.model.name} (${difference.primaryStatus})`, text: difference.primary },
        { title: `${comparison.model.name} (${difference.otherStatus})`, text: difference.other },
      ).map((line) => `    ${line}`),
    );
  }
  lines.push(`comparison run: ${summaryLine(comparison.summary)}`);
  return lines;
}
