import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Limiter } from "../../../src/core/limit.js";
import { partSizeFor } from "../../../src/pull/pull.js";
import { ConnectionRamp } from "../../../src/pull/ramp.js";

const MiB = 1024 * 1024;

/** A limiter with more parts waiting than any connection count takes. */
function busyLimiter(): Limiter {
  const limiter = new Limiter(1);
  for (let i = 0; i < 100; i++) void limiter.run(() => new Promise<void>(() => {}));
  return limiter;
}

/** Runs the ramp for `windows` windows of 100 ms, each bringing `bytes(limit)` bytes. */
function drive(ramp: ConnectionRamp, limiter: Limiter, windows: number, bytes: (limit: number) => number): number[] {
  const limits: number[] = [];
  for (let i = 0; i < windows; i++) {
    ramp.record(bytes(limiter.limit));
    vi.advanceTimersByTime(100);
    limits.push(limiter.limit);
  }
  return limits;
}

describe("ConnectionRamp", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("doubles the connections while each doubling doubles throughput (a per-connection cap), up to the most", () => {
    const limiter = busyLimiter();
    const ramp = new ConnectionRamp(limiter, 16);
    expect(limiter.limit).toBe(2);
    const limits = drive(ramp, limiter, 12, (limit) => limit * MiB);
    ramp.stop();
    expect(limits).toEqual([2, 4, 4, 8, 8, 16, 16, 16, 16, 16, 16, 16]);
  });

  it("takes back the doubling that brought nothing and stays (a link the connections share)", () => {
    const limiter = busyLimiter();
    const ramp = new ConnectionRamp(limiter, 16);
    const limits = drive(ramp, limiter, 10, () => 50 * MiB);
    ramp.stop();
    expect(limits).toEqual([2, 4, 4, 2, 2, 2, 2, 2, 2, 2]);
  });

  it("does not judge a window in which no part waited", () => {
    const limiter = new Limiter(1);
    const ramp = new ConnectionRamp(limiter, 16);
    const limits = drive(ramp, limiter, 5, (limit) => limit * MiB);
    ramp.stop();
    expect(limits).toEqual([2, 2, 2, 2, 2]);
  });
});

describe("partSizeFor", () => {
  it("is a sixteenth of the blob, from 16 to 64 MiB", () => {
    expect(partSizeFor(MiB)).toBe(16 * MiB);
    expect(partSizeFor(256 * MiB)).toBe(16 * MiB);
    expect(partSizeFor(512 * MiB)).toBe(32 * MiB);
    expect(partSizeFor(1024 * MiB)).toBe(64 * MiB);
    expect(partSizeFor(10 * 1024 * MiB)).toBe(64 * MiB);
    expect(partSizeFor(300 * MiB + 1)).toBe(19 * MiB);
  });
});
