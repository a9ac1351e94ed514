import { createHash } from "node:crypto";
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { Finding } from "./findings.js";
import { ALL_RULES, type Rule } from "./rules.js";
import type { ScanReport } from "./scan-model.js";

/**
 * The scan as SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif): every rule listed
 * with its stable id and help, each finding located in its file or layer (line 1 of a binary file, its byte
 * offset in the region) with a fingerprint so alerts stay the same alert across runs.
 */

const INFORMATION_URI = "https://github.com/cortex/setup-model/blob/main/docs/scan.md";

function descriptor(rule: Rule): ReportingDescriptor {
  const security = rule.severity > 0;
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.summary },
    fullDescription: { text: `${rule.summary} ${rule.help}` },
    help: { text: rule.help, markdown: `**${rule.summary}**\n\n${rule.help}` },
    helpUri: `${INFORMATION_URI}#${rule.id.replace("/", "")}`,
    defaultConfiguration: { level: rule.level },
    properties: {
      tags: security ? ["security", "model"] : ["policy", "model"],
      precision: "high",
      ...(security && { "security-severity": rule.severity.toFixed(1) }),
    },
  };
}

/** A relative path stays as it is (GitHub maps it to the repository's file); a digest names a layer. */
function uri(artifact: string): string {
  return artifact.split("\\").join("/");
}

function fingerprint(finding: Finding): string {
  const identity = [finding.ruleId, finding.artifact, finding.name ?? "", finding.message].join("\u0000");
  return createHash("sha256").update(identity).digest("hex");
}

function result(finding: Finding, index: ReadonlyMap<string, number>): Result {
  return {
    ruleId: finding.ruleId,
    ...(index.has(finding.ruleId) && { ruleIndex: index.get(finding.ruleId) }),
    level: finding.level,
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(finding.artifact) },
          region: {
            startLine: finding.line ?? 1,
            ...(finding.byteOffset !== undefined && { byteOffset: finding.byteOffset }),
          },
        },
        ...(finding.name !== undefined && { logicalLocations: [{ name: finding.name }] }),
      },
    ],
    partialFingerprints: { "cortexFinding/v1": fingerprint(finding) },
  };
}

export function sarifLog(report: ScanReport): Log {
  const index = new Map(ALL_RULES.map((rule, i) => [rule.id, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "cortex-model scan",
            ...(report.scanner.version && { semanticVersion: report.scanner.version }),
            informationUri: INFORMATION_URI,
            rules: ALL_RULES.map(descriptor),
          },
        },
        artifacts: report.files.map((file) => ({
          location: { uri: uri(file.name) },
          length: file.size,
          ...(file.digest && { hashes: { "sha-256": file.digest.slice("sha256:".length) } }),
        })),
        results: report.findings.map((finding) => result(finding, index)),
        properties: {
          subject: report.subject,
          verdict: report.verdict,
        },
      },
    ],
  };
}
