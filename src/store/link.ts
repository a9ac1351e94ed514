import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { DigestMismatchError } from "../core/errors.js";
import type { Descriptor, FileIdentity } from "../core/target.js";
import { tempPath, writeVerified } from "./files.js";

/** A hard link refused for where it would go (another file system, no permission, too many links): copy instead. */
function linkRefused(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "EXDEV" || code === "EPERM" || code === "EMLINK";
}

/** `stat` is a regular file that is the very inode `identity` names (both read as numbers, or both as bigints). */
function isInode<N extends number | bigint>(
  stat: { isFile(): boolean; readonly ino: N; readonly dev: N } | undefined,
  identity: { readonly ino: N; readonly dev: N },
): boolean {
  return stat?.isFile() === true && stat.ino === identity.ino && stat.dev === identity.dev;
}

/**
 * Makes `target` hold the bytes of the store file `source` without copying when it can: a hard link (same
 * inode, no extra disk), or a copy when the two paths are on different file systems (EXDEV) or links are not
 * allowed (EPERM). An existing `target` is kept only when it is that very inode: a file of the same size may
 * hold other bytes, and a symbolic link may point anywhere.
 */
export async function linkOrCopy(source: string, target: string): Promise<"linked" | "copied" | "kept"> {
  const existing = await fs.lstat(target).catch(() => undefined);
  if (existing) {
    const original = await fs.stat(source);
    if (isInode(existing, original)) return "kept";
    await fs.rm(target, { force: true });
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.link(source, target);
    return "linked";
  } catch (error) {
    if (!linkRefused(error)) throw error;
  }
  const tmp = tempPath(path.dirname(target), ".copy");
  try {
    await fs.copyFile(source, tmp);
    await fs.rename(tmp, target);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
  return "copied";
}

/**
 * Places a file the caller has verified at `target`: a hard link to the very inode that was hashed, or else a
 * copy hashed again on the way (through `tmpDir`). Whatever replaced the file since (a swap for a link, other
 * bytes) is refused; whatever else `target` held before, a symbolic link included, is replaced, never followed.
 */
export async function adoptVerifiedFile(
  target: string,
  descriptor: Descriptor,
  file: string,
  hashed: FileIdentity,
  tmpDir: string,
): Promise<"linked" | "copied"> {
  // Already that very inode: linking again would change its ctime, which the store's verification stamp holds.
  const existing = await fs.lstat(target, { bigint: true }).catch(() => undefined);
  if (isInode(existing, hashed)) return "linked";
  await fs.rm(target, { force: true });
  try {
    await fs.link(file, target);
    const placed = await fs.lstat(target, { bigint: true });
    if (isInode(placed, hashed)) return "linked";
    await fs.rm(target, { force: true });
    throw new DigestMismatchError(`${file} changed after it was checked against ${descriptor.digest}`);
  } catch (error) {
    if (!linkRefused(error)) throw error;
  }
  const chunks = createReadStream(file, { highWaterMark: 1 << 20 });
  await writeVerified(target, descriptor, chunks, tmpDir, file);
  return "copied";
}

/**
 * Makes `target` a symbolic link to the store file `source`, for a view that lives only as long as the process
 * using it: unlike a hard link, making and removing it leaves the store file's inode (and so its ctime, which
 * its verification stamp holds) untouched. An existing `target` is kept only when it already points there.
 * Where symbolic links are not allowed (Windows without the privilege), a hard link or a copy.
 */
export async function symlinkOrLink(
  source: string,
  target: string,
): Promise<"symlinked" | "linked" | "copied" | "kept"> {
  const existing = await fs.readlink(target).catch(() => undefined);
  if (existing === source) return "kept";
  await fs.rm(target, { force: true });
  await fs.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.symlink(source, target, "file");
    return "symlinked";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") throw error;
  }
  return linkOrCopy(source, target);
}
