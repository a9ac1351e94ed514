import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Digest, digestHex, isDigest } from "../core/digest.js";
import { Annotation } from "../core/media-types.js";
import { parseReference } from "../core/ref.js";
import type { Descriptor } from "../core/target.js";
import { hashFile, removeOrphanTemps } from "./files.js";
import { OciLayout } from "./oci-layout.js";

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
  private constructor(readonly layout: OciLayout) {}

  static async open(options: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ModelStore> {
    const dir = options.dir ? path.resolve(options.dir) : defaultStoreDir(options.env);
    const layout = await OciLayout.open(dir, { create: true });
    await removeOrphanTemps(layout.ingestDir);
    return new ModelStore(layout);
  }

  get root(): string {
    return this.layout.root;
  }

  blobPath(digest: Digest): string {
    return this.layout.blobPath(digest);
  }

  has(descriptor: Descriptor): Promise<boolean> {
    return this.layout.exists(descriptor);
  }

  partialFiles(digest: Digest): PartialFiles {
    const base = path.join(this.layout.ingestDir, `sha256-${digestHex(digest)}`);
    return { data: `${base}.partial`, meta: `${base}.json`, lock: `${base}.lock` };
  }

  /** Names a stored manifest by a full reference (`registry/repo:tag`, `oci:/dir:tag`, `...@sha256:...`). */
  async record(descriptor: Descriptor, reference: string): Promise<void> {
    const name = storeEntryName(reference);
    await this.layout.nameManifest(descriptor, { [Annotation.refName]: name, [IMAGE_NAME_ANNOTATION]: name });
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
      const { digest, size } = await hashFile(file);
      checked += 1;
      checkedBytes += size;
      const ok = isDigest(expected) && digest === expected;
      options.onBlob?.(expected as Digest, ok);
      if (!ok) {
        await fs.rm(file, { force: true });
        removed.push(expected as Digest);
      }
    }
    return { checked, checkedBytes, removed };
  }
}
