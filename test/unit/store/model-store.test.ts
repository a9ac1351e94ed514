import { execFileSync, spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Digest } from "../../../src/core/digest.js";
import { parseReference } from "../../../src/core/ref.js";
import { pull } from "../../../src/pull/pull.js";
import { withLock } from "../../../src/store/lock.js";
import { defaultStoreDir, ModelStore, storeEntryName } from "../../../src/store/model-store.js";
import { descriptorOf, makeModelLayout, randomData, tempDir } from "../../helpers/model-layout.js";

describe("ModelStore", () => {
  it("lives under the user's cache directory unless told otherwise", () => {
    expect(defaultStoreDir({ CORTEX_MODEL_STORE: "/srv/models" })).toBe("/srv/models");
    expect(defaultStoreDir({ XDG_CACHE_HOME: "/c" })).toBe("/c/cortex-model");
    expect(defaultStoreDir({})).toBe(path.join(os.homedir(), ".cache", "cortex-model"));
  });

  it("names manifests by full reference, so one store holds many models", async () => {
    const store = await ModelStore.open({ dir: await tempDir() });
    const a = new TextEncoder().encode('{"schemaVersion":2,"a":1}');
    const b = new TextEncoder().encode('{"schemaVersion":2,"b":1}');
    const da = descriptorOf("application/vnd.oci.image.manifest.v1+json", a);
    const db = descriptorOf("application/vnd.oci.image.manifest.v1+json", b);
    await store.layout.pushManifest(da, a);
    await store.layout.pushManifest(db, b);
    await store.record(da, "registry.example/team/one:latest");
    await store.record(db, "registry.example/team/two:latest");
    await store.record(db, "registry.example/team/one:latest");
    expect((await store.list()).map((m) => [m.name, m.descriptor.digest])).toEqual([
      ["registry.example/team/two:latest", db.digest],
      ["registry.example/team/one:latest", db.digest],
    ]);
    const index = JSON.parse(await fs.readFile(path.join(store.root, "index.json"), "utf8"));
    expect(index.manifests.at(-1).annotations).toEqual({
      "org.opencontainers.image.ref.name": "registry.example/team/one:latest",
      "io.containerd.image.name": "registry.example/team/one:latest",
    });
  });

  it("names a layout pull in the image-spec ref.name grammar, so skopeo addresses it in the store", async () => {
    const root = await tempDir();
    const source = await makeModelLayout(path.join(root, "My Models", "ka_v1"), {
      shards: [randomData(64)],
      tag: "v1",
    });
    const store = await ModelStore.open({ dir: path.join(root, "store") });
    const reference = parseReference(`oci:${source.layout.root}:v1`);
    await pull(source.layout, reference, store);
    const name = storeEntryName(`oci:${source.layout.root}:v1`);
    expect(name).toMatch(/^localhost\/oci\/.*\/my-models\/ka-v1:v1$/);
    // ref ::= component ("/" component)*; component ::= alphanum (separator alphanum)*; separator ::= [-._:@+] | "--"
    const component = "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*";
    const names = (await store.list()).map((m) => m.name);
    expect(names).toEqual([name]);
    for (const n of names) expect(n).toMatch(new RegExp(`^${component}(?:/${component})*$`));
    expect(await store.find(`oci:${source.layout.root}:v1`)).toMatchObject({
      digest: source.manifestDescriptor.digest,
    });
    const raw = execFileSync("skopeo", ["inspect", "--raw", `oci:${store.root}:${name}`]);
    expect(sha256Digest(raw)).toBe(source.manifestDescriptor.digest);
    expect(storeEntryName(`registry.example/team/one@sha256:${"a".repeat(64)}`)).toBe(
      `registry.example/team/one@sha256:${"a".repeat(64)}`,
    );
  });

  it("verify re-hashes every blob and removes the ones that do not match", async () => {
    const store = await ModelStore.open({ dir: await tempDir() });
    const good = new TextEncoder().encode("good");
    const bad = new TextEncoder().encode("bad!");
    const dg = descriptorOf("x", good);
    const dbad = descriptorOf("x", bad);
    await store.layout.pushBlob(dg, good);
    await store.layout.pushBlob(dbad, bad);
    await fs.writeFile(store.blobPath(dbad.digest), "evil");
    const report = await store.verify();
    expect(report.checked).toBe(2);
    expect(report.removed).toEqual([dbad.digest]);
    expect(await store.has(dg)).toBe(true);
    expect(await store.has(dbad)).toBe(false);
  });
});

describe("withLock", () => {
  it("takes over at once a lock whose holder was killed", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "x.lock");
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
    await new Promise((r) => child.once("spawn", r));
    await fs.writeFile(file, JSON.stringify({ pid: child.pid, host: os.hostname(), token: "dead" }));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const started = Date.now();
    expect(await withLock(file, async () => "ran", { staleMs: 60_000 })).toBe("ran");
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(fs.access(file)).rejects.toThrow();
  });

  it("waits for a live holder and runs holders one at a time", async () => {
    const file = path.join(await tempDir(), "y.lock");
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withLock(file, async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 20));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    await expect(withLock(file, async () => withLock(file, async () => 1, { timeoutMs: 200 }))).rejects.toThrow(
      /timed out after 200 ms/,
    );
  });
});
