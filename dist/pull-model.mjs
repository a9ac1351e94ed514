import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  run
} from "./chunk-M2DKJY53.mjs";
import "./chunk-DXBY5R4T.mjs";
import "./chunk-CS7DWJ2D.mjs";
import "./chunk-NHYCLHVA.mjs";
import "./chunk-D7I55Q64.mjs";
import "./chunk-A3KKGDA6.mjs";
import "./chunk-36Z33U5K.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-RHSSGWQA.mjs";
import "./chunk-JP5ITUIS.mjs";
import "./chunk-O2MWNKLJ.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/pull-model/main.ts
await run();
