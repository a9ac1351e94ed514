import type { Readable } from "node:stream";
import type { BodySink } from "./body-sink.js";
import type { Digest } from "./digest.js";

/** An OCI content descriptor. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
  readonly urls?: readonly string[];
  readonly platform?: Readonly<Record<string, unknown>>;
}

/** An image or artifact manifest (OCI image manifest, Docker v2 schema 2, Ollama). */
export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An OCI image index or Docker manifest list. */
export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly manifests: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A manifest as fetched: the exact bytes (their digest is the identity) and the descriptor that names them. */
export interface FetchedManifest {
  readonly descriptor: Descriptor;
  readonly bytes: Uint8Array;
}

/** A byte range of a blob: from `offset`, `length` bytes (to the end when absent). */
export interface BlobRange {
  readonly offset: number;
  readonly length?: number;
}

/** Blob content to push: bytes in memory, or a factory for a fresh stream (called again on retry). */
export type BlobContent = Uint8Array | (() => Readable);

/**
 * A place that holds models, in the spirit of oras-go's Target: a remote registry repository or a local OCI
 * image layout. Pull, packaging, promotion and migration work on either, so the whole pipeline runs offline.
 * Implementations check sizes and digests of everything they accept.
 */
export interface ReadOnlyTarget {
  /** Human name for messages: `127.0.0.1:5000/ai/model` or `oci:/path`. */
  readonly name: string;
  /** Tag or digest to the manifest's descriptor. */
  resolve(reference: string, options?: { signal?: AbortSignal | undefined }): Promise<Descriptor>;
  /** Manifest bytes by tag, digest or descriptor; bytes are checked against the digest when one is known. */
  fetchManifest(
    reference: string | Descriptor,
    options?: { signal?: AbortSignal | undefined },
  ): Promise<FetchedManifest>;
  /** Blob content, optionally a range of it; the caller verifies what it reads. */
  fetchBlob(
    descriptor: Descriptor,
    options?: { range?: BlobRange | undefined; signal?: AbortSignal | undefined },
  ): Promise<Readable>;
  /**
   * The same bytes delivered to `sink` as they arrive, without a stream in between: the cheap path for
   * large blobs. Settles once the range is complete; the caller verifies what it reads.
   */
  pumpBlob(
    descriptor: Descriptor,
    sink: BodySink,
    options?: { range?: BlobRange | undefined; signal?: AbortSignal | undefined },
  ): Promise<void>;
  /** Whether a blob or manifest with this digest is present. */
  exists(descriptor: Descriptor, options?: { signal?: AbortSignal | undefined }): Promise<boolean>;
  /** Tags of this repository or layout. */
  tags(options?: { signal?: AbortSignal | undefined }): Promise<string[]>;
  /** Manifests whose `subject` is the given manifest, optionally filtered by artifact type. */
  referrers(
    subject: Descriptor,
    options?: { artifactType?: string | undefined; signal?: AbortSignal | undefined },
  ): Promise<Descriptor[]>;
}

export interface Target extends ReadOnlyTarget {
  /** Stores a blob; content not matching the descriptor's size and digest is refused and nothing is kept. */
  pushBlob(descriptor: Descriptor, content: BlobContent, options?: { signal?: AbortSignal | undefined }): Promise<void>;
  /** Stores a manifest, under a tag when given. */
  pushManifest(
    descriptor: Descriptor,
    bytes: Uint8Array,
    options?: { tag?: string | undefined; signal?: AbortSignal | undefined },
  ): Promise<void>;
  /** Points a tag at a manifest already present. */
  tag(descriptor: Descriptor, tag: string, options?: { signal?: AbortSignal | undefined }): Promise<void>;
}

/**
 * A repository that can link a blob from another repository of the same registry without the bytes crossing
 * the network (a cross-repository mount). Optional: callers ask with `canMount`.
 */
export interface Mounter {
  readonly registry: string;
  readonly repository: string;
  /** True when mounted; false when the registry declined and the blob must be pushed. */
  mountBlob(
    descriptor: Descriptor,
    fromRepository: string,
    options?: { signal?: AbortSignal | undefined },
  ): Promise<boolean>;
}

export function canMount(target: ReadOnlyTarget): target is ReadOnlyTarget & Mounter {
  return typeof (target as Partial<Mounter>).mountBlob === "function";
}

/** The inode a file was at when its content was hashed: a path may be swapped for another file later. */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
}

/** A local file whose content was checked against a blob's digest, and the inode that was read. */
export interface VerifiedFile {
  readonly file: string;
  readonly identity: FileIdentity;
}

/**
 * A target on the local file system that can take a blob from a file whose content the caller has already
 * verified, as a hard link where the file systems allow it. Optional: callers ask with `canAdoptFile`.
 * `hashed` names the inode the caller hashed: a link that turns out to reach another one (the path was
 * swapped meanwhile) is refused, and a copy is hashed again on the way.
 */
export interface FileAdopter {
  adoptBlobFile(descriptor: Descriptor, file: string, hashed: FileIdentity): Promise<"linked" | "copied">;
}

export function canAdoptFile(target: ReadOnlyTarget): target is ReadOnlyTarget & FileAdopter {
  return typeof (target as Partial<FileAdopter>).adoptBlobFile === "function";
}

/**
 * A source that holds some blobs as local files already checked against their digests, so a destination on
 * the same file system can link them instead of copying. Optional: callers ask with `hasVerifiedFiles`.
 */
export interface VerifiedFileSource {
  /** The checked file holding this blob; undefined when the blob has none. */
  verifiedFile(descriptor: Descriptor): VerifiedFile | undefined;
}

export function hasVerifiedFiles(target: ReadOnlyTarget): target is ReadOnlyTarget & VerifiedFileSource {
  return typeof (target as Partial<VerifiedFileSource>).verifiedFile === "function";
}
