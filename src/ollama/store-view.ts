import { promises as fs } from "node:fs";
import path from "node:path";
import type { SourceContent } from "../copy/content-source.js";
import { type Digest, digestHex } from "../core/digest.js";
import { EnvironmentError, NotFoundError } from "../core/errors.js";
import { OLLAMA_REGISTRY, type Reference } from "../core/ref.js";
import type { Descriptor, VerifiedFile } from "../core/target.js";
import { recognizeArtifact } from "../model/artifact.js";
import { readGgufModelInfo } from "../model/gguf-metadata.js";
import type { PullResult } from "../pull/pull.js";
import type { ModelStore } from "../store/model-store.js";
import { writeOllamaModel } from "./models-target.js";
import { type OllamaPlatform, ollamaModelFromDmr } from "./ollama-manifest.js";

/**
 * A pulled model placed into Ollama's models directory ($OLLAMA_MODELS), so `ollama serve` lists and loads it
 * without a pull: `manifests/<host>/<namespace>/<model>/<tag>` and `blobs/sha256-<hex>`, the blobs hard links
 * to our verified store files. An Ollama-format model keeps its exact manifest bytes; any other format gets
 * an Ollama manifest and config built by src/migrate/ollama-manifest.ts.
 */

/** The four parts of an Ollama model name, as its manifest path spells them. */
export interface OllamaName {
  readonly host: string;
  readonly namespace: string;
  readonly model: string;
  readonly tag: string;
}

export interface OllamaView {
  /** The directory to give Ollama as OLLAMA_MODELS. */
  readonly modelsDir: string;
  readonly name: OllamaName;
  /** The name clients send as "model". */
  readonly modelId: string;
  readonly manifestPath: string;
  /** Digest of the manifest file's bytes (Ollama's own manifest digest). */
  readonly manifestBytes: Uint8Array;
}

const PART = /[^a-zA-Z0-9_.-]+/g;

/** Where a reference lands in Ollama's name space; layouts and deep repositories get a valid Ollama name. */
export function ollamaName(reference: Reference): OllamaName {
  const tag = reference.tag ?? "latest";
  if (reference.kind === "layout") {
    const base = path.basename(reference.path).toLowerCase().replace(PART, "-") || "model";
    return { host: "local", namespace: "library", model: base, tag };
  }
  const parts = reference.repository.split("/");
  const model = parts.pop() as string;
  const namespace = parts.length === 0 ? "library" : parts.join("-");
  return { host: reference.registry, namespace, model, tag };
}

/** The name Ollama answers to: short for its own registry's library, fully qualified otherwise. */
export function ollamaModelId(name: OllamaName): string {
  if (name.host === OLLAMA_REGISTRY && name.namespace === "library") return `${name.model}:${name.tag}`;
  return `${name.host}/${name.namespace}/${name.model}:${name.tag}`;
}

export function ollamaBlobPath(modelsDir: string, digest: Digest | string): string {
  return path.join(modelsDir, "blobs", `sha256-${digestHex(digest as Digest)}`);
}

/** The real path of `file` when it lies inside `root` once symbolic links are resolved; undefined otherwise. */
export async function realPathInside(root: string, file: string): Promise<string | undefined> {
  const [realRoot, real] = await Promise.all([fs.realpath(root), fs.realpath(file)]);
  const relative = path.relative(realRoot, real);
  const outside = relative === "" || relative === ".." || relative.startsWith(`..${path.sep}`);
  return outside || path.isAbsolute(relative) ? undefined : real;
}

/**
 * Makes a folder of a models directory, refusing one that a symbolic link leads elsewhere: its nearest existing
 * part is checked before anything is made, so nothing is made or written out of the directory.
 */
export async function makeDirInside(modelsDir: string, dir: string): Promise<void> {
  const root = path.resolve(modelsDir);
  let existing = path.resolve(dir);
  while (existing !== root && !(await exists(existing))) existing = path.dirname(existing);
  if (existing !== root && (await realPathInside(root, existing)) === undefined) {
    throw new EnvironmentError(`${dir} leads out of the models directory ${modelsDir} through a symbolic link`);
  }
  await fs.mkdir(dir, { recursive: true });
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

export interface OllamaViewOptions {
  readonly store: ModelStore;
  readonly pulled: PullResult;
  readonly reference: Reference;
  readonly modelsDir: string;
  readonly platform?: OllamaPlatform;
}

export async function writeOllamaView(options: OllamaViewOptions): Promise<OllamaView> {
  const { store, pulled, modelsDir } = options;
  const name = ollamaName(options.reference);
  let manifestBytes: Uint8Array;
  const blobs: [Descriptor, SourceContent][] = [];
  let linked: readonly Descriptor[];
  if (pulled.format === "ollama") {
    manifestBytes = (await store.layout.fetchManifest(pulled.manifestDigest)).bytes;
    linked = [pulled.manifest.config, ...pulled.manifest.layers];
  } else {
    const converted = await ollamaModelFromDmr({
      artifact: recognizeArtifact(pulled.manifest),
      info: await readGgufModelInfo(pulled.files),
      readText: (d) => fs.readFile(store.blobPath(d.digest), "utf8"),
      ...(options.platform ? { platform: options.platform } : {}),
    });
    blobs.push([converted.config.descriptor, converted.config.bytes]);
    manifestBytes = converted.manifest;
    linked = converted.layers;
  }
  for (const blob of linked) blobs.push([blob, await storeFile(store, blob)]);
  const manifestPath = await writeOllamaModel(modelsDir, name, manifestBytes, blobs, store.root);
  return { modelsDir, name, modelId: ollamaModelId(name), manifestPath, manifestBytes };
}

/** A blob of the store as a checked file to link; a blob the store lacks is an error naming it. */
export async function storeFile(store: ModelStore, descriptor: Descriptor): Promise<VerifiedFile> {
  const file = await store.blobFile(descriptor);
  if (!file) throw new NotFoundError(`blob ${descriptor.digest} is missing from the store ${store.root}`);
  return file;
}
