import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  run
} from "./chunk-74KG3ZPE.mjs";
import "./chunk-TL645VST.mjs";
import "./chunk-ARHAIUUQ.mjs";
import "./chunk-OAJF5FB3.mjs";
import "./chunk-M3WR7BPQ.mjs";
import "./chunk-YY43Y67E.mjs";
import "./chunk-XCGT3WGH.mjs";
import "./chunk-4OBEC6HL.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-JXCN2HKS.mjs";
import "./chunk-XKBFHU6M.mjs";
import "./chunk-O2MWNKLJ.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/pull-model/main.ts
await run();
