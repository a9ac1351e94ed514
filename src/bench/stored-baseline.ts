/**
 * Stored baselines, below an interleaved A/B in trust (measured on another runner, at another time): a
 * results file, the results attached in a registry to the digest a tag points at, or results the bench-model
 * action restored from the Actions cache. In each, the stored run's candidate side is the baseline now.
 */
import type { Digest } from "../digest.js";
import { describeError, NotFoundError, UsageError } from "../errors.js";
import { fetchResultDocument, listResults, newestFirst } from "../promote/results.js";
import { formatReference, parseReference, referenceVersion } from "../ref.js";
import type { Descriptor } from "../target.js";
import { type OpenTargetOptions, openTarget } from "../targets.js";
import { type BenchResults, parseResults, readResultsFile } from "./results.js";

/** Where a stored baseline came from, as the results JSON records it. */
export type BaselineOrigin =
  | { readonly source: "file"; readonly file: string }
  | {
      readonly source: "registry";
      /** The reference as given (usually a tag such as `stable`) and the manifest digest it resolved to. */
      readonly ref: string;
      readonly digest: Digest;
      /** The result artifact whose document was used. */
      readonly resultDigest: Digest;
    }
  | { readonly source: "cache"; readonly cacheKey: string; readonly file: string };

export interface StoredBaseline {
  readonly origin: BaselineOrigin;
  readonly results: BenchResults;
}

/** One phrase naming the baseline, for error messages. */
export function describeOrigin(origin: BaselineOrigin): string {
  switch (origin.source) {
    case "file":
      return `baseline file ${origin.file}`;
    case "registry":
      return `bench results ${origin.resultDigest} attached to ${origin.digest} (${origin.ref})`;
    case "cache":
      return `cached baseline ${origin.cacheKey}`;
  }
}

export async function baselineFromFile(file: string): Promise<StoredBaseline> {
  return { origin: { source: "file", file }, results: await readResultsFile(file) };
}

/** Results restored from the Actions cache into `file`, under `cacheKey`. */
export async function baselineFromCache(file: string, cacheKey: string): Promise<StoredBaseline> {
  return { origin: { source: "cache", cacheKey, file }, results: await readResultsFile(file) };
}

/**
 * Resolves `refText` (a tag such as `registry/ns/model:stable`, a digest, or an `oci:` layout) and takes the
 * newest bench results document attached to that digest that is a results JSON (what `bench --publish`
 * and `publish-result --kind bench` attach). Passing and failing results alike: their samples are what that
 * digest measured.
 */
export async function baselineFromRegistry(
  refText: string,
  options: OpenTargetOptions = {},
  signal?: AbortSignal,
): Promise<StoredBaseline> {
  const ref = parseReference(refText);
  const target = await openTarget(ref, options);
  let subject: Descriptor;
  try {
    subject = await target.resolve(referenceVersion(ref), { signal });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new UsageError(`baseline ref ${refText}: ${referenceVersion(ref)} not found in ${target.name}`, {
      cause: error,
    });
  }
  const pinned = formatReference({ ...ref, tag: undefined, digest: subject.digest });
  const records = newestFirst((await listResults(target, subject, signal)).filter((r) => r.kind === "bench"));
  const skipped: string[] = [];
  for (const record of records) {
    try {
      const document = await fetchResultDocument(target, record, signal);
      const origin: BaselineOrigin = {
        source: "registry",
        ref: refText,
        digest: subject.digest,
        resultDigest: record.descriptor.digest,
      };
      return { origin, results: parseResults(new TextDecoder().decode(document), describeOrigin(origin)) };
    } catch (error) {
      skipped.push(`${record.descriptor.digest}: ${describeError(error)}`);
    }
  }
  const found = skipped.length ? ` (${skipped.length} bench result(s) unusable: ${skipped.join("; ")})` : "";
  throw new UsageError(
    `baseline ref ${refText}: no bench results attached to ${subject.digest}${found}; attach one with \`cortex-model bench ... --publish ${pinned}\` or \`cortex-model publish-result ${pinned} --kind bench --file results.json\``,
  );
}
