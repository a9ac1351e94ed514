import { isDigest } from "./digest.js";
import { FormatError } from "./errors.js";
import { isIndexMediaType } from "./media-types.js";
import type { Descriptor, ImageIndex, ImageManifest } from "./target.js";

/** Manifest bytes that are not JSON or do not have the shape of a manifest or an index. */
export class InvalidManifestError extends FormatError {}

/** A decoded manifest document: an index of manifests, or one image/artifact manifest. */
export type ManifestDocument =
  | { readonly kind: "index"; readonly index: ImageIndex }
  | { readonly kind: "manifest"; readonly manifest: ImageManifest };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkAnnotations(value: unknown, where: string): void {
  if (value === undefined) return;
  if (!isObject(value) || Object.values(value).some((entry) => typeof entry !== "string")) {
    throw new InvalidManifestError(`${where}: annotations must map names to strings`);
  }
}

/**
 * The minimal checks that keep a hostile document from reaching code that trusts its fields: a media type,
 * a canonical digest, and a size that is a non-negative safe integer (a float, a negative or a 2^64 size
 * would otherwise turn into odd ranges, sparse files or downloads without end).
 */
function checkDescriptor(value: unknown, where: string): asserts value is Descriptor {
  if (!isObject(value)) throw new InvalidManifestError(`${where} is not a descriptor object`);
  if (typeof value.mediaType !== "string" || value.mediaType === "") {
    throw new InvalidManifestError(`${where} has no mediaType`);
  }
  if (typeof value.digest !== "string" || !isDigest(value.digest)) {
    throw new InvalidManifestError(`${where} has an invalid digest ${JSON.stringify(value.digest)}`);
  }
  if (typeof value.size !== "number" || !Number.isSafeInteger(value.size) || value.size < 0) {
    throw new InvalidManifestError(
      `${where} has size ${JSON.stringify(value.size)}: a size must be a whole number of bytes from 0 to ${Number.MAX_SAFE_INTEGER}`,
    );
  }
  checkAnnotations(value.annotations, where);
}

function checkDescriptors(value: unknown, field: string, what: string): void {
  if (!Array.isArray(value)) throw new InvalidManifestError(`${what}: "${field}" is not a list`);
  value.forEach((entry, i) => {
    checkDescriptor(entry, `${what}: ${field}[${i}]`);
  });
}

function parseJson(bytes: Uint8Array, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw new InvalidManifestError(`${what} is not JSON`, { cause: error });
  }
  if (!isObject(value)) throw new InvalidManifestError(`${what} is not a JSON object`);
  if (value.subject !== undefined) checkDescriptor(value.subject, `${what}: subject`);
  checkAnnotations(value.annotations, what);
  return value;
}

/**
 * Decodes manifest bytes as an index or a manifest. An index is told by its media type (when the caller
 * knows it) or by a `manifests` list; everything else must have a config and layers.
 */
export function decodeManifest(bytes: Uint8Array, what: string, mediaType?: string): ManifestDocument {
  const document = parseJson(bytes, what);
  if ((mediaType !== undefined && isIndexMediaType(mediaType)) || Array.isArray(document.manifests)) {
    checkDescriptors(document.manifests, "manifests", what);
    return { kind: "index", index: document as unknown as ImageIndex };
  }
  checkDescriptor(document.config, `${what}: config`);
  checkDescriptors(document.layers, "layers", what);
  return { kind: "manifest", manifest: document as unknown as ImageManifest };
}

/** Decodes bytes that must be an image or artifact manifest, not an index. */
export function decodeImageManifest(bytes: Uint8Array, what: string): ImageManifest {
  const document = decodeManifest(bytes, what);
  if (document.kind !== "manifest") throw new InvalidManifestError(`${what} is an index, expected a manifest`);
  return document.manifest;
}

/** Decodes bytes that must be an image index. */
export function decodeIndex(bytes: Uint8Array, what: string): ImageIndex {
  const document = parseJson(bytes, what);
  checkDescriptors(document.manifests, "manifests", what);
  return document as unknown as ImageIndex;
}
