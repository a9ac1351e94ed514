import { ContentSource } from "../copy/content-source.js";
import { copyGraph } from "../copy/copy.js";
import { CortexError } from "../core/errors.js";
import { formatReference, type Reference } from "../core/ref.js";
import type { Target } from "../core/target.js";
import type { OllamaStoreModel } from "../ollama/ollama-store.js";
import { dmrFromOllama } from "./ollama-to-dmr.js";

export type MigrationStatus = "migrated" | "up to date" | "would migrate" | "failed";

/** How the blobs reached the target: sent, hard-linked or copied into a layout, or already there. */
export interface BlobCounts {
  pushed: number;
  linked: number;
  copied: number;
  skipped: number;
}

/** One row of the migration table. */
export interface MigrationRow {
  /** The name `ollama list` shows. */
  readonly ollama: string;
  /** The target reference, pinned to the manifest digest when there is one. */
  readonly target?: string;
  readonly manifestDigest?: string;
  readonly ggufDigest?: string;
  /** Bytes of all layers. */
  readonly size?: number;
  readonly status: MigrationStatus;
  readonly reason?: string;
  readonly blobs?: BlobCounts;
  /** With --verify-suite: whether the migrated model answered the suite exactly as the original. */
  readonly verify?: { readonly identical: boolean; readonly differences: readonly string[] };
}

export interface MigrateOptions {
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Migrates one Ollama model to its target reference. Anything wrong with this model (a corrupt blob, a
 * refused push) becomes a failed row, so a caller looping over a store goes on with the next model.
 */
export async function migrateOllamaModel(
  model: OllamaStoreModel,
  reference: Reference,
  openTarget: (reference: Reference) => Promise<Target>,
  options: MigrateOptions = {},
): Promise<MigrationRow> {
  const targetName = formatReference(reference);
  try {
    const built = await dmrFromOllama(model);
    const row = {
      ollama: model.id,
      target: `${targetName}@${built.manifest.descriptor.digest}`,
      manifestDigest: built.manifest.descriptor.digest,
      ggufDigest: built.gguf.digest,
      size: built.layers.reduce((sum, l) => sum + l.descriptor.size, 0),
    };
    if (options.dryRun) return { ...row, status: "would migrate" };
    const target = await openTarget(reference);
    // The Ollama blobs were just hashed: a layout on the same file system takes them as hard links, no copy.
    const source = new ContentSource(model.id, built.manifest, [
      ...built.layers.map((layer) => [layer.descriptor, layer] as const),
      [built.config.descriptor, built.config.bytes],
    ]);
    const copied = await copyGraph(source, target, built.manifest, { tag: tagOf(reference), signal: options.signal });
    const blobs: BlobCounts = {
      pushed: copied.blobsCopied,
      linked: copied.blobsLinked,
      copied: copied.blobsCopiedFromFile,
      skipped: copied.blobsSkipped,
    };
    const sent = blobs.pushed + blobs.linked + blobs.copied;
    return { ...row, status: sent === 0 && copied.manifestsSkipped > 0 ? "up to date" : "migrated", blobs };
  } catch (error) {
    if (!(error instanceof CortexError) && !isFileError(error)) throw error;
    return { ollama: model.id, target: targetName, status: "failed", reason: (error as Error).message };
  }
}

function tagOf(reference: Reference): string {
  return reference.tag ?? "latest";
}

function isFileError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException)?.code === "string";
}
