import { CortexError } from "../core/errors.js";

/** The benchmark could not be made (a backend failed, a response lacked what a metric needs): exit 2. */
export class BenchRunError extends CortexError {
  override readonly exitCode: number = 2;
}
