import type { CaseResult, CompatResults } from "../results.js";

/** XML 1.0 cannot carry most control characters even escaped; they are replaced, the rest escaped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testcase(suiteName: string, result: CaseResult): string {
  const open = `    <testcase name="${escapeXml(result.id)}" classname="${escapeXml(suiteName)}" file="${escapeXml(result.location.file)}" line="${result.location.line}" time="${seconds(result.durationMs)}"`;
  if (result.status === "pass") return `${open}/>`;
  if (result.status === "error") {
    return `${open}>\n      <error message="${escapeXml(result.error ?? "error")}"/>\n    </testcase>`;
  }
  const failed = result.assertions.filter((a) => !a.pass);
  const message = failed.map((a) => `${a.type}: ${a.reason}`).join("; ");
  const body = failed
    .map((a) => {
      const sides = a.expected !== undefined ? `\nexpected: ${a.expected}\nactual:   ${a.actual ?? ""}` : "";
      return `${a.type} (${a.location.file}:${a.location.line}): ${a.reason}${sides}`;
    })
    .join("\n\n");
  return `${open}>\n      <failure message="${escapeXml(message)}" type="assertion">${escapeXml(body)}</failure>\n    </testcase>`;
}

/** JUnit XML as CI test viewers read it: one testsuite, one testcase per case; errors apart from failures. */
export function junitXml(results: CompatResults): string {
  const s = results.summary;
  const name = escapeXml(results.suite.name);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${name}" tests="${s.total}" failures="${s.failed}" errors="${s.errors}" time="${seconds(results.durationMs)}">`,
    `  <testsuite name="${name}" tests="${s.total}" failures="${s.failed}" errors="${s.errors}" skipped="0" time="${seconds(results.durationMs)}" timestamp="${results.startedAt}">`,
    "    <properties>",
    `      <property name="model" value="${escapeXml(results.model.name)}"/>`,
    ...(results.model.digest ? [`      <property name="digest" value="${escapeXml(results.model.digest)}"/>`] : []),
    `      <property name="base-url" value="${escapeXml(results.backend.baseUrl)}"/>`,
    "    </properties>",
    ...results.cases.map((c) => testcase(results.suite.name, c)),
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
