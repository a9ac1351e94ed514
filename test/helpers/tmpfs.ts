import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A small tmpfs of its own, for tests of a full disk (mounting needs root, as on CI and the development
 * machines). Always `await fs.unmount()` (afterAll/afterEach).
 *
 *   const fs = await mountTmpfs(8 * MiB);
 *   ... fs.dir ...; await fs.resize(32 * MiB); await fs.unmount();
 */
export interface Tmpfs {
  readonly dir: string;
  /** Grows (or shrinks) the file system in place: "free some space" without touching its files. */
  resize(bytes: number): Promise<void>;
  unmount(): Promise<void>;
}

export async function mountTmpfs(bytes: number): Promise<Tmpfs> {
  const dir = await mkdtemp(path.join(tmpdir(), "cortex-tmpfs-"));
  await run("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir]);
  return {
    dir,
    resize: async (size) => {
      await run("mount", ["-o", `remount,size=${size}`, dir]);
    },
    unmount: async () => {
      await run("umount", [dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
