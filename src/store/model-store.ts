import { promises as fs, constants as fsConstants } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Digest, digestHex, isDigest } from "../core/digest.js";
import { EnvironmentError } from "../core/errors.js";
import { Annotation } from "../core/media-types.js";
import { parseReference } from "../core/ref.js";
import type { Descriptor, FetchedManifest, VerifiedFile } from "../core/target.js";
import { hashFile, isReadOnlyError, removeOrphanTemps } from "./files.js";
import { OciLayout } from "./oci-layout.js";
import { StampFiles } from "./stamp.js";
import { stampKey, stampKeyFile } from "./stamp-key.js";

/** Environment variable that overrides the default store directory. */
export const STORE_ENV = "CORTEX_MODEL_STORE";
/** containerd's annotation for the full image name; with ref.name it lets one layout hold many models. */
export const IMAGE_NAME_ANNOTATION = "io.containerd.image.name";

/**
 * The index name a reference is stored under. Registry references are names already; a layout reference
 * (`oci:/dir:tag`) is not one in the image-spec's ref.name grammar, so it becomes `localhost/oci/<dir>` with
 * each path part reduced to lower-case letters, digits and dashes, which skopeo, oras and containerd accept.
 */
export function storeEntryName(reference: string): string {
  const ref = parseReference(reference);
  if (ref.kind !== "layout") return reference;
  const parts = ref.path
    .split(/[\\/]+/)
    .map((part) =>
      part
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, ""),
    )
    .filter((part) => part !== "");
  const version = `${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
  return `localhost/oci/${parts.join("/") || "root"}${version}`;
}

/** `$CORTEX_MODEL_STORE`, else `$XDG_CACHE_HOME/cortex-model`, else `~/.cache/cortex-model`. */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env[STORE_ENV]) return path.resolve(env[STORE_ENV]);
  const cache = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : path.join(os.homedir(), ".cache");
  return path.join(cache, "cortex-model");
}

/** Files of one resumable download, kept in the layout's ingest directory until the blob is verified. */
export interface PartialFiles {
  /** The blob's bytes, preallocated to full size and filled at part offsets. */
  readonly data: string;
  /** JSON: which byte ranges are complete (see src/pull/resume.ts). */
  readonly meta: string;
  /** Held by the one process downloading this digest. */
  readonly lock: string;
}

export interface VerifyReport {
  readonly checked: number;
  readonly checkedBytes: number;
  /** Blobs whose content did not match their name; they have been removed. */
  readonly removed: readonly Digest[];
}

export interface StoredModel {
  readonly name: string;
  readonly descriptor: Descriptor;
}

/**
 * The local model store: an OCI image layout under the user's cache directory. Index entries are named by
 * the full reference, so one store holds models from many registries and layouts side by side.
 */
export class ModelStore {
  private readonly stamps: StampFiles;

  private constructor(
    readonly layout: OciLayout,
    stampKeyPath: string,
  ) {
    this.stamps = new StampFiles(layout.root, layout.ingestDir, stampKey(stampKeyPath));
  }

  /**
   * Opens the store, making it when it is missing. A store on a read-only file system (a shared, pre-seeded
   * cache) opens for reading what it holds; one that is not a store yet cannot be made there, and says so.
   */
  static async open(options: { dir?: string | undefined; env?: NodeJS.ProcessEnv } = {}): Promise<ModelStore> {
    const dir = options.dir ? path.resolve(options.dir) : defaultStoreDir(options.env);
    let layout: OciLayout;
    try {
      layout = await OciLayout.open(dir, { create: true });
    } catch (error) {
      const refused = await writeRefusal(dir);
      if (!refused) throw error;
      throw new EnvironmentError(
        `the store ${dir} is not a model store yet and cannot be made there (${refused.code}: read-only or not writable); give a writable --store or $${STORE_ENV}`,
        { cause: refused },
      );
    }
    await removeOrphanTemps(layout.ingestDir);
    return new ModelStore(layout, stampKeyFile(options.env));
  }

  get root(): string {
    return this.layout.root;
  }

  blobPath(digest: Digest): string {
    return this.layout.blobPath(digest);
  }

  /**
   * The blob's file, checked on its way into the store, with the inode it is now (so a link made from it can be
   * checked to reach that very file); undefined without a file of the right size.
   */
  async blobFile(descriptor: Descriptor): Promise<VerifiedFile | undefined> {
    const file = this.blobPath(descriptor.digest);
    const stat = await fs.lstat(file, { bigint: true }).catch(() => undefined);
    if (!stat?.isFile() || stat.size !== BigInt(descriptor.size)) return undefined;
    return { file, identity: { dev: stat.dev, ino: stat.ino } };
  }

  /** A file of the right size is there; says nothing of its content (see holds()). */
  has(descriptor: Descriptor): Promise<boolean> {
    return this.layout.exists(descriptor);
  }

  /**
   * The blob is there with its content verified: its stamp matches (nothing wrote to the file since it last
   * hashed to its name), or it hashes to its name now. A blob that does not is removed, so a pull fetches it.
   */
  async holds(descriptor: Descriptor): Promise<boolean> {
    if (!(await this.has(descriptor))) return false;
    if (await this.stamps.matches(digestHex(descriptor.digest), this.blobPath(descriptor.digest))) return true;
    return this.verifyBlob(descriptor);
  }

  /** Hashes the blob whatever its stamp says; true when it matches (stamped), false when not (removed). */
  async verifyBlob(descriptor: Descriptor): Promise<boolean> {
    const file = this.blobPath(descriptor.digest);
    const hex = digestHex(descriptor.digest);
    const found = await fs.lstat(file).catch(() => undefined);
    const actual = found?.isFile() ? await hashFile(file).catch(() => undefined) : undefined;
    if (actual && actual.size === descriptor.size && actual.digest === descriptor.digest) {
      await this.stamps.record(hex, actual.stat);
      return true;
    }
    await this.stamps.remove(hex);
    if (found) {
      await fs.rm(file, { force: true }).catch((error: unknown) => {
        if (!isReadOnlyError(error)) throw error;
      });
    }
    return false;
  }

  /**
   * The blobs among these the store does not hold verified (see holds()): each one whose stamp does not vouch
   * for it is hashed, and removed when it does not match.
   */
  async verifyBlobs(descriptors: readonly Descriptor[]): Promise<Descriptor[]> {
    const damaged: Descriptor[] = [];
    for (const descriptor of descriptors) {
      if (!(await this.holds(descriptor))) damaged.push(descriptor);
    }
    return damaged;
  }

  /** Records that a blob just written was verified on its way in (its size and digest checked). */
  async stamp(descriptor: Descriptor): Promise<void> {
    const stat = await fs.lstat(this.blobPath(descriptor.digest), { bigint: true });
    await this.stamps.record(digestHex(descriptor.digest), stat);
  }

  /**
   * Throws when nothing can be written here: said before a pull starts downloading into a read-only store,
   * instead of a failure on its first lock file.
   */
  async assertWritable(what: string): Promise<void> {
    const refused = await writeRefusal(this.layout.ingestDir);
    if (refused) {
      throw new EnvironmentError(
        `the store ${this.root} is read-only and ${what}; pull into a writable --store or $${STORE_ENV} first`,
        { cause: refused },
      );
    }
  }

  partialFiles(digest: Digest): PartialFiles {
    const base = path.join(this.layout.ingestDir, `sha256-${digestHex(digest)}`);
    return { data: `${base}.partial`, meta: `${base}.json`, lock: `${base}.lock` };
  }

  /** Stores a manifest and lists it in index.json, writing nothing when both are done already. */
  async addManifest(manifest: FetchedManifest): Promise<void> {
    const listed = (await this.layout.entries()).some((d) => d.digest === manifest.descriptor.digest);
    if (listed && (await this.has(manifest.descriptor))) return;
    await this.layout.pushManifest(manifest.descriptor, manifest.bytes);
  }

  /** Names a stored manifest by a full reference (`registry/repo:tag`, `oci:/dir:tag`, `...@sha256:...`). */
  async record(descriptor: Descriptor, reference: string): Promise<void> {
    const name = storeEntryName(reference);
    // Already named so: nothing to write, which also lets a read-only store answer.
    if ((await this.find(reference))?.digest === descriptor.digest) return;
    try {
      await this.layout.nameManifest(descriptor, { [Annotation.refName]: name, [IMAGE_NAME_ANNOTATION]: name });
    } catch (error) {
      // The name is a convenience for listing; a read-only store serves what it holds without it.
      if (!isReadOnlyError(error)) throw error;
    }
  }

  /** The manifest stored under a full reference, if any. */
  async find(reference: string): Promise<Descriptor | undefined> {
    const name = storeEntryName(reference);
    const entries = await this.layout.entries();
    const matches = entries.filter((d) => d.annotations?.[Annotation.refName] === name);
    return matches[matches.length - 1];
  }

  async list(): Promise<StoredModel[]> {
    return (await this.layout.entries()).flatMap((d) => {
      const name = d.annotations?.[IMAGE_NAME_ANNOTATION] ?? d.annotations?.[Annotation.refName];
      return name === undefined ? [] : [{ name, descriptor: d }];
    });
  }

  /** Re-hashes every blob; removes those whose content does not match their name (a later pull fetches them). */
  async verify(options: { onBlob?: (digest: Digest, ok: boolean) => void } = {}): Promise<VerifyReport> {
    const dir = path.join(this.root, "blobs", "sha256");
    const removed: Digest[] = [];
    let checked = 0;
    let checkedBytes = 0;
    for (const name of (await fs.readdir(dir)).sort()) {
      const file = path.join(dir, name);
      const expected = `sha256:${name}`;
      const { digest, size, stat } = await hashFile(file);
      checked += 1;
      checkedBytes += size;
      const ok = isDigest(expected) && digest === expected;
      options.onBlob?.(expected as Digest, ok);
      if (ok) await this.stamps.record(name, stat);
      else {
        await fs.rm(file, { force: true });
        await this.stamps.remove(name);
        removed.push(expected as Digest);
      }
    }
    return { checked, checkedBytes, removed };
  }
}

/**
 * Why nothing can be written at `dir` (or at its nearest existing parent), if that is so. Node's recursive
 * mkdir may report ENOENT for a parent it could not make on a read-only file system: ask the file system.
 */
async function writeRefusal(dir: string): Promise<NodeJS.ErrnoException | undefined> {
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      await fs.access(current, fsConstants.W_OK);
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (isReadOnlyError(error)) return error as NodeJS.ErrnoException;
      if (code !== "ENOENT" || path.dirname(current) === current) return undefined;
    }
  }
}
