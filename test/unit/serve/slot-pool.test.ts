import { describe, expect, it } from "vitest";
import { SlotPool } from "../../../src/serve/slot-pool.js";

describe("SlotPool", () => {
  it("runs at most one job per slot and hands slots on in arrival order", async () => {
    const pool = new SlotPool(["a"]);
    const order: string[] = [];
    let release: () => void = () => undefined;
    const first = pool.use(async (slot) => {
      order.push(`start 1 on ${slot}`);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      order.push("end 1");
    });
    const second = pool.use(async (slot) => {
      order.push(`start 2 on ${slot}`);
    });
    const third = pool.use(async () => {
      order.push("start 3");
      throw new Error("boom");
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pool.queued).toBe(2);
    release();
    await first;
    await second;
    await expect(third).rejects.toThrow("boom");
    expect(order).toEqual(["start 1 on a", "end 1", "start 2 on a", "start 3"]);
    expect(pool.idle).toBe(1);
  });
});
