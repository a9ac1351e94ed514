import { type Digest, isDigest, sha256Digest } from "../core/digest.js";
import { describeError } from "../core/errors.js";
import { decodeIndex } from "../core/manifest-document.js";
import { Annotation, MediaType } from "../core/media-types.js";
import type { Descriptor, ImageIndex } from "../core/target.js";
import { HistoryEntryError } from "./errors.js";

/** artifactType of the OCI index that is one history entry. */
export const HISTORY_ARTIFACT_TYPE = "application/vnd.cortex.model.history.v1+json";

const NS = "io.cortex.model.history";
export const HistoryAnnotation = {
  tag: `${NS}.tag`,
  action: `${NS}.action`,
  digest: `${NS}.digest`,
  previous: `${NS}.previous`,
  actor: `${NS}.actor`,
  runUrl: `${NS}.run-url`,
  reason: `${NS}.reason`,
  version: `${NS}.version`,
  source: `${NS}.source`,
  aborts: `${NS}.aborts`,
  role: `${NS}.role`,
} as const;

/** Who asked for a change and why; every field is optional because a laptop knows less than a CI run. */
export interface Provenance {
  readonly actor?: string;
  readonly runUrl?: string;
  readonly reason?: string;
}

/** A recorded tag move: the tag was pointed at `digest` (by a promotion or a revert). */
export interface MoveEntry extends Provenance {
  readonly action: "promote" | "revert";
  /** The entry's own tag: unique, and its sort key. */
  readonly id: string;
  readonly tag: string;
  readonly time: string;
  readonly digest: Digest;
  /** The moved-to manifest's descriptor, as the entry's index references it. */
  readonly descriptor: Descriptor;
  /** Where the tag pointed before, when it existed. */
  readonly previous?: Digest;
  /** The full version a semver promotion was for (`v1.4.2` for tags `v1.4.2`, `v1.4`, `v1`). */
  readonly version?: string;
  /** The reference promoted from, for the record. */
  readonly source?: string;
}

/** Cancels a move entry whose tag update failed: the tag never moved, so the entry must not count. */
export interface AbortMarker {
  readonly action: "abort";
  readonly id: string;
  readonly tag: string;
  readonly time: string;
  /** The id of the entry it cancels. */
  readonly aborts: string;
  readonly reason?: string;
}

export type HistoryRecord = MoveEntry | AbortMarker;

/** A record as written: before it has its name (the tag it is stored under, which becomes its id). */
export type NewMoveEntry = Omit<MoveEntry, "time" | "id"> & {
  readonly time: Date;
  readonly previousDescriptor?: Descriptor;
};
/** `keep` is the manifest the tag stayed on, referenced so that garbage collection keeps it too. */
export type NewAbortMarker = Omit<AbortMarker, "time" | "id"> & { readonly time: Date; readonly keep?: Descriptor };

function referenced(descriptor: Descriptor, role: string): Descriptor {
  return {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    annotations: { [HistoryAnnotation.role]: role },
  };
}

function defined(entries: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * The OCI index for a record. It references the moved-to manifest and the one moved away from, so garbage
 * collection keeps every digest the tag ever pointed at for as long as the entry exists.
 */
export function encodeHistoryRecord(record: NewMoveEntry | NewAbortMarker): {
  descriptor: Descriptor;
  bytes: Uint8Array;
} {
  const common = {
    [Annotation.created]: record.time.toISOString(),
    [HistoryAnnotation.tag]: record.tag,
    [HistoryAnnotation.action]: record.action,
    [HistoryAnnotation.reason]: record.reason,
  };
  let manifests: Descriptor[];
  let annotations: Record<string, string>;
  if (record.action === "abort") {
    manifests = record.keep ? [referenced(record.keep, "previous")] : [];
    annotations = defined({ ...common, [HistoryAnnotation.aborts]: record.aborts });
  } else {
    const previous = record.previousDescriptor;
    manifests = [referenced(record.descriptor, "digest")];
    if (previous && previous.digest !== record.digest) manifests.push(referenced(previous, "previous"));
    annotations = defined({
      ...common,
      [HistoryAnnotation.digest]: record.digest,
      [HistoryAnnotation.previous]: record.previous,
      [HistoryAnnotation.actor]: record.actor,
      [HistoryAnnotation.runUrl]: record.runUrl,
      [HistoryAnnotation.version]: record.version,
      [HistoryAnnotation.source]: record.source,
    });
  }
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    artifactType: HISTORY_ARTIFACT_TYPE,
    manifests,
    annotations,
  };
  const bytes = new TextEncoder().encode(JSON.stringify(index));
  return { descriptor: { mediaType: MediaType.ociIndex, digest: sha256Digest(bytes), size: bytes.length }, bytes };
}

function optionalDigest(value: string | undefined, id: string, what: string): Digest | undefined {
  if (value === undefined) return undefined;
  if (!isDigest(value)) throw new HistoryEntryError(`history entry ${id}: ${what} "${value}" is not a sha256 digest`);
  return value;
}

/** Reads a record back from its index bytes; anything malformed is an error naming the entry. */
export function decodeHistoryRecord(id: string, bytes: Uint8Array): HistoryRecord {
  let index: ImageIndex;
  try {
    index = decodeIndex(bytes, `history entry ${id}`);
  } catch (error) {
    throw new HistoryEntryError(describeError(error), { cause: error });
  }
  if (index.artifactType !== HISTORY_ARTIFACT_TYPE) {
    throw new HistoryEntryError(`history entry ${id} is not a ${HISTORY_ARTIFACT_TYPE} index`);
  }
  const a = index.annotations ?? {};
  const tag = a[HistoryAnnotation.tag];
  const time = a[Annotation.created];
  const action = a[HistoryAnnotation.action];
  if (!tag || !time) throw new HistoryEntryError(`history entry ${id} lacks its tag or time annotation`);
  const reason = a[HistoryAnnotation.reason];
  if (action === "abort") {
    const aborts = a[HistoryAnnotation.aborts];
    if (!aborts) throw new HistoryEntryError(`history entry ${id}: abort marker names no entry`);
    return { action, id, tag, time, aborts, ...(reason === undefined ? {} : { reason }) };
  }
  if (action !== "promote" && action !== "revert") {
    throw new HistoryEntryError(`history entry ${id}: unknown action "${action}"`);
  }
  const digest = optionalDigest(a[HistoryAnnotation.digest], id, "digest");
  const descriptor = index.manifests.find((m) => m.digest === digest);
  if (!digest || !descriptor) throw new HistoryEntryError(`history entry ${id} does not reference its digest`);
  const previous = optionalDigest(a[HistoryAnnotation.previous], id, "previous digest");
  const optional = defined({
    actor: a[HistoryAnnotation.actor],
    runUrl: a[HistoryAnnotation.runUrl],
    reason,
    version: a[HistoryAnnotation.version],
    source: a[HistoryAnnotation.source],
  });
  return {
    action,
    id,
    tag,
    time,
    digest,
    descriptor: { mediaType: descriptor.mediaType, digest, size: descriptor.size },
    ...(previous === undefined ? {} : { previous }),
    ...optional,
  };
}
