import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Digest, sha256Digest } from "../../../src/core/digest.js";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import type { FetchedManifest } from "../../../src/core/target.js";
import { PromoteUsageError, PromotionRefusedError, RevertRefusedError } from "../../../src/promote/errors.js";
import { readHistory } from "../../../src/promote/history.js";
import { promote } from "../../../src/promote/promote.js";
import { listResults, publishResult } from "../../../src/promote/results.js";
import { revert } from "../../../src/promote/revert.js";
import { openRepository, type RemoteRepository, referrersTag } from "../../../src/registry/index.js";
import { type FaultProxy, startFaultProxy } from "../../helpers/fault-proxy.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";

const who = { actor: "octocat", runUrl: "https://github.com/o/r/actions/runs/7", reason: "nightly gate" };

function uploads(proxy: FaultProxy, from: number) {
  return proxy.requests.slice(from).filter((r) => r.path.includes("/blobs/uploads/"));
}

describe.each(["none", "token"] as const)("promotion on a real registry (auth %s)", (auth) => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let repo: (name: string) => RemoteRepository;
  let models: RemoteRepository;
  let a: FetchedManifest;
  let b: FetchedManifest;

  beforeAll(async () => {
    registry = await startRegistry({ auth });
    proxy = await startFaultProxy(registry.host);
    const credentials =
      registry.username && registry.password ? { username: registry.username, password: registry.password } : {};
    repo = (name) =>
      openRepository(parseReference(`${proxy.host}/${name}`) as RegistryReference, { credentials, env: {} });
    models = repo("ai/model");
    a = await pushTestModel(models, `${auth}-a`);
    b = await pushTestModel(models, `${auth}-b`);
  });
  afterAll(async () => {
    await proxy?.close();
    await registry?.stop();
  });

  it("promotes within the repository without uploading a blob, then again, and records both", async () => {
    const before = proxy.requests.length;
    const first = await promote({
      source: models,
      digest: a.descriptor.digest,
      destination: models,
      tags: ["stable"],
      ...who,
    });
    expect(first.tags).toEqual([
      expect.objectContaining({ tag: "stable", previous: null, digest: a.descriptor.digest, changed: true }),
    ]);
    expect(first.copy).toMatchObject({ manifestsPushed: 0, blobsCopied: 0, blobsMounted: 0 });
    expect(uploads(proxy, before)).toEqual([]);
    expect((await models.resolve("stable")).digest).toBe(a.descriptor.digest);

    const second = await promote({
      source: models,
      digest: b.descriptor.digest,
      destination: models,
      tags: ["stable"],
    });
    expect(second.tags[0]).toMatchObject({ previous: a.descriptor.digest, digest: b.descriptor.digest, changed: true });
    expect(uploads(proxy, before)).toEqual([]);

    const history = await readHistory(models, "stable");
    expect(history.map((e) => [e.action, e.digest, e.previous])).toEqual([
      ["promote", b.descriptor.digest, a.descriptor.digest],
      ["promote", a.descriptor.digest, undefined],
    ]);
    expect(history[1]).toMatchObject({ ...who, source: `${models.name}@${a.descriptor.digest}` });

    const again = await promote({ source: models, digest: b.descriptor.digest, destination: models, tags: ["stable"] });
    expect(again.tags[0]).toMatchObject({ changed: false, previous: b.descriptor.digest });
    expect(await readHistory(models, "stable")).toHaveLength(2);
  });

  it("reverts to the previous digest and records the revert", async () => {
    const result = await revert({ target: models, tag: "stable", to: { steps: 1 }, reason: "regression" });
    expect(result).toMatchObject({ previous: b.descriptor.digest, digest: a.descriptor.digest, changed: true });
    expect((await models.resolve("stable")).digest).toBe(a.descriptor.digest);
    const history = await readHistory(models, "stable");
    expect(history.map((e) => `${e.action}:${e.digest}`)).toEqual([
      `revert:${a.descriptor.digest}`,
      `promote:${b.descriptor.digest}`,
      `promote:${a.descriptor.digest}`,
    ]);
    expect(history[0]).toMatchObject({ previous: b.descriptor.digest, reason: "regression" });
    // "previous" of a revert is the digest it reverted from: reverting again undoes the revert.
    expect((await revert({ target: models, tag: "stable", to: { steps: 1 } })).digest).toBe(b.descriptor.digest);
  });

  it("mounts blobs into another repository of the same registry", async () => {
    const before = proxy.requests.length;
    const production = repo("prod/model");
    const result = await promote({
      source: models,
      digest: a.descriptor.digest,
      destination: production,
      tags: ["stable"],
    });
    expect(result.copy).toMatchObject({ blobsMounted: 2, blobsCopied: 0, manifestsPushed: 1 });
    // With token auth, a request first answered 401 is sent again with a token: count distinct requests.
    const mounts = uploads(proxy, before).filter((r) => r.method === "POST");
    expect(new Set(mounts.map((r) => r.path)).size).toBe(2);
    for (const mount of mounts) expect(mount.path).toMatch(/[?&]mount=sha256%3A[0-9a-f]{64}|[?&]mount=sha256:/);
    for (const mount of mounts) expect(mount.path).toMatch(/[?&]from=ai(%2F|\/)model/);
    expect(uploads(proxy, before).filter((r) => r.method === "PATCH")).toEqual([]);
    expect((await production.resolve("stable")).digest).toBe(a.descriptor.digest);
    expect(await readHistory(production, "stable")).toHaveLength(1);
  });

  it("moves semver aliases forward and never backwards", async () => {
    const v = (digest: Digest, tags: string[]) =>
      promote({ source: models, digest, destination: models, tags, semverAliases: true });
    const first = await v(a.descriptor.digest, ["v1.4.2"]);
    expect(first.tags.map((t) => [t.tag, t.changed, t.alias])).toEqual([
      ["v1.4.2", true, false],
      ["v1.4", true, true],
      ["v1", true, true],
    ]);
    const older = await v(b.descriptor.digest, ["v1.3.9"]);
    expect(older.tags.map((t) => [t.tag, t.changed])).toEqual([
      ["v1.3.9", true],
      ["v1.3", true],
      ["v1", false],
    ]);
    expect(older.tags[2]).toMatchObject({
      digest: a.descriptor.digest,
      note: "v1 stays at v1.4.2, which is newer than v1.3.9",
    });
    expect((await models.resolve("v1")).digest).toBe(a.descriptor.digest);
    const newer = await v(b.descriptor.digest, ["v1.4.3"]);
    expect(newer.tags.every((t) => t.changed)).toBe(true);
    expect((await models.resolve("v1")).digest).toBe(b.descriptor.digest);
    expect((await readHistory(models, "v1"))[0]).toMatchObject({ version: "v1.4.3", digest: b.descriptor.digest });
  });

  it("refuses a promotion without passing results, then accepts it once they exist", async () => {
    const c = await pushTestModel(models, `${auth}-c`);
    const attempt = () =>
      promote({
        source: models,
        digest: c.descriptor.digest,
        destination: models,
        tags: ["gated"],
        require: ["compat", "bench"],
      });
    await expect(attempt()).rejects.toThrow(
      `${c.descriptor.digest} does not meet the result policy: no compat result, no bench result; nothing was promoted`,
    );
    await publishResult(models, c.descriptor, "compat", JSON.stringify({ passed: 3 }), true);
    await publishResult(models, c.descriptor, "bench", JSON.stringify({ verdict: "slower" }), false);
    await expect(attempt()).rejects.toThrow(/bench failing \(1 result, none passed\)/);
    await expect(models.resolve("gated")).rejects.toThrow(/not found/);
    expect(await readHistory(models, "gated")).toEqual([]);

    await publishResult(models, c.descriptor, "bench", JSON.stringify({ verdict: "pass" }), true);
    const accepted = await attempt();
    expect(accepted.tags[0]).toMatchObject({ tag: "gated", changed: true, digest: c.descriptor.digest });
  });

  it("brings the digest's results along to another repository, once", async () => {
    const d = await pushTestModel(models, `${auth}-d`);
    await publishResult(models, d.descriptor, "compat", JSON.stringify({ summary: { verdict: "pass" } }), true);
    await publishResult(models, d.descriptor, "bench", JSON.stringify({ verdict: "pass" }), true);
    const qa = repo("qa/model");
    const before = proxy.requests.length;
    const first = await promote({ source: models, digest: d.descriptor.digest, destination: qa, tags: ["rc"] });
    expect(first.results).toEqual({ copied: 2, present: 0 });
    // Same registry: the results' blobs are mounted like the model's, never uploaded.
    expect(uploads(proxy, before).filter((r) => r.method === "PATCH")).toEqual([]);

    const atSource = await listResults(models, d.descriptor);
    const atDestination = await listResults(qa, d.descriptor);
    expect(atDestination.map((r) => [r.descriptor.digest, r.kind, r.passed]).sort()).toEqual(
      atSource.map((r) => [r.descriptor.digest, r.kind, r.passed]).sort(),
    );
    const gated = await promote({
      source: qa,
      digest: d.descriptor.digest,
      destination: qa,
      tags: ["released"],
      require: ["compat", "bench"],
    });
    expect(gated.tags[0]).toMatchObject({ tag: "released", changed: true, digest: d.descriptor.digest });

    const index = await qa.resolve(referrersTag(d.descriptor.digest));
    const second = await promote({ source: models, digest: d.descriptor.digest, destination: qa, tags: ["rc2"] });
    expect(second.results).toEqual({ copied: 0, present: 2 });
    expect((await qa.resolve(referrersTag(d.descriptor.digest))).digest).toBe(index.digest);
    expect(await listResults(qa, d.descriptor)).toHaveLength(2);
  });

  it("refuses bad inputs clearly and changes nothing", async () => {
    const tagsBefore = (await models.tags()).sort();
    const unknown = sha256Digest("never pushed");
    await expect(promote({ source: models, digest: unknown, destination: models, tags: ["stable"] })).rejects.toThrow(
      new PromotionRefusedError(`${unknown} is not in ${models.name}: nothing to promote`),
    );
    await expect(
      promote({ source: models, digest: a.descriptor.digest, destination: models, tags: ["bad tag"] }),
    ).rejects.toThrow(PromoteUsageError);
    await expect(revert({ target: models, tag: "never-promoted", to: { steps: 1 } })).rejects.toThrow(
      `${models.name}:never-promoted has no history`,
    );
    await expect(revert({ target: models, tag: "stable", to: { digest: unknown } })).rejects.toThrow(
      new RevertRefusedError(
        `${unknown} is not in the history of ${models.name}:stable: a revert only goes back to a digest the tag pointed at`,
      ),
    );
    await expect(revert({ target: models, tag: "stable", to: { steps: 9 } })).rejects.toThrow(/cannot go back 9 steps/);
    expect((await models.tags()).sort()).toEqual(tagsBefore);
  });
});
