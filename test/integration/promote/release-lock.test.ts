import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import { ChannelLockedError, liveClaims, withChannelLock } from "../../../src/promote/channel-lock.js";
import { readHistory } from "../../../src/promote/history.js";
import { release } from "../../../src/promote/release.js";
import { openRepository, type RemoteRepository } from "../../../src/registry/index.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";

// Releases of one channel never interleave, on a registry without compare-and-swap: the claims are tags.
describe("one release per channel at a time", () => {
  let registry: TestRegistry;
  let models: RemoteRepository;

  beforeAll(async () => {
    registry = await startRegistry({ auth: "none" });
    models = openRepository(parseReference(`${registry.host}/ai/locked`) as RegistryReference, { env: {} });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("runs concurrent releases of a channel one after the other, each on the other's live digest", async () => {
    const a = (await pushTestModel(models, "lock-a")).descriptor.digest;
    const b = (await pushTestModel(models, "lock-b")).descriptor.digest;
    const c = (await pushTestModel(models, "lock-c")).descriptor.digest;
    const spans: { digest: string; from: number; to: number }[] = [];
    const releaseOf = (digest: typeof a) =>
      release({
        source: models,
        digest,
        destination: models,
        channel: "prod",
        // Long enough that an unlocked second release would start inside it.
        postSwitch: async (subject) => {
          const from = Date.now();
          await sleep(300);
          spans.push({ digest: subject.digest, from, to: Date.now() });
          return { passed: true, detail: "ok" };
        },
        lock: { waitMs: 60_000 },
      });
    const results = await Promise.all([releaseOf(a), releaseOf(b), releaseOf(c)]);
    expect(results.map((r) => r.outcome)).toEqual(["released", "released", "released"]);
    spans.sort((x, y) => x.from - y.from);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]?.from).toBeGreaterThanOrEqual(spans[i - 1]?.to as number);
    }
    // Each release saw the one before it as live: the previous digests chain through all three.
    const byDigest = new Map(results.map((r) => [r.digest, r]));
    const order = spans.map((s) => byDigest.get(s.digest as typeof a));
    expect(order[0]?.previous).toBeNull();
    expect(order[1]?.previous).toBe(order[0]?.digest);
    expect(order[2]?.previous).toBe(order[1]?.digest);
    expect(order.map((r) => r?.colour)).toEqual(["blue", "green", "blue"]);
    expect((await models.resolve("prod")).digest).toBe(order[2]?.digest);
    expect((await readHistory(models, "prod")).length).toBe(3);
    expect(await liveClaims(models, "prod", new Date(), 3_600_000)).toEqual([]);
  });

  it("refuses after waiting for a release that holds the channel, and takes it once the claim expires", async () => {
    const seen: string[] = [];
    let holding: () => void = () => undefined;
    const held = withChannelLock(
      models,
      "beta",
      () =>
        new Promise<void>((resolve) => {
          holding = resolve;
        }),
      { owner: "run 7", leaseMs: 60_000 },
    );
    while ((await liveClaims(models, "beta", new Date(), 60_000)).length === 0) await sleep(20);
    const refused = withChannelLock(models, "beta", async () => "ran", {
      waitMs: 300,
      onWait: (holder) => seen.push(holder.owner ?? ""),
    });
    await expect(refused).rejects.toThrow(ChannelLockedError);
    await expect(refused).rejects.toThrow(/^another release of channel beta is under way \(by run 7, since /);
    expect(seen[0]).toBe("run 7");
    // A holder that never withdraws (a killed job) blocks only until its lease ends.
    const later = () => new Date(Date.now() + 120_000);
    expect(await withChannelLock(models, "beta", async () => "ran", { now: later })).toBe("ran");
    holding();
    await held;
    expect(await liveClaims(models, "beta", new Date(), 60_000)).toEqual([]);
  });
});
