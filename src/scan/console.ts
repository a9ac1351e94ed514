import type { Finding } from "./findings.js";
import type { ScanReport } from "./scan-model.js";

/** One line per finding, as the CLI and the action's log print them: level, rule, where, what. */
export function findingLine(finding: Finding): string {
  const where = [
    finding.artifact,
    finding.line !== undefined ? `line ${finding.line}` : undefined,
    finding.byteOffset !== undefined ? `byte ${finding.byteOffset}` : undefined,
  ]
    .filter(Boolean)
    .join(" ");
  return `${finding.level.padEnd(7)} ${finding.ruleId.padEnd(24)} ${where}: ${finding.message}`;
}

export function summaryLine(report: ScanReport): string {
  const { error, warning, note } = report.summary;
  const what = report.subject.reference ?? report.subject.file ?? "model";
  return `scan ${report.verdict}: ${what}: ${error} error(s), ${warning} warning(s), ${note} note(s) in ${report.files.length} file(s)`;
}
