import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withLock } from "../../../src/store/lock.js";
import { tempDir } from "../../helpers/model-layout.js";
import { mountTmpfs, type Tmpfs } from "../../helpers/tmpfs.js";

/* A lock whose owner was never written (a full disk, a holder killed between create and write). */

describe("locks and a full disk", () => {
  let disk: Tmpfs;
  beforeAll(async () => {
    disk = await mountTmpfs(64 * 1024);
  });
  afterAll(async () => {
    await disk?.unmount();
  });

  it("leaves no lock behind when the disk refuses the owner's record", async () => {
    const filler = path.join(disk.dir, "filler");
    await fs.writeFile(filler, Buffer.alloc(64 * 1024)).catch(() => {});
    const lock = path.join(disk.dir, "blob.lock");
    await expect(withLock(lock, async () => "ran", { timeoutMs: 1000 })).rejects.toMatchObject({ code: "ENOSPC" });
    await expect(fs.stat(lock)).rejects.toMatchObject({ code: "ENOENT" });
    await fs.rm(filler);
    expect(await withLock(lock, async () => "ran", { timeoutMs: 1000 })).toBe("ran");
  });

  it("takes a lock without an owner at once when it is more than a moment old", async () => {
    const lock = path.join(await tempDir(), "blob.lock");
    await fs.writeFile(lock, "");
    const past = new Date(Date.now() - 5000);
    await fs.utimes(lock, past, past);
    // The default staleness is 30 s: this would time out if the empty lock were waited for.
    expect(await withLock(lock, async () => "ran", { timeoutMs: 4000 })).toBe("ran");
  });

  it("still waits for a fresh lock without an owner (its creator may be writing it)", async () => {
    const lock = path.join(await tempDir(), "blob.lock");
    await fs.writeFile(lock, "");
    await expect(withLock(lock, async () => "ran", { timeoutMs: 300 })).rejects.toThrow(/timed out after 300 ms/);
  });
});
