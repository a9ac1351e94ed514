import path from "node:path";
import * as core from "@actions/core";
import { parseDigest } from "../core/digest.js";
import { formatReference, parseReference, pinReference, type Reference } from "../core/ref.js";
import { parsePinnedSource } from "../promote/endpoints.js";
import type { ResultKind } from "../promote/policy.js";
import { publishModelResult } from "../promote/publish.js";
import type { ExplicitCredentials } from "../registry/index.js";
import type { SigningIdentity } from "../trust/signer.js";
import { booleanInput, InputError, maskSecret, optionalInput } from "./inputs.js";
import { credentialInputs } from "./registry-inputs.js";
import { runContext } from "./run-context.js";
import { signingInput } from "./trust-inputs.js";

/** The `publish`, `model` and registry credential inputs of test-model and bench-model. */
export interface PublishInputNames {
  readonly publish: string;
  readonly digest: string;
  readonly model: string;
  readonly registryUsername: string;
  readonly registryPassword: string;
}

/** Where and as whom to attach results; undefined when `publish` is off. */
export interface PublishTarget {
  readonly modelRef: string;
  readonly credentials?: ExplicitCredentials;
  /** Also attest the results, signed so (the `sign-key` or `sign-keyless` inputs). */
  readonly sign?: SigningIdentity;
}

/**
 * Read before any measuring: a `publish` without a digest fails at once rather than after minutes of work.
 * `given` (the `model` input, as the operation's request parsed it) may name a tag when `digest`
 * (setup-model's output) pins it, which is what a composite workflow can pass without string surgery.
 */
export function publishInput(names: PublishInputNames, given: string | undefined): PublishTarget | undefined {
  if (!booleanInput(names.publish, false)) return undefined;
  if (given === undefined) {
    throw new InputError(`input "${names.publish}" needs "${names.model}": the model reference pinned by digest`);
  }
  const modelRef = formatReference(pinnedModel(given, optionalInput(names.digest), names));
  const credentials = credentialInputs(names.registryUsername, names.registryPassword);
  const sign = signingInput();
  return { modelRef, ...(credentials && { credentials }), ...(sign && { sign }) };
}

function pinnedModel(given: string, digest: string | undefined, names: PublishInputNames): Reference {
  const ref = parseReference(given);
  if (digest === undefined) return parsePinnedSource(given);
  const pinned = parseDigest(digest);
  if (ref.digest !== undefined && ref.digest !== pinned) {
    throw new InputError(`input "${names.model}" pins ${ref.digest} but input "${names.digest}" is ${pinned}`);
  }
  return pinReference(ref, pinned);
}

export async function publishResults(
  target: PublishTarget,
  kind: ResultKind,
  resultJson: string,
  passed: boolean,
): Promise<void> {
  const runUrl = runContext(process.env).runUrl;
  const published = await publishModelResult(target.modelRef, kind, resultJson, passed, {
    ...(target.credentials && { credentials: target.credentials }),
    onSecret: maskSecret,
    ...(target.sign && { sign: target.sign }),
    ...(runUrl && { runUrl }),
  });
  core.info(
    `${kind} results (${passed ? "passed" : "not passed"}) attached to ${published.model} as ${published.artifact.digest}`,
  );
  if (published.attestation) core.info(`${kind} attestation (signed) attached as ${published.attestation.digest}`);
}

/** A file for this step's reports: the path the user asked for, else one under the runner's temp directory. */
export function reportPath(
  requested: string | undefined,
  fileName: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (requested !== undefined) return path.resolve(requested);
  const temp = env.RUNNER_TEMP;
  if (!temp) throw new InputError(`RUNNER_TEMP is not set: give a path for ${fileName}`);
  return path.join(temp, "cortex-model", fileName);
}
