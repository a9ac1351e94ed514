import { promises as fs } from "node:fs";
import { CortexError, FormatError } from "../core/errors.js";
import { Annotation, MediaType } from "../core/media-types.js";
import type { Descriptor, VerifiedFile } from "../core/target.js";
import { dmrConfigBlob, dmrManifestBlob, type JsonBlob } from "../dmr/dmr-artifact.js";
import { createdTime } from "../dmr/package-model.js";
import { type PartRole, recognizeArtifact } from "../model/artifact.js";
import { readGgufModelInfo } from "../model/gguf-metadata.js";
import { type OllamaStoreModel, ollamaBlobFile } from "../ollama/ollama-store.js";
import { checkContent, hashFile } from "../store/files.js";

/** DMR layer media types for the Ollama layers whose bytes DMR reads itself (same bytes, same digest). */
const DMR_LAYER: Partial<Record<PartRole, string>> = {
  gguf: MediaType.dmrGguf,
  license: MediaType.dmrLicense,
  mmproj: MediaType.dmrMmproj,
};

/**
 * Small Ollama blobs DMR has no layer for (the config, the Go template, system prompt, parameters, messages)
 * ride in one manifest annotation. Capped so the manifest stays far below registries' 4 MiB limit.
 */
const MAX_KEPT_BYTES = 1024 * 1024;

/** A DMR artifact built from an Ollama model: the manifest and config as bytes, the layers as Ollama's files. */
export interface DmrFromOllama {
  readonly manifest: JsonBlob;
  readonly config: JsonBlob;
  /** The layers' files inside the models directory, and which inode was hashed (so a link can be checked). */
  readonly layers: readonly ({ readonly descriptor: Descriptor } & VerifiedFile)[];
  readonly gguf: Descriptor;
}

/**
 * Builds the Docker Model Runner form of an Ollama model, after checking every blob's size and sha256:
 * the GGUF, license and projector become DMR layers with their digests unchanged, the config is filled
 * from the GGUF's metadata (context_size from Ollama's `num_ctx` parameter when set), and the original
 * Ollama manifest plus the small blobs are kept as annotations so the way back restores them byte for byte.
 */
export async function dmrFromOllama(model: OllamaStoreModel): Promise<DmrFromOllama> {
  const manifest = model.manifest;
  if (!manifest) throw new FormatError(`${model.manifestPath} is not an Ollama manifest`);
  const artifact = recognizeArtifact(manifest);
  if (artifact.format !== "ollama") {
    throw new FormatError(`${model.manifestPath} is a ${artifact.format} manifest, not an Ollama one`);
  }
  const unsupported = artifact.parts.filter((p) => p.role === "adapter");
  if (unsupported.length > 0) {
    throw new FormatError(`${model.id} has a LoRA adapter layer, which Docker Model Runner cannot load`);
  }
  const checked = new Map<string, VerifiedFile>();
  for (const descriptor of [manifest.config, ...manifest.layers]) {
    if (!checked.has(descriptor.digest)) checked.set(descriptor.digest, await checkBlob(model, descriptor));
  }
  const checkedOf = (d: Descriptor) => checked.get(d.digest) as VerifiedFile;
  const fileOf = (d: Descriptor) => checkedOf(d).file;

  const layers: DmrFromOllama["layers"][number][] = [];
  const kept: [string, string][] = [];
  let keptBytes = 0;
  let params: Uint8Array | undefined;
  for (const part of artifact.parts) {
    const mediaType = DMR_LAYER[part.role];
    const { digest, size } = part.descriptor;
    if (mediaType) {
      layers.push({ descriptor: { mediaType, digest, size }, ...checkedOf(part.descriptor) });
      continue;
    }
    const bytes = await fs.readFile(fileOf(part.descriptor));
    if (part.role === "params") params = bytes;
    kept.push([digest, bytes.toString("base64")]);
    keptBytes += size;
  }
  const configBytes = await fs.readFile(fileOf(manifest.config));
  kept.push([manifest.config.digest, configBytes.toString("base64")]);
  keptBytes += configBytes.byteLength;
  if (keptBytes > MAX_KEPT_BYTES) {
    throw new FormatError(
      `${model.id}: its template, parameters and config take ${keptBytes} bytes, more than the ${MAX_KEPT_BYTES} an annotation may carry`,
    );
  }
  const ggufLayers = layers.filter((l) => l.descriptor.mediaType === MediaType.dmrGguf);
  const gguf = ggufLayers[0];
  if (!gguf || ggufLayers.length > 1) {
    throw new FormatError(`${model.id} has ${ggufLayers.length} model layers; expected one GGUF`);
  }
  const info = await readGgufModelInfo(gguf.file);
  const contextSize = numCtx(params);
  const config = dmrConfigBlob(info, {
    diffIds: layers.map((l) => l.descriptor.digest),
    created: createdTime(),
    ...(contextSize !== undefined ? { contextSize } : {}),
  });
  const { host, namespace, model: base, tag } = model.name;
  const annotations = {
    [Annotation.ollamaName]: `${host}/${namespace}/${base}:${tag}`,
    [Annotation.ollamaManifest]: Buffer.from(model.manifestBytes).toString("base64"),
    [Annotation.ollamaBlobs]: JSON.stringify(Object.fromEntries(kept)),
  };
  return {
    manifest: dmrManifestBlob(
      config.descriptor,
      layers.map((l) => l.descriptor),
      annotations,
    ),
    config,
    layers,
    gguf: gguf.descriptor,
  };
}

/** The blob's real path inside the models directory, once it hashed to its digest, and the inode that was read. */
async function checkBlob(model: OllamaStoreModel, descriptor: Descriptor): Promise<VerifiedFile> {
  let file: string;
  let actual: Awaited<ReturnType<typeof hashFile>>;
  try {
    file = await ollamaBlobFile(model.modelsDir, descriptor.digest);
    actual = await hashFile(file);
  } catch (error) {
    if (error instanceof CortexError) {
      throw new FormatError(`${model.id}: ${error.message}`, { cause: error });
    }
    throw new FormatError(`${model.id}: blob ${descriptor.digest} is missing from ${model.modelsDir}`, {
      cause: error,
    });
  }
  try {
    checkContent(descriptor, actual.size, actual.digest, file);
  } catch (error) {
    throw new FormatError(`${model.id}: blob ${descriptor.digest} is corrupt (${(error as Error).message})`, {
      cause: error,
    });
  }
  return { file, identity: { dev: actual.stat.dev, ino: actual.stat.ino } };
}

/** Ollama's `num_ctx` parameter, which is what DMR calls context_size. */
function numCtx(params: Uint8Array | undefined): number | undefined {
  if (!params) return undefined;
  try {
    const value = (JSON.parse(Buffer.from(params).toString("utf8")) as { num_ctx?: unknown }).num_ctx;
    return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
