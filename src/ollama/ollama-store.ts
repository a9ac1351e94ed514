import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FormatError } from "../core/errors.js";
import { decodeImageManifest } from "../core/manifest-document.js";
import type { ImageManifest } from "../core/target.js";
import { type OllamaName, ollamaBlobPath, ollamaModelId, realPathInside } from "./store-view.js";

/** The system service's store on Linux installs made by Ollama's install script. */
const SYSTEM_STORE = "/usr/share/ollama/.ollama/models";

/**
 * The models directories to read when none is given: $OLLAMA_MODELS (else ~/.ollama/models), and the system
 * service's store, those of them that hold a manifests/ folder; the user's directory when neither does, so
 * the error names it.
 */
export function defaultOllamaDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const user = userOllamaDir(env);
  const present = [...new Set([user, SYSTEM_STORE])].filter((dir) => existsSync(path.join(dir, "manifests")));
  return present.length > 0 ? present : [user];
}

/** The user's own models directory, where models written into Ollama go by default. */
export function userOllamaDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.OLLAMA_MODELS || path.join(env.HOME || os.homedir(), ".ollama", "models"));
}

/** One model of an Ollama store: its name, its manifest exactly as stored, and where its blobs are. */
export interface OllamaStoreModel {
  readonly modelsDir: string;
  readonly name: OllamaName;
  /** `tiny:latest` for Ollama's library, `host/namespace/model:tag` otherwise (what `ollama list` shows). */
  readonly id: string;
  readonly manifestPath: string;
  readonly manifestBytes: Uint8Array;
  /** Undefined when the manifest file is not a JSON manifest (reported for that model, others go on). */
  readonly manifest?: ImageManifest;
}

/** Every manifest under `manifests/<host>/<namespace>/<model>/<tag>` of the given models directories. */
export async function listOllamaModels(modelsDirs: readonly string[]): Promise<OllamaStoreModel[]> {
  const models: OllamaStoreModel[] = [];
  for (const modelsDir of modelsDirs) {
    const root = path.join(modelsDir, "manifests");
    const hosts = await readDirs(root).catch((error) => {
      throw new FormatError(`${modelsDir} is not an Ollama models directory (no readable manifests/)`, {
        cause: error,
      });
    });
    for (const host of hosts) {
      for (const namespace of await readDirs(path.join(root, host))) {
        for (const model of await readDirs(path.join(root, host, namespace))) {
          models.push(...(await readModelTags(modelsDir, { host, namespace, model })));
        }
      }
    }
  }
  return models.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** One model's tags: each file in `manifests/<host>/<namespace>/<model>/` is a tag's manifest. */
async function readModelTags(modelsDir: string, model: Omit<OllamaName, "tag">): Promise<OllamaStoreModel[]> {
  const modelDir = path.join(modelsDir, "manifests", model.host, model.namespace, model.model);
  const found: OllamaStoreModel[] = [];
  for (const entry of await fs.readdir(modelDir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const name: OllamaName = { ...model, tag: entry.name };
    const manifestPath = path.join(modelDir, entry.name);
    const manifestBytes = await fs.readFile(manifestPath);
    found.push({
      modelsDir,
      name,
      id: ollamaModelId(name),
      manifestPath,
      manifestBytes,
      ...parseManifest(manifestBytes),
    });
  }
  return found;
}

async function readDirs(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function parseManifest(bytes: Uint8Array): { manifest?: ImageManifest } {
  try {
    return { manifest: decodeImageManifest(bytes, "Ollama manifest") };
  } catch {
    return {};
  }
}

/** True when `selector` names the model: its `ollama list` id, `namespace/model[:tag]` or `model[:tag]`. */
export function matchesOllamaModel(model: OllamaStoreModel, selector: string): boolean {
  const { host, namespace, model: base, tag } = model.name;
  const withTag = selector.includes(":") ? selector : `${selector}:latest`;
  return [model.id, `${base}:${tag}`, `${namespace}/${base}:${tag}`, `${host}/${namespace}/${base}:${tag}`].includes(
    withTag,
  );
}

/**
 * The file holding a blob of an Ollama models directory, with symbolic links resolved. A link that leads out
 * of the directory is refused: migration reads and hard-links what it finds, and must not carry a file from
 * elsewhere on the machine into its output under a digest the directory merely claims.
 */
export async function ollamaBlobFile(modelsDir: string, digest: string): Promise<string> {
  const file = ollamaBlobPath(modelsDir, digest);
  const real = await realPathInside(modelsDir, file);
  if (real === undefined) {
    throw new FormatError(
      `blob ${digest} of ${modelsDir} is a link to ${await fs.realpath(file)}, outside the models directory`,
    );
  }
  return real;
}
