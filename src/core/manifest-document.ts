import { isDigest } from "./digest.js";
import { CortexError } from "./errors.js";
import type { Descriptor, ImageIndex, ImageManifest } from "./target.js";

/** A manifest or index that is not the JSON document its media type promises; the message names the part. */
export class InvalidManifestError extends CortexError {}

/**
 * Sizes are byte counts that arithmetic, ranges and file offsets handle exactly: whole, not negative, at most
 * 2^53 - 1. A size past that (2^64 reads as 18446744073709552000) cannot even be compared reliably.
 */
export function isByteCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function shortDigest(value: unknown): string {
  return typeof value === "string" ? (isDigest(value) ? `${value.slice(0, 19)}…` : JSON.stringify(value)) : "?";
}

/** Checks one descriptor of a document; `what` names it (`layer 2`, `config`, `manifests[0]`). */
function checkDescriptor(value: unknown, what: string, where: string): Descriptor {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidManifestError(`${where}: ${what} is not a descriptor object`);
  }
  const d = value as Record<string, unknown>;
  const label = `${what} (${shortDigest(d.digest)})`;
  if (typeof d.mediaType !== "string") throw new InvalidManifestError(`${where}: ${label} has no mediaType`);
  if (typeof d.digest !== "string" || !isDigest(d.digest)) {
    throw new InvalidManifestError(`${where}: ${what} has digest ${shortDigest(d.digest)}, not sha256:<64 hex>`);
  }
  if (!isByteCount(d.size)) {
    const shown = typeof d.size === "number" ? String(d.size) : JSON.stringify(d.size ?? null);
    throw new InvalidManifestError(
      `${where}: ${label} has size ${shown}; a size is a whole number of bytes from 0 to ${Number.MAX_SAFE_INTEGER}`,
    );
  }
  if (d.annotations !== undefined && (typeof d.annotations !== "object" || d.annotations === null)) {
    throw new InvalidManifestError(`${where}: ${label} has annotations that are not an object`);
  }
  return value as Descriptor;
}

/**
 * Parses manifest or index bytes and checks every descriptor in them before anything acts on a size or
 * digest: a 2^64, negative or fractional size, a malformed digest or a missing layer list is one line
 * naming the descriptor, never a range error deep in a transfer. `where` names the document.
 */
export function parseManifestDocument(bytes: Uint8Array, where: string): ImageManifest | ImageIndex {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw new InvalidManifestError(`${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new InvalidManifestError(`${where} is not a JSON object`);
  }
  const fields = document as Record<string, unknown>;
  if (fields.subject !== undefined) checkDescriptor(fields.subject, "subject", where);
  if (fields.manifests !== undefined) {
    if (!Array.isArray(fields.manifests)) throw new InvalidManifestError(`${where}: "manifests" is not a list`);
    fields.manifests.forEach((entry, i) => {
      checkDescriptor(entry, `manifests[${i}]`, where);
    });
    return document as ImageIndex;
  }
  checkDescriptor(fields.config, "config", where);
  if (!Array.isArray(fields.layers)) throw new InvalidManifestError(`${where}: "layers" is not a list`);
  fields.layers.forEach((layer, i) => {
    checkDescriptor(layer, `layer ${i + 1}`, where);
  });
  return document as ImageManifest;
}
