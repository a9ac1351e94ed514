import { promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { ContentSource, fileRangeStream, type SourceContent } from "../copy/content-source.js";
import { copyGraph } from "../copy/copy.js";
import type { BodySink } from "../core/body-sink.js";
import { isDigest, sha256Digest } from "../core/digest.js";
import { NotFoundError } from "../core/errors.js";
import { MediaType } from "../core/media-types.js";
import type {
  BlobContent,
  BlobRange,
  Descriptor,
  FetchedManifest,
  FileAdopter,
  FileIdentity,
  Target,
} from "../core/target.js";
import { checkContent, writeFileAtomic, writeVerified } from "../store/files.js";
import { adoptVerifiedFile } from "../store/link.js";
import { makeDirInside, type OllamaName, ollamaBlobPath, realPathInside } from "./store-view.js";

/**
 * One model name of an Ollama models directory as a Target, tags being Ollama's tags: blobs at
 * `blobs/sha256-<hex>`, manifests at `manifests/<host>/<namespace>/<model>/<tag>`. Nothing is read or written
 * through a folder or file that a symbolic link leads out of the directory. Ollama trusts any blob file of the
 * right name without checking it, so no blob here counts as present: each is written again (a link is free).
 */
export class OllamaModelTarget implements Target, FileAdopter {
  readonly name: string;
  readonly #blobsDir: string;
  readonly #manifestsDir: string;

  constructor(
    readonly modelsDir: string,
    model: Omit<OllamaName, "tag">,
  ) {
    this.name = `${modelsDir} (${model.host}/${model.namespace}/${model.model})`;
    this.#blobsDir = path.join(modelsDir, "blobs");
    this.#manifestsDir = path.join(modelsDir, "manifests", model.host, model.namespace, model.model);
  }

  manifestPath(tag: string): string {
    return path.join(this.#manifestsDir, tag);
  }

  async resolve(reference: string): Promise<Descriptor> {
    return (await this.fetchManifest(reference)).descriptor;
  }

  /** By tag; Ollama keeps no manifest by digest, so a digest is looked for among the tags. */
  async fetchManifest(reference: string | Descriptor): Promise<FetchedManifest> {
    const wanted = typeof reference === "string" ? reference : reference.digest;
    for (const tag of isDigest(wanted) ? await this.tags() : [wanted]) {
      const file = await this.#fileInside(this.manifestPath(tag));
      if (file === undefined) continue;
      const bytes = await fs.readFile(file);
      const digest = sha256Digest(bytes);
      if (tag === wanted || digest === wanted) {
        return { descriptor: { mediaType: MediaType.dockerManifest, digest, size: bytes.byteLength }, bytes };
      }
    }
    throw new NotFoundError(`manifest ${wanted} not found in ${this.name}`);
  }

  async fetchBlob(descriptor: Descriptor, options: { range?: BlobRange } = {}): Promise<Readable> {
    const file = await this.#fileInside(this.#blobPath(descriptor));
    if (file === undefined) throw new NotFoundError(`blob ${descriptor.digest} not found in ${this.name}`);
    return fileRangeStream(file, options.range);
  }

  async pumpBlob(descriptor: Descriptor, sink: BodySink, options: { range?: BlobRange } = {}): Promise<void> {
    for await (const chunk of await this.fetchBlob(descriptor, options)) await sink(chunk as Buffer);
  }

  async exists(): Promise<boolean> {
    return false;
  }

  async tags(): Promise<string[]> {
    const entries = await fs.readdir(this.#manifestsDir, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => e.name);
  }

  async referrers(): Promise<Descriptor[]> {
    return [];
  }

  async pushBlob(descriptor: Descriptor, content: BlobContent): Promise<void> {
    await makeDirInside(this.modelsDir, this.#blobsDir);
    const chunks = content instanceof Uint8Array ? [content] : content();
    await writeVerified(this.#blobPath(descriptor), descriptor, chunks, this.#blobsDir, "pushed content");
  }

  async adoptBlobFile(descriptor: Descriptor, file: string, hashed: FileIdentity): Promise<"linked" | "copied"> {
    await makeDirInside(this.modelsDir, this.#blobsDir);
    return adoptVerifiedFile(this.#blobPath(descriptor), descriptor, file, hashed, this.#blobsDir);
  }

  /** Ollama names a manifest only by tag: one is required. */
  async pushManifest(descriptor: Descriptor, bytes: Uint8Array, options: { tag?: string } = {}): Promise<void> {
    if (options.tag === undefined) throw new NotFoundError(`${this.name} keeps manifests only under a tag`);
    checkContent(descriptor, bytes.byteLength, sha256Digest(bytes), "pushed manifest");
    await makeDirInside(this.modelsDir, this.#manifestsDir);
    await writeFileAtomic(this.manifestPath(options.tag), bytes, this.#manifestsDir);
  }

  async tag(descriptor: Descriptor, tag: string): Promise<void> {
    const { bytes } = await this.fetchManifest(descriptor);
    await this.pushManifest(descriptor, bytes, { tag });
  }

  #blobPath(descriptor: Descriptor): string {
    return ollamaBlobPath(this.modelsDir, descriptor.digest);
  }

  /** The real path of a file that lies inside the models directory; undefined when absent or outside. */
  async #fileInside(file: string): Promise<string | undefined> {
    return realPathInside(this.modelsDir, file).catch(() => undefined);
  }
}

/**
 * Writes a model into an Ollama models directory under `name`: its blobs (checked files are linked), then its
 * manifest bytes at the tag, so Ollama never lists a model whose blobs are not all there. Returns the manifest's path.
 */
export async function writeOllamaModel(
  modelsDir: string,
  name: OllamaName,
  manifestBytes: Uint8Array,
  blobs: Iterable<readonly [Descriptor, SourceContent]>,
  from: string,
): Promise<string> {
  const manifest = {
    descriptor: {
      mediaType: MediaType.dockerManifest,
      digest: sha256Digest(manifestBytes),
      size: manifestBytes.byteLength,
    },
    bytes: manifestBytes,
  };
  const target = new OllamaModelTarget(modelsDir, name);
  await copyGraph(new ContentSource(from, manifest, blobs), target, manifest, { tag: name.tag });
  return target.manifestPath(name.tag);
}
