import { setMaxListeners } from "node:events";
import type { Digest } from "../core/digest.js";
import { DigestMismatchError } from "../core/errors.js";
import { Limiter } from "../core/limit.js";
import { decodeImageManifest, decodeManifest } from "../core/manifest-document.js";
import { formatReference, isPinned, type Reference, referenceVersion } from "../core/ref.js";
import type { Descriptor, FetchedManifest, ImageManifest, ReadOnlyTarget } from "../core/target.js";
import { type ModelArtifact, recognizeArtifact, weightFiles } from "../model/artifact.js";
import type { ModelStore } from "../store/model-store.js";
import { type ProgressSink, silentProgress } from "./progress.js";
import { ConnectionRamp } from "./ramp.js";
import { selectManifest } from "./select.js";
import { checkFreeSpace, isNoSpace, spaceRanOut } from "./space.js";
import { transferBlob } from "./transfer.js";

const MiB = 1024 * 1024;
export const DEFAULT_PART_SIZE = 16 * MiB;
const LARGEST_PART_SIZE = 64 * MiB;
export const DEFAULT_CONCURRENCY = 16;

/**
 * Parts grow with the blob, a sixteenth of it between 16 and 64 MiB: every ranged request costs the registry
 * CPU of its own (on a runner, the same cores the pull uses) and a round trip, and sixteen parts still keep
 * sixteen connections busy on a capped link.
 */
export function partSizeFor(blobSize: number): number {
  return Math.min(LARGEST_PART_SIZE, Math.max(DEFAULT_PART_SIZE, Math.ceil(blobSize / 16 / MiB) * MiB));
}

export interface PullOptions {
  /** Bytes per ranged part of a large blob (default: see partSizeFor). */
  readonly partSize?: number;
  /** Most parallel connections for the whole pull, across blobs (default 16); see ConnectionRamp. */
  readonly concurrency?: number;
  readonly progress?: ProgressSink;
  readonly signal?: AbortSignal | undefined;
  /** A stored blob no longer matched its digest: it has been removed and is fetched again. */
  readonly onDamaged?: (blob: Descriptor) => void;
  /**
   * A blob already in the store, of the right size, whose stamp does not vouch for it counts as present without
   * being hashed here: the caller hashes it before anything reads it (setup does, beside the backend's load,
   * and fetches again what does not match). Off by default: a pull on its own hashes it.
   */
  readonly deferHashOfPresent?: boolean;
}

export interface PullResult {
  /** The digest the reference resolved to (an index's digest when the reference names an index). */
  readonly digest: Digest;
  /** The reference pinned to that digest. */
  readonly reference: string;
  /** Absolute path of the first weight file in the store (the first GGUF file of a GGUF model). */
  readonly model: string;
  /** Every weight file of the model in the store, in order (GGUF shards). */
  readonly files: readonly string[];
  /** The weights' format: only GGUF has a backend here. */
  readonly weights: ModelArtifact["weights"];
  readonly downloadedBytes: number;
  readonly reusedBytes: number;
  /** Digest of the model manifest itself (differs from `digest` when an index was resolved). */
  readonly manifestDigest: Digest;
  readonly manifest: ImageManifest;
  readonly format: ModelArtifact["format"];
  readonly store: string;
}

export interface Resolved {
  /** What the reference names: the model manifest, or an index holding it. */
  readonly top: FetchedManifest;
  readonly manifest: FetchedManifest;
  readonly parsed: ImageManifest;
}

/** Said before anything is fetched, instead of failing on the first lock file, when the pull would write. */
async function assertWritableIfNeeded(
  store: ModelStore,
  ref: Reference,
  pulled: { blobs: readonly Descriptor[]; missing: readonly Descriptor[]; resolved: Resolved },
): Promise<void> {
  const { blobs, missing, resolved } = pulled;
  const manifests = [resolved.manifest.descriptor, resolved.top.descriptor];
  if (missing.length === 0 && (await every(manifests, (d) => store.has(d)))) return;
  await store.assertWritable(
    `lacks ${missing.length} of the ${blobs.length} files of ${formatReference(ref)}, which a pull would write`,
  );
}

/**
 * Pulls a model into the store: resolves the reference to a digest, then copies the graph (blobs first,
 * then the manifest, then the name) skipping whatever the store already holds. When the reference is
 * pinned and everything is present, `source` is never called.
 */
