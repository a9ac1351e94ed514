import { CortexError, UsageError } from "../core/errors.js";

/** A key or trust setting that cannot be used as given: unreadable, the wrong kind, a bad pattern. */
export class TrustUsageError extends UsageError {}

/** A signature or attestation that does not verify, or a digest that lacks the ones a policy asks for. */
export class SignatureError extends CortexError {}
