import { promises as fs } from "node:fs";
import path from "node:path";
import { sha256Digest } from "../../src/core/digest.js";
import { MediaType } from "../../src/core/media-types.js";
import type { Descriptor } from "../../src/core/target.js";
import { goJson } from "../../src/dmr/dmr-artifact.js";

/** What an Ollama model is made of, as `ollama create` would write it. */
export interface OllamaModelSpec {
  readonly host?: string;
  readonly namespace?: string;
  readonly model: string;
  readonly tag?: string;
  readonly gguf: Uint8Array;
  readonly template?: string;
  /** The legacy `application/vnd.ollama.image.prompt` layer older models carry instead of a template. */
  readonly prompt?: string;
  readonly system?: string;
  readonly params?: Record<string, unknown>;
  readonly license?: string;
}

export interface WrittenOllamaModel {
  readonly manifestPath: string;
  readonly manifestBytes: Uint8Array;
  readonly gguf: Descriptor;
  readonly blobs: readonly Descriptor[];
}

/**
 * Writes a model into an Ollama models directory in Ollama's exact layout: `blobs/sha256-<hex>`, the
 * manifest at `manifests/<host>/<namespace>/<model>/<tag>`, manifest and config encoded as Go's json.Encoder
 * writes them (Go escapes, one final newline).
 */
export async function writeOllamaStoreModel(modelsDir: string, spec: OllamaModelSpec): Promise<WrittenOllamaModel> {
  const encode = (value: unknown) => new TextEncoder().encode(`${goJson(value)}\n`);
  const text = (s: string) => new TextEncoder().encode(s);
  const parts: [string, Uint8Array][] = [[MediaType.ollamaModel, spec.gguf]];
  if (spec.template !== undefined) parts.push([MediaType.ollamaTemplate, text(spec.template)]);
  if (spec.prompt !== undefined) parts.push([MediaType.ollamaPrompt, text(spec.prompt)]);
  if (spec.system !== undefined) parts.push([MediaType.ollamaSystem, text(spec.system)]);
  if (spec.params !== undefined) parts.push([MediaType.ollamaParams, encode(spec.params)]);
  if (spec.license !== undefined) parts.push([MediaType.ollamaLicense, text(spec.license)]);
  const layers = parts.map(([mediaType, bytes]) => ({
    mediaType,
    digest: sha256Digest(bytes),
    size: bytes.byteLength,
  }));
  const configBytes = encode({
    model_format: "gguf",
    model_family: "llama",
    model_families: ["llama"],
    model_type: "1M",
    file_type: "F32",
    architecture: "amd64",
    os: "linux",
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
  });
  const config = {
    mediaType: MediaType.dockerContainerConfig,
    digest: sha256Digest(configBytes),
    size: configBytes.byteLength,
  };
  const blobsDir = path.join(modelsDir, "blobs");
  await fs.mkdir(blobsDir, { recursive: true });
  for (const [bytes, descriptor] of [
    [configBytes, config],
    ...parts.map(([, bytes], i) => [bytes, layers[i] as Descriptor] as const),
  ] as const) {
    await fs.writeFile(path.join(blobsDir, `sha256-${descriptor.digest.slice(7)}`), bytes);
  }
  const manifestBytes = encode({ schemaVersion: 2, mediaType: MediaType.dockerManifest, config, layers });
  const manifestPath = path.join(
    modelsDir,
    "manifests",
    spec.host ?? "registry.ollama.ai",
    spec.namespace ?? "library",
    spec.model,
    spec.tag ?? "latest",
  );
  await fs.mkdir(path.dirname(manifestPath), { recursive: true });
  await fs.writeFile(manifestPath, manifestBytes);
  return { manifestPath, manifestBytes, gguf: layers[0] as Descriptor, blobs: [config, ...layers] };
}

/** sha256 of every file under a directory with its relative path, to show a tree unchanged. */
export async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (sub: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, sub), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) await walk(rel);
      else out[rel] = sha256Digest(await fs.readFile(path.join(dir, rel)));
    }
  };
  await walk("");
  return out;
}
