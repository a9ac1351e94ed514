import { CortexError } from "../core/errors.js";

/**
 * An OpenAI-compatible endpoint failed: unreachable, timed out, answered with an HTTP error, or sent a body
 * that does not parse. `status` is set when the server answered; `serverMessage` carries its own words
 * (the OpenAI-style `error.message`) so callers can show or match them.
 */
export class EndpointError extends CortexError {
  readonly url: string;
  readonly status?: number | undefined;
  readonly serverMessage?: string | undefined;
  /** OpenAI-style `error.type` / `error.code` when the server sent them. */
  readonly errorType?: string | undefined;
  readonly errorCode?: string | undefined;

  constructor(
    message: string,
    details: {
      url: string;
      status?: number | undefined;
      serverMessage?: string | undefined;
      errorType?: string | undefined;
      errorCode?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.url = details.url;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.errorType = details.errorType;
    this.errorCode = details.errorCode;
  }
}
