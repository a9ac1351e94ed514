import { createHash, randomBytes } from "node:crypto";
import { type BigIntStats, promises as fs } from "node:fs";
import path from "node:path";
import { DigestMismatchError } from "../core/errors.js";
import { isAlive } from "../core/process-alive.js";
import type { Descriptor } from "../core/target.js";

/** A unique file name in `dir`, for content that becomes visible only by a rename. */
export function tempPath(dir: string, prefix: string): string {
  return path.join(dir, `${prefix}-${process.pid}-${randomBytes(6).toString("hex")}`);
}

/**
 * Removes the temp files that processes which no longer exist left in `dir` (a pull killed between writing
 * a temp file and renaming it). Files of live processes are theirs to finish or remove.
 */
export async function removeOrphanTemps(dir: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const owner = /^[a-z]+-(\d+)-[0-9a-f]{12}$/.exec(name)?.[1];
      if (owner !== undefined && !isAlive(Number(owner))) await fs.rm(path.join(dir, name), { force: true });
    }),
  );
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

/** Which file on which file system: a hard link to the same content has the same identity. */
/**
 * sha256 of a file, streamed, with the state of the file that was read, taken before reading: a path may be
 * replaced meanwhile, and a write during the read moves the ctime past the one returned.
 */
export async function hashFile(file: string): Promise<{ digest: string; size: number; stat: BigIntStats }> {
  const hash = createHash("sha256");
  let size = 0;
  const handle = await fs.open(file, "r");
  try {
    const stat = await handle.stat({ bigint: true });
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).byteLength;
    }
    return { digest: `sha256:${hash.digest("hex")}`, size, stat };
  } finally {
    await handle.close();
  }
}

export async function fileExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** The file system refuses writes here: a read-only mount, or a directory this user may only read. */
export function isReadOnlyError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === "EROFS" || code === "EACCES" || code === "EPERM";
}
