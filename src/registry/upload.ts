import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { sha256Digest } from "../core/digest.js";
import { DigestMismatchError } from "../core/errors.js";
import type { BlobContent, Descriptor } from "../core/target.js";
import { BodyLengthError, type HttpResponse } from "../http/transport.js";
import type { ClientRequest, RegistryClient } from "./client.js";
import { RegistryError, type RegistryFailure } from "./errors.js";

export interface UploadOptions {
  /** Content larger than this goes up in PATCH chunks; smaller content in one PUT. */
  readonly chunkThreshold: number;
  readonly chunkSize: number;
}

export const DEFAULT_UPLOAD_OPTIONS: UploadOptions = {
  chunkThreshold: 64 * 1024 * 1024,
  chunkSize: 16 * 1024 * 1024,
};

/** What an upload needs from its repository: the client, where messages point, and the push scopes. */
export interface UploadContext {
  readonly client: RegistryClient;
  readonly where: string;
  readonly repository: string;
  readonly scopes: readonly string[];
  readonly signal?: AbortSignal | undefined | undefined;
}

const OCTET_STREAM = "application/octet-stream";

function request(ctx: UploadContext, fields: Omit<ClientRequest, "scopes" | "signal">): ClientRequest {
  return { ...fields, scopes: ctx.scopes, signal: ctx.signal };
}

/** The session URL a response points to (Location may be relative). */
function location(ctx: UploadContext, response: HttpResponse, what: string): URL {
  const value = response.header("location");
  if (!value) throw new RegistryError(`${ctx.where}: ${what}: the registry gave no upload Location`);
  return new URL(value, response.url);
}

/** Starts an upload session (POST); with `mount`, asks to mount the blob from another repository instead. */
export async function startUpload(
  ctx: UploadContext,
  what: string,
  mount?: { digest: string; from: string },
): Promise<{ mounted: true } | { mounted: false; session: URL }> {
  const path = new URL(`/v2/${ctx.repository}/blobs/uploads/`, ctx.client.baseUrl);
  if (mount) {
    path.searchParams.set("mount", mount.digest);
    path.searchParams.set("from", mount.from);
  }
  return ctx.client.send(
    ctx.where,
    request(ctx, { method: "POST", path, headers: { "content-length": "0" }, what }),
    async (response) => {
      if (response.status === 201 && mount) {
        await response.discard();
        return { mounted: true as const };
      }
      if (response.status !== 202) throw await ctx.client.failure(ctx.where, what, response);
      await response.discard();
      return { mounted: false as const, session: location(ctx, response, what) };
    },
  );
}

/** Abandons an upload session; failing to do so only leaves garbage the registry collects. */
export async function cancelUpload(ctx: UploadContext, session: URL): Promise<void> {
  try {
    await ctx.client.send(ctx.where, request(ctx, { method: "DELETE", path: session, what: "upload cancel" }), (r) =>
      r.discard(),
    );
  } catch {
    // Nothing to do: the session expires on its own.
  }
}

/** Upload sessions started per blob before giving up on sessions the registry drops. */
const SESSION_ATTEMPTS = 3;

/**
 * Uploads a blob: one PUT when small, PATCH chunks when large; checks the digest it got back. A session
 * the registry drops (distribution cancels one whose PATCH broke off and was sent again: BLOB_UPLOAD_INVALID)
 * is started over from the first byte, which content as bytes or as a stream factory allows.
 */
export async function uploadBlob(
  ctx: UploadContext,
  descriptor: Descriptor,
  content: BlobContent,
  options: UploadOptions,
): Promise<void> {
  if (content instanceof Uint8Array) checkBytes(ctx, descriptor, content);
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadOnce(ctx, descriptor, content, options);
    } catch (error) {
      if (attempt >= SESSION_ATTEMPTS || !isLostSession(error)) throw error;
    }
  }
}

function isLostSession(error: unknown): boolean {
  const failure = error as Partial<RegistryFailure>;
  return (
    failure.status === 416 ||
    (failure.codes ?? []).some((code) => code === "BLOB_UPLOAD_INVALID" || code === "BLOB_UPLOAD_UNKNOWN")
  );
}

