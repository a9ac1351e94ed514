import { type OpenTargetOptions, openTarget } from "../copy/targets.js";
import type { Digest } from "../core/digest.js";
import { formatReference } from "../core/ref.js";
import type { Descriptor } from "../core/target.js";
import { parsePinnedSource } from "./endpoints.js";
import type { ResultKind } from "./policy.js";
import { publishResult } from "./results.js";

export interface PublishedResult {
  /** The model the result is about, pinned by digest. */
  readonly model: string;
  readonly digest: Digest;
  readonly artifact: Descriptor;
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
  options: OpenTargetOptions = {},
): Promise<PublishedResult> {
  const ref = parsePinnedSource(modelRef);
  const target = await openTarget(ref, options);
  const { descriptor } = await target.fetchManifest(ref.digest);
  const artifact = await publishResult(target, descriptor, kind, resultJson, passed);
  return { model: formatReference(ref), digest: ref.digest, artifact };
}
