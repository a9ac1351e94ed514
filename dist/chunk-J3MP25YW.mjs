import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  describeBounds,
  parseDecimal,
  withinBounds
} from "./chunk-JSYAMHUN.mjs";
import {
  DigestMismatchError,
  UsageError
} from "./chunk-O2MWNKLJ.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/store/files.ts
import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

// src/core/process-alive.ts
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
__name(isAlive, "isAlive");

// src/store/files.ts
function tempPath(dir, prefix) {
  return path.join(dir, `${prefix}-${process.pid}-${randomBytes(6).toString("hex")}`);
}
__name(tempPath, "tempPath");
async function removeOrphanTemps(dir) {
  const names = await fs.readdir(dir).catch(() => []);
  await Promise.all(
    names.map(async (name) => {
      const owner = /^[a-z]+-(\d+)-[0-9a-f]{12}$/.exec(name)?.[1];
      if (owner !== void 0 && !isAlive(Number(owner))) await fs.rm(path.join(dir, name), { force: true });
    })
  );
}
__name(removeOrphanTemps, "removeOrphanTemps");
async function writeFileAtomic(file, data, tmpDir) {
  const tmp = tempPath(tmpDir, "write");
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}
__name(writeFileAtomic, "writeFileAtomic");
function checkContent(descriptor, size, digest, source) {
  if (size !== descriptor.size) {
    throw new DigestMismatchError(
      `${descriptor.digest} from ${source}: got ${size} bytes, the descriptor says ${descriptor.size}`
    );
  }
  if (digest !== descriptor.digest) {
    throw new DigestMismatchError(`${descriptor.digest} from ${source}: content hashes to ${digest}`);
  }
}
__name(checkContent, "checkContent");
async function writeVerified(file, descriptor, chunks, tmpDir, source) {
  const tmp = tempPath(tmpDir, "blob");
  const handle = await fs.open(tmp, "wx");
  try {
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.byteLength;
      if (size > descriptor.size) {
        throw new DigestMismatchError(
          `${descriptor.digest} from ${source}: more than the ${descriptor.size} bytes the descriptor says`
        );
      }
      hash.update(chunk);
      await handle.write(chunk);
    }
    await handle.close();
    checkContent(descriptor, size, `sha256:${hash.digest("hex")}`, source);
    await fs.rename(tmp, file);
  } catch (error) {
    await handle.close().catch(() => {
    });
    await fs.rm(tmp, { force: true });
    throw error;
  }
}
__name(writeVerified, "writeVerified");
async function hashFile(file) {
  const hash = createHash("sha256");
  let size = 0;
  const handle = await fs.open(file, "r");
  try {
    const stat = await handle.stat({ bigint: true });
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false })) {
      hash.update(chunk);
      size += chunk.byteLength;
    }
    return { digest: `sha256:${hash.digest("hex")}`, size, stat };
  } finally {
    await handle.close();
  }
}
__name(hashFile, "hashFile");
async function fileExists(file) {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
__name(fileExists, "fileExists");
function isReadOnlyError(error) {
  const code = error?.code;
  return code === "EROFS" || code === "EACCES" || code === "EPERM";
}
__name(isReadOnlyError, "isReadOnlyError");

// src/core/settings.ts
var SettingError = class extends UsageError {
  static {
    __name(this, "SettingError");
  }
};
function requiredSetting(source, setting) {
  const value = source.value(setting);
  if (value === void 0) throw new SettingError(`${source.label(setting)} is required`);
  return value;
}
__name(requiredSetting, "requiredSetting");
function boundedSetting(source, setting, bounds) {
  const value = source.value(setting);
  if (value === void 0) return void 0;
  const number = parseDecimal(value);
  if (!withinBounds(number, bounds)) {
    throw new SettingError(`${source.label(setting)} must be ${describeBounds(bounds)}, got "${value}"`);
  }
  return number;
}
__name(boundedSetting, "boundedSetting");
var TRUE = /* @__PURE__ */ new Set(["true", "True", "TRUE"]);
var FALSE = /* @__PURE__ */ new Set(["false", "False", "FALSE"]);
function booleanSetting(source, setting, fallback) {
  const value = source.value(setting);
  if (value === void 0) return fallback;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new SettingError(`${source.label(setting)} must be true or false, got "${value}"`);
}
__name(booleanSetting, "booleanSetting");
function choiceSetting(source, setting, choices, fallback) {
  const value = source.value(setting);
  if (value === void 0) return fallback;
  if (choices.includes(value)) return value;
  throw new SettingError(`${source.label(setting)} must be one of ${choices.join(", ")}, got "${value}"`);
}
__name(choiceSetting, "choiceSetting");

export {
  isAlive,
  tempPath,
  removeOrphanTemps,
  writeFileAtomic,
  checkContent,
  writeVerified,
  hashFile,
  fileExists,
  isReadOnlyError,
  SettingError,
  requiredSetting,
  boundedSetting,
  booleanSetting,
  choiceSetting
};
