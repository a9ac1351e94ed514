import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  INGEST_DIR,
  isReadOnlyError,
  writeFileAtomic
} from "./chunk-SBSIPN6N.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/store/stamp.ts
import { createHmac, timingSafeEqual } from "node:crypto";
import { promises as fs2 } from "node:fs";
import path2 from "node:path";

// src/store/stamp-key.ts
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
var STAMP_KEY_ENV = "CORTEX_MODEL_STAMP_KEY";
function stampKeyFile(env = process.env) {
  if (env[STAMP_KEY_ENV]) return path.resolve(env[STAMP_KEY_ENV]);
  const state = env.XDG_STATE_HOME ? env.XDG_STATE_HOME : path.join(os.homedir(), ".local", "state");
  return path.join(state, "cortex-model", "stamp-key");
}
__name(stampKeyFile, "stampKeyFile");
var KEY_PATTERN = /^[0-9a-f]{64}$/;
var loaded = /* @__PURE__ */ new Map();
function stampKey(file) {
  let key = loaded.get(file);
  if (!key) {
    key = readOrMakeKey(file).catch(() => void 0);
    loaded.set(file, key);
  }
  return key;
}
__name(stampKey, "stampKey");
async function readOrMakeKey(file) {
  const existing = await readKey(file);
  if (existing !== "missing") return existing;
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 448 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    await fs.writeFile(tmp, randomBytes(32).toString("hex"), { mode: 384, flag: "wx" });
    await fs.link(tmp, file).catch((error) => {
      if (error.code !== "EEXIST") throw error;
    });
  } finally {
    await fs.rm(tmp, { force: true });
  }
  const made = await readKey(file);
  return made === "missing" ? void 0 : made;
}
__name(readOrMakeKey, "readOrMakeKey");
async function readKey(file) {
  const stat = await fs.lstat(file).catch((error) => {
    if (error.code === "ENOENT") return "missing";
    throw error;
  });
  if (stat === "missing") return stat;
  if (!stat.isFile() || process.platform !== "win32" && (stat.mode & 63) !== 0) return void 0;
  const text = (await fs.readFile(file, "utf8")).trim();
  return KEY_PATTERN.test(text) ? Buffer.from(text, "hex") : void 0;
}
__name(readKey, "readKey");

// src/store/stamp.ts
function seal(key, hex, stat) {
  const state = [hex, stat.dev, stat.ino, stat.size, stat.mtimeNs, stat.ctimeNs].join(":");
  return createHmac("sha256", key).update(state).digest();
}
__name(seal, "seal");
var STAMP_DIR = "verified";
var StampFiles = class {
  constructor(root, tmpDir, key) {
    this.root = root;
    this.tmpDir = tmpDir;
    this.key = key;
  }
  root;
  tmpDir;
  key;
  static {
    __name(this, "StampFiles");
  }
  file(hex) {
    return path2.join(this.root, STAMP_DIR, hex);
  }
  /** True when the blob file's current state is the one recorded when it was verified. */
  async matches(hex, blobFile) {
    const [key, stat, recorded] = await Promise.all([
      this.key,
      fs2.lstat(blobFile, { bigint: true }).catch(() => void 0),
      fs2.readFile(this.file(hex), "utf8").catch(() => void 0)
    ]);
    if (!key || stat?.isFile() !== true || recorded === void 0) return false;
    const expected = seal(key, hex, stat);
    const given = Buffer.from(recorded, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  /**
   * Records a verification. Best effort: a stamp only saves a later hash, so a store that cannot keep one
   * (read-only, shared, its ingest directory removed under it) or has no key goes on without.
   */
  async record(hex, stat) {
    const key = await this.key;
    if (!key) return;
    try {
      await fs2.mkdir(path2.join(this.root, STAMP_DIR), { recursive: true });
      await fs2.mkdir(this.tmpDir, { recursive: true });
      await writeFileAtomic(this.file(hex), seal(key, hex, stat).toString("hex"), this.tmpDir);
    } catch {
    }
  }
  async remove(hex) {
    await fs2.rm(this.file(hex), { force: true }).catch((error) => {
      if (!isReadOnlyError(error)) throw error;
    });
  }
};
async function stampVouchesFor(file, env = process.env) {
  const algorithmDir = path2.dirname(file);
  const blobsDir = path2.dirname(algorithmDir);
  if (path2.basename(algorithmDir) !== "sha256" || path2.basename(blobsDir) !== "blobs") return false;
  const root = path2.dirname(blobsDir);
  const stamps = new StampFiles(root, path2.join(root, INGEST_DIR), stampKey(stampKeyFile(env)));
  return stamps.matches(path2.basename(file), file);
}
__name(stampVouchesFor, "stampVouchesFor");

export {
  stampKeyFile,
  stampKey,
  StampFiles,
  stampVouchesFor
};
