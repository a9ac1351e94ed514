import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  run
} from "./chunk-43Z4V7T4.mjs";
import "./chunk-XDQJYSDT.mjs";
import "./chunk-ARHAIUUQ.mjs";
import "./chunk-OT4NESO5.mjs";
import "./chunk-MPKCWNJD.mjs";
import "./chunk-YY43Y67E.mjs";
import "./chunk-FAK6KXF4.mjs";
import "./chunk-IDYFD5MK.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-JXCN2HKS.mjs";
import "./chunk-XKBFHU6M.mjs";
import "./chunk-O2MWNKLJ.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/pull-model/main.ts
await run();
