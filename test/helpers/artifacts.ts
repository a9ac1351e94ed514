import { createHash } from "node:crypto";
import { sha256Digest } from "../../src/core/digest.js";
import { MediaType } from "../../src/core/media-types.js";
import type { Descriptor } from "../../src/core/target.js";

/** Test content with its descriptor. */
export interface Content {
  readonly descriptor: Descriptor;
  readonly bytes: Uint8Array;
}

/** Deterministic pseudo-random bytes (a hash chain), so each test's blobs differ and are reproducible. */
export function pseudoRandomBytes(size: number, seed: string): Uint8Array {
  const out = new Uint8Array(size);
  let block = createHash("sha256").update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    out.set(block.subarray(0, Math.min(block.length, size - offset)), offset);
    block = createHash("sha256").update(block).digest();
  }
  return out;
}

export function blob(bytes: Uint8Array, mediaType: string = MediaType.dmrGguf): Content {
  return { descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length }, bytes };
}

export function jsonContent(value: unknown, mediaType: string): Content {
  return blob(new Uint8Array(Buffer.from(JSON.stringify(value))), mediaType);
}

/** An OCI image manifest over a config and layers, optionally a referrer of `subject`. */
export function imageManifest(
  config: Descriptor,
  layers: readonly Descriptor[],
  extra: { subject?: Descriptor; artifactType?: string; annotations?: Record<string, string> } = {},
): Content {
  return jsonContent(
    {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      ...(extra.artifactType ? { artifactType: extra.artifactType } : {}),
      config,
      layers,
      ...(extra.subject ? { subject: extra.subject } : {}),
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    MediaType.ociManifest,
  );
}
