import { createHash } from "node:crypto";
import { InvalidReferenceError } from "./errors.js";

/** A content digest in canonical form, `sha256:<64 lowercase hex>`. Only parseDigest and sha256Digest make one. */
export type Digest = string & { readonly __digest: unique symbol };

const KNOWN_ALGORITHMS: Record<string, number> = { sha256: 64 };

/** Parses and validates a digest; the error names which part is wrong. */
export function parseDigest(value: string): Digest {
  const colon = value.indexOf(":");
  if (colon <= 0) {
    throw new InvalidReferenceError(
      `invalid digest "${value}": expected <algorithm>:<hex>, for example sha256:<64 hex>`,
    );
  }
  const algorithm = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  const length = KNOWN_ALGORITHMS[algorithm];
  if (length === undefined) {
    throw new InvalidReferenceError(
      `unsupported digest algorithm "${algorithm}" in "${value}": only sha256 is supported`,
    );
  }
  if (!/^[0-9a-f]*$/.test(encoded)) {
    throw new InvalidReferenceError(`invalid ${algorithm} digest "${value}": the hex part must be lowercase 0-9a-f`);
  }
  if (encoded.length !== length) {
    throw new InvalidReferenceError(
      `invalid ${algorithm} digest "${value}": the hex part has ${encoded.length} characters, expected ${length}`,
    );
  }
  return value as Digest;
}

export function isDigest(value: string): value is Digest {
  return /^sha256:[0-9a-f]{64}$/.test(value);
}

/** The hex part of a digest, as used in blob file names. */
export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(":") + 1);
}

export function sha256Digest(data: Uint8Array | string): Digest {
  return `sha256:${createHash("sha256").update(data).digest("hex")}` as Digest;
}
