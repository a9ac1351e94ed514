import type { GenerationTiming, Usage } from "../../client/types.js";
import type { SourceLocation } from "../suite.js";

/** One answer from the endpoint, reduced to what assertions read. */
export interface Sample {
  readonly text: string;
  readonly finishReason: string | null;
  readonly usage?: Usage | undefined;
  readonly timing: GenerationTiming;
  /** Embeddings cases only. */
  readonly embeddings?: readonly (readonly number[])[];
}

/** Everything gathered for one case before its assertions are checked. */
export interface Evidence {
  /** Every answer to the case's request (repeats and deterministic's n), in the order received. */
  readonly samples: readonly Sample[];
  /** The same request in the other mode (streamed vs not), present when stream-consistent asks for it. */
  readonly otherMode?: { readonly streamed: string; readonly plain: string };
  /** The golden output recorded for this case; undefined when the baseline has none. */
  readonly baseline?: string;
}

/** What one check observed; `reason` states the fact, so it reads right whether or not it is negated. */
export interface Observation {
  readonly holds: boolean;
  readonly reason: string;
  /** For text mismatches: both sides, so reporters can show a diff. */
  readonly expected?: string;
  readonly actual?: string;
}

export interface AssertionResult {
  /** The type as written, `not-` included. */
  readonly type: string;
  readonly pass: boolean;
  readonly reason: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly location: SourceLocation;
}
