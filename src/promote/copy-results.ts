import { type CopyOptions, copyGraph } from "../copy/copy.js";
import { NotFoundError } from "../core/errors.js";
import { MediaType } from "../core/media-types.js";
import type { Descriptor, ReadOnlyTarget, Target } from "../core/target.js";
import { attachReferrer } from "../registry/referrers.js";
import { BUNDLE_MEDIA_TYPE } from "../trust/bundle.js";
import { legacySignatureTag } from "../trust/legacy.js";

/** What copying a digest's results did: artifacts copied, and those the destination already had. */
export interface ResultsCopy {
  readonly copied: number;
  readonly present: number;
}

/** Referrers that travel with a promoted model: results, and Sigstore bundles (signatures, attestations). */
const TRAVELLING = new Set<string>([MediaType.cortexResult, BUNDLE_MEDIA_TYPE]);

/**
 * Copies the result artifacts attached to a model digest (compat and bench results, signatures and
 * attestations, with their blobs) to where the model was promoted, so `--require` and signature checks there
 * see what was tested and the digest keeps its provenance. cosign's legacy `sha256-<hex>.sig` signatures go
 * along too. The model manifest must already be at the destination, as a referrer names it. Results the
 * destination already lists are skipped, so promoting again adds none.
 */
export async function copyResults(
  source: ReadOnlyTarget,
  destination: Target,
  subject: Descriptor,
  options: Pick<CopyOptions, "mount" | "signal"> = {},
): Promise<ResultsCopy> {
  const { signal } = options;
  const listed = (target: ReadOnlyTarget) =>
    target
      .referrers(subject, signal ? { signal } : {})
      .then((all) => all.filter((d) => d.artifactType !== undefined && TRAVELLING.has(d.artifactType)));
  const [attached, present] = await Promise.all([listed(source), listed(destination)]);
  const known = new Set(present.map((d) => d.digest));
  const missing = attached.filter((d) => !known.has(d.digest));
  for (const descriptor of missing) {
    const fetched = await source.fetchManifest(descriptor, { signal });
    await copyGraph(source, destination, fetched, options);
    // A registry without the referrers API finds the artifact only through the subject's fallback index.
    await attachReferrer(destination, fetched.descriptor, fetched.bytes, { signal });
  }
  const legacy = await copyLegacySignatures(source, destination, subject, options);
  return { copied: missing.length + legacy, present: attached.length - missing.length };
}

/** Copies the `.sig` manifest cosign keeps beside a digest, when there is one; returns how many were copied. */
async function copyLegacySignatures(
  source: ReadOnlyTarget,
  destination: Target,
  subject: Descriptor,
  options: Pick<CopyOptions, "mount" | "signal">,
): Promise<number> {
  const tag = legacySignatureTag(subject.digest);
  let fetched: Awaited<ReturnType<ReadOnlyTarget["fetchManifest"]>>;
  try {
    fetched = await source.fetchManifest(tag, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (error instanceof NotFoundError) return 0;
    throw error;
  }
  const stats = await copyGraph(source, destination, fetched, options);
  await destination.tag(fetched.descriptor, tag, options.signal ? { signal: options.signal } : {});
  return stats.manifestsPushed > 0 ? 1 : 0;
}
