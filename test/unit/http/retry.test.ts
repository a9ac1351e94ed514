import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  RetryLater,
  withRetries,
} from "../../../src/http/retry.js";

const FAST = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 50 };

describe("Retry-After", () => {
  it("reads delta seconds and HTTP dates", () => {
    expect(parseRetryAfter("0")).toBe(0);
    expect(parseRetryAfter(" 120 ")).toBe(120_000);
    const now = Date.parse("Sat, 28 Nov 2026 03:00:00 GMT");
    expect(parseRetryAfter("Sat, 28 Nov 2026 03:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Sat, 28 Nov 2026 02:00:00 GMT", now)).toBe(0);
  });

  it("ignores absent and malformed values", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("1.5")).toBeUndefined();
    expect(parseRetryAfter("-3")).toBeUndefined();
  });
});

describe("retry classification and backoff", () => {
  it("retries 408, 429 and 5xx but not 501 or client errors", () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 416, 501].some(isRetryableStatus)).toBe(false);
  });

  it("recognises broken connections through error causes", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(isRetryableNetworkError(new Error("fetch failed", { cause: reset }))).toBe(true);
    expect(isRetryableNetworkError(Object.assign(new Error("x"), { code: "ERR_STREAM_PREMATURE_CLOSE" }))).toBe(true);
    expect(isRetryableNetworkError(new Error("bad input"))).toBe(false);
  });

  it("backs off exponentially with full jitter, capped", () => {
    expect(backoffDelay(0, DEFAULT_RETRY_POLICY, () => 0.999)).toBeLessThan(DEFAULT_RETRY_POLICY.baseDelayMs);
    expect(backoffDelay(3, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(DEFAULT_RETRY_POLICY.baseDelayMs * 4);
    expect(backoffDelay(30, DEFAULT_RETRY_POLICY, () => 0.999)).toBeLessThan(DEFAULT_RETRY_POLICY.maxDelayMs);
    expect(backoffDelay(5, DEFAULT_RETRY_POLICY, () => 0)).toBe(0);
  });
});

describe("withRetries", () => {
  it("stops after the policy's attempts and reports the last answer's error", async () => {
    let calls = 0;
    const final = new Error("HTTP 503");
    await expect(
      withRetries(FAST, undefined, async () => {
        calls++;
        throw new RetryLater(final);
      }),
    ).rejects.toBe(final);
    expect(calls).toBe(3);
  });

  it("does not retry other errors, nor wait for a Retry-After beyond the limit", async () => {
    let calls = 0;
    await expect(
      withRetries(FAST, undefined, async () => {
        calls++;
        throw new Error("not found");
      }),
    ).rejects.toThrow("not found");
    await expect(
      withRetries(FAST, undefined, async () => {
        calls++;
        throw new RetryLater(new Error("HTTP 429"), 60_000);
      }),
    ).rejects.toThrow("HTTP 429");
    expect(calls).toBe(2);
  });

  it("succeeds after transient failures and stops when aborted", async () => {
    let calls = 0;
    const value = await withRetries(FAST, undefined, async () => {
      if (++calls < 3) throw Object.assign(new Error("reset"), { code: "ECONNRESET" });
      return "ok";
    });
    expect(value).toBe("ok");
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    await expect(
      withRetries(FAST, controller.signal, async () => {
        throw new RetryLater(new Error("HTTP 500"));
      }),
    ).rejects.toThrow("cancelled");
  });
});
