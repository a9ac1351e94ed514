import { readFile } from "node:fs/promises";
import path from "node:path";
import { openTarget } from "../../copy/targets.js";
import { formatReference } from "../../core/ref.js";
import { parsePinnedSource } from "../../promote/endpoints.js";
import { PromoteUsageError } from "../../promote/errors.js";
import { isResultKind, RESULT_KINDS } from "../../promote/policy.js";
import { publishToTarget } from "../../promote/publish.js";
import { documentPassed, documentVerdict } from "../../promote/results.js";
import { type Command, type CommandIO, parseCommandArgs, writeJson } from "../command.js";
import { publishSigning } from "../publish-signing.js";
import { signingOptions, signingUsage } from "../trust-flags.js";

const usage = `Usage: cortex-model publish-result <repo@sha256:...> --kind compat|bench|scan --file <results.json> [options]

Attaches a results document to a model digest in its registry (an OCI artifact whose subject is the model),
where promote --require finds it.

Options:
  --kind <kind>     compat, bench or scan
  --file <path>     the results JSON (cortex-model test --json, bench --json, scan --json FILE)
  --passed          record it as passing, whatever the document says (the record notes the override)
  --failed          record it as failing, whatever the document says (the record notes the override)
${signingUsage}
                       signing also attaches the result as a signed in-toto attestation
  --json            print the attached artifact's descriptor as JSON

A bench result passes when it showed no regression (pass, improvement or inconclusive); the document's
verdict is recorded too, so promote --require bench:pass can ask for a shown pass.`;

const options = {
  kind: { type: "string" },
  file: { type: "string" },
  passed: { type: "boolean" },
  failed: { type: "boolean" },
  json: { type: "boolean" },
  ...signingOptions,
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

export const publishResultCommand: Command = {
  name: "publish-result",
  summary: "attach compat, bench or scan results to a model digest, for promote --require",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("publish-result", args, options);
    const { ref, kind, file } = publishRequest(values, positionals, io.cwd);
    const { bytes, document } = await readResults(file);
    const reading = documentPassed(kind, document);
    const passed = verdict(values, reading, file, kind);
    const signing = await publishSigning(values, io);
    const target = await openTarget(ref);
    const subject = (await target.fetchManifest(ref.digest)).descriptor;
    const name = formatReference({ ...ref, tag: undefined, digest: undefined });
    const { artifact: descriptor, attestation } = await publishToTarget(
      target,
      subject,
      name,
      kind,
      new Uint8Array(bytes),
      passed,
      signing,
    );
    if (values.json) {
      writeJson(io, { subject: ref.digest, kind, passed, descriptor, ...(attestation ? { attestation } : {}) });
      return 0;
    }
    const overriding = reading !== undefined && reading !== passed ? documentVerdict(kind, document) : undefined;
    report(io, { kind, passed, subject: ref.digest, artifact: descriptor.digest, attestation, overriding });
    return 0;
  },
};

/** The pinned model, the kind of result and the file, checked before anything is read. */
function publishRequest(values: Values, positionals: readonly string[], cwd: string) {
  if (positionals.length !== 1) throw new PromoteUsageError(`publish-result takes one model reference\n${usage}`);
  const ref = parsePinnedSource(positionals[0] as string);
  const kind = values.kind ?? "";
  if (!isResultKind(kind))
    throw new PromoteUsageError(`--kind must be one of ${RESULT_KINDS.join(", ")}, got "${kind}"`);
  if (!values.file) throw new PromoteUsageError("--file <results.json> is required");
  if (values.passed && values.failed) throw new PromoteUsageError("give --passed or --failed, not both");
  return { ref, kind, file: path.resolve(cwd, values.file) };
}

/** --passed or --failed when given, else what the document says; a document that says neither needs one. */
function verdict(values: Values, reading: boolean | undefined, file: string, kind: string): boolean {
  const passed = values.passed ? true : values.failed ? false : reading;
  if (passed === undefined) {
    throw new PromoteUsageError(`${file} does not say whether the ${kind} run passed: give --passed or --failed`);
  }
  return passed;
}

/** The results file's bytes, as given, and the JSON document they hold. */
async function readResults(file: string): Promise<{ bytes: Buffer; document: unknown }> {
  const bytes = await readFile(file).catch((error: unknown) => {
    throw new PromoteUsageError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  });
  try {
    return { bytes, document: JSON.parse(bytes.toString("utf8")) };
  } catch (error) {
    throw new PromoteUsageError(`${file} is not JSON`, { cause: error });
  }
}

function report(
  io: CommandIO,
  attached: {
    kind: string;
    passed: boolean;
    subject: string;
    artifact: string;
    attestation?: { digest: string } | undefined;
    /** The document's own verdict when --passed or --failed overrode it. */
    overriding?: string | undefined;
  },
): void {
  const { kind, passed, subject, artifact, attestation, overriding } = attached;
  const override = overriding === undefined ? "" : `, overriding the document's verdict ${overriding}`;
  io.stdout.write(`attached ${kind} result (${passed ? "passed" : "failed"}${override}) ${artifact} to ${subject}\n`);
  if (attestation) io.stdout.write(`attached signed ${kind} attestation ${attestation.digest}\n`);
}
