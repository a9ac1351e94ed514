import { descriptorOf, fetchSmallBlob } from "../core/blob-bytes.js";
import { mapLimit } from "../core/limit.js";
import { Annotation, MediaType } from "../core/media-types.js";
import type { Descriptor, ImageManifest, ReadOnlyTarget, Target } from "../core/target.js";
import { attachReferrer } from "../registry/referrers.js";
import { BUNDLE_MEDIA_TYPE } from "./bundle.js";

/** Annotations cosign and @sigstore/oci put on a bundle's referrer manifest, to tell bundles apart in a listing. */
export const BundleAnnotation = {
  content: "dev.sigstore.bundle.content",
  predicateType: "dev.sigstore.bundle.predicateType",
} as const;

const EMPTY_CONFIG = new TextEncoder().encode("{}");
/** A bundle is a few kilobytes; anything far larger is not one and is refused unread. */
const MAX_BUNDLE_BYTES = 1024 * 1024;

/**
 * Attaches a Sigstore bundle to a manifest as cosign 3 and @sigstore/oci's attachArtifactToImage do: the
 * bundle JSON as the one layer of an OCI manifest whose artifactType is the bundle media type, with the
 * empty config and the subject, annotated with content and predicate type. Registries without the
 * referrers API get the entry in the fallback index at tag `sha256-<hex>`.
 */
export async function attachBundle(
  target: Target,
  subject: Descriptor,
  bundle: Uint8Array,
  predicateType: string,
  options: { created?: Date; signal?: AbortSignal | undefined } = {},
): Promise<Descriptor> {
  const config = descriptorOf(MediaType.ociEmpty, EMPTY_CONFIG);
  const layer = descriptorOf(BUNDLE_MEDIA_TYPE, bundle);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: BUNDLE_MEDIA_TYPE,
    config,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: {
      [Annotation.created]: (options.created ?? new Date()).toISOString(),
      [BundleAnnotation.content]: "dsse-envelope",
      [BundleAnnotation.predicateType]: predicateType,
    },
  };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  const descriptor = descriptorOf(MediaType.ociManifest, bytes);
  const { signal } = options;
  await target.pushBlob(config, EMPTY_CONFIG, { signal });
  await target.pushBlob(layer, bundle, { signal });
  await attachReferrer(target, descriptor, bytes, { signal });
  return { ...descriptor, artifactType: BUNDLE_MEDIA_TYPE };
}

/** One bundle attached to a manifest, with the referrer manifest that carries it. */
export interface AttachedBundle {
  readonly referrer: Descriptor;
  readonly predicateType?: string;
  readonly bytes: Uint8Array;
}

/** Every Sigstore bundle attached to `subject`, read and checked against its digest. */
export async function listBundles(
  target: ReadOnlyTarget,
  subject: Descriptor,
  signal?: AbortSignal | undefined,
): Promise<AttachedBundle[]> {
  const referrers = await target.referrers(subject, { artifactType: BUNDLE_MEDIA_TYPE, signal });
  const found = await mapLimit(referrers, 8, async (referrer): Promise<AttachedBundle | undefined> => {
    const { bytes } = await target.fetchManifest(referrer, { signal });
    const manifest = JSON.parse(new TextDecoder().decode(bytes)) as ImageManifest;
    const layer = manifest.layers?.find((l) => l.mediaType === BUNDLE_MEDIA_TYPE);
    if (layer === undefined) return undefined;
    const bundle = await fetchSmallBlob(target, layer, MAX_BUNDLE_BYTES, `bundle ${referrer.digest}`, signal);
    const predicateType = manifest.annotations?.[BundleAnnotation.predicateType];
    return { referrer, bytes: bundle, ...(predicateType ? { predicateType } : {}) };
  });
  return found.filter((b): b is AttachedBundle => b !== undefined);
}
