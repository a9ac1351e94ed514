import path from "node:path";
import * as core from "@actions/core";
import type { Digest } from "../digest.js";
import { CortexError } from "../errors.js";
import { isIndexMediaType } from "../media-types.js";
import { formatReference, isPinned, parseReference, pinReference, type Reference } from "../ref.js";
import type { Descriptor, FetchedManifest, ImageManifest } from "../target.js";
import { PullModel } from "./constants.js";
import { booleanInput, InputError, optionalInput, requiredInput, secretInput } from "./inputs.js";

import { restoreModel, saveModel } from "./model-cache.js";
import { setOutputs } from "./outputs.js";

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

export interface PullModelInputs {
  readonly model: Reference;
  readonly store: string;
  readonly cache: boolean;
  readonly credentials?: RegistryCredentials;
}

export interface PullModelOutputs {
  readonly digest: Digest;
  readonly modelPath: string;
  readonly store: string;
  readonly cacheHit: boolean;
  readonly downloadedBytes: number;
}

/** What the action needs from the store and the registry client; the same functions serve `cortex-model pull`. */
export interface PullServices {
  /** The manifest a reference names, bytes included: one small request for a tag. */
  fetchManifest(model: Reference, credentials?: RegistryCredentials): Promise<FetchedManifest>;
  /** Copies what the store lacks of a digest-pinned model; nothing is fetched for what is already there. */
  pull(
    model: Reference & { digest: Digest },
    store: string,
    credentials?: RegistryCredentials,
  ): Promise<{ readonly modelPath: string; readonly downloadedBytes: number }>;
}

/** A manifest the action cannot cache or pull as one model (an index, or not JSON). */
export class UnsupportedManifestError extends CortexError {}

export function getInputs(env: NodeJS.ProcessEnv = process.env): PullModelInputs {
  const { inputs } = PullModel;
  const username = optionalInput(inputs.registryUsername);
  const password = secretInput(inputs.registryPassword);
  if ((username === undefined) !== (password === undefined)) {
    throw new InputError(`inputs "${inputs.registryUsername}" and "${inputs.registryPassword}" go together`);
  }
  return {
    model: parseReference(requiredInput(inputs.model)),
    store: path.resolve(optionalInput(inputs.store) ?? defaultStore(env)),
    cache: booleanInput(inputs.cache, true),
    ...(username !== undefined && password !== undefined ? { credentials: { username, password } } : {}),
  };
}

/** In actions the store lives in the runner's tool cache, which self-hosted runners keep between jobs. */
export function defaultStore(env: NodeJS.ProcessEnv): string {
  const toolCache = env.RUNNER_TOOL_CACHE;
  if (!toolCache) throw new InputError(`input "${PullModel.inputs.store}" is empty and RUNNER_TOOL_CACHE is not set`);
  return path.join(toolCache, "cortex-model", "store");
}

export async function pullModel(inputs: PullModelInputs, services: PullServices): Promise<PullModelOutputs> {
  const fetched = await services.fetchManifest(inputs.model, inputs.credentials);
  const digest = fetched.descriptor.digest;
  const pinned = pinReference(inputs.model, digest);
  if (!isPinned(inputs.model)) {
    core.warning(
      `${formatReference(inputs.model)} is a tag, which can move: it resolved to ${digest}. Pin it to test and ship exactly this model: ${formatReference(pinned)}`,
    );
  }
  const cacheable = { store: inputs.store, manifest: fetched.descriptor, blobs: manifestBlobs(fetched) };
  const restored = inputs.cache ? await restoreModel(cacheable) : { key: "", hit: false };
  const pulled = await services.pull(pinned, inputs.store, inputs.credentials);
  if (inputs.cache && !restored.hit) await saveModel(cacheable);
  return {
    digest,
    modelPath: pulled.modelPath,
    store: inputs.store,
    cacheHit: restored.hit,
    downloadedBytes: pulled.downloadedBytes,
  };
}

function manifestBlobs(fetched: FetchedManifest): Descriptor[] {
  const name = `manifest ${fetched.descriptor.digest}`;
  if (isIndexMediaType(fetched.descriptor.mediaType)) {
    throw new UnsupportedManifestError(`${name} is an index of several manifests; reference one model manifest`);
  }
  let manifest: ImageManifest;
  try {
    manifest = JSON.parse(Buffer.from(fetched.bytes).toString("utf8")) as ImageManifest;
  } catch (error) {
    throw new UnsupportedManifestError(`${name} is not JSON`, { cause: error });
  }
  if (!manifest.config || !Array.isArray(manifest.layers)) {
    throw new UnsupportedManifestError(`${name} has no config and layers`);
  }
  return [manifest.config, ...manifest.layers];
}

export async function pullModelStep(services: PullServices): Promise<void> {
  const outputs = await pullModel(getInputs(), services);
  const { outputs: names } = PullModel;
  setOutputs({
    [names.digest]: outputs.digest,
    [names.modelPath]: outputs.modelPath,
    [names.store]: outputs.store,
    [names.cacheHit]: outputs.cacheHit,
    [names.downloadedBytes]: outputs.downloadedBytes,
  });
  core.info(
    `${outputs.digest}: ${outputs.cacheHit ? "restored from the Actions cache" : "pulled"}, ${outputs.downloadedBytes} bytes downloaded, model at ${outputs.modelPath}`,
  );
}
