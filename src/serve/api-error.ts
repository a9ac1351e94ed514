import { CortexError } from "../core/errors.js";

export type ApiErrorType = "invalid_request_error" | "not_found_error" | "server_error";

/**
 * A request the embedded server answers with an OpenAI-style error body and an HTTP status:
 * `{"error": {"message", "type", "param", "code"}}`, as OpenAI, llama.cpp's server and our client expect.
 */
export class ApiError extends CortexError {
  readonly status: number;
  readonly type: ApiErrorType;
  readonly param: string | null;
  readonly code: string | null;

  constructor(
    status: number,
    message: string,
    options: { type?: ApiErrorType; param?: string; code?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.type = options.type ?? (status >= 500 ? "server_error" : "invalid_request_error");
    this.param = options.param ?? null;
    this.code = options.code ?? null;
  }

  toBody(): { error: { message: string; type: ApiErrorType; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400 for a parameter that is missing or has the wrong shape; names the parameter. */
export function invalidParam(param: string, message: string): ApiError {
  return new ApiError(400, message, { param, code: "invalid_value" });
}