async function uploadOnce(
  ctx: UploadContext,
  descriptor: Descriptor,
  content: BlobContent,
  options: UploadOptions,
): Promise<void> {
  const what = `blob ${descriptor.digest}`;
  const start = await startUpload(ctx, `${what} upload`);
  if (start.mounted) return;
  try {
    const monolithic = descriptor.size <= options.chunkThreshold;
    const session = monolithic
      ? start.session
      : await patchChunks(ctx, descriptor, start.session, content, options.chunkSize);
    const put = new URL(session);
    put.searchParams.set("digest", descriptor.digest);
    await ctx.client.send(
      ctx.where,
      request(ctx, {
        method: "PUT",
        path: put,
        headers: {
          "content-type": OCTET_STREAM,
          "content-length": String(monolithic ? descriptor.size : 0),
        },
        ...(monolithic ? { body: content } : {}),
        what,
      }),
      async (response) => {
        if (response.status !== 201) throw await uploadFailure(ctx, what, descriptor, response);
        await response.discard();
        const returned = response.header("docker-content-digest");
        if (returned && returned !== descriptor.digest) {
          throw new DigestMismatchError(`${ctx.where}: ${what}: the registry stored it as ${returned}`);
        }
      },
    );
  } catch (error) {
    await cancelUpload(ctx, start.session);
    if ((error as { cause?: unknown }).cause instanceof BodyLengthError) {
      throw new DigestMismatchError(
        `${ctx.where}: ${what}: the content is not the ${descriptor.size} bytes its descriptor says`,
        { cause: error },
      );
    }
    throw error;
  }
}

async function uploadFailure(ctx: UploadContext, what: string, descriptor: Descriptor, response: HttpResponse) {
  const error = await ctx.client.failure(ctx.where, what, response);
  if (error instanceof RegistryError && error.codes.includes("DIGEST_INVALID")) {
    return new DigestMismatchError(
      `${ctx.where}: ${what}: the registry refused the content, it does not match ${descriptor.digest}`,
      { cause: error },
    );
  }
  return error;
}

function checkBytes(ctx: UploadContext, descriptor: Descriptor, bytes: Uint8Array): void {
  const digest = sha256Digest(bytes);
  if (bytes.length !== descriptor.size || digest !== descriptor.digest) {
    throw new DigestMismatchError(
      `${ctx.where}: blob content (${bytes.length} bytes, ${digest}) does not match its descriptor (${descriptor.size} bytes, ${descriptor.digest})`,
    );
  }
}

/** Splits content into chunks of `size` bytes (the last one shorter). */
async function* chunksOf(content: BlobContent, size: number): AsyncGenerator<Buffer> {
  if (content instanceof Uint8Array) {
    for (let offset = 0; offset < content.length; offset += size) {
      yield Buffer.from(content.buffer, content.byteOffset + offset, Math.min(size, content.length - offset));
    }
    return;
  }
  const stream: Readable = content();
  let pending: Buffer[] = [];
  let pendingSize = 0;
  for await (const chunk of stream) {
    let buffer = chunk as Buffer;
    while (pendingSize + buffer.length >= size) {
      const take = size - pendingSize;
      pending.push(buffer.subarray(0, take));
      yield Buffer.concat(pending, size);
      buffer = buffer.subarray(take);
      pending = [];
      pendingSize = 0;
    }
    if (buffer.length > 0) {
      pending.push(buffer);
      pendingSize += buffer.length;
    }
  }
  if (pendingSize > 0) yield Buffer.concat(pending, pendingSize);
}

/**
 * Sends the content in PATCH chunks with Content-Range, hashing as it goes; content that does not match the
 * descriptor is refused before the final PUT, so the registry never commits it.
 */
async function patchChunks(
  ctx: UploadContext,
  descriptor: Descriptor,
  session: URL,
  content: BlobContent,
  chunkSize: number,
): Promise<URL> {
  const hash = createHash("sha256");
  let offset = 0;
  let current = session;
  for await (const chunk of chunksOf(content, chunkSize)) {
    if (offset + chunk.length > descriptor.size) {
      offset += chunk.length;
      break;
    }
    hash.update(chunk);
    current = await sendPatch(ctx, current, chunk, offset, `blob ${descriptor.digest} chunk at ${offset}`);
    offset += chunk.length;
  }
  const digest = `sha256:${hash.digest("hex")}`;
  if (offset !== descriptor.size || digest !== descriptor.digest) {
    throw new DigestMismatchError(
      `${ctx.where}: streamed blob content does not match its descriptor (${descriptor.size} bytes, ${descriptor.digest})${offset !== descriptor.size ? `: got at least ${offset} bytes` : ""}`,
    );
  }
  return current;
}

/** Sends one PATCH of `bytes` starting at `offset`; resolves to the next session URL. */
async function sendPatch(ctx: UploadContext, session: URL, chunk: Buffer, offset: number, what: string): Promise<URL> {
  const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
  return ctx.client.send(
    ctx.where,
    request(ctx, {
      method: "PATCH",
      path: session,
      headers: {
        "content-type": OCTET_STREAM,
        "content-length": String(bytes.length),
        "content-range": `${offset}-${offset + bytes.length - 1}`,
      },
      body: bytes,
      what,
    }),
    async (response) => {
      if (response.status !== 202) throw await ctx.client.failure(ctx.where, what, response);
      await response.discard();
      return location(ctx, response, what);
    },
  );
}
