import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  run
} from "./chunk-RRUMUPE5.mjs";
import "./chunk-2ALBSMTK.mjs";
import "./chunk-V6O36OFS.mjs";
import "./chunk-TWRI3Q4K.mjs";
import "./chunk-AQAN4FQQ.mjs";
import "./chunk-B3WLYY5J.mjs";
import "./chunk-3AX6DS5T.mjs";
import "./chunk-JLHAMPB3.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-BLIND6LJ.mjs";
import "./chunk-P47FFNDF.mjs";
import "./chunk-X6O7WWHG.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/pull-model/main.ts
await run();
