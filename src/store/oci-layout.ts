import { close, createReadStream, promises as fs, open } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { BodySink } from "../core/body-sink.js";
import { type Digest, digestHex, isDigest, parseDigest, sha256Digest } from "../core/digest.js";
import { FormatError, NotFoundError } from "../core/errors.js";
import { decodeManifest } from "../core/manifest-document.js";
import { Annotation, MediaType } from "../core/media-types.js";
import type {
  BlobContent,
  BlobRange,
  Descriptor,
  FetchedManifest,
  FileAdopter,
  FileIdentity,
  ImageIndex,
  ImageManifest,
  Target,
} from "../core/target.js";
import { checkContent, isReadOnlyError, writeFileAtomic, writeVerified } from "./files.js";
import { adoptVerifiedFile } from "./link.js";
import { withLock } from "./lock.js";

/** The registry's cap, applied to layouts too so a manifest read from disk cannot exhaust memory. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const LAYOUT_FILE = "oci-layout";
const INDEX_FILE = "index.json";
/** Temp files, resumable downloads and locks: inside the layout so a rename into blobs/ is atomic. */
export const INGEST_DIR = "ingest";

type MutableIndex = { schemaVersion: 2; mediaType?: string; manifests: Descriptor[] } & Record<string, unknown>;

/**
 * An OCI image layout directory as a Target: `oci-layout`, `index.json`, `blobs/sha256/<hex>`. Tags are
 * `org.opencontainers.image.ref.name` annotations in index.json. Blobs appear only after their size and digest
 * are checked; index.json is replaced atomically under a lock file, so concurrent processes lose no update.
 */
export class OciLayout implements Target, FileAdopter {
  readonly name: string;

  private constructor(readonly root: string) {
    this.name = `oci:${root}`;
  }

