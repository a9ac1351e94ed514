import { setTimeout as sleep } from "node:timers/promises";

/** How hard to try: total attempts per request and the backoff between them. */
export interface RetryPolicy {
  /** Total attempts, the first included (1 = no retries). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the request fails instead. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
};

/** 408 and 429 say "later"; 5xx other than 501 (a permanent "not implemented") may pass on a new attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** `Retry-After` as milliseconds to wait: delta seconds or an HTTP date; undefined when absent or malformed. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP dates always name a weekday or month; Date.parse alone would also accept bare numbers like "1.5".
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^retry)]. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/** Whether an error (or one of its causes) is a broken or refused connection that a new attempt may fix. */
export function isRetryableNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && RETRYABLE_CODES.has(code)) return true;
    if (current.name === "TransientTransferError") return true;
    current = current.cause;
  }
  return false;
}

/** A connection-level error with the code that marks it as one a new attempt may fix (see RETRYABLE_CODES). */
export function networkError(message: string, code: string, cause?: unknown): Error {
  return Object.assign(new Error(message, cause === undefined ? {} : { cause }), { code });
}

/** Content that came out wrong in transit (cut short, corrupted): worth another attempt. */
export class TransientTransferError extends Error {
  override readonly name = "TransientTransferError";
}

export async function wait(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) {
    signal?.throwIfAborted();
    return;
  }
  await sleep(ms, undefined, signal ? { signal } : undefined);
}

/** Thrown by an attempt whose answer says "try again": carries the error to report if no attempt is left. */
export class RetryLater extends Error {
  override readonly name = "RetryLater";
  constructor(
    readonly finalError: Error,
    readonly retryAfterMs?: number,
  ) {
    super(finalError.message);
  }
}

/**
 * What to throw for a response whose status failed the request: `error` itself, or wrapped in RetryLater
 * (with the response's Retry-After) when the status is worth another attempt.
 */
export function statusFailure(response: { status: number; header(name: string): string | undefined }, error: Error) {
  if (!isRetryableStatus(response.status)) return error;
  return new RetryLater(error, parseRetryAfter(response.header("retry-after")));
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the policy's attempts are spent. Broken connections
 * and RetryLater are retried after a jittered backoff, or after the server's Retry-After when it gave one.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      await wait(retryDelay(policy, n, error), signal);
    }
  }
}

/** How long to wait after attempt `n` failed with `error`; throws what to report when no retry is left. */
function retryDelay(policy: RetryPolicy, n: number, error: unknown): number {
  const later = error instanceof RetryLater ? error : undefined;
  if (!later && !isRetryableNetworkError(error)) throw error;
  const last = n + 1 >= policy.attempts;
  const tooLong = later?.retryAfterMs !== undefined && later.retryAfterMs > policy.maxRetryAfterMs;
  if (last || tooLong) throw later ? later.finalError : error;
  return later?.retryAfterMs ?? backoffDelay(n, policy);
}
