import path from "node:path";
import { digestHex } from "../core/digest.js";
import { type ModelPart, recognizeArtifact, UnsafePathError } from "../model/artifact.js";
import { symlinkOrLink } from "../store/link.js";
import type { ModelStore } from "../store/model-store.js";
import type { PullResult } from "./pull.js";

/**
 * A pulled model as a directory of named files, for backends that open files (llama-server, the embedded
 * server): every layer linked (symbolically) to our store at the path its `org.cncf.model.filepath` (or title)
 * annotation gives, as Docker Model Runner unpacks a bundle, so nested paths survive and GGUF shards keep
 * the `-00001-of-00003` names llama.cpp finds the others by. Layers without a name get DMR's bundle names
 * (model.gguf, model-00001-of-00002.gguf, model.mmproj, template.jinja). Names were checked not to leave the
 * directory when the manifest was recognised; two layers claiming one path are refused here. The directory
 * belongs to one manifest digest (see filesViewDir), so a file already there holds the bytes it should.
 */
export interface FilesView {
  readonly dir: string;
  /** The first weight file: the file to open (llama.cpp finds further shards beside it). */
  readonly model: string;
  /** Every weight file, in order. */
  readonly files: readonly string[];
  /** The multimodal projector, when the model has one. */
  readonly mmproj?: string;
  readonly chatTemplate?: string;
}

/** DMR's bundle names for layers that carry none, by role; other roles are named by their digest. */
function defaultName(part: ModelPart, shard: { index: number; count: number }): string {
  switch (part.role) {
    case "gguf":
      return shard.count === 1
        ? "model.gguf"
        : `model-${String(shard.index + 1).padStart(5, "0")}-of-${String(shard.count).padStart(5, "0")}.gguf`;
    case "mmproj":
      return "model.mmproj";
    case "chat-template":
      return "template.jinja";
    default:
      return `${part.role}-${digestHex(part.descriptor.digest).slice(0, 12)}`;
  }
}

/** The view's directory under a work directory: one per manifest digest. */
export function filesViewDir(workDir: string, pulled: PullResult): string {
  return path.join(workDir, `model-${digestHex(pulled.manifestDigest)}`);
}

export async function writeFilesView(options: {
  readonly store: ModelStore;
  readonly pulled: PullResult;
  readonly dir: string;
}): Promise<FilesView> {
  const { store, pulled, dir } = options;
  const artifact = recognizeArtifact(pulled.manifest);
  const ggufCount = artifact.parts.filter((p) => p.role === "gguf").length;
  const claimed = new Map<string, string>();
  const placed = new Map<ModelPart, string>();
  let ggufIndex = 0;
  for (const part of artifact.parts) {
    const name = part.filePath ?? defaultName(part, { index: ggufIndex, count: ggufCount });
    if (part.role === "gguf") ggufIndex += 1;
    const owner = claimed.get(name);
    if (owner !== undefined && owner !== part.descriptor.digest) {
      throw new UnsafePathError(
        `refusing ${pulled.reference}: layers ${owner} and ${part.descriptor.digest} both name ${name}`,
      );
    }
    const file = path.join(dir, ...name.split("/"));
    if (owner === undefined) {
      await symlinkOrLink(store.blobPath(part.descriptor.digest), file);
      claimed.set(name, part.descriptor.digest);
    }
    placed.set(part, file);
  }
  const pathOf = (role: ModelPart["role"]) =>
    artifact.parts.filter((p) => p.role === role).map((p) => placed.get(p) as string);
  const weights = new Set(pulled.files);
  const files = artifact.parts
    .filter((p) => weights.has(store.blobPath(p.descriptor.digest)))
    .map((p) => placed.get(p) as string);
  const [mmproj] = pathOf("mmproj");
  const [chatTemplate] = pathOf("chat-template");
  return {
    dir,
    model: files[0] as string,
    files,
    ...(mmproj ? { mmproj } : {}),
    ...(chatTemplate ? { chatTemplate } : {}),
  };
}
