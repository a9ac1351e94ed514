import type { ChatMessage, GenerationOptions } from "../client/types.js";

/** Every assertion the suite format knows; `not-<name>` negates any of them. */
export const assertionNames = [
  "equals",
  "contains",
  "icontains",
  "starts-with",
  "contains-any",
  "contains-all",
  "regex",
  "is-json",
  "json-schema",
  "max-latency-ms",
  "max-ttft-ms",
  "max-tokens",
  "min-tokens",
  "finish-reason",
  "embedding-dim",
  "deterministic",
  "stream-consistent",
  "matches-baseline",
] as const;

export type AssertionName = (typeof assertionNames)[number];

/** Where a thing was written, so errors and annotations can point at it. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

interface AssertionBase {
  /** The type as written, `not-` prefix included, for reports. */
  readonly label: string;
  readonly negate: boolean;
  readonly location: SourceLocation;
}

/** One assertion after loading: values are typed per kind and templated, schemas and regexes resolved. */
export type Assertion = AssertionBase &
  (
    | { readonly kind: "equals" | "contains" | "icontains" | "starts-with" | "finish-reason"; readonly value: string }
    | { readonly kind: "contains-any" | "contains-all"; readonly value: readonly string[] }
    | { readonly kind: "regex"; readonly pattern: RegExp }
    | { readonly kind: "is-json" }
    | { readonly kind: "stream-consistent" }
    | { readonly kind: "json-schema"; readonly schema: Readonly<Record<string, unknown>> }
    | {
        readonly kind: "max-latency-ms" | "max-ttft-ms" | "max-tokens" | "min-tokens" | "embedding-dim";
        readonly value: number;
      }
    | { readonly kind: "deterministic"; readonly n: number }
    | { readonly kind: "matches-baseline"; readonly threshold?: number }
  );

export interface CaseSettings {
  readonly options: GenerationOptions;
  readonly timeoutMs: number;
  readonly repeats: number;
}

export type CaseRequest =
  | { readonly api: "chat"; readonly messages: readonly ChatMessage[] }
  | { readonly api: "completions"; readonly prompt: string }
  | { readonly api: "embeddings"; readonly input: string | readonly string[] };

export type SuiteCase = CaseRequest &
  CaseSettings & {
    readonly id: string;
    readonly description?: string;
    readonly weight: number;
    readonly assertions: readonly Assertion[];
    readonly location: SourceLocation;
  };

export interface Suite {
  /** Path of the suite file as given; errors and annotations name it. */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  /** Weighted pass rate needed, 0..1. */
  readonly threshold: number;
  /** Absolute path of the baseline the suite names, if any. */
  readonly baseline?: string;
  readonly cases: readonly SuiteCase[];
}

export const defaultTimeoutMs = 60_000;
export const defaultDeterministicN = 3;
