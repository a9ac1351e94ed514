import { CortexError } from "../core/errors.js";
import type { BenchOutcome } from "./bench.js";

/** The benchmark could not be made (a backend failed, a response lacked what a metric needs): exit 2. */
export class BenchRunError extends CortexError {
  override readonly exitCode: number = 2;
}

/**
 * A request failed part way: measuring stopped, and `outcome` holds the results and report of what was
 * measured until then (with the error), for a caller that writes them before it fails.
 */
export class BenchStoppedError extends BenchRunError {
  constructor(
    message: string,
    readonly outcome: BenchOutcome,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
