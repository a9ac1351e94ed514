import type { BigIntStats } from "node:fs";
import { promises as fs } from "node:fs";
import path from "node:path";
import { isReadOnlyError, writeFileAtomic } from "./files.js";

/**
 * A blob's verification stamp: what its file looked like when its content last hashed to its name. Any write
 * to a file moves its ctime, which no user-space call can set back (unlike mtime), and a replaced file has
 * another inode: while the stamp still matches, the bytes are the ones that were hashed, and a pull can trust
 * them without reading them. Anything that touches the inode (a hard link made or removed by a store view, a
 * chmod) also moves the ctime and costs one re-hash.
 */
export function stampOf(stat: BigIntStats): string {
  return [stat.dev, stat.ino, stat.size, stat.mtimeNs, stat.ctimeNs].join(":");
}

/** The layout's stamps directory holds one file per verified blob, named by its hex digest. */
export const STAMP_DIR = "verified";

export class StampFiles {
  constructor(
    private readonly root: string,
    private readonly tmpDir: string,
  ) {}

  private file(hex: string): string {
    return path.join(this.root, STAMP_DIR, hex);
  }

  /** True when the blob file's current state is the one recorded when it was verified. */
  async matches(hex: string, blobFile: string): Promise<boolean> {
    const [stat, recorded] = await Promise.all([
      fs.lstat(blobFile, { bigint: true }).catch(() => undefined),
      fs.readFile(this.file(hex), "utf8").catch(() => undefined),
    ]);
    return stat?.isFile() === true && recorded === stampOf(stat);
  }

  /**
   * Records a verification. Best effort: a stamp only saves a later hash, so a store that cannot keep one
   * (read-only, shared, its ingest directory removed under it) goes on without.
   */
  async record(hex: string, stat: BigIntStats): Promise<void> {
    try {
      await fs.mkdir(path.join(this.root, STAMP_DIR), { recursive: true });
      await fs.mkdir(this.tmpDir, { recursive: true });
      await writeFileAtomic(this.file(hex), stampOf(stat), this.tmpDir);
    } catch {}
  }

  async remove(hex: string): Promise<void> {
    await fs.rm(this.file(hex), { force: true }).catch((error: unknown) => {
      if (!isReadOnlyError(error)) throw error;
    });
  }
}
