import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  error,
  notice,
  warning
} from "./chunk-OKSVDTLS.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/github/annotate.ts
var LEVELS = { error, warning, notice };
function annotate(records) {
  for (const record of records) {
    LEVELS[record.level ?? "error"](record.message, {
      title: record.title,
      ...record.file === void 0 ? {} : { file: record.file },
      ...record.line === void 0 ? {} : { startLine: record.line }
    });
  }
}
__name(annotate, "annotate");

export {
  annotate
};
