import { describe, expect, it } from "vitest";
import { Limiter } from "../../../src/core/limit.js";

/** Queues `count` tasks that run until released; reports how many run at once. */
function hold(limiter: Limiter, count: number) {
  const releases: (() => void)[] = [];
  let running = 0;
  const done = Array.from({ length: count }, () =>
    limiter.run(async () => {
      running += 1;
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
    }),
  );
  return {
    running: () => running,
    releaseOne: async () => {
      releases.shift()?.();
      // The released task's finally and the next task's start run on later microtasks.
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
    done,
  };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe("Limiter", () => {
  it("starts waiting tasks when raised", async () => {
    const limiter = new Limiter(2);
    const tasks = hold(limiter, 10);
    await settle();
    expect(tasks.running()).toBe(2);
    expect(limiter.queued).toBe(8);
    limiter.resize(5);
    await settle();
    expect(tasks.running()).toBe(5);
    expect(limiter.queued).toBe(5);
  });

  it("when cut, lets running tasks finish and starts none until below the new limit", async () => {
    const limiter = new Limiter(4);
    const tasks = hold(limiter, 10);
    await settle();
    limiter.resize(2);
    await tasks.releaseOne();
    expect(tasks.running()).toBe(3);
    await tasks.releaseOne();
    expect(tasks.running()).toBe(2);
    await tasks.releaseOne();
    expect(tasks.running()).toBe(2);
    while (limiter.queued > 0 || tasks.running() > 0) await tasks.releaseOne();
    await Promise.all(tasks.done);
  });
});
