import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { DigestMismatchError } from "../errors.js";
import type { Descriptor } from "../target.js";

/** A unique file name in `dir`, for content that becomes visible only by a rename. */
export function tempPath(dir: string, prefix: string): string {
  return path.join(dir, `${prefix}-${process.pid}-${randomBytes(6).toString("hex")}`);
}

/** Writes a file so readers see the old content or the new, never a mix: a temp file in `tmpDir`, renamed. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, tmpDir: string): Promise<void> {
  const tmp = tempPath(tmpDir, "write");
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/** Size and digest check of complete content against its descriptor. */
export function checkContent(descriptor: Descriptor, size: number, digest: string, source: string): void {
  if (size !== descriptor.size) {
    throw new DigestMismatchError(
      `${descriptor.digest} from ${source}: got ${size} bytes, the descriptor says ${descriptor.size}`,
    );
  }
  if (digest !== descriptor.digest) {
    throw new DigestMismatchError(`${descriptor.digest} from ${source}: content hashes to ${digest}`);
  }
}

/**
 * Streams content into `tmpDir`, hashing as it goes, and renames it to `file` only when size and sha256 match
 * the descriptor; otherwise nothing is left behind. Content longer than promised is cut off early.
 */
export async function writeVerified(
  file: string,
  descriptor: Descriptor,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  tmpDir: string,
  source: string,
): Promise<void> {
  const tmp = tempPath(tmpDir, "blob");
  const handle = await fs.open(tmp, "wx");
  try {
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.byteLength;
      if (size > descriptor.size) {
        throw new DigestMismatchError(
          `${descriptor.digest} from ${source}: more than the ${descriptor.size} bytes the descriptor says`,
        );
      }
      hash.update(chunk);
      await handle.write(chunk);
    }
    await handle.close();
    checkContent(descriptor, size, `sha256:${hash.digest("hex")}`, source);
    await fs.rename(tmp, file);
  } catch (error) {
    await handle.close().catch(() => {});
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/** sha256 of a file, streamed. */
export async function hashFile(file: string): Promise<{ digest: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  const handle = await fs.open(file, "r");
  try {
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).byteLength;
    }
  } finally {
    await handle.close();
  }
  return { digest: `sha256:${hash.digest("hex")}`, size };
}

export async function fileExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
