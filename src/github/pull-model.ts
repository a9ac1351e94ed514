import path from "node:path";
import * as core from "@actions/core";
import { openTarget } from "../copy/targets.js";
import type { Digest } from "../core/digest.js";
import {
  formatReference,
  isPinned,
  parseReference,
  pinReference,
  type Reference,
  referenceVersion,
} from "../core/ref.js";
import type { Descriptor } from "../core/target.js";
import { createProgress } from "../pull/progress.js";
import { damagedBlobWarning, type PullResult, pull, pullFromStore, resolveModel } from "../pull/pull.js";
import { ModelStore } from "../store/model-store.js";
import { requireSignature } from "../trust/evidence.js";
import type { VerificationRequest } from "../trust/request.js";
import { PullModel } from "./constants.js";
import { booleanInput, InputError, maskSecret, optionalInput, requiredInput } from "./inputs.js";
import { type CachedModel, restoreModel, saveModel } from "./model-cache.js";
import { setOutputs } from "./outputs.js";
import { credentialInputs, type RegistryCredentials } from "./registry-inputs.js";
import { runAction } from "./run.js";
import { resolveVerification } from "./trust-inputs.js";

export interface PullModelInputs {
  readonly model: Reference;
  readonly store: string;
  readonly cache: boolean;
  readonly credentials?: RegistryCredentials;
  /** Refuse a digest without a valid signature by these signers, before any blob is fetched. */
  readonly verification?: VerificationRequest;
}

export interface PullModelOutputs {
  readonly digest: Digest;
  readonly modelPath: string;
  readonly store: string;
  readonly cacheHit: boolean;
  readonly downloadedBytes: number;
  /** The whole pull result, for steps that go on to serve the model. */
  readonly pulled: PullResult;
  /** When saving was deferred and the restore missed: what a later step saves with savePendingModel(). */
  readonly pendingSave?: PendingSave;
}

/** A cache save a later step makes (setup-model's post step), as JSON-safe data for the action's state. */
export interface PendingSave {
  readonly store: string;
  readonly manifest: Descriptor;
  readonly blobs: readonly Descriptor[];
}

export interface PullModelOptions {
  /**
   * "now" saves right after the pull (pull-model: the entry is available to parallel jobs at once); "defer"
   * returns it as pendingSave, so a step that serves the model does not wait for the upload first.
   */
  readonly save?: "now" | "defer";
  /** See PullOptions.deferHashOfPresent: the caller hashes what was already in the store before serving it. */
  readonly deferHashOfPresent?: boolean;
}

export async function savePendingModel(pending: PendingSave): Promise<void> {
  const store = await ModelStore.open({ dir: pending.store });
  // A step that failed before its check may leave files the pull did not hash: none of them goes to the cache.
  const unverified = await store.verifyBlobs(pending.blobs);
  if (unverified.length > 0) {
    core.warning(
      `Not saving ${pending.manifest.digest} to the Actions cache: ${unverified.map((d) => d.digest).join(", ")} did not match its digest and was removed from the store`,
    );
    return;
  }
  await saveModel({ store, manifest: pending.manifest, blobs: pending.blobs });
}

export function getInputs(env: NodeJS.ProcessEnv = process.env): PullModelInputs {
  const { inputs } = PullModel;
  const credentials = credentialInputs(inputs.registryUsername, inputs.registryPassword);
  return {
    model: parseReference(requiredInput(inputs.model)),
    store: path.resolve(optionalInput(inputs.store) ?? defaultStore(env)),
    cache: booleanInput(inputs.cache, true),
    ...(credentials ? { credentials } : {}),
  };
}

/** In actions the store lives in the runner's tool cache, which self-hosted runners keep between jobs. */
export function defaultStore(env: NodeJS.ProcessEnv): string {
  const toolCache = env.RUNNER_TOOL_CACHE;
  if (!toolCache) throw new InputError(`input "${PullModel.inputs.store}" is empty and RUNNER_TOOL_CACHE is not set`);
  return path.join(toolCache, "cortex-model", "store");
}

/**
 * Answers a pinned model already in the store from the store alone. Otherwise resolves the reference (one
 * small request for a tag), restores the model's files from the Actions cache by manifest digest, pulls what
 * is still missing (nothing after a full restore: the pinned pull is answered by the store alone) and saves
 * the cache entry when the restore missed.
 */
export async function pullModel(inputs: PullModelInputs, options: PullModelOptions = {}): Promise<PullModelOutputs> {
  const store = await ModelStore.open({ dir: inputs.store });
  // A pinned model already in the store (a self-hosted runner's tool cache) needs neither the network nor the cache.
  const onDamaged = (blob: Descriptor) => core.warning(damagedBlobWarning(store, blob));
  const checks = { onDamaged, deferHashOfPresent: options.deferHashOfPresent === true };
  const trust = inputs.verification && (await resolveVerification(inputs.verification));
  // Under a trust policy the registry is asked even for a model in the store: the signature lives there.
  const local = trust ? undefined : await pullFromStore(store, inputs.model, checks);
  if (local) {
    return {
      digest: local.digest,
      modelPath: local.model,
      store: store.root,
      cacheHit: false,
      downloadedBytes: 0,
      pulled: local,
    };
  }
  const source = await openTarget(inputs.model, {
    ...(inputs.credentials ? { credentials: inputs.credentials } : {}),
    onSecret: maskSecret,
  });
  const top = await source.fetchManifest(referenceVersion(inputs.model));
  if (trust) await requireSignature(source, top.descriptor, trust);
  const digest = top.descriptor.digest;
  const pinned = pinReference(inputs.model, digest);
  if (!isPinned(inputs.model)) {
    core.warning(
      `${formatReference(inputs.model)} is a tag, which can move: it resolved to ${digest}. Pin it to test and ship exactly this model: ${formatReference(pinned)}`,
    );
  }
  const resolved = await resolveModel(top.descriptor, async (descriptor) =>
    descriptor.digest === digest ? top : source.fetchManifest(descriptor),
  );
  const cached: CachedModel = {
    store,
    manifest: top.descriptor,
    blobs: [
      ...(resolved.manifest === resolved.top ? [] : [resolved.manifest.descriptor]),
      resolved.parsed.config,
      ...resolved.parsed.layers,
    ],
  };
  const restored = inputs.cache ? await restoreModel(cached) : undefined;
  const pulled = await pull(source, pinned, store, {
    progress: createProgress(process.stdout, { label: formatReference(pinned), tty: false }),
    ...checks,
  });
  const mustSave = inputs.cache && !restored?.hit;
  if (mustSave && options.save !== "defer") await saveModel(cached);
  return {
    digest,
    modelPath: pulled.model,
    store: store.root,
    cacheHit: restored?.hit ?? false,
    downloadedBytes: pulled.downloadedBytes,
    pulled,
    ...(mustSave && options.save === "defer"
      ? { pendingSave: { store: store.root, manifest: cached.manifest, blobs: cached.blobs } }
      : {}),
  };
}

export async function pullModelStep(): Promise<void> {
  const outputs = await pullModel(getInputs());
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

/** The action's entry point. */
export function run(): Promise<void> {
  return runAction(pullModelStep);
}
