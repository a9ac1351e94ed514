import type { Digest } from "../core/digest.js";
import type { BenchResults } from "./results.js";

// Apart from stored-baseline.ts so that results.ts can name origins without importing the readers (which
// import results.ts).

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
