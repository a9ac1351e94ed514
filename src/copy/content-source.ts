import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { BodySink } from "../core/body-sink.js";
import { NotFoundError } from "../core/errors.js";
import type {
  BlobRange,
  Descriptor,
  FetchedManifest,
  ReadOnlyTarget,
  VerifiedFile,
  VerifiedFileSource,
} from "../core/target.js";

/** A blob's content: bytes in memory, or a local file already checked against the digest. */
export type SourceContent = Uint8Array | VerifiedFile;

/**
 * One manifest and the blobs it names, from memory and from checked local files, as a source to copy from:
 * a model built or restored on the fly (a migration's artifact) has no store of its own until it is copied.
 */
export class ContentSource implements ReadOnlyTarget, VerifiedFileSource {
  readonly #blobs: ReadonlyMap<string, SourceContent>;

  constructor(
    readonly name: string,
    readonly manifest: FetchedManifest,
    blobs: Iterable<readonly [Descriptor, SourceContent]>,
  ) {
    this.#blobs = new Map([...blobs].map(([descriptor, content]) => [descriptor.digest, content]));
  }

  async resolve(reference: string): Promise<Descriptor> {
    return (await this.fetchManifest(reference)).descriptor;
  }

  async fetchManifest(reference: string | Descriptor): Promise<FetchedManifest> {
    const digest = typeof reference === "string" ? reference : reference.digest;
    if (digest !== this.manifest.descriptor.digest)
      throw new NotFoundError(`manifest ${digest} not found in ${this.name}`);
    return this.manifest;
  }

  async fetchBlob(descriptor: Descriptor, options: { range?: BlobRange } = {}): Promise<Readable> {
    const content = this.#content(descriptor);
    const start = options.range?.offset ?? 0;
    const length = options.range?.length;
    if (content instanceof Uint8Array) {
      const bytes = Buffer.from(content).subarray(start, length === undefined ? undefined : start + length);
      return Readable.from([bytes], { objectMode: false });
    }
    return fileRangeStream(content.file, options.range);
  }

  async pumpBlob(descriptor: Descriptor, sink: BodySink, options: { range?: BlobRange } = {}): Promise<void> {
    for await (const chunk of await this.fetchBlob(descriptor, options)) await sink(chunk as Buffer);
  }

  async exists(descriptor: Descriptor): Promise<boolean> {
    return descriptor.digest === this.manifest.descriptor.digest || this.#blobs.has(descriptor.digest);
  }

  async tags(): Promise<string[]> {
    return [];
  }

  async referrers(): Promise<Descriptor[]> {
    return [];
  }

  verifiedFile(descriptor: Descriptor): VerifiedFile | undefined {
    const content = this.#blobs.get(descriptor.digest);
    return content === undefined || content instanceof Uint8Array ? undefined : content;
  }

  #content(descriptor: Descriptor): SourceContent {
    const content = this.#blobs.get(descriptor.digest);
    if (content === undefined) throw new NotFoundError(`blob ${descriptor.digest} not found in ${this.name}`);
    return content;
  }
}

/** A file's bytes from `range.offset`, `range.length` of them (to the end when absent). */
export function fileRangeStream(file: string, range?: BlobRange): Readable {
  const start = range?.offset ?? 0;
  const end = range?.length === undefined ? {} : { end: start + range.length - 1 };
  return createReadStream(file, { start, ...end, highWaterMark: 1 << 20 });
}
