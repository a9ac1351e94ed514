import { type Digest, digestHex, sha256Digest } from "../core/digest.js";
import { CortexError, NotFoundError } from "../core/errors.js";
import { decodeIndex, decodeManifest } from "../core/manifest-document.js";
import { MediaType } from "../core/media-types.js";
import type { Descriptor, FetchedManifest, ImageIndex, Target } from "../core/target.js";
import { wait } from "../http/retry.js";
import { manifestArtifactType } from "./manifest.js";

/** How many times an attach writes the fallback index before giving up on concurrent writers. */
const ATTACH_WRITES = 8;
/**
 * Reads that must find an attached entry in the fallback index, a pause apart, before the attach is done: one
 * pause let a stale copy from a slow concurrent writer land after it on a loaded machine (1 lost of 6).
 */
const ATTACH_CONFIRMATIONS = 3;
/** The shortest pause between the reads that confirm an attached entry stayed in the fallback index. */
const ATTACH_RECHECK_MS = 100;
/**
 * The pause is also this many times our own last read-and-write: a concurrent writer that read the index
 * before our write lands its stale copy within about its own read-and-write time, which on a loaded
 * registry or machine is far beyond a fixed pause.
 */
const ATTACH_RECHECK_ROUND_TRIPS = 3;

type Signal = { signal?: AbortSignal | undefined | undefined };

/** What listing referrers needs: the referrers API when the target has one, and manifests by tag. */
export interface ReferrersSource {
  /** Undefined when the target has no referrers API, so the fallback tag schema applies. */
  referrersApi?(subject: Descriptor, options?: { artifactType?: string } & Signal): Promise<Descriptor[] | undefined>;
  fetchManifest(reference: string, options?: Signal): Promise<FetchedManifest>;
}

/** The tag the OCI fallback schema keeps a subject's referrers index under: `sha256-<hex>`. */
export function referrersTag(subject: Digest): string {
  return `sha256-${digestHex(subject)}`;
}

/**
 * Manifests that name `subject` as their subject: from the referrers API, or, where the registry has none
 * (distribution 2.8 answers 404), from the index at the fallback tag.
 */
export async function listReferrers(
  source: ReferrersSource,
  subject: Descriptor,
  options: { artifactType?: string } & Signal = {},
): Promise<Descriptor[]> {
  const listed =
    (await source.referrersApi?.(subject, options)) ?? (await fallbackIndex(source, subject, options)).manifests;
  return options.artifactType ? listed.filter((d) => d.artifactType === options.artifactType) : [...listed];
}

async function fallbackIndex(source: ReferrersSource, subject: Descriptor, options: Signal): Promise<ImageIndex> {
  try {
    const { bytes } = await source.fetchManifest(referrersTag(subject.digest), options);
    return decodeIndex(bytes, `the referrers index at tag ${referrersTag(subject.digest)}`);
  } catch (error) {
    if (error instanceof NotFoundError) return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
    throw error;
  }
}

/**
 * Attaches a referrer (a manifest whose `subject` names another manifest, such as a test result): pushes
 * it, and where the target has no referrers API, adds it to the index at the subject's fallback tag, as
 * oras, crane and @sigstore/oci do. Attaching the same referrer twice leaves one entry.
 */
export async function attachReferrer(
  target: Target & Partial<Pick<ReferrersSource, "referrersApi">>,
  descriptor: Descriptor,
  bytes: Uint8Array,
  options: Signal = {},
): Promise<void> {
  const manifest = decodeManifest(bytes, `referrer ${descriptor.digest}`);
  const document = manifest.kind === "index" ? manifest.index : manifest.manifest;
  const subject = document.subject;
  if (!subject?.digest) throw new CortexError(`referrer ${descriptor.digest} has no subject: nothing to attach it to`);
  await target.pushManifest(descriptor, bytes, options);
  if ((await target.referrersApi?.(subject, options)) !== undefined) return;

  const artifactType = manifestArtifactType(bytes);
  const entry: Descriptor = {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(artifactType ? { artifactType } : {}),
    ...(document.annotations ? { annotations: document.annotations } : {}),
  };
  // The fallback index is read, extended and written back with no compare-and-swap, so a writer attaching
  // to the same subject at the same time can replace it. Each write is followed by reads until the entry is
  // seen ATTACH_CONFIRMATIONS times, a moment apart; an entry lost to a concurrent writer is added again.
  let seen = 0;
  let roundTripMs = 0;
  for (let writes = 0; seen < ATTACH_CONFIRMATIONS; ) {
    const readAt = performance.now();
    const index = await fallbackIndex(target, subject, options);
    if (index.manifests.some((d) => d.digest === descriptor.digest)) {
      seen++;
      const pause = Math.max(ATTACH_RECHECK_MS, ATTACH_RECHECK_ROUND_TRIPS * roundTripMs);
      if (seen < ATTACH_CONFIRMATIONS) await wait(pause * (1 + Math.random() / 2), options.signal);
      continue;
    }
    if (writes >= ATTACH_WRITES) {
      throw new CortexError(
        `${target.name}: referrer ${descriptor.digest} kept disappearing from the fallback index at tag ${referrersTag(subject.digest)}: other writers replace it`,
      );
    }
    seen = 0;
    const updated: ImageIndex = {
      ...index,
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [...index.manifests, entry],
    };
    const updatedBytes = new Uint8Array(Buffer.from(JSON.stringify(updated)));
    const updatedDescriptor: Descriptor = {
      mediaType: MediaType.ociIndex,
      digest: sha256Digest(updatedBytes),
      size: updatedBytes.length,
    };
    await target.pushManifest(updatedDescriptor, updatedBytes, { ...options, tag: referrersTag(subject.digest) });
    roundTripMs = performance.now() - readAt;
    writes++;
  }
}
