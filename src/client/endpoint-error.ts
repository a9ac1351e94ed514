import { CortexError } from "../core/errors.js";

/**
 * An OpenAI-compatible endpoint failed: unreachable, timed out, answered with an HTTP error, or sent a body
 * that does not parse. `status` is set when the server answered; `serverMessage` carries its own words
 * (the OpenAI-style `error.message`) so callers can show or match them.
 */
export class EndpointError extends CortexError {
  readonly url: string;
  readonly status?: number;
  readonly serverMessage?: string;
  /** OpenAI-style `error.type` / `error.code` when the server sent them. */
  readonly errorType?: string;
  readonly errorCode?: string;

  constructor(
    message: string,
    details: {
      url: string;
      status?: number;
      serverMessage?: string;
      errorType?: string;
      errorCode?: string;
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
