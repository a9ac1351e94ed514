import { readFileSync } from "node:fs";
import { UsageError } from "../../core/errors.js";
import { findingLine, summaryLine } from "../../scan/console.js";
import { parseScanSettings, runScan } from "../../scan/run-scan.js";
import { type Command, flagSource, parseCommandArgs } from "../command.js";
import { publishSigning } from "../publish-signing.js";
import { signingOptions, signingUsage } from "../trust-flags.js";

const usage = `Usage: cortex-model scan <ref | file.gguf> [options]

Checks a model without running anything from it: the GGUF header (streamed; the weights are never read),
chat templates (parsed, never rendered) for template injection, licence files, and an optional policy.
Exit code 0: no finding at error level; 1: findings at error level; 2: the model could not be scanned.

Options:
  --policy FILE      scan policy (YAML or JSON): licenses, architectures, max-size, required-keys
  --sarif FILE       write SARIF 2.1.0 (for GitHub code scanning)
  --json FILE        write the scan report (what --publish attaches)
  --cyclonedx FILE   write a CycloneDX 1.6 ML-BOM (hashes a local file whole)
  --publish          attach the report to the scanned digest, for promote --require scan
${signingUsage}
                     with --publish: also attach a signed in-toto scan-result attestation`;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export const scanCommand: Command = {
  name: "scan",
  summary: "check a model's GGUF header, chat templates and licence against a policy (SARIF, ML-BOM)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("scan", args, {
      policy: { type: "string" },
      sarif: { type: "string" },
      json: { type: "string" },
      cyclonedx: { type: "string" },
      publish: { type: "boolean" },
      ...signingOptions,
    });
    if (positionals.length !== 1) throw new UsageError(`expected one model reference or GGUF file\n${usage}`);
    const settings = parseScanSettings(flagSource({ ...values, model: positionals[0] }), io.cwd);
    const publishing = settings.publish ? await publishSigning(values, io) : undefined;
    const { report, published } = await runScan({
      ...settings,
      ...(publishing && { publishing }),
      target: { env: io.env },
      scannerVersion: packageVersion(),
    });
    for (const finding of report.findings) io.stdout.write(`${findingLine(finding)}\n`);
    io.stdout.write(`${summaryLine(report)}\n`);
    if (published) io.stdout.write(`attached scan result ${published.artifact.digest} to ${published.model}\n`);
    if (published?.attestation) io.stdout.write(`signed attestation attached as ${published.attestation.digest}\n`);
    return report.verdict === "pass" ? 0 : 1;
  },
};
