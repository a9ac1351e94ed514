import type { Digest } from "../core/digest.js";
import type { Descriptor } from "../core/target.js";
import { PromoteUsageError } from "./errors.js";

/** The kinds of results a promotion can require: compatibility suites, benchmarks and model scans. */
export const RESULT_KINDS = ["compat", "bench", "scan"] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

export function isResultKind(value: string): value is ResultKind {
  return (RESULT_KINDS as readonly string[]).includes(value);
}

/**
 * What `--require` can ask for. One rule, used by the CLI, the actions and the demo: `compat` is a passing
 * suite; `bench` is a benchmark that showed no regression (pass, improvement or inconclusive, as the gate's
 * exit code says); `bench:pass` is a benchmark that showed a pass or an improvement; `scan` a clean scan.
 */
export const REQUIREMENTS = ["compat", "bench", "bench:pass", "scan"] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

function isRequirement(value: string): value is Requirement {
  return (REQUIREMENTS as readonly string[]).includes(value);
}

/** One result attached to a model digest. */
export interface ResultRecord {
  readonly descriptor: Descriptor;
  readonly kind: ResultKind;
  /** Whether it counts as passed: the document's reading, or the publisher's override. */
  readonly passed: boolean;
  /** The document's own verdict (bench: pass, improvement, inconclusive, regression; compat: pass, fail). */
  readonly verdict?: string;
  /** Set when whoever published it overrode what the document says (publish-result --passed or --failed). */
  readonly override?: "passed" | "failed";
  readonly created?: string;
}

/** Which requirements lack results of their kind, and which have results of which none meets them. */
export interface PolicyVerdict {
  readonly satisfied: boolean;
  readonly missing: readonly Requirement[];
  readonly failing: readonly Requirement[];
}

export function requirementKind(requirement: Requirement): ResultKind {
  return requirement === "bench:pass" ? "bench" : requirement;
}

/** `compat,bench:pass` -> the requirements, each once; an unknown one is a usage error naming the known ones. */
export function parseResultKinds(values: readonly string[]): Requirement[] {
  const requirements: Requirement[] = [];
  for (const value of values.flatMap((v) => v.split(",")).map((v) => v.trim())) {
    if (value === "") continue;
    if (!isRequirement(value)) {
      throw new PromoteUsageError(`unknown result kind "${value}" in require: use ${REQUIREMENTS.join(", ")}`);
    }
    if (!requirements.includes(value)) requirements.push(value);
  }
  return requirements;
}

/**
 * Whether one result meets a requirement. An override recorded by the publisher stands (and says so in the
 * record); results published before verdicts were recorded fall back to their passed flag.
 */
export function meets(record: ResultRecord, requirement: Requirement): boolean {
  if (record.kind !== requirementKind(requirement)) return false;
  if (record.override !== undefined || record.verdict === undefined) return record.passed;
  switch (requirement) {
    case "compat":
    case "scan":
      return record.passed;
    case "bench":
      return record.verdict !== "regression";
    case "bench:pass":
      return record.verdict === "pass" || record.verdict === "improvement";
  }
}

/**
 * A requirement is satisfied when at least one result of its kind meets it: a result says that this exact
 * digest passed that suite once, and a later failure of a changed suite does not undo that.
 */
export function evaluatePolicy(required: readonly Requirement[], results: readonly ResultRecord[]): PolicyVerdict {
  const missing = required.filter((req) => !results.some((r) => r.kind === requirementKind(req)));
  const failing = required.filter((req) => !missing.includes(req) && !results.some((r) => meets(r, req)));
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
    ...verdict.missing.map((req) => `no ${qualifier ? `${qualifier} ` : ""}${requirementKind(req)} result`),
    ...verdict.failing.map((req) => {
      const count = results.filter((r) => r.kind === requirementKind(req)).length;
      const none = req === "bench:pass" ? "none showed a pass" : "none passed";
      return `${req} failing (${count} result${count === 1 ? "" : "s"}, ${none})`;
    }),
  ];
  return `${digest} does not meet the result policy: ${parts.join(", ")}`;
}
