import { readFile } from "node:fs/promises";
import path from "node:path";
import { openTarget } from "../../copy/targets.js";
import { parsePinnedSource } from "../../promote/endpoints.js";
import { PromoteUsageError } from "../../promote/errors.js";
import { isResultKind, RESULT_KINDS } from "../../promote/policy.js";
import { documentPassed, documentVerdict, publishResult } from "../../promote/results.js";
import { type Command, parseCommandArgs, writeJson } from "../command.js";

const usage = `Usage: cortex-model publish-result <repo@sha256:...> --kind compat|bench --file <results.json> [options]

Attaches a results document to a model digest in its registry (an OCI artifact whose subject is the model),
where promote --require finds it.

Options:
  --kind <kind>     compat or bench
  --file <path>     the results JSON (cortex-model test --json, cortex-model bench --json)
  --passed          record it as passing, whatever the document says (the record notes the override)
  --failed          record it as failing, whatever the document says (the record notes the override)

A bench result passes when it showed no regression (pass, improvement or inconclusive); the document's
verdict is recorded too, so promote --require bench:pass can ask for a shown pass.
  --json            print the attached artifact's descriptor as JSON`;

export const publishResultCommand: Command = {
  name: "publish-result",
  summary: "attach compat or bench results to a model digest, for promote --require",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("publish-result", args, {
      kind: { type: "string" },
      file: { type: "string" },
      passed: { type: "boolean" },
      failed: { type: "boolean" },
      json: { type: "boolean" },
    });
    if (positionals.length !== 1) throw new PromoteUsageError(`publish-result takes one model reference\n${usage}`);
    const ref = parsePinnedSource(positionals[0] as string);
    const kind = values.kind ?? "";
    if (!isResultKind(kind))
      throw new PromoteUsageError(`--kind must be one of ${RESULT_KINDS.join(", ")}, got "${kind}"`);
    if (!values.file) throw new PromoteUsageError("--file <results.json> is required");
    if (values.passed && values.failed) throw new PromoteUsageError("give --passed or --failed, not both");
    const file = path.resolve(io.cwd, values.file);
    const bytes = await readFile(file).catch((error: unknown) => {
      throw new PromoteUsageError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
    });
    let document: unknown;
    try {
      document = JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      throw new PromoteUsageError(`${file} is not JSON`, { cause: error });
    }
    const reading = documentPassed(kind, document);
    const passed = values.passed ? true : values.failed ? false : reading;
    if (passed === undefined) {
      throw new PromoteUsageError(`${file} does not say whether the ${kind} run passed: give --passed or --failed`);
    }
    const target = await openTarget(ref);
    const subject = (await target.fetchManifest(ref.digest)).descriptor;
    const descriptor = await publishResult(target, subject, kind, new Uint8Array(bytes), passed);
    if (values.json) writeJson(io, { subject: ref.digest, kind, passed, descriptor });
    else
      io.stdout.write(
        `attached ${kind} result (${passed ? "passed" : "failed"}${reading !== undefined && reading !== passed ? `, overriding the document's verdict ${documentVerdict(kind, document)}` : ""}) ${descriptor.digest} to ${ref.digest}\n`,
      );
    return 0;
  },
};
