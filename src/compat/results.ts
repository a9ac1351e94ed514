import type { Usage } from "../client/types.js";
import type { AssertionResult } from "./assertions/evidence.js";
import type { CaseRequest, SourceLocation } from "./suite.js";

/** A case passed, failed an assertion, or could not be asked (a backend error, which says nothing of the model). */
export type CaseStatus = "pass" | "fail" | "error";

export interface CaseResult {
  readonly id: string;
  readonly description?: string;
  readonly api: CaseRequest["api"];
  readonly status: CaseStatus;
  readonly weight: number;
  /** The first answer's text ("" for embeddings), as recorded into baselines. */
  readonly output: string;
  readonly error?: string;
  readonly assertions: readonly AssertionResult[];
  /** The first answer's timings; `samples` is how many answers the case asked for. */
  readonly timings: { readonly e2eMs?: number; readonly ttftMs?: number; readonly samples: number };
  readonly usage?: Usage;
  /** Wall time of the whole case, all its requests included. */
  readonly durationMs: number;
  readonly location: SourceLocation;
}

export interface RunSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  /** Weight of passed cases over the weight of all cases (errors count as not passed). */
  readonly passRate: number;
  readonly threshold: number;
  readonly verdict: "pass" | "fail";
}

export interface ModelInfo {
  /** The model name sent in requests. */
  readonly name: string;
  /** The reference it was pulled as, when known. */
  readonly reference?: string;
  readonly digest?: string;
}

export interface BackendInfo {
  readonly baseUrl: string;
  readonly name?: string;
}

export interface CaseDifference {
  readonly id: string;
  readonly primary: string;
  readonly other: string;
  readonly primaryStatus: CaseStatus;
  readonly otherStatus: CaseStatus;
}

export interface Comparison {
  readonly model: ModelInfo;
  readonly backend: BackendInfo;
  readonly summary: RunSummary;
  /** Cases whose first answers differ between the two endpoints, in suite order. */
  readonly differences: readonly CaseDifference[];
}

/** The results document (schemas/compat-results.schema.json): what was tested, where, and how each case went. */
export interface CompatResults {
  readonly schemaVersion: 1;
  readonly kind: "compat-results";
  readonly suite: { readonly name: string; readonly file: string };
  readonly model: ModelInfo;
  readonly backend: BackendInfo;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly summary: RunSummary;
  readonly cases: readonly CaseResult[];
  readonly comparison?: Comparison;
}

export function summarise(cases: readonly CaseResult[], threshold: number): RunSummary {
  const count = (status: CaseStatus) => cases.filter((c) => c.status === status).length;
  const totalWeight = cases.reduce((sum, c) => sum + c.weight, 0);
  const passedWeight = cases.filter((c) => c.status === "pass").reduce((sum, c) => sum + c.weight, 0);
  const passRate = totalWeight > 0 ? passedWeight / totalWeight : 0;
  return {
    total: cases.length,
    passed: count("pass"),
    failed: count("fail"),
    errors: count("error"),
    passRate,
    threshold,
    // A tiny tolerance so that weights like 0.1 + 0.2 do not miss a threshold they meet.
    verdict: passRate + 1e-9 >= threshold ? "pass" : "fail",
  };
}

/**
 * 0 the suite passed, 1 it did not, 2 nothing could be evaluated (every case hit a backend error):
 * a run that asked nothing of the model says nothing about it.
 */
export function exitCodeFor(summary: RunSummary): 0 | 1 | 2 {
  if (summary.total > 0 && summary.errors === summary.total) return 2;
  return summary.verdict === "pass" ? 0 : 1;
}

/** `fail-on`: "any" (every case must pass) or the pass rate needed, as a fraction or a percentage. */
export function parseFailOn(text: string): number | undefined {
  if (text === "any") return 1;
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]) / (match[2] ? 100 : 1);
  return value >= 0 && value <= 1 ? value : undefined;
}
