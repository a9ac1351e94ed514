import { descriptorOf, fetchSmallBlob } from "../core/blob-bytes.js";
import { DigestMismatchError } from "../core/errors.js";
import { mapLimit } from "../core/limit.js";
import { decodeImageManifest } from "../core/manifest-document.js";
import { Annotation, MediaType } from "../core/media-types.js";
import type { Descriptor, ImageManifest, ReadOnlyTarget, Target } from "../core/target.js";
import { attachReferrer } from "../registry/referrers.js";
import { isResultKind, type ResultKind, type ResultRecord } from "./policy.js";

export const ResultAnnotation = {
  kind: "io.cortex.model.result.kind",
  passed: "io.cortex.model.result.passed",
  /** The document's own verdict, so a requirement can ask for more than "passed" (bench:pass). */
  verdict: "io.cortex.model.result.verdict",
  /** Present when the publisher recorded `passed` against what the document says. */
  override: "io.cortex.model.result.override",
} as const;

const EMPTY_CONFIG = new TextEncoder().encode("{}");

/** The result artifact's manifest: the results JSON as its one layer, the model manifest as its subject. */
export function resultManifest(
  subject: Descriptor,
  kind: ResultKind,
  resultJson: Uint8Array,
  passed: boolean,
  created: Date,
): { manifest: Descriptor; bytes: Uint8Array; config: Descriptor; layer: Descriptor } {
  const config = descriptorOf(MediaType.ociEmpty, EMPTY_CONFIG);
  const layer = descriptorOf(MediaType.cortexResult, resultJson);
  const document = parsedDocument(resultJson);
  const verdict = documentVerdict(kind, document);
  const reading = documentPassed(kind, document);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: MediaType.cortexResult,
    config,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: {
      [ResultAnnotation.kind]: kind,
      [ResultAnnotation.passed]: String(passed),
      ...(verdict === undefined ? {} : { [ResultAnnotation.verdict]: verdict }),
      ...(reading === undefined || reading === passed
        ? {}
        : { [ResultAnnotation.override]: passed ? "passed" : "failed" }),
      [Annotation.created]: created.toISOString(),
    },
  };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  return { manifest: descriptorOf(MediaType.ociManifest, bytes), bytes, config, layer };
}

/**
 * Attaches a compat or bench result to a model digest as an OCI artifact whose `subject` is the model's
 * manifest, so `promote --require` can find it through the referrers API or its fallback tag.
 */
export async function publishResult(
  target: Target,
  subject: Descriptor,
  kind: ResultKind,
  resultJson: string | Uint8Array,
  passed: boolean,
  options: { created?: Date; signal?: AbortSignal | undefined } = {},
): Promise<Descriptor> {
  const json = typeof resultJson === "string" ? new TextEncoder().encode(resultJson) : resultJson;
  const { manifest, bytes, config, layer } = resultManifest(subject, kind, json, passed, options.created ?? new Date());
  const { signal } = options;
  await target.pushBlob(config, EMPTY_CONFIG, { signal });
  await target.pushBlob(layer, json, { signal });
  await attachReferrer(target, manifest, bytes, { signal });
  return { ...manifest, artifactType: MediaType.cortexResult };
}

/** Results attached to a digest; artifacts that are not well-formed cortex results are ignored. */
export async function listResults(
  target: ReadOnlyTarget,
  subject: Descriptor,
  signal?: AbortSignal | undefined,
): Promise<ResultRecord[]> {
  const referrers = await target.referrers(subject, { artifactType: MediaType.cortexResult, signal });
  const records = await mapLimit(referrers, 8, async (descriptor): Promise<ResultRecord | undefined> => {
    const { bytes } = await target.fetchManifest(descriptor, { signal });
    const annotations = decodeImageManifest(bytes, `result ${descriptor.digest}`).annotations ?? {};
    const kind = annotations[ResultAnnotation.kind];
    const passed = annotations[ResultAnnotation.passed];
    if (kind === undefined || !isResultKind(kind) || (passed !== "true" && passed !== "false")) return undefined;
    const created = annotations[Annotation.created];
    const verdict = annotations[ResultAnnotation.verdict];
    const override = annotations[ResultAnnotation.override];
    return {
      descriptor,
      kind,
      passed: passed === "true",
      ...(verdict ? { verdict } : {}),
      ...(override === "passed" || override === "failed" ? { override } : {}),
      ...(created ? { created } : {}),
    };
  });
  return records.filter((r): r is ResultRecord => r !== undefined);
}

/** Newest first, by the creation time each artifact records; artifacts without one come last. */
export function newestFirst(records: readonly ResultRecord[]): ResultRecord[] {
  return [...records].sort((a, b) => (b.created ?? "").localeCompare(a.created ?? ""));
}

/** Results documents larger than this are refused unread: a stored result is samples, not weights. */
const MAX_RESULT_BYTES = 64 * 2 ** 20;

/** The results JSON a result artifact carries (its one cortex-result layer), checked against its digest. */
export async function fetchResultDocument(
  target: ReadOnlyTarget,
  record: ResultRecord,
  signal?: AbortSignal | undefined,
): Promise<Uint8Array> {
  const { bytes } = await target.fetchManifest(record.descriptor, { signal });
  const manifest = decodeImageManifest(bytes, `result ${record.descriptor.digest}`);
  const layer = manifest.layers.find((l) => l.mediaType === MediaType.cortexResult);
  if (layer === undefined) throw new DigestMismatchError(`result ${record.descriptor.digest} has no results layer`);
  return fetchSmallBlob(
    target,
    layer,
    MAX_RESULT_BYTES,
    `result ${record.descriptor.digest}: its results layer`,
    signal,
  );
}

function parsedDocument(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/** A results document's own verdict: a compat run's `summary.verdict`, a bench run's `verdict`. */
export function documentVerdict(kind: ResultKind, document: unknown): string | undefined {
  const doc = document as { verdict?: unknown; summary?: { verdict?: unknown } } | null;
  const verdict = kind === "compat" ? doc?.summary?.verdict : doc?.verdict;
  return typeof verdict === "string" ? verdict : undefined;
}

/**
 * Whether a results document says it passed: a compat run's verdict and a scan's are "pass"; a bench run
 * showed no regression (pass, improvement or inconclusive: what its exit code 0 says). Undefined when it says neither.
 */
export function documentPassed(kind: ResultKind, document: unknown): boolean | undefined {
  const verdict = documentVerdict(kind, document);
  if (verdict === undefined) return undefined;
  return kind === "bench" ? verdict !== "regression" : verdict === "pass";
}
