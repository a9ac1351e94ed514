import type { Readable } from "node:stream";
import type { BodySink } from "../core/body-sink.js";
import { type Digest, isDigest, parseDigest, sha256Digest } from "../core/digest.js";
import { DigestMismatchError, FormatError } from "../core/errors.js";
import { decodeIndex } from "../core/manifest-document.js";
import { isManifestMediaType, MANIFEST_MEDIA_TYPES } from "../core/media-types.js";
import type { BlobContent, BlobRange, Descriptor, FetchedManifest, Mounter, Target } from "../core/target.js";
import type { RetryPolicy } from "../http/retry.js";
import { RetryLater } from "../http/retry.js";
import type { HttpResponse } from "../http/transport.js";
import { repositoryScope } from "./auth.js";
import { blobWindow, checkRangeResponse, type OpenAt, pumpWindow, readWindow } from "./blob-reader.js";
import type { ClientRequest, RegistryClient } from "./client.js";
import { MAX_MANIFEST_BYTES, manifestMediaType, readLimited } from "./manifest.js";
import { listReferrers, type ReferrersSource } from "./referrers.js";
import { cancelUpload, startUpload, type UploadContext, type UploadOptions, uploadBlob } from "./upload.js";

const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(", ");

type Signal = { signal?: AbortSignal | undefined | undefined };

/** One repository of a remote registry, as a Target. */
export class RemoteRepository implements Target, Mounter, ReferrersSource {
  readonly name: string;
  readonly registry: string;
  readonly repository: string;
  readonly #client: RegistryClient;
  readonly #where: string;
  readonly #retry: RetryPolicy;
  readonly #upload: UploadOptions;
  readonly #tagPageSize: number;

  constructor(
    client: RegistryClient,
    registry: string,
    repository: string,
    options: { retry: RetryPolicy; upload: UploadOptions; tagPageSize: number },
  ) {
    this.#client = client;
    this.registry = registry;
    this.repository = repository;
    this.name = `${registry}/${repository}`;
    this.#where = `registry ${registry}, repository ${repository}`;
    this.#retry = options.retry;
    this.#upload = options.upload;
    this.#tagPageSize = options.tagPageSize;
  }

