import { promises as fs } from "node:fs";
import path from "node:path";
import { type Digest, digestHex } from "../core/digest.js";
import { FormatError } from "../core/errors.js";
import { DOCKER_HUB, type Reference } from "../core/ref.js";
import type { PullResult } from "../pull/pull.js";
import { writeFileAtomic } from "../store/files.js";
import { linkOrCopy } from "../store/link.js";
import type { ModelStore } from "../store/model-store.js";
import { goJsonIndent } from "./dmr-artifact.js";

/**
 * A pulled model placed into a Docker Model Runner store (MODELS_PATH; /models in the runner container), byte
 * for byte as docker/model-runner's pkg/distribution store writes it: `layout.json`, `models.json`,
 * `manifests/sha256/<hex>` (raw manifest bytes) and `blobs/sha256/<hex>` (hard links to our store). An
 * existing store keeps its other models: the index is merged, and the tags we write move to our model.
 */

/** A model DMR cannot serve from its store as it is (an Ollama model, which DMR does not read). */
export class DmrViewError extends FormatError {}

export const DMR_LAYOUT_JSON = goJsonIndent({ version: "1.0.0" });

export interface DmrIndexEntry {
  readonly id: string;
  readonly tags: readonly string[] | null;
  readonly files: readonly string[];
}

export interface DmrView {
  readonly storeDir: string;
  /** The model's id in the index, `sha256:<manifest hex>`. */
  readonly id: Digest;
  readonly tags: readonly string[];
}

/** A tag as go-containerregistry's Name() prints it (the form models.json holds). */
export function dmrTagName(reference: Reference): string {
  const tag = reference.tag ?? "latest";
  if (reference.kind === "layout") {
    return `localhost/${
      path
        .basename(reference.path)
        .toLowerCase()
        .replace(/[^a-z0-9_.-]+/g, "-") || "model"
    }:${tag}`;
  }
  const registry = reference.registry === DOCKER_HUB ? "index.docker.io" : reference.registry;
  return `${registry}/${reference.repository}:${tag}`;
}

export interface DmrViewOptions {
  readonly store: ModelStore;
  readonly pulled: PullResult;
  readonly storeDir: string;
  readonly tags: readonly string[];
}

export async function writeDmrView(options: DmrViewOptions): Promise<DmrView> {
  const { store, pulled, storeDir } = options;
  // DMR reads its own artifacts (config v0.1 and v0.2) and CNCF ModelPack ones natively.
  if (pulled.format === "ollama") {
    throw new DmrViewError(
      `Docker Model Runner serves Docker and ModelPack model artifacts; ${pulled.reference} is an Ollama model`,
    );
  }
  await fs.mkdir(storeDir, { recursive: true });
  const layoutFile = path.join(storeDir, "layout.json");
  if (!(await fs.stat(layoutFile).catch(() => undefined))) await writeFile(layoutFile, DMR_LAYOUT_JSON, storeDir);
  const blobs = [...pulled.manifest.layers, pulled.manifest.config];
  for (const blob of blobs) {
    await linkOrCopy(store.blobPath(blob.digest), path.join(storeDir, "blobs", "sha256", digestHex(blob.digest)));
  }
  // DMR refuses a manifest whose blobs are missing, so the manifest comes after them, and the index last.
  const manifest = await store.layout.fetchManifest(pulled.manifestDigest);
  const manifestsDir = path.join(storeDir, "manifests", "sha256");
  await fs.mkdir(manifestsDir, { recursive: true });
  await writeFile(path.join(manifestsDir, digestHex(pulled.manifestDigest)), manifest.bytes, manifestsDir);
  const files = [...new Set(blobs.map((b) => b.digest))];
  const entry: DmrIndexEntry = { id: pulled.manifestDigest, tags: [...options.tags], files };
  const indexFile = path.join(storeDir, "models.json");
  const models = mergeIndex(await readIndex(indexFile), entry);
  await writeFile(indexFile, goJsonIndent({ models }), storeDir);
  return { storeDir, id: pulled.manifestDigest, tags: options.tags };
}

async function readIndex(file: string): Promise<DmrIndexEntry[]> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    return [];
  }
  try {
    const parsed = JSON.parse(text) as { models?: DmrIndexEntry[] | null };
    return parsed.models ?? [];
  } catch (error) {
    throw new DmrViewError(`${file} is not a Docker Model Runner index (invalid JSON)`, { cause: error });
  }
}

/** Our entry replaces one with the same id (tags merged) and takes its tags away from any other model. */
export function mergeIndex(models: readonly DmrIndexEntry[], entry: DmrIndexEntry): DmrIndexEntry[] {
  const ours = new Set(entry.tags ?? []);
  const previous = models.find((m) => m.id === entry.id);
  const tags = [...(previous?.tags ?? []).filter((t) => !ours.has(t)), ...(entry.tags ?? [])];
  const others = models
    .filter((m) => m.id !== entry.id)
    .map((m) => ({ id: m.id, tags: m.tags === null ? null : m.tags.filter((t) => !ours.has(t)), files: m.files }));
  return [...others, { id: entry.id, tags, files: entry.files }];
}

async function writeFile(file: string, data: string | Uint8Array, dir: string): Promise<void> {
  await writeFileAtomic(file, data, dir);
  await fs.chmod(file, 0o644);
}
