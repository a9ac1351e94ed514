import { type OpenTargetOptions, openTarget } from "../copy/targets.js";
import type { Digest } from "../core/digest.js";
import { formatReference } from "../core/ref.js";
import type { Descriptor, Target } from "../core/target.js";
import { attestResult } from "../trust/evidence.js";
import type { SigningIdentity } from "../trust/signer.js";
import { parsePinnedSource } from "./endpoints.js";
import type { ResultKind } from "./policy.js";
import { publishResult } from "./results.js";

export interface PublishedResult {
  /** The model the result is about, pinned by digest. */
  readonly model: string;
  readonly digest: Digest;
  readonly artifact: Descriptor;
  /** The signed attestation of the same result, when a signing identity was given. */
  readonly attestation?: Descriptor;
}

export interface PublishOptions {
  /** Also attest the result: a signed in-toto statement in a Sigstore bundle, attached beside it. */
  readonly sign?: SigningIdentity;
  /** Where the run that produced the result can be seen, recorded in the attestation. */
  readonly runUrl?: string;
}

/**
 * Attaches a result to a model digest already fetched from `target`, and its attestation when asked; the
 * one step that `publish-result`, `test --publish`, `bench --publish` and the actions share.
 */
export async function publishToTarget(
  target: Target,
  subject: Descriptor,
  name: string,
  kind: ResultKind,
  resultJson: Uint8Array,
  passed: boolean,
  options: PublishOptions = {},
): Promise<{ artifact: Descriptor; attestation?: Descriptor }> {
  const artifact = await publishResult(target, subject, kind, resultJson, passed);
  if (!options.sign) return { artifact };
  const url = options.runUrl ? { url: options.runUrl } : {};
  const attestation = await attestResult(target, subject, name, kind, resultJson, passed, options.sign, url);
  return { artifact, attestation };
}

/**
 * Attaches a results JSON to the model that `modelRef` pins, for `promote --require`. A tag is refused:
 * a result must be about the exact digest that was tested. The CLI's `--publish` and the actions'
 * `publish` input both come here.
 */
export async function publishModelResult(
  modelRef: string,
  kind: ResultKind,
  resultJson: string,
  passed: boolean,
  options: OpenTargetOptions & PublishOptions = {},
): Promise<PublishedResult> {
  const ref = parsePinnedSource(modelRef);
  const { sign, runUrl, ...targetOptions } = options;
  const target = await openTarget(ref, targetOptions);
  const { descriptor } = await target.fetchManifest(ref.digest);
  const name = formatReference({ ...ref, tag: undefined, digest: undefined });
  const published = await publishToTarget(
    target,
    descriptor,
    name,
    kind,
    new TextEncoder().encode(resultJson),
    passed,
    {
      ...(sign ? { sign } : {}),
      ...(runUrl ? { runUrl } : {}),
    },
  );
  return { model: formatReference(ref), digest: ref.digest, ...published };
}
