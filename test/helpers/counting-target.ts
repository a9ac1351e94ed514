import { pipeline, type Readable, Transform } from "node:stream";
import type { BodySink } from "../../src/core/body-sink.js";
import type { BlobRange, Descriptor, FetchedManifest, ReadOnlyTarget } from "../../src/core/target.js";

/** Wraps a real target and counts what passes through it: calls, ranged requests and blob bytes. */
export class CountingTarget implements ReadOnlyTarget {
  calls = 0;
  ranged = 0;
  blobBytes = 0;

  constructor(private readonly inner: ReadOnlyTarget) {}

  get name(): string {
    return this.inner.name;
  }

  resolve(reference: string): Promise<Descriptor> {
    this.calls++;
    return this.inner.resolve(reference);
  }

  fetchManifest(reference: string | Descriptor): Promise<FetchedManifest> {
    this.calls++;
    return this.inner.fetchManifest(reference);
  }

  async fetchBlob(
    descriptor: Descriptor,
    options: { range?: BlobRange; signal?: AbortSignal } = {},
  ): Promise<Readable> {
    this.calls++;
    if (options.range) this.ranged++;
    const stream = await this.inner.fetchBlob(descriptor, options);
    // Counted on the way through: a "data" listener on the stream itself would start it flowing before the
    // caller reads, and the bytes would be gone.
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.blobBytes += chunk.byteLength;
        callback(null, chunk);
      },
    });
    return pipeline(stream, counter, () => {});
  }

  pumpBlob(
    descriptor: Descriptor,
    sink: BodySink,
    options: { range?: BlobRange; signal?: AbortSignal } = {},
  ): Promise<void> {
    this.calls++;
    if (options.range) this.ranged++;
    return this.inner.pumpBlob(
      descriptor,
      (chunk) => {
        this.blobBytes += chunk.byteLength;
        return sink(chunk);
      },
      options,
    );
  }

  exists(descriptor: Descriptor): Promise<boolean> {
    this.calls++;
    return this.inner.exists(descriptor);
  }

  tags(): Promise<string[]> {
    this.calls++;
    return this.inner.tags();
  }

  referrers(subject: Descriptor, options?: { artifactType?: string }): Promise<Descriptor[]> {
    this.calls++;
    return this.inner.referrers(subject, options);
  }
}