  #pull(): string[] {
    return [repositoryScope(this.repository, "pull")];
  }

  #push(): string[] {
    return [repositoryScope(this.repository, "pull,push")];
  }

  #send<T>(req: ClientRequest, consume: (response: HttpResponse) => Promise<T>): Promise<T> {
    return this.#client.send(this.#where, req, consume);
  }

  #path(kind: "manifests" | "blobs", reference: string): string {
    return `/v2/${this.repository}/${kind}/${reference}`;
  }

  async resolve(reference: string, options: Signal = {}): Promise<Descriptor> {
    const what = `manifest ${reference}`;
    const headed = await this.#send(
      {
        method: "HEAD",
        path: this.#path("manifests", reference),
        headers: { accept: MANIFEST_ACCEPT },
        signal: options.signal,
        scopes: this.#pull(),
        what,
      },
      async (response) => {
        await response.discard();
        if (response.status !== 200) return undefined;
        const mediaType = (response.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
        const digest = response.header("docker-content-digest");
        const size = Number(response.header("content-length"));
        if (!isManifestMediaType(mediaType) || !digest || !isDigest(digest) || !Number.isSafeInteger(size) || size < 0)
          return undefined;
        if (isDigest(reference) && digest !== reference) return undefined;
        return { mediaType, digest, size } satisfies Descriptor;
      },
    );
    // A HEAD that says too little (Ollama's text/plain, no digest header) or fails: GET tells the truth.
    return headed ?? (await this.fetchManifest(reference, options)).descriptor;
  }

  async fetchManifest(reference: string | Descriptor, options: Signal = {}): Promise<FetchedManifest> {
    const expected = typeof reference === "string" ? undefined : reference;
    const name = typeof reference === "string" ? reference : reference.digest;
    const pinned: Digest | undefined = expected?.digest ?? (isDigest(name) ? parseDigest(name) : undefined);
    const what = `manifest ${name}`;
    return this.#send(
      {
        method: "GET",
        path: this.#path("manifests", name),
        headers: { accept: MANIFEST_ACCEPT },
        signal: options.signal,
        scopes: this.#pull(),
        what,
      },
      async (response) => {
        if (response.status !== 200) throw await this.#client.failure(this.#where, what, response);
        const announced = Number(response.header("content-length"));
        if (announced > MAX_MANIFEST_BYTES) {
          response.body.destroy();
          throw new FormatError(
            `${this.#where}: ${what} is ${announced} bytes, over the ${MAX_MANIFEST_BYTES}-byte manifest limit: refused`,
          );
        }
        const bytes = await readLimited(response.body, MAX_MANIFEST_BYTES, `${this.#where}: ${what}`);
        const digest = sha256Digest(bytes);
        const claimed = response.header("docker-content-digest");
        const against = pinned ?? (claimed?.startsWith("sha256:") ? claimed : undefined);
        if (against && digest !== against) {
          // Bytes damaged in transit are worth another attempt; a registry that lies fails every time.
          throw new RetryLater(
            new DigestMismatchError(`${this.#where}: ${what}: received bytes hash to ${digest}, expected ${against}`),
          );
        }
        if (expected && expected.size !== bytes.length) {
          throw new DigestMismatchError(
            `${this.#where}: ${what} is ${bytes.length} bytes, its descriptor says ${expected.size}`,
          );
        }
        const mediaType = manifestMediaType(response.header("content-type"), bytes, expected?.mediaType);
        const descriptor: Descriptor = {
          mediaType,
          digest,
          size: bytes.length,
          ...(expected?.annotations ? { annotations: expected.annotations } : {}),
        };
        return { descriptor, bytes };
      },
    );
  }

  async fetchBlob(descriptor: Descriptor, options: { range?: BlobRange } & Signal = {}): Promise<Readable> {
    const { window, open, what } = this.#blobWindow(descriptor, options);
    return readWindow(window, open, this.#retry, what, options.signal);
  }

  async pumpBlob(descriptor: Descriptor, sink: BodySink, options: { range?: BlobRange } & Signal = {}): Promise<void> {
    const { window, open, what } = this.#blobWindow(descriptor, options);
    await pumpWindow(window, open, this.#retry, what, sink, options.signal);
  }

  #blobWindow(descriptor: Descriptor, options: { range?: BlobRange } & Signal) {
    const what = `blob ${descriptor.digest}`;
    const where = `${this.#where}: ${what}`;
    const window = blobWindow(descriptor.size, options.range, where);
    const path = this.#path("blobs", descriptor.digest);
    const open: OpenAt = (position) =>
      this.#send(
        {
          method: "GET",
          path,
          headers: position > 0 || window.end < descriptor.size ? { range: `bytes=${position}-${window.end - 1}` } : {},
          signal: options.signal,
          scopes: this.#pull(),
          what,
          bulk: true,
        },
        async (response) => {
          if (response.status !== 200 && response.status !== 206) {
            throw await this.#client.failure(this.#where, what, response);
          }
          const skip = checkRangeResponse(response, position, window.end, descriptor.size, where);
          return { response, skip };
        },
      );
    return { window, open, what: where };
  }

  async exists(descriptor: Descriptor, options: Signal = {}): Promise<boolean> {
    const kind = isManifestMediaType(descriptor.mediaType) ? "manifests" : "blobs";
    const what = `${kind === "blobs" ? "blob" : "manifest"} ${descriptor.digest}`;
    return this.#send(
      {
        method: "HEAD",
        path: this.#path(kind, descriptor.digest),
        headers: kind === "manifests" ? { accept: MANIFEST_ACCEPT } : {},
        signal: options.signal,
        scopes: this.#pull(),
        what,
      },
      async (response) => {
        await response.discard();
        if (response.status === 200) return true;
        if (response.status === 404) return false;
        throw await this.#client.failure(this.#where, what, response);
      },
    );
  }

  async tags(options: Signal = {}): Promise<string[]> {
    const tags: string[] = [];
    let next: URL | undefined = new URL(
      `/v2/${this.repository}/tags/list?n=${this.#tagPageSize}`,
      this.#client.baseUrl,
    );
    while (next) {
      const page: URL = next;
      next = await this.#send(
        { method: "GET", path: page, signal: options.signal, scopes: this.#pull(), what: "tag list" },
        async (response) => {
          if (response.status === 404) {
            await response.discard();
            return undefined;
          }
          if (response.status !== 200) throw await this.#client.failure(this.#where, "tag list", response);
          const body = JSON.parse(await response.text(16 * 1024 * 1024)) as { tags?: string[] | null };
          tags.push(...(body.tags ?? []));
          const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.header("link") ?? "");
          return link?.[1] ? new URL(link[1], page) : undefined;
        },
      );
    }
    return tags;
  }

  referrers(subject: Descriptor, options: { artifactType?: string } & Signal = {}): Promise<Descriptor[]> {
    return listReferrers(this, subject, options);
  }

  /** GET /v2/<repo>/referrers/<digest>; undefined when the registry has no referrers API (404). */
  async referrersApi(
    subject: Descriptor,
    options: { artifactType?: string } & Signal = {},
  ): Promise<Descriptor[] | undefined> {
    const path = new URL(`/v2/${this.repository}/referrers/${subject.digest}`, this.#client.baseUrl);
    if (options.artifactType) path.searchParams.set("artifactType", options.artifactType);
    const what = `referrers of ${subject.digest}`;
    return this.#send(
      {
        method: "GET",
        path,
        headers: { accept: "application/vnd.oci.image.index.v1+json" },
        signal: options.signal,
        scopes: this.#pull(),
        what,
      },
      async (response) => {
        if (response.status === 404) {
          await response.discard();
          return undefined;
        }
        if (response.status !== 200) throw await this.#client.failure(this.#where, what, response);
        const bytes = await readLimited(response.body, MAX_MANIFEST_BYTES, `${this.#where}: ${what}`);
        return [...decodeIndex(bytes, `${this.#where}: ${what}`).manifests];
      },
    );
  }

  async pushBlob(descriptor: Descriptor, content: BlobContent, options: Signal = {}): Promise<void> {
    if (await this.exists(descriptor, options)) return;
    await uploadBlob(this.#uploadContext(options.signal), descriptor, content, this.#upload);
  }

  /**
   * Asks the registry to link a blob from another repository of the same registry without sending it:
   * true when mounted (201), false when the registry declined (202; the upload session it opened instead is
   * cancelled, so the caller can push the blob normally).
   */
  async mountBlob(descriptor: Descriptor, fromRepository: string, options: Signal = {}): Promise<boolean> {
    const ctx = this.#uploadContext(options.signal, [repositoryScope(fromRepository, "pull")]);
    const result = await startUpload(ctx, `mount of blob ${descriptor.digest} from ${fromRepository}`, {
      digest: descriptor.digest,
      from: fromRepository,
    });
    if (result.mounted) return true;
    await cancelUpload(ctx, result.session);
    return false;
  }

  #uploadContext(signal: AbortSignal | undefined, extraScopes: string[] = []): UploadContext {
    return {
      client: this.#client,
      where: this.#where,
      repository: this.repository,
      scopes: [...this.#push(), ...extraScopes],
      signal,
    };
  }

  async pushManifest(
    descriptor: Descriptor,
    bytes: Uint8Array,
    options: { tag?: string } & Signal = {},
  ): Promise<void> {
    const what = `manifest ${options.tag ?? descriptor.digest}`;
    const digest = sha256Digest(bytes);
    if (digest !== descriptor.digest || bytes.length !== descriptor.size) {
      throw new DigestMismatchError(
        `${this.#where}: ${what}: bytes (${bytes.length}, ${digest}) do not match the descriptor (${descriptor.size}, ${descriptor.digest})`,
      );
    }
    if (bytes.length > MAX_MANIFEST_BYTES) {
      throw new FormatError(
        `${this.#where}: ${what} is ${bytes.length} bytes, over the ${MAX_MANIFEST_BYTES}-byte manifest limit`,
      );
    }
    await this.#send(
      {
        method: "PUT",
        path: this.#path("manifests", options.tag ?? descriptor.digest),
        headers: { "content-type": descriptor.mediaType, "content-length": String(bytes.length) },
        body: bytes,
        signal: options.signal,
        scopes: this.#push(),
        what,
      },
      async (response) => {
        if (response.status !== 201) throw await this.#client.failure(this.#where, what, response);
        await response.discard();
        const returned = response.header("docker-content-digest");
        if (returned && returned !== descriptor.digest) {
          throw new DigestMismatchError(`${this.#where}: ${what}: the registry stored it as ${returned}`);
        }
      },
    );
  }

  async tag(descriptor: Descriptor, tag: string, options: Signal = {}): Promise<void> {
    const { bytes } = await this.fetchManifest(descriptor, options);
    await this.pushManifest(descriptor, bytes, { ...options, tag });
  }

  /** Deletes a manifest by digest (the registry must allow deletes); a missing one is a NotFoundError. */
  async deleteManifest(descriptor: Descriptor, options: Signal = {}): Promise<void> {
    const what = `manifest ${descriptor.digest}`;
    await this.#send(
      {
        method: "DELETE",
        path: this.#path("manifests", descriptor.digest),
        signal: options.signal,
        scopes: [repositoryScope(this.repository, "delete")],
        what,
      },
      async (response) => {
        if (response.status !== 202 && response.status !== 200)
          throw await this.#client.failure(this.#where, what, response);
        await response.discard();
      },
    );
  }
}
