import { digestHex, sha256Digest } from "../core/digest.js";
import { MediaType } from "../core/media-types.js";
import type { ResourceDescriptor, Statement } from "./statement.js";

/** Predicate types written and read here. */
export const PredicateType = {
  /** What `cosign sign` puts in the statement it signs in a Sigstore bundle: the digest itself, no claims. */
  cosignSign: "https://sigstore.dev/cosign/sign/v1",
  /** The in-toto test-result predicate: compatibility suite runs. */
  testResult: "https://in-toto.io/attestation/test-result/v0.1",
  /** This project's benchmark predicate; its schema is schemas/bench-predicate.schema.json. */
  benchResult: "https://cortex-model-ci.dev/attestation/bench-result/v0.1",
  /** This project's scan predicate: the scan's outcome and its results JSON by digest. */
  scanResult: "https://cortex-model-ci.dev/attestation/scan-result/v0.1",
} as const;

/** The results JSON an attestation summarises, referenced by its digest. */
function resultsDescriptor(results: Uint8Array, name: string): ResourceDescriptor {
  return { name, digest: { sha256: digestHex(sha256Digest(results)) }, mediaType: MediaType.cortexResult };
}

interface LooseCompat {
  readonly suite?: { readonly name?: unknown; readonly file?: unknown };
  readonly summary?: { readonly verdict?: unknown; readonly threshold?: unknown };
  readonly cases?: readonly { readonly id?: unknown; readonly status?: unknown }[];
}

/**
 * The in-toto test-result predicate for a compat results document: PASSED or FAILED as recorded, the case
 * ids by outcome, and the full results JSON referenced by digest as the run's configuration record.
 */
export function testResultPredicate(
  results: Uint8Array,
  passed: boolean,
  options: { url?: string } = {},
): Record<string, unknown> {
  const doc = parseLoose<LooseCompat>(results);
  const cases = Array.isArray(doc.cases) ? doc.cases : [];
  const ids = (wanted: (status: unknown) => boolean) =>
    cases.filter((c) => typeof c.id === "string" && wanted(c.status)).map((c) => c.id as string);
  const suite = typeof doc.suite?.name === "string" ? doc.suite.name : undefined;
  const record = resultsDescriptor(results, "compat-results.json");
  return {
    result: passed ? "PASSED" : "FAILED",
    configuration: [suite ? { ...record, annotations: { suite } } : record],
    ...(options.url ? { url: options.url } : {}),
    passedTests: ids((s) => s === "pass"),
    warnedTests: [],
    failedTests: ids((s) => s !== "pass"),
  };
}

interface LooseBench {
  readonly verdict?: unknown;
  readonly createdAt?: unknown;
  readonly baseline?: { readonly modelRef?: unknown; readonly digest?: unknown };
  readonly candidate?: { readonly threads?: unknown; readonly backend?: unknown };
}

/** This project's bench predicate: the verdict, what it was compared against, the results JSON by digest. */
export function benchPredicate(
  results: Uint8Array,
  passed: boolean,
  options: { url?: string } = {},
): Record<string, unknown> {
  const doc = parseLoose<LooseBench>(results);
  const baselineDigest = typeof doc.baseline?.digest === "string" ? doc.baseline.digest : undefined;
  return {
    result: passed ? "PASSED" : "FAILED",
    ...(typeof doc.verdict === "string" ? { verdict: doc.verdict } : {}),
    ...(baselineDigest ? { baseline: { digest: { sha256: baselineDigest.replace(/^sha256:/, "") } } } : {}),
    ...(typeof doc.createdAt === "string" ? { createdAt: doc.createdAt } : {}),
    results: resultsDescriptor(results, "bench-results.json"),
    ...(options.url ? { url: options.url } : {}),
  };
}

/** This project's scan predicate: passed or not, and the scan results JSON (findings and all) by digest. */
export function scanPredicate(
  results: Uint8Array,
  passed: boolean,
  options: { url?: string } = {},
): Record<string, unknown> {
  return {
    result: passed ? "PASSED" : "FAILED",
    results: resultsDescriptor(results, "scan-results.json"),
    ...(options.url ? { url: options.url } : {}),
  };
}

function parseLoose<T>(bytes: Uint8Array): Partial<T> {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    return value !== null && typeof value === "object" ? (value as Partial<T>) : {};
  } catch {
    return {};
  }
}

/** Whether a verified statement records a passing run: `result` PASSED in both predicates. */
export function statementPassed(s: Statement): boolean {
  return s.predicate.result === "PASSED";
}
