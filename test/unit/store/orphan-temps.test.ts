import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { ModelStore } from "../../../src/store/model-store.js";

it("opening the store removes temp files left by processes that no longer exist, and only those", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "cortex-orphans-"));
  try {
    const first = await ModelStore.open({ dir });
    const ingest = first.layout.ingestDir;
    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    const orphan = `write-${dead}-a6837caaf124`;
    const live = `blob-${process.pid}-0123456789ab`;
    const partial = "sha256-00.partial";
    for (const name of [orphan, live, partial]) await fs.writeFile(path.join(ingest, name), "x");

    await ModelStore.open({ dir });

    expect((await fs.readdir(ingest)).filter((n) => n !== "index.lock").sort()).toEqual([live, partial].sort());
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
