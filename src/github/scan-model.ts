import path from "node:path";
import * as core from "@actions/core";
import type { ExplicitCredentials } from "../registry/index.js";
import { findingLine, summaryLine } from "../scan/console.js";
import { parseScanSettings, runScan, type ScanRequest } from "../scan/run-scan.js";
import type { ScanReport } from "../scan/scan-model.js";
import { annotate } from "./annotate.js";
import { ScanModel } from "./constants.js";
import { actionInputs, booleanInput, maskSecret } from "./inputs.js";
import { setOutputs } from "./outputs.js";
import { reportPath } from "./publish-results.js";
import { credentialInputs } from "./registry-inputs.js";
import { runAction } from "./run.js";
import { runContext } from "./run-context.js";
import { appendSummary } from "./summary.js";
import { signingInput } from "./trust-inputs.js";

export interface ScanModelInputs {
  readonly request: ScanRequest & { readonly sarifFile: string; readonly jsonFile: string };
  readonly failOnFindings: boolean;
}

export function getInputs(env: NodeJS.ProcessEnv = process.env): ScanModelInputs {
  const { inputs } = ScanModel;
  const settings = parseScanSettings(actionInputs, env.GITHUB_WORKSPACE ?? process.cwd());
  const sign = settings.publish ? signingInput(env) : undefined;
  const { runUrl } = runContext(env);
  const credentials: ExplicitCredentials | undefined = credentialInputs(
    inputs.registryUsername,
    inputs.registryPassword,
  );
  return {
    request: {
      ...settings,
      // Code scanning needs the SARIF and a later step may want the report: both are always written.
      sarifFile: reportPath(settings.sarifFile, "scan.sarif", env),
      jsonFile: reportPath(settings.jsonFile, "scan.json", env),
      target: { ...(credentials && { credentials }), onSecret: maskSecret, env },
      publishing: { ...(sign && { sign }), ...(runUrl && { runUrl }) },
    },
    failOnFindings: booleanInput(inputs.failOnFindings, true),
  };
}

const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function markdown(report: ScanReport): string {
  const lines = [`### Model scan: ${report.verdict}`, "", summaryLine(report), ""];
  if (report.findings.length > 0) {
    lines.push("| Level | Rule | Where | Finding |", "| --- | --- | --- | --- |");
    for (const f of report.findings) {
      lines.push(`| ${f.level} | \`${f.ruleId}\` | \`${escapeCell(f.artifact)}\` | ${escapeCell(f.message)} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export async function scanModelStep(env: NodeJS.ProcessEnv = process.env): Promise<ScanReport> {
  const inputs = getInputs(env);
  const { report, published } = await runScan(inputs.request);
  for (const finding of report.findings) core.info(findingLine(finding));
  core.info(summaryLine(report));
  if (published) core.info(`scan result attached to ${published.model} as ${published.artifact.digest}`);
  if (published?.attestation) core.info(`scan attestation (signed) attached as ${published.attestation.digest}`);
  annotate(
    report.findings.map((f) => ({
      title: `${f.ruleId} (cortex-model scan)`,
      message: f.message,
      level: f.level === "note" ? "notice" : f.level,
      ...(report.subject.file !== undefined && !path.isAbsolute(f.artifact) && { file: f.artifact }),
      ...(f.line !== undefined && { line: f.line }),
    })),
  );
  await appendSummary(markdown(report));
  const { outputs } = ScanModel;
  setOutputs({
    [outputs.verdict]: report.verdict,
    [outputs.findings]: report.findings.length,
    [outputs.errors]: report.summary.error,
    [outputs.digest]: report.subject.digest ?? "",
    [outputs.sarifPath]: inputs.request.sarifFile,
    [outputs.jsonPath]: inputs.request.jsonFile,
    [outputs.cyclonedxPath]: inputs.request.cycloneDxFile ?? "",
  });
  if (report.verdict === "fail" && inputs.failOnFindings) {
    core.setFailed(`model scan: ${report.summary.error} finding(s) at error level`);
  }
  return report;
}

/** The action's entry point. */
export function run(): Promise<void> {
  return runAction(async () => {
    await scanModelStep();
  });
}