  /** Opens a layout; with `create`, makes the directory a layout when it is not one yet. */
  static async open(dir: string, options: { create?: boolean } = {}): Promise<OciLayout> {
    const root = path.resolve(dir);
    const layout = new OciLayout(root);
    let marker: string | undefined;
    try {
      marker = await fs.readFile(path.join(root, LAYOUT_FILE), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      if (!options.create) throw new NotFoundError(`${root} is not an OCI image layout: it has no ${LAYOUT_FILE} file`);
    }
    if (marker !== undefined) {
      let version: unknown;
      try {
        version = (JSON.parse(marker) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
      } catch (error) {
        throw new FormatError(`${path.join(root, LAYOUT_FILE)} is not valid JSON`, { cause: error });
      }
      if (version !== "1.0.0") {
        throw new FormatError(`${root}: unsupported imageLayoutVersion ${JSON.stringify(version)} (expected "1.0.0")`);
      }
    }
    try {
      await fs.mkdir(path.join(root, "blobs", "sha256"), { recursive: true });
      await fs.mkdir(path.join(root, INGEST_DIR), { recursive: true });
    } catch (error) {
      // A layout on a read-only file system is read as it is; writing to it fails where it is tried.
      if (marker === undefined || !isReadOnlyError(error)) throw error;
    }
    if (marker === undefined) {
      await createIfMissing(path.join(root, INDEX_FILE), `${JSON.stringify(emptyIndex())}\n`);
      await createIfMissing(path.join(root, LAYOUT_FILE), `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);
    }
    return layout;
  }

  get ingestDir(): string {
    return path.join(this.root, INGEST_DIR);
  }

  /** Where a blob lives; the digest is validated, so no name can point outside blobs/. */
  blobPath(digest: Digest | string): string {
    return path.join(this.root, "blobs", "sha256", digestHex(parseDigest(digest)));
  }

  async resolve(reference: string): Promise<Descriptor> {
    const entries = await this.entries();
    if (isDigest(reference)) {
      const listed = entries.find((d) => d.digest === reference);
      if (listed) return plainDescriptor(listed);
      const bytes = await this.readBlob(reference);
      return { mediaType: manifestMediaType(bytes), digest: reference, size: bytes.byteLength };
    }
    const tagged = entries.filter((d) => d.annotations?.[Annotation.refName] === reference);
    const found = tagged[tagged.length - 1];
    if (!found) throw new NotFoundError(`tag "${reference}" not found in ${this.name}`);
    return plainDescriptor(found);
  }

  async fetchManifest(reference: string | Descriptor): Promise<FetchedManifest> {
    const descriptor = typeof reference === "string" ? await this.resolve(reference) : reference;
    if (descriptor.size > MAX_MANIFEST_BYTES) {
      throw new FormatError(
        `manifest ${descriptor.digest} in ${this.name} is ${descriptor.size} bytes, over the ${MAX_MANIFEST_BYTES} byte limit`,
      );
    }
    const bytes = await this.readBlob(descriptor.digest);
    checkContent(descriptor, bytes.byteLength, sha256Digest(bytes), this.name);
    return { descriptor: plainDescriptor(descriptor), bytes };
  }

  async fetchBlob(descriptor: Descriptor, options: { range?: BlobRange } = {}): Promise<Readable> {
    const file = this.blobPath(descriptor.digest);
    // A plain descriptor, not a FileHandle: the stream owns it and closes it when done or destroyed.
    const fd = await new Promise<number>((resolve, reject) =>
      open(file, "r", (error, opened) => {
        if (error?.code === "ENOENT") reject(new NotFoundError(`blob ${descriptor.digest} not found in ${this.name}`));
        else if (error) reject(error);
        else resolve(opened);
      }),
    );
    const range = options.range;
    const start = range?.offset ?? 0;
    if (range?.length === 0) {
      close(fd);
      return Readable.from([]);
    }
    const end = range?.length === undefined ? undefined : start + range.length - 1;
    return createReadStream(file, { fd, start, ...(end === undefined ? {} : { end }), highWaterMark: 1 << 20 });
  }

  async pumpBlob(
    descriptor: Descriptor,
    sink: BodySink,
    options: { range?: BlobRange; signal?: AbortSignal | undefined } = {},
  ): Promise<void> {
    const handle = await fs.open(this.blobPath(descriptor.digest), "r").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") throw new NotFoundError(`blob ${descriptor.digest} not found in ${this.name}`);
      throw error;
    });
    try {
      const start = options.range?.offset ?? 0;
      const end = options.range?.length === undefined ? Number.POSITIVE_INFINITY : start + options.range.length;
      const buffer = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, end - start)));
      for (let position = start; position < end; ) {
        options.signal?.throwIfAborted();
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - position), position);
        if (bytesRead === 0) break;
        position += bytesRead;
        await sink(buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
  }

  /** A regular file of the right size; a symbolic link is not content this layout holds, wherever it points. */
  async exists(descriptor: Descriptor): Promise<boolean> {
    try {
      const stat = await fs.lstat(this.blobPath(descriptor.digest));
      return stat.isFile() && stat.size === descriptor.size;
    } catch {
      return false;
    }
  }

  async tags(): Promise<string[]> {
    const names = (await this.entries()).map((d) => d.annotations?.[Annotation.refName]);
    return [...new Set(names.filter((n): n is string => n !== undefined))];
  }

  /** Layouts have no referrers API: every manifest listed in index.json is read and its `subject` compared. */
  async referrers(subject: Descriptor, options: { artifactType?: string } = {}): Promise<Descriptor[]> {
    const seen = new Set<string>();
    const found: Descriptor[] = [];
    for (const entry of await this.entries()) {
      if (seen.has(entry.digest) || entry.digest === subject.digest) continue;
      seen.add(entry.digest);
      const referrer = await this.#referrer(entry, subject);
      if (referrer && (options.artifactType === undefined || referrer.artifactType === options.artifactType)) {
        found.push(referrer);
      }
    }
    return found;
  }

  /** The descriptor of the manifest `entry` names when its subject is `subject`, as the referrers API lists it. */
  async #referrer(entry: Descriptor, subject: Descriptor): Promise<Descriptor | undefined> {
    let manifest: ImageManifest | ImageIndex;
    try {
      const document = decodeManifest(await this.readBlob(entry.digest), `manifest ${entry.digest}`);
      manifest = document.kind === "index" ? document.index : document.manifest;
    } catch {
      return undefined;
    }
    if (manifest.subject?.digest !== subject.digest) return undefined;
    const artifactType = manifest.artifactType ?? ("config" in manifest ? manifest.config.mediaType : undefined);
    return {
      mediaType: entry.mediaType,
      digest: entry.digest,
      size: entry.size,
      ...(artifactType ? { artifactType } : {}),
      ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
    };
  }

  /**
   * Takes a blob from a file the caller has verified: a hard link to the very inode that was hashed, or else a
   * copy hashed again on the way. Whatever replaced the file since (a swap for a link, other bytes) is refused.
   */
  async adoptBlobFile(descriptor: Descriptor, file: string, hashed: FileIdentity): Promise<"linked" | "copied"> {
    return adoptVerifiedFile(this.blobPath(descriptor.digest), descriptor, file, hashed, this.ingestDir);
  }

  async pushBlob(descriptor: Descriptor, content: BlobContent): Promise<void> {
    if (await this.exists(descriptor)) return;
    const chunks = content instanceof Uint8Array ? [content] : content();
    await writeVerified(this.blobPath(descriptor.digest), descriptor, chunks, this.ingestDir, "pushed content");
  }

  /** Stores manifest bytes and lists the manifest in index.json (so referrers and `verify` find it). */
  async pushManifest(descriptor: Descriptor, bytes: Uint8Array, options: { tag?: string } = {}): Promise<void> {
    await this.pushBlob(descriptor, bytes);
    await this.addEntry(descriptor, options.tag === undefined ? {} : { [Annotation.refName]: options.tag });
  }

  async tag(descriptor: Descriptor, tag: string): Promise<void> {
    await this.nameManifest(descriptor, { [Annotation.refName]: tag });
  }

  /**
   * Points index.json entry names at a manifest already present. The ref.name annotation is the key: an
   * entry with the same name is replaced, other annotations are stored with it.
   */
  async nameManifest(descriptor: Descriptor, annotations: Record<string, string>): Promise<void> {
    if (!(await this.exists(descriptor))) {
      throw new NotFoundError(`manifest ${descriptor.digest} not found in ${this.name}`);
    }
    await this.addEntry(descriptor, annotations);
  }

  /** The manifests listed in index.json, as stored. */
  async entries(): Promise<Descriptor[]> {
    return (await this.readIndex()).manifests;
  }

  /** Applies `change` to index.json's manifest list, atomically and under a lock shared by all processes. */
  async updateEntries(change: (entries: Descriptor[]) => Descriptor[]): Promise<void> {
    await withLock(path.join(this.ingestDir, "index.lock"), async () => {
      const index = await this.readIndex();
      index.manifests = change(index.manifests);
      await writeFileAtomic(path.join(this.root, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`, this.ingestDir);
    });
  }

  private async addEntry(descriptor: Descriptor, annotations: Record<string, string>): Promise<void> {
    const name = annotations[Annotation.refName];
    const entry: Descriptor = {
      ...plainDescriptor(descriptor),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    };
    await this.updateEntries((entries) => {
      if (name === undefined) {
        return entries.some((d) => d.digest === descriptor.digest) ? entries : [...entries, entry];
      }
      // A named entry replaces the same name and any unnamed entry of the same manifest.
      const kept = entries.filter(
        (d) =>
          d.annotations?.[Annotation.refName] !== name &&
          !(d.digest === descriptor.digest && d.annotations?.[Annotation.refName] === undefined),
      );
      return [...kept, entry];
    });
  }

  private async readIndex(): Promise<MutableIndex> {
    const file = path.join(this.root, INDEX_FILE);
    let text: string;
    try {
      text = await fs.readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyIndex();
      throw error;
    }
    let index: MutableIndex;
    try {
      index = JSON.parse(text) as MutableIndex;
    } catch (error) {
      throw new FormatError(`${file} is not valid JSON`, { cause: error });
    }
    if (!Array.isArray(index.manifests)) throw new FormatError(`${file} has no "manifests" list`);
    return index;
  }

  private async readBlob(digest: string): Promise<Uint8Array> {
    try {
      return await fs.readFile(this.blobPath(digest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new NotFoundError(`${digest} not found in ${this.name}`);
      }
      throw error;
    }
  }
}

function emptyIndex(): MutableIndex {
  return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
}

async function createIfMissing(file: string, content: string): Promise<void> {
  try {
    await fs.writeFile(file, content, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

function plainDescriptor(d: Descriptor): Descriptor {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.artifactType ? { artifactType: d.artifactType } : {}),
  };
}

/** The media type a manifest declares, or the one its shape implies (Docker and Ollama omit nothing; OCI may). */
export function manifestMediaType(bytes: Uint8Array): string {
  let parsed: { mediaType?: unknown; manifests?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw new FormatError("manifest is not valid JSON", { cause: error });
  }
  if (typeof parsed.mediaType === "string") return parsed.mediaType;
  return Array.isArray(parsed.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
}
