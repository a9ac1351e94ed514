import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  run
} from "./chunk-AK2PBOA6.mjs";
import "./chunk-RRZJHVOH.mjs";
import "./chunk-35M3XGW2.mjs";
import "./chunk-3ILZPGYX.mjs";
import "./chunk-FYDH7VJB.mjs";
import "./chunk-B3WLYY5J.mjs";
import "./chunk-OKSVDTLS.mjs";
import "./chunk-JLHAMPB3.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-SBSIPN6N.mjs";
import "./chunk-P47FFNDF.mjs";
import "./chunk-X6O7WWHG.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/pull-model/main.ts
await run();
