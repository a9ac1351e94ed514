import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import type { FetchedManifest, ImageManifest } from "../../../src/core/target.js";
import { readHistory } from "../../../src/promote/history.js";
import { promote } from "../../../src/promote/promote.js";
import { listResults, publishResult } from "../../../src/promote/results.js";
import { revert } from "../../../src/promote/revert.js";
import { openRepository, type RemoteRepository } from "../../../src/registry/index.js";
import { OciLayout } from "../../../src/store/oci-layout.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";

describe("promotion across registries and oci: layouts", () => {
  let open: TestRegistry;
  let token: TestRegistry;
  let dir: string;
  let origin: RemoteRepository;
  let other: RemoteRepository;
  let layout: OciLayout;
  let a: FetchedManifest;

  beforeAll(async () => {
    [open, token] = await Promise.all([startRegistry({ auth: "none" }), startRegistry({ auth: "token" })]);
    dir = await mkdtemp(path.join(os.tmpdir(), "cortex-promote-layout-"));
    origin = openRepository(parseReference(`${open.host}/ai/model`) as RegistryReference, { env: {} });
    other = openRepository(parseReference(`${token.host}/release/model`) as RegistryReference, {
      credentials: { username: token.username ?? "", password: token.password ?? "" },
      env: {},
    });
    layout = await OciLayout.open(dir, { create: true });
    a = await pushTestModel(origin, "layout-a", 256 * 1024);
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), token?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("copies a model from a registry into a layout, digest preserved, with history", async () => {
    const result = await promote({
      source: origin,
      digest: a.descriptor.digest,
      destination: layout,
      tags: ["stable"],
    });
    expect(result.copy).toMatchObject({ manifestsPushed: 1, blobsCopied: 2, blobsSkipped: 0 });
    expect((await layout.resolve("stable")).digest).toBe(a.descriptor.digest);
    const manifest = JSON.parse(new TextDecoder().decode(a.bytes)) as ImageManifest;
    for (const blob of [manifest.config, ...manifest.layers]) expect(await layout.exists(blob)).toBe(true);
    expect((await readHistory(layout, "stable")).map((e) => e.digest)).toEqual([a.descriptor.digest]);
  });

  it("copies from a layout to another registry, skipping blobs it already holds", async () => {
    const manifest = JSON.parse(new TextDecoder().decode(a.bytes)) as ImageManifest;
    const configBytes = new Uint8Array(await buffer(await layout.fetchBlob(manifest.config)));
    await other.pushBlob(manifest.config, configBytes);
    const result = await promote({ source: layout, digest: a.descriptor.digest, destination: other, tags: ["v2.0.0"] });
    expect(result.copy).toMatchObject({ manifestsPushed: 1, blobsCopied: 1, blobsSkipped: 1 });
    expect((await other.resolve("v2.0.0")).digest).toBe(a.descriptor.digest);
    expect((await other.fetchManifest(a.descriptor.digest)).bytes).toEqual(a.bytes);
  });

  it("promotes and reverts inside a layout", async () => {
    const b = await pushTestModel(layout, "layout-b");
    await promote({
      source: layout,
      digest: b.descriptor.digest,
      destination: layout,
      tags: ["stable"],
      reason: "newer",
    });
    expect((await layout.resolve("stable")).digest).toBe(b.descriptor.digest);
    const back = await revert({ target: layout, tag: "stable", to: { digest: a.descriptor.digest } });
    expect(back).toMatchObject({ previous: b.descriptor.digest, digest: a.descriptor.digest, changed: true });
    expect((await readHistory(layout, "stable")).map((e) => `${e.action}:${e.digest}`)).toEqual([
      `revert:${a.descriptor.digest}`,
      `promote:${b.descriptor.digest}`,
      `promote:${a.descriptor.digest}`,
    ]);
  });

  it("brings results along from a layout to a registry and from a registry to a layout, once", async () => {
    const e = await pushTestModel(layout, "layout-results");
    await publishResult(layout, e.descriptor, "compat", JSON.stringify({ summary: { verdict: "pass" } }), true);
    await publishResult(layout, e.descriptor, "bench", JSON.stringify({ verdict: "improvement" }), true);
    const first = await promote({ source: layout, digest: e.descriptor.digest, destination: other, tags: ["rc"] });
    expect(first.results).toEqual({ copied: 2, present: 0 });
    const gated = await promote({
      source: other,
      digest: e.descriptor.digest,
      destination: other,
      tags: ["released"],
      require: ["compat", "bench"],
    });
    expect(gated.tags[0]).toMatchObject({ changed: true, digest: e.descriptor.digest });
    const second = await promote({ source: layout, digest: e.descriptor.digest, destination: other, tags: ["rc2"] });
    expect(second.results).toEqual({ copied: 0, present: 2 });
    expect((await listResults(other, e.descriptor)).map((r) => r.kind).sort()).toEqual(["bench", "compat"]);

    await publishResult(origin, a.descriptor, "compat", JSON.stringify({ summary: { verdict: "pass" } }), true);
    const back = await promote({ source: origin, digest: a.descriptor.digest, destination: layout, tags: ["checked"] });
    expect(back.results).toEqual({ copied: 1, present: 0 });
    const copied = await listResults(layout, a.descriptor);
    expect(copied).toMatchObject([{ kind: "compat", passed: true }]);
    for (const { descriptor } of copied) {
      const { bytes } = await layout.fetchManifest(descriptor);
      const { config, layers } = JSON.parse(new TextDecoder().decode(bytes)) as ImageManifest;
      for (const blob of [config, ...layers]) expect(await layout.exists(blob)).toBe(true);
    }
    const again = await promote({
      source: origin,
      digest: a.descriptor.digest,
      destination: layout,
      tags: ["checked2"],
    });
    expect(again.results).toEqual({ copied: 0, present: 1 });
    const entries = (await layout.entries()).filter((d) => copied.some((r) => r.descriptor.digest === d.digest));
    expect(entries).toHaveLength(1);
  });
});
