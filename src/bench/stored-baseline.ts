/**
 * Stored baselines, below an interleaved A/B in trust (measured on another runner, at another time): a
 * results file, the results attached in a registry to the digest a tag points at, or results the bench-model
 * action restored from the Actions cache. In each, the stored run's candidate side is the baseline now.
 */

import { type OpenTargetOptions, openTarget } from "../copy/targets.js";
import { describeError, NotFoundError, UsageError } from "../core/errors.js";
import { formatReference, parseReference, referenceVersion } from "../core/ref.js";
import type { Descriptor } from "../core/target.js";
import { fetchResultDocument, listResults, newestFirst } from "../promote/results.js";
import { type BaselineOrigin, describeOrigin, type StoredBaseline } from "./baseline-origin.js";
import { parseResults, readResultsFile } from "./results.js";

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
  signal?: AbortSignal | undefined,
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
    `baseline ref ${refText}: no bench results attached to ${subject.digest}${found}; attach one with bench-model's publish: true (cortex-model bench --publish ${pinned}) or \`cortex-model publish-result ${pinned} --kind bench --file results.json\``,
  );
}
