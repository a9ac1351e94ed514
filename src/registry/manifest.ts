import type { Readable } from "node:stream";
import { FormatError } from "../core/errors.js";
import { isManifestMediaType, MediaType } from "../core/media-types.js";

/** Registries (distribution among them) cap manifests at 4 MiB; larger ones are refused unread. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Reads a whole body, failing as soon as it passes `limit` bytes instead of buffering without bound. */
export async function readLimited(body: Readable, limit: number, what: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      body.destroy();
      throw new FormatError(`${what} is larger than ${limit} bytes: refused`);
    }
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}

function withoutParameters(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/**
 * The media type of manifest bytes. The Content-Type header wins when it names a manifest type; some
 * registries (Ollama's) answer `text/plain`, so then the body's `mediaType` field decides, then the type
 * the caller expected, then the shape of the document (an OCI manifest may omit `mediaType`).
 */
export function manifestMediaType(contentType: string | undefined, bytes: Uint8Array, expected?: string): string {
  const announced = withoutParameters(contentType);
  if (isManifestMediaType(announced)) return announced;
  let document: { mediaType?: unknown; manifests?: unknown; config?: unknown; layers?: unknown };
  try {
    document = JSON.parse(Buffer.from(bytes).toString("utf8")) as typeof document;
  } catch {
    throw new FormatError(`manifest is not JSON (Content-Type "${announced || "none"}"): cannot tell its media type`);
  }
  if (typeof document.mediaType === "string") {
    if (isManifestMediaType(document.mediaType)) return document.mediaType;
    throw new FormatError(`unknown manifest media type "${document.mediaType}"`);
  }
  if (expected && isManifestMediaType(expected)) return expected;
  if (Array.isArray(document.manifests)) return MediaType.ociIndex;
  if (document.config !== undefined && Array.isArray(document.layers)) return MediaType.ociManifest;
  throw new FormatError(
    `manifest has no media type (Content-Type "${announced || "none"}", no mediaType field) and is neither a manifest nor an index`,
  );
}

/** The artifactType a manifest declares, or its config's media type for manifests that predate artifactType. */
export function manifestArtifactType(bytes: Uint8Array): string | undefined {
  try {
    const document = JSON.parse(Buffer.from(bytes).toString("utf8")) as {
      artifactType?: unknown;
      config?: { mediaType?: unknown };
    };
    if (typeof document.artifactType === "string") return document.artifactType;
    const config = document.config?.mediaType;
    return typeof config === "string" && config !== MediaType.ociEmpty ? config : undefined;
  } catch {
    return undefined;
  }
}
