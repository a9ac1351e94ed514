import { type CopyOptions, copyGraph } from "../copy/copy.js";
import { MediaType } from "../core/media-types.js";
import type { Descriptor, ReadOnlyTarget, Target } from "../core/target.js";
import { attachReferrer } from "../registry/referrers.js";

/** What copying a digest's results did: artifacts copied, and those the destination already had. */
export interface ResultsCopy {
  readonly copied: number;
  readonly present: number;
}

/**
 * Copies the result artifacts attached to a model digest (compat and bench results, with their blobs) to
 * where the model was promoted, so `--require` there sees what was tested and the digest keeps its
 * provenance. The model manifest must already be at the destination, as a referrer names it. Results the
 * destination already lists are skipped, so promoting again adds none.
 */
export async function copyResults(
  source: ReadOnlyTarget,
  destination: Target,
  subject: Descriptor,
  options: Pick<CopyOptions, "mount" | "signal"> = {},
): Promise<ResultsCopy> {
  const { signal } = options;
  const filter = { artifactType: MediaType.cortexResult, ...(signal ? { signal } : {}) };
  const [attached, present] = await Promise.all([
    source.referrers(subject, filter),
    destination.referrers(subject, filter),
  ]);
  const known = new Set(present.map((d) => d.digest));
  const missing = attached.filter((d) => !known.has(d.digest));
  for (const descriptor of missing) {
    const fetched = await source.fetchManifest(descriptor, { signal });
    await copyGraph(source, destination, fetched, options);
    // A registry without the referrers API finds the artifact only through the subject's fallback index.
    await attachReferrer(destination, fetched.descriptor, fetched.bytes, { signal });
  }
  return { copied: missing.length, present: attached.length - missing.length };
}