export async function pull(
  source: ReadOnlyTarget,
  ref: Reference,
  store: ModelStore,
  options: PullOptions = {},
): Promise<PullResult> {
  const local = await pullFromStore(store, ref);
  if (local) return local;
  const progress = options.progress ?? silentProgress;
  const signalOption = options.signal ? { signal: options.signal } : {};
  const version = referenceVersion(ref);
  const topDescriptor = await source.resolve(version, signalOption);
  if (isPinned(ref) && topDescriptor.digest !== ref.digest) {
    throw new DigestMismatchError(`${source.name} resolved ${ref.digest} to ${topDescriptor.digest}`);
  }
  const resolved = await resolveModel(topDescriptor, async (d) =>
    (await store.has(d)) ? store.layout.fetchManifest(d) : source.fetchManifest(d, signalOption),
  );
  const artifact = recognizeArtifact(resolved.parsed);
  const blobs = uniqueBlobs([resolved.parsed.config, ...resolved.parsed.layers]);
  const missing = await missingBlobs(store, blobs, options);
  await assertWritableIfNeeded(store, ref, { blobs, missing, resolved });
  const label = formatReference(ref);
  const space = await checkFreeSpace(store, blobs, label);
  progress.start(blobs.reduce((sum, b) => sum + b.size, 0));
  const limiter = new Limiter(1);
  const ramp = new ConnectionRamp(limiter, Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
  const fixedPartSize = options.partSize === undefined ? undefined : Math.max(1, options.partSize);
  const partSize = (blobSize: number) => fixedPartSize ?? partSizeFor(blobSize);
  let downloadedBytes = 0;
  let reusedBytes = blobs.filter((b) => !missing.includes(b)).reduce((sum, b) => sum + b.size, 0);
  if (reusedBytes > 0) progress.reuse(reusedBytes);
  // One failed blob cancels the others, and the pull ends only once they have stopped writing.
  const failure = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failure.signal]) : failure.signal;
  // Every request in flight listens to it: as many listeners as the concurrency, past Node's warning at 10.
  setMaxListeners(0, signal);
  let firstError: unknown;
  try {
    await Promise.all(
      missing.map(async (blob) => {
        try {
          const result = await transferBlob(blob, {
            source,
            store,
            limiter,
            partSize,
            attempts: 3,
            signal,
            onBytes: (n) => {
              ramp.record(n);
              progress.transfer(n);
            },
          });
          downloadedBytes += result.downloaded;
          reusedBytes += result.reused;
          if (result.reused > 0) progress.reuse(result.reused);
        } catch (error) {
          firstError ??= error;
          failure.abort(error);
        }
      }),
    );
  } finally {
    ramp.stop();
    progress.finish();
  }
  try {
    if (firstError !== undefined) throw firstError;
    await store.addManifest(resolved.manifest);
    if (resolved.top !== resolved.manifest) await store.addManifest(resolved.top);
    await store.record(resolved.top.descriptor, label);
  } catch (error) {
    throw isNoSpace(error) ? spaceRanOut(store, label, space, error) : error;
  }
  return result(store, ref, resolved, artifact, downloadedBytes, reusedBytes);
}

/**
 * The pull result from the store alone, for a pinned reference whose manifest and blobs are all present;
 * undefined when anything is missing. Touches nothing but the local file system.
 */
export async function pullFromStore(
  store: ModelStore,
  ref: Reference,
  options: Pick<PullOptions, "onDamaged" | "deferHashOfPresent"> = {},
): Promise<PullResult | undefined> {
  if (!isPinned(ref)) return undefined;
  const layout = store.layout;
  let resolved: Resolved;
  try {
    const top = await layout.resolve(ref.digest);
    resolved = await resolveModel(top, async (d) => layout.fetchManifest(d));
  } catch {
    return undefined;
  }
  const blobs = uniqueBlobs([resolved.parsed.config, ...resolved.parsed.layers]);
  if ((await missingBlobs(store, blobs, options)).length > 0) return undefined;
  const artifact = recognizeArtifact(resolved.parsed);
  await store.record(resolved.top.descriptor, formatReference(ref));
  const reused = blobs.reduce((sum, b) => sum + b.size, 0);
  return result(store, ref, resolved, artifact, 0, reused);
}

/** Reads the manifest a descriptor names and, for an index, the model manifest it selects. */
export async function resolveModel(
  top: Descriptor,
  fetch: (descriptor: Descriptor) => Promise<FetchedManifest>,
): Promise<Resolved> {
  const fetched = await fetch(top);
  const document = decodeManifest(fetched.bytes, `manifest ${top.digest}`, fetched.descriptor.mediaType);
  if (document.kind === "index") {
    const child = selectManifest(document.index, top.digest);
    const manifest = await fetch(child);
    return { top: fetched, manifest, parsed: decodeImageManifest(manifest.bytes, `manifest ${child.digest}`) };
  }
  return { top: fetched, manifest: fetched, parsed: document.manifest };
}

/** The warning a shell prints for onDamaged. */
export function damagedBlobWarning(store: ModelStore, blob: Descriptor): string {
  return `${blob.digest} in the store ${store.root} no longer matched its digest: removed, fetching it again`;
}

/**
 * The blobs the store does not hold verified (see ModelStore.holds: a stamp, else a hash), or with
 * deferHashOfPresent the ones it does not hold at all. A damaged one is removed, reported, and counted missing,
 * so the pull fetches it again.
 */
async function missingBlobs(
  store: ModelStore,
  blobs: readonly Descriptor[],
  options: Pick<PullOptions, "onDamaged" | "deferHashOfPresent">,
): Promise<Descriptor[]> {
  const missing: Descriptor[] = [];
  for (const blob of blobs) {
    const present = await store.has(blob);
    if (present && (options.deferHashOfPresent || (await store.holds(blob)))) continue;
    if (present) options.onDamaged?.(blob);
    missing.push(blob);
  }
  return missing;
}

async function every<T>(items: readonly T[], test: (item: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (!(await test(item))) return false;
  return true;
}

function uniqueBlobs(descriptors: readonly Descriptor[]): Descriptor[] {
  const seen = new Map<string, Descriptor>();
  for (const d of descriptors) if (!seen.has(d.digest)) seen.set(d.digest, d);
  return [...seen.values()];
}

function result(
  store: ModelStore,
  ref: Reference,
  resolved: Resolved,
  artifact: ModelArtifact,
  downloadedBytes: number,
  reusedBytes: number,
): PullResult {
  const files = weightFiles(artifact).map((d) => store.blobPath(d.digest));
  return {
    digest: resolved.top.descriptor.digest,
    reference: formatReference({ ...ref, digest: resolved.top.descriptor.digest }),
    model: files[0] as string,
    files,
    weights: artifact.weights,
    downloadedBytes,
    reusedBytes,
    manifestDigest: resolved.manifest.descriptor.digest,
    manifest: resolved.parsed,
    format: artifact.format,
    store: store.root,
  };
}
