import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  run
} from "./chunk-74RAWELU.mjs";
import "./chunk-I6A4R4OK.mjs";
import "./chunk-ARHAIUUQ.mjs";
import "./chunk-NBH7MDYS.mjs";
import "./chunk-FLKYMAWX.mjs";
import "./chunk-YY43Y67E.mjs";
import "./chunk-SE4VTNFV.mjs";
import "./chunk-4OBEC6HL.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-JXCN2HKS.mjs";
import "./chunk-XKBFHU6M.mjs";
import "./chunk-O2MWNKLJ.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/pull-model/main.ts
await run();
