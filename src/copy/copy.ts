import { Readable } from "node:stream";
import { mapLimit } from "../core/limit.js";
import { decodeManifest } from "../core/manifest-document.js";
import {
  canAdoptFile,
  canMount,
  type Descriptor,
  type FetchedManifest,
  hasVerifiedFiles,
  type ReadOnlyTarget,
  type Target,
} from "../core/target.js";

/** Mounts a blob into the destination from a repository of the same registry; false when the registry declined. */
export type MountBlob = (descriptor: Descriptor, signal?: AbortSignal) => Promise<boolean>;

/**
 * A mount from the source's repository when both are repositories of one registry: the registry links the
 * blob without it crossing the network. Undefined otherwise.
 */
export function sameRegistryMount(source: ReadOnlyTarget, destination: Target): MountBlob | undefined {
  if (!canMount(source) || !canMount(destination)) return undefined;
  if (source.registry !== destination.registry || source.repository === destination.repository) return undefined;
  return (descriptor, signal) => destination.mountBlob(descriptor, source.repository, { signal });
}

export interface CopyOptions {
  /** Tried before any upload, when source and destination share a registry. */
  readonly mount?: MountBlob;
  /** The root manifest is pushed under this tag, or tagged when the destination holds it already. */
  readonly tag?: string;
  /** Blobs transferred at once. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal | undefined;
}

/** What a copy did, per kind of content. */
export interface CopyStats {
  manifestsPushed: number;
  manifestsSkipped: number;
  blobsCopied: number;
  blobsMounted: number;
  /** Hard-linked from a checked file of the source. */
  blobsLinked: number;
  /** Copied from a checked file of the source where a link was not possible, hashed again on the way. */
  blobsCopiedFromFile: number;
  blobsSkipped: number;
  bytesCopied: number;
}

const DEFAULT_CONCURRENCY = 4;

/**
 * Copies a manifest graph (index -> manifests -> config and layers) from one Target to another, children
 * before parents so that the destination never holds a manifest whose content is missing. Anything the
 * destination already holds is skipped (a manifest present implies its whole graph is); blobs are mounted
 * when the options allow it, linked or copied from a checked file when the source has one and the destination
 * is on the local file system, else streamed across with their digests preserved.
 */
export async function copyGraph(
  source: ReadOnlyTarget,
  destination: Target,
  root: FetchedManifest,
  options: CopyOptions = {},
): Promise<CopyStats> {
  const { signal } = options;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const stats: CopyStats = {
    manifestsPushed: 0,
    manifestsSkipped: 0,
    blobsCopied: 0,
    blobsMounted: 0,
    blobsLinked: 0,
    blobsCopiedFromFile: 0,
    blobsSkipped: 0,
    bytesCopied: 0,
  };

  const copyBlob = async (descriptor: Descriptor) => {
    if (await destination.exists(descriptor, { signal })) {
      stats.blobsSkipped++;
      return;
    }
    if (options.mount && (await options.mount(descriptor, signal))) {
      stats.blobsMounted++;
      return;
    }
    const file = hasVerifiedFiles(source) ? source.verifiedFile(descriptor) : undefined;
    if (file && canAdoptFile(destination)) {
      const placed = await destination.adoptBlobFile(descriptor, file.file, file.identity);
      if (placed === "linked") stats.blobsLinked++;
      else stats.blobsCopiedFromFile++;
      return;
    }
    // A fresh source stream per attempt, so the destination can retry an upload from the start.
    const content = () =>
      Readable.from(
        (async function* () {
          yield* await source.fetchBlob(descriptor, { signal });
        })(),
        { objectMode: false },
      );
    await destination.pushBlob(descriptor, content, { signal });
    stats.blobsCopied++;
    stats.bytesCopied += descriptor.size;
  };

  const copyManifest = async (fetched: FetchedManifest, tag?: string): Promise<void> => {
    if (await destination.exists(fetched.descriptor, { signal })) {
      stats.manifestsSkipped++;
      if (tag !== undefined) await destination.tag(fetched.descriptor, tag, { signal });
      return;
    }
    const document = decodeManifest(
      fetched.bytes,
      `manifest ${fetched.descriptor.digest}`,
      fetched.descriptor.mediaType,
    );
    if (document.kind === "index") {
      for (const child of document.index.manifests) {
        await copyManifest(await source.fetchManifest(child, { signal }));
      }
    } else {
      const blobs = [document.manifest.config, ...document.manifest.layers];
      const unique = blobs.filter((blob, i) => blobs.findIndex((other) => other.digest === blob.digest) === i);
      await mapLimit(unique, concurrency, copyBlob);
    }
    await destination.pushManifest(fetched.descriptor, fetched.bytes, { tag, signal });
    stats.manifestsPushed++;
  };

  await copyManifest(root, options.tag);
  return stats;
}
