/**
 * Every failure the suite reports to a person is a CortexError: a one-line message that names the cause,
 * the underlying error kept as `cause` for debugging. The kinds below let callers branch on a failure without
 * parsing messages; a class of its own is kept only where some caller tells it apart or it carries fields.
 */
export class CortexError extends Error {
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number = 1;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that can never succeed as given (a malformed reference, an unknown flag, an invalid file). */
export class UsageError extends CortexError {
  override readonly exitCode: number = 2;
}

/** A reference string that does not parse; the message names the offending part. */
export class InvalidReferenceError extends UsageError {}

/** Content whose size or digest does not match what its descriptor promised. */
export class DigestMismatchError extends CortexError {}

/** Something asked for (a tag, a manifest, a blob) that the target does not hold: the run cannot be made (exit 2). */
export class NotFoundError extends CortexError {
  override readonly exitCode: number = 2;
}

/**
 * Content not in the form it must have: a manifest, GGUF file, layout or foreign model store that cannot be
 * read as one, or a model with no form the operation can write.
 */
export class FormatError extends CortexError {}

/**
 * The machine refused what an operation needs: disk space, a writable store, a lock, a folder that stays
 * inside its directory, a helper program, child process or runtime that ran and failed.
 */
export class EnvironmentError extends CortexError {}

/** Content could not be moved between places: a source that failed or sent the wrong amount, a refused push. */
export class TransferError extends CortexError {}

/** One line for a person: the message, plus the cause's message when it adds something. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? (error.cause.message.split("\n")[0] ?? "").trim() : undefined;
    const firstLine = (error.message.split("\n")[0] ?? "").trim();
    return cause && !firstLine.includes(cause) ? `${firstLine}: ${cause}` : firstLine;
  }
  return String(error);
}
