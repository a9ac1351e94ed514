import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  run
} from "./chunk-CIAAVFYT.mjs";
import "./chunk-WHZCT4HQ.mjs";
import "./chunk-ARHAIUUQ.mjs";
import "./chunk-5P6BN2BP.mjs";
import "./chunk-DL5QARVB.mjs";
import "./chunk-YY43Y67E.mjs";
import "./chunk-OMB6PPZX.mjs";
import "./chunk-2KY36BXF.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-JXCN2HKS.mjs";
import "./chunk-XKBFHU6M.mjs";
import "./chunk-O2MWNKLJ.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/pull-model/main.ts
await run();
