import { buffer } from "node:stream/consumers";
import { sha256Digest } from "./digest.js";
import { DigestMismatchError } from "./errors.js";
import type { Descriptor, ReadOnlyTarget } from "./target.js";

/** The descriptor of bytes held in memory. */
export function descriptorOf(mediaType: string, bytes: Uint8Array): Descriptor {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length };
}

/**
 * A small blob's bytes (a results document, a signature bundle), checked against its descriptor; one larger
 * than `maxBytes` is refused unread. `what` names it in messages.
 */
export async function fetchSmallBlob(
  target: ReadOnlyTarget,
  descriptor: Descriptor,
  maxBytes: number,
  what: string,
  signal?: AbortSignal | undefined,
): Promise<Uint8Array> {
  if (descriptor.size > maxBytes) {
    throw new DigestMismatchError(`${what} holds ${descriptor.size} bytes, more than the ${maxBytes} allowed`);
  }
  const bytes = new Uint8Array(await buffer(await target.fetchBlob(descriptor, { signal })));
  if (bytes.length !== descriptor.size || sha256Digest(bytes) !== descriptor.digest) {
    throw new DigestMismatchError(`${what} does not match ${descriptor.digest}`);
  }
  return bytes;
}
