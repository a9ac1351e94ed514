import { createHmac, timingSafeEqual } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { promises as fs } from "node:fs";
import path from "node:path";
import { isReadOnlyError, writeFileAtomic } from "./files.js";
import { INGEST_DIR } from "./oci-layout.js";
import { stampKey, stampKeyFile } from "./stamp-key.js";

/**
 * A blob's verification stamp: what its file looked like when its content last hashed to its name. Any write
 * to a file moves its ctime, which no user-space call can set back (unlike mtime), and a replaced file has
 * another inode: while the stamp still matches, the bytes are the ones that were hashed, and a pull or setup can trust
 * them without reading them. Anything that touches the inode (a hard link made or removed by a store view, a
 * chmod) also moves the ctime and costs one re-hash.
 *
 * The stamp file holds that state sealed with a key kept outside the store (see stamp-key.ts): whoever can write
 * the store can change a blob and write down its new state, but cannot seal it, so a stamp is this user's own
 * word that it hashed these bytes.
 */
function seal(key: Buffer, hex: string, stat: BigIntStats): Buffer {
  const state = [hex, stat.dev, stat.ino, stat.size, stat.mtimeNs, stat.ctimeNs].join(":");
  return createHmac("sha256", key).update(state).digest();
}

/** The layout's stamps directory holds one file per verified blob, named by its hex digest. */
export const STAMP_DIR = "verified";

export class StampFiles {
  constructor(
    private readonly root: string,
    private readonly tmpDir: string,
    private readonly key: Promise<Buffer | undefined>,
  ) {}

  private file(hex: string): string {
    return path.join(this.root, STAMP_DIR, hex);
  }

  /** True when the blob file's current state is the one recorded when it was verified. */
  async matches(hex: string, blobFile: string): Promise<boolean> {
    const [key, stat, recorded] = await Promise.all([
      this.key,
      fs.lstat(blobFile, { bigint: true }).catch(() => undefined),
      fs.readFile(this.file(hex), "utf8").catch(() => undefined),
    ]);
    if (!key || stat?.isFile() !== true || recorded === undefined) return false;
    const expected = seal(key, hex, stat);
    const given = Buffer.from(recorded, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /**
   * Records a verification. Best effort: a stamp only saves a later hash, so a store that cannot keep one
   * (read-only, shared, its ingest directory removed under it) or has no key goes on without.
   */
  async record(hex: string, stat: BigIntStats): Promise<void> {
    const key = await this.key;
    if (!key) return;
    try {
      await fs.mkdir(path.join(this.root, STAMP_DIR), { recursive: true });
      await fs.mkdir(this.tmpDir, { recursive: true });
      await writeFileAtomic(this.file(hex), seal(key, hex, stat).toString("hex"), this.tmpDir);
    } catch {}
  }

  async remove(hex: string): Promise<void> {
    await fs.rm(this.file(hex), { force: true }).catch((error: unknown) => {
      if (!isReadOnlyError(error)) throw error;
    });
  }
}

/**
 * True when `file` is a blob of a store (`<root>/blobs/sha256/<hex>`) whose sealed stamp says it holds the bytes
 * this user hashed: what `serve` on a store's file trusts instead of hashing it again.
 */
export async function stampVouchesFor(file: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const algorithmDir = path.dirname(file);
  const blobsDir = path.dirname(algorithmDir);
  if (path.basename(algorithmDir) !== "sha256" || path.basename(blobsDir) !== "blobs") return false;
  const root = path.dirname(blobsDir);
  const stamps = new StampFiles(root, path.join(root, INGEST_DIR), stampKey(stampKeyFile(env)));
  return stamps.matches(path.basename(file), file);
}
