import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  UsageError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/core/byte-size.ts
var UNITS = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3
};
function byteCount(value) {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = match ? UNITS[(match[2] ?? "").toLowerCase()] : void 0;
  return match && unit !== void 0 ? Math.floor(Number(match[1]) * unit) : void 0;
}
__name(byteCount, "byteCount");
function parseByteSize(value, option) {
  const bytes = byteCount(value);
  if (bytes === void 0) {
    throw new UsageError(`${option}: "${value}" is not a size (examples: 16MiB, 8M, 1048576)`);
  }
  if (bytes < 1) throw new UsageError(`${option}: must be at least 1 byte`);
  return bytes;
}
__name(parseByteSize, "parseByteSize");

export {
  parseByteSize
};
