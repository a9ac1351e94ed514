import { MediaType } from "../../src/core/media-types.js";
import type { FetchedManifest, Target } from "../../src/core/target.js";
import { blob, imageManifest, jsonContent, pseudoRandomBytes } from "./artifacts.js";

/**
 * A small DMR-shaped model (config plus one GGUF-typed layer of pseudo-random bytes) pushed to a Target,
 * different for each seed: enough for tests that move tags and copy graphs without real weights.
 */
export async function pushTestModel(target: Target, seed: string, layerBytes = 64 * 1024): Promise<FetchedManifest> {
  const config = jsonContent(
    { config: { format: "gguf", architecture: "llama", seed }, descriptor: { created: "2026-11-28T00:00:00Z" } },
    MediaType.dmrConfigV01,
  );
  const layer = blob(pseudoRandomBytes(layerBytes, seed));
  await target.pushBlob(config.descriptor, config.bytes);
  await target.pushBlob(layer.descriptor, layer.bytes);
  const manifest = imageManifest(config.descriptor, [layer.descriptor]);
  await target.pushManifest(manifest.descriptor, manifest.bytes);
  return manifest;
}
