import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import type { FetchedManifest } from "../../../src/core/target.js";
import { TagMoveError } from "../../../src/promote/errors.js";
import { readHistory, readHistoryRecords } from "../../../src/promote/history.js";
import { promote } from "../../../src/promote/promote.js";
import { openRepository, type RemoteRepository } from "../../../src/registry/index.js";
import { type FaultProxy, startFaultProxy } from "../../helpers/fault-proxy.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";

// One attempt per request: each injected fault is final, as if the registry kept failing.
const ONE_ATTEMPT = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };
const SERVER_ERROR = { kind: "status", status: 500 } as const;

describe("promotion when the registry fails half way", () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let models: RemoteRepository;
  let a: FetchedManifest;
  let b: FetchedManifest;

  beforeAll(async () => {
    registry = await startRegistry({ auth: "none" });
    proxy = await startFaultProxy(registry.host);
    models = openRepository(parseReference(`${proxy.host}/ai/model`) as RegistryReference, {
      retry: ONE_ATTEMPT,
      env: {},
    });
    a = await pushTestModel(models, "fault-a");
    b = await pushTestModel(models, "fault-b");
    await promote({ source: models, digest: a.descriptor.digest, destination: models, tags: ["stable"] });
  });
  afterAll(async () => {
    await proxy?.close();
    await registry?.stop();
  });

  const toB = () => promote({ source: models, digest: b.descriptor.digest, destination: models, tags: ["stable"] });

  async function expectConsistent(expected: FetchedManifest) {
    expect((await models.resolve("stable")).digest).toBe(expected.descriptor.digest);
    expect((await readHistory(models, "stable"))[0]?.digest).toBe(expected.descriptor.digest);
  }

  it("leaves the tag old and cancels the entry when the tag update fails", async () => {
    proxy.inject({ method: "PUT", path: /\/manifests\/stable$/, fault: SERVER_ERROR });
    const error = await toB().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TagMoveError);
    expect((error as TagMoveError).state).toBe("old");
    expect((error as Error).message).toMatch(
      new RegExp(`^tag stable was not moved \\(it still points at ${a.descriptor.digest}\\): .*HTTP 500`),
    );
    expect(proxy.pending()).toBe(0);
    await expectConsistent(a);
    const records = await readHistoryRecords(models, "stable");
    expect(records.map((r) => r.action)).toEqual(["abort", "promote", "promote"]);
  });

  it("leaves tag and history untouched when the history entry cannot be written", async () => {
    const before = await readHistoryRecords(models, "stable");
    proxy.inject({ method: "PUT", path: /\/manifests\/cortex-history-stable-/, fault: SERVER_ERROR });
    await expect(toB()).rejects.toThrow(
      /^tag stable was not moved: its history entry could not be written: .*HTTP 500/,
    );
    await expectConsistent(a);
    // The failed write left nothing; the precautionary abort marker names an entry that does not exist.
    const after = await readHistoryRecords(models, "stable");
    expect(after.filter((r) => r.action !== "abort")).toEqual(before.filter((r) => r.action !== "abort"));
  });

  it("counts a tag update whose answer was lost as done, once the tag reads back moved", async () => {
    proxy.inject({ method: "PUT", path: /\/manifests\/stable$/, fault: { kind: "cut", afterBytes: 0 } });
    const result = await toB();
    expect(proxy.pending()).toBe(0);
    const cut = proxy.requests.findLastIndex((r) => r.fault === "cut");
    expect(proxy.requests[cut + 1]).toMatchObject({ method: "HEAD", path: "/v2/ai/model/manifests/stable" });
    expect(result.tags[0]).toMatchObject({ changed: true, previous: a.descriptor.digest });
    await expectConsistent(b);
  });
});
