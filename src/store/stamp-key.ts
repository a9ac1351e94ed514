import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Environment variable naming the file that holds the key stamps are sealed with. */
export const STAMP_KEY_ENV = "CORTEX_MODEL_STAMP_KEY";

/**
 * `$CORTEX_MODEL_STAMP_KEY`, else `$XDG_STATE_HOME/cortex-model/stamp-key`, else
 * `~/.local/state/cortex-model/stamp-key`: beside the user's state, never inside a store, so whoever can
 * write a store (a restored cache entry, a shared directory, another machine) cannot write a stamp it trusts.
 */
export function stampKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env[STAMP_KEY_ENV]) return path.resolve(env[STAMP_KEY_ENV]);
  const state = env.XDG_STATE_HOME ? env.XDG_STATE_HOME : path.join(os.homedir(), ".local", "state");
  return path.join(state, "cortex-model", "stamp-key");
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;
const loaded = new Map<string, Promise<Buffer | undefined>>();

/**
 * The key in `file`, made (32 random bytes, readable by this user alone) when there is none. Undefined when it
 * can be neither read nor made, or is readable by others: stamps are then neither written nor trusted, and every
 * check hashes. Read once per process.
 */
export function stampKey(file: string): Promise<Buffer | undefined> {
  let key = loaded.get(file);
  if (!key) {
    key = readOrMakeKey(file).catch(() => undefined);
    loaded.set(file, key);
  }
  return key;
}

async function readOrMakeKey(file: string): Promise<Buffer | undefined> {
  const existing = await readKey(file);
  if (existing !== "missing") return existing;
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    await fs.writeFile(tmp, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
    // A link fails when another process made the key first; then both use that one.
    await fs.link(tmp, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  } finally {
    await fs.rm(tmp, { force: true });
  }
  const made = await readKey(file);
  return made === "missing" ? undefined : made;
}

async function readKey(file: string): Promise<Buffer | undefined | "missing"> {
  const stat = await fs.lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "missing" as const;
    throw error;
  });
  if (stat === "missing") return stat;
  // A key others may read or write vouches for nothing.
  if (!stat.isFile() || (process.platform !== "win32" && (stat.mode & 0o077) !== 0)) return undefined;
  const text = (await fs.readFile(file, "utf8")).trim();
  return KEY_PATTERN.test(text) ? Buffer.from(text, "hex") : undefined;
}
