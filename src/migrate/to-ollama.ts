import type { SourceContent } from "../copy/content-source.js";
import { type Digest, isDigest, sha256Digest } from "../core/digest.js";
import { describeError, FormatError } from "../core/errors.js";
import { decodeImageManifest } from "../core/manifest-document.js";
import { Annotation } from "../core/media-types.js";
import type { Reference } from "../core/ref.js";
import type { Descriptor, ImageManifest } from "../core/target.js";
import { writeOllamaModel } from "../ollama/models-target.js";
import { type OllamaName, type OllamaView, ollamaModelId, storeFile, writeOllamaView } from "../ollama/store-view.js";
import type { PullResult } from "../pull/pull.js";
import { checkContent } from "../store/files.js";
import type { ModelStore } from "../store/model-store.js";

export interface IntoOllamaOptions {
  readonly store: ModelStore;
  readonly pulled: PullResult;
  readonly reference: Reference;
  readonly modelsDir: string;
}

/** Where a pulled model went in Ollama's models directory, and whether its original Ollama manifest came back. */
export interface IntoOllamaResult extends OllamaView {
  readonly restored: boolean;
}

/**
 * Writes a pulled model into an Ollama models directory. A model migrated from Ollama comes back exactly as
 * it was: its original manifest bytes under its original name, the template, parameters and config from the
 * annotations, every blob checked against its digest. Any other DMR or ModelPack model gets the Ollama form
 * built by the store's Ollama view.
 */
export async function writeIntoOllama(options: IntoOllamaOptions): Promise<IntoOllamaResult> {
  const annotations = options.pulled.manifest.annotations ?? {};
  const original = annotations[Annotation.ollamaManifest];
  const name = annotations[Annotation.ollamaName];
  if (original === undefined || name === undefined) {
    return { ...(await writeOllamaView(options)), restored: false };
  }
  const manifestBytes = Buffer.from(original, "base64");
  const ollamaName = parseOllamaName(name);
  const manifest = keptManifest(manifestBytes, options.pulled.reference);
  const kept = keptOllamaBlobs(annotations, options.pulled.reference);
  const blobs: [Descriptor, SourceContent][] = [];
  for (const descriptor of [manifest.config, ...manifest.layers]) {
    const bytes = kept.get(descriptor.digest);
    if (bytes) blobs.push([descriptor, bytes]);
    else if (await options.store.has(descriptor)) blobs.push([descriptor, await storeFile(options.store, descriptor)]);
    else {
      throw new FormatError(
        `${options.pulled.reference}: the kept Ollama manifest names ${descriptor.digest}, which the artifact does not hold`,
      );
    }
  }
  const manifestPath = await writeOllamaModel(
    options.modelsDir,
    ollamaName,
    manifestBytes,
    blobs,
    options.pulled.reference,
  );
  return {
    modelsDir: options.modelsDir,
    name: ollamaName,
    modelId: ollamaModelId(ollamaName),
    manifestPath,
    manifestBytes,
    restored: true,
  };
}

/** `host/namespace/model:tag`, each part a single path component. */
function parseOllamaName(text: string): OllamaName {
  const match = /^([^/]+)\/([^/]+)\/([^/:]+):([^/]+)$/.exec(text);
  const parts = match?.slice(1) ?? [];
  if (parts.length !== 4 || parts.some((p) => p === "." || p === "..")) {
    throw new FormatError(`the kept Ollama name ${JSON.stringify(text)} is not host/namespace/model:tag`);
  }
  const [host, namespace, model, tag] = parts as [string, string, string, string];
  return { host, namespace, model, tag };
}

function keptJson(text: string, annotation: string, reference: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${reference}: annotation ${annotation} is not JSON`, { cause: error });
  }
}

/** The Ollama manifest kept in the artifact, checked to be a manifest whose descriptors are sound. */
function keptManifest(bytes: Uint8Array, reference: string): ImageManifest {
  try {
    return decodeImageManifest(bytes, `annotation ${Annotation.ollamaManifest}`);
  } catch (error) {
    throw new FormatError(`${reference}: ${describeError(error)}`, { cause: error });
  }
}

/** The kept Ollama blobs of a migrated manifest (digest -> base64), each checked against its digest. */
function keptOllamaBlobs(annotations: Readonly<Record<string, string>>, reference: string): Map<Digest, Uint8Array> {
  const annotation = Annotation.ollamaBlobs;
  const text = annotations[annotation];
  const blobs = new Map<Digest, Uint8Array>();
  if (text === undefined) return blobs;
  const parsed = keptJson(text, annotation, reference);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new FormatError(`${reference}: annotation ${annotation} is not an object of digests to base64 bytes`);
  }
  for (const [digest, base64] of Object.entries(parsed)) {
    if (!isDigest(digest) || typeof base64 !== "string") {
      throw new FormatError(
        `${reference}: annotation ${annotation} maps ${JSON.stringify(digest).slice(0, 80)} to something other than base64 bytes of a sha256 digest`,
      );
    }
    const bytes = Buffer.from(base64, "base64");
    try {
      checkContent({ mediaType: "", digest, size: bytes.byteLength }, bytes.byteLength, sha256Digest(bytes), digest);
    } catch (error) {
      throw new FormatError(`${reference}: annotation ${annotation} holds content that does not match ${digest}`, {
        cause: error,
      });
    }
    blobs.set(digest, bytes);
  }
  return blobs;
}
