import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { parseDigest } from "../core/digest.js";
import { CortexError, TransferError, UsageError } from "../core/errors.js";
import { MediaType } from "../core/media-types.js";
import type { Descriptor, Target } from "../core/target.js";
import { readGgufModelInfo } from "../model/gguf-metadata.js";
import { ggufFiles } from "../model/gguf-shards.js";
import { hashFile } from "../store/files.js";
import { dmrConfigBlob, dmrFileAnnotations, dmrManifestBlob } from "./dmr-artifact.js";

export interface PackageOptions {
  /** The GGUF file, or its shards in order; one shard's name (`x-00001-of-00003.gguf`) brings in all of them. */
  readonly gguf: string | readonly string[];
  /** A license text file, added as an `application/vnd.docker.ai.license` layer. */
  readonly license?: string | undefined;
  /** A Jinja chat template file, added as an `application/vnd.docker.ai.chat.template.jinja` layer. */
  readonly chatTemplate?: string | undefined;
  /** A multimodal projector (GGUF), added as an `application/vnd.docker.ai.mmproj` layer. */
  readonly mmproj?: string | undefined;
  /** `config.context_size`; by default the GGUF's own context length. */
  readonly contextSize?: number | undefined;
  /** `descriptor.created`; by default from SOURCE_DATE_EPOCH, else the Unix epoch (see createdTime). */
  readonly created?: Date;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The creation time written into the config when none is given: SOURCE_DATE_EPOCH when set (the
 * reproducible-builds convention), otherwise the Unix epoch, as ko and rules_oci do. `docker model package`
 * writes the current time, so packaging the same GGUF twice gives two digests; a fixed default makes the
 * artifact's digest a function of its content, and the digest is what the suite tests and promotes.
 */
export function createdTime(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === "") return new Date(0);
  if (!/^\d+$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds, not "${epoch}"`);
  return new Date(Number(epoch) * 1000);
}

async function fileDescriptor(path: string, mediaType: string, created: Date): Promise<Descriptor> {
  const { digest, size } = await hashFile(path).catch((error) => {
    throw new UsageError(`cannot read ${path}`, { cause: error });
  });
  return {
    mediaType,
    digest: parseDigest(digest),
    size,
    annotations: dmrFileAnnotations(basename(path), size, created),
  };
}

/**
 * Packages GGUF files as a Docker Model Runner artifact and pushes it to a target (a registry repository or
 * an OCI layout), as `docker model package` builds one: the files as layers in its order (GGUF files, license,
 * chat template, projector; streamed from disk), each annotated with its file name and metadata, the config
 * v0.1 filled from the GGUF's own metadata with every layer in `rootfs.diff_ids`, then the manifest, under
 * `tag` when given. Blobs the target already holds are not sent again. Returns the manifest's descriptor.
 */
export async function packageModel(options: PackageOptions, target: Target, tag?: string): Promise<Descriptor> {
  const files = await ggufFiles(options.gguf);
  if (files.length === 0) throw new UsageError("packaging needs at least one GGUF file");
  const info = await readGgufModelInfo(files);
  const layerFiles: [string, string][] = files.map((file) => [file, MediaType.dmrGguf]);
  if (options.license) layerFiles.push([options.license, MediaType.dmrLicense]);
  if (options.chatTemplate) layerFiles.push([options.chatTemplate, MediaType.dmrChatTemplate]);
  if (options.mmproj) layerFiles.push([options.mmproj, MediaType.dmrMmproj]);
  const created = options.created ?? createdTime();
  const layers = await Promise.all(layerFiles.map(([file, mediaType]) => fileDescriptor(file, mediaType, created)));

  const config = dmrConfigBlob(info, {
    diffIds: layers.map((layer) => layer.digest),
    created,
    ...(options.contextSize !== undefined ? { contextSize: options.contextSize } : {}),
  });
  const manifest = dmrManifestBlob(config.descriptor, layers);
  const signal = options.signal;
  try {
    for (const [i, layer] of layers.entries()) {
      if (await target.exists(layer, { signal })) continue;
      const [file] = layerFiles[i] as [string, string];
      await target.pushBlob(layer, () => createReadStream(file, { highWaterMark: 1 << 20 }), { signal });
    }
    if (!(await target.exists(config.descriptor, { signal }))) {
      await target.pushBlob(config.descriptor, config.bytes, { signal });
    }
    await target.pushManifest(manifest.descriptor, manifest.bytes, { tag, signal });
  } catch (error) {
    if (error instanceof CortexError) throw error;
    throw new TransferError(`pushing the packaged model to ${target.name} failed`, { cause: error });
  }
  return manifest.descriptor;
}
