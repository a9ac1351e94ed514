import type { Digest } from "../core/digest.js";
import type { Descriptor } from "../core/target.js";
import { PromoteUsageError } from "./errors.js";

/** The kinds of results a promotion can require: compatibility suites, benchmarks and model scans. */
export const RESULT_KINDS = ["compat", "bench", "scan"] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

export function isResultKind(value: string): value is ResultKind {
  return (RESULT_KINDS as readonly string[]).includes(value);
}

/** One result attached to a model digest. */
export interface ResultRecord {
  readonly descriptor: Descriptor;
  readonly kind: ResultKind;
  readonly passed: boolean;
  readonly created?: string;
}

/** Which required kinds lack results, and which have results of which none passed. */
export interface PolicyVerdict {
  readonly satisfied: boolean;
  readonly missing: readonly ResultKind[];
  readonly failing: readonly ResultKind[];
}

/** `compat,bench` -> the kinds, each once; an unknown kind is a usage error naming the known ones. */
export function parseResultKinds(values: readonly string[]): ResultKind[] {
  const kinds: ResultKind[] = [];
  for (const value of values.flatMap((v) => v.split(",")).map((v) => v.trim())) {
    if (value === "") continue;
    if (!isResultKind(value)) {
      throw new PromoteUsageError(`unknown result kind "${value}" in require: use ${RESULT_KINDS.join(", ")}`);
    }
    if (!kinds.includes(value)) kinds.push(value);
  }
  return kinds;
}

/**
 * A kind is satisfied when at least one passing result of it exists for the digest: a result says that this
 * exact digest passed that suite once, and a later failure of a changed suite does not undo that.
 */
export function evaluatePolicy(required: readonly ResultKind[], results: readonly ResultRecord[]): PolicyVerdict {
  const missing = required.filter((kind) => !results.some((r) => r.kind === kind));
  const failing = required.filter(
    (kind) => !missing.includes(kind) && !results.some((r) => r.kind === kind && r.passed),
  );
  return { satisfied: missing.length === 0 && failing.length === 0, missing, failing };
}

/** One line naming what is missing and what failed; `qualifier` says which results counted ("signed"). */
export function describeVerdict(
  verdict: PolicyVerdict,
  digest: Digest,
  results: readonly ResultRecord[],
  qualifier?: string,
): string {
  const parts = [
    ...verdict.missing.map((kind) => `no ${qualifier ? `${qualifier} ` : ""}${kind} result`),
    ...verdict.failing.map((kind) => {
      const count = results.filter((r) => r.kind === kind).length;
      return `${kind} failing (${count} result${count === 1 ? "" : "s"}, none passed)`;
    }),
  ];
  return `${digest} does not meet the result policy: ${parts.join(", ")}`;
}
