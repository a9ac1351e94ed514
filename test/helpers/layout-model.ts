import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { digestHex, sha256Digest } from "../../src/digest.js";
import { Annotation, MediaType } from "../../src/media-types.js";
import type { Descriptor } from "../../src/target.js";

export interface LayoutModel {
  readonly manifest: Descriptor;
  /** Config, then the GGUF layer. */
  readonly blobs: readonly Descriptor[];
}

function describe(mediaType: string, bytes: Uint8Array): Descriptor {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length };
}

/**
 * Writes a small DMR-style model (config and one GGUF-typed layer of random bytes) as an OCI image layout
 * at `dir`, tagged when `tag` is given. Each call makes a different model.
 */
export async function writeLayoutModel(
  dir: string,
  options: { tag?: string; layerBytes?: Uint8Array } = {},
): Promise<LayoutModel> {
  const layerBytes = options.layerBytes ?? randomBytes(512 * 1024);
  const configBytes = Buffer.from(
    JSON.stringify({ config: { format: "gguf" }, descriptor: { created: new Date().toISOString() } }),
  );
  const layer = { ...describe(MediaType.dmrGguf, layerBytes), annotations: { [Annotation.title]: "model.gguf" } };
  const config = describe(MediaType.dmrConfigV01, configBytes);
  const manifestBytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers: [layer] }),
  );
  const manifest = describe(MediaType.ociManifest, manifestBytes);
  await mkdir(path.join(dir, "blobs", "sha256"), { recursive: true });
  for (const [descriptor, bytes] of [
    [manifest, manifestBytes],
    [config, configBytes],
    [layer, layerBytes],
  ] as const) {
    await writeFile(path.join(dir, "blobs", "sha256", digestHex(descriptor.digest)), bytes);
  }
  await writeFile(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const entry = options.tag ? { ...manifest, annotations: { [Annotation.refName]: options.tag } } : manifest;
  await writeFile(path.join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
  return { manifest, blobs: [config, layer] };
}
