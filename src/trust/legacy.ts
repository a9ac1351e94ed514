import { sign, verify } from "node:crypto";
import { descriptorOf, fetchSmallBlob } from "../core/blob-bytes.js";
import { type Digest, digestHex } from "../core/digest.js";
import { NotFoundError } from "../core/errors.js";
import { MediaType } from "../core/media-types.js";
import type { Descriptor, ImageManifest, ReadOnlyTarget, Target } from "../core/target.js";
import type { SigningKey, VerificationKey } from "./keys.js";

/** cosign's legacy signature format, which verifiers older than bundle support read. */
export const LegacySignature = {
  payloadMediaType: "application/vnd.dev.cosign.simplesigning.v1+json",
  signatureAnnotation: "dev.cosignproject.cosign/signature",
  configMediaType: "application/vnd.oci.image.config.v1+json",
} as const;

const MAX_PAYLOAD_BYTES = 64 * 1024;

/** The tag cosign keeps a digest's legacy signatures under: `sha256-<hex>.sig`. */
export function legacySignatureTag(digest: Digest): string {
  return `sha256-${digestHex(digest)}.sig`;
}

/**
 * The simple-signing payload, with cosign's field order and `"optional":null`, so the bytes match what
 * `cosign sign` signs for the same image.
 */
export function simpleSigningPayload(dockerReference: string, digest: Digest): Uint8Array {
  const payload = {
    critical: {
      identity: { "docker-reference": dockerReference },
      image: { "docker-manifest-digest": digest },
      type: "cosign container image signature",
    },
    optional: null,
  };
  return new TextEncoder().encode(JSON.stringify(payload));
}

/** The config go-containerregistry derives for cosign's signature image: one diff id per payload layer. */
function signatureConfig(layers: readonly Descriptor[]): Uint8Array {
  const config = {
    architecture: "",
    created: "0001-01-01T00:00:00Z",
    history: layers.map(() => ({ created: "0001-01-01T00:00:00Z" })),
    os: "",
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
    config: {},
  };
  return new TextEncoder().encode(JSON.stringify(config));
}

async function existingSignatures(target: ReadOnlyTarget, digest: Digest, signal?: AbortSignal) {
  try {
    const { bytes } = await target.fetchManifest(legacySignatureTag(digest), { signal });
    return (JSON.parse(new TextDecoder().decode(bytes)) as ImageManifest).layers ?? [];
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}

/**
 * Signs `digest` in cosign's legacy form: the payload as a layer of the manifest at tag `sha256-<hex>.sig`,
 * its base64 ECDSA signature in the layer's annotation. Signatures already there are kept, as cosign appends.
 */
export async function attachLegacySignature(
  target: Target,
  dockerReference: string,
  digest: Digest,
  key: SigningKey,
  signal?: AbortSignal | undefined,
): Promise<Descriptor> {
  const payload = simpleSigningPayload(dockerReference, digest);
  const signature = sign("sha256", payload, key.privateKey).toString("base64");
  const layer: Descriptor = {
    ...descriptorOf(LegacySignature.payloadMediaType, payload),
    annotations: { [LegacySignature.signatureAnnotation]: signature },
  };
  const present = await existingSignatures(target, digest, signal);
  // ECDSA signatures differ each time, so a key that already signed this payload is not signed for again.
  const signedBefore = await mapLayers(target, present, signal, (bytes, sig) => verifyPayload(bytes, sig, key));
  const layers = signedBefore.some(Boolean) ? present : [...present, layer];
  const configBytes = signatureConfig(layers);
  const config = descriptorOf(LegacySignature.configMediaType, configBytes);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  const descriptor = descriptorOf(MediaType.ociManifest, bytes);
  await target.pushBlob(config, configBytes, { signal });
  await target.pushBlob(layer, payload, { signal });
  await target.pushManifest(descriptor, bytes, { tag: legacySignatureTag(digest), signal });
  return descriptor;
}

function verifyPayload(payload: Uint8Array, signature: string, key: Pick<VerificationKey, "publicKey">): boolean {
  try {
    return verify("sha256", payload, key.publicKey, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

async function mapLayers<T>(
  target: ReadOnlyTarget,
  layers: readonly Descriptor[],
  signal: AbortSignal | undefined,
  fn: (payload: Uint8Array, signature: string) => T,
): Promise<T[]> {
  const signed = layers.filter(
    (l) => l.mediaType === LegacySignature.payloadMediaType && l.annotations?.[LegacySignature.signatureAnnotation],
  );
  const payloads = await Promise.all(
    signed.map((l) => fetchSmallBlob(target, l, MAX_PAYLOAD_BYTES, `signature payload ${l.digest}`, signal)),
  );
  return payloads.map((payload, i) => fn(payload, signed[i]?.annotations?.[LegacySignature.signatureAnnotation] ?? ""));
}

/**
 * The hints of the keys among `keys` that signed `digest` in the legacy form: the signature verifies over
 * the payload bytes and the payload names this digest.
 */
export async function legacySigners(
  target: ReadOnlyTarget,
  digest: Digest,
  keys: readonly VerificationKey[],
  signal?: AbortSignal | undefined,
): Promise<string[]> {
  const layers = await existingSignatures(target, digest, signal);
  const signers = await mapLayers(target, layers, signal, (payload, signature) => {
    if (!payloadNames(payload, digest)) return [];
    return keys.filter((key) => verifyPayload(payload, signature, key)).map((key) => key.hint);
  });
  return [...new Set(signers.flat())];
}

function payloadNames(payload: Uint8Array, digest: Digest): boolean {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(payload)) as {
      critical?: { image?: { "docker-manifest-digest"?: unknown } };
    };
    return parsed.critical?.image?.["docker-manifest-digest"] === digest;
  } catch {
    return false;
  }
}
