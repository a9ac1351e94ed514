import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  run
} from "./chunk-IMZYDVUF.mjs";
import "./chunk-ON2CSB67.mjs";
import "./chunk-ICUM5CKP.mjs";
import "./chunk-C5Z57ZS3.mjs";
import "./chunk-5CMJFDNR.mjs";
import "./chunk-B3WLYY5J.mjs";
import "./chunk-SC7KABS4.mjs";
import "./chunk-JLHAMPB3.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-NFSX6QP2.mjs";
import "./chunk-P47FFNDF.mjs";
import "./chunk-X6O7WWHG.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/pull-model/main.ts
await run();
