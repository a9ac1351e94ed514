import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  run
} from "./chunk-ZXFGILME.mjs";
import "./chunk-T3D5DDXG.mjs";
import "./chunk-T4FADL4J.mjs";
import "./chunk-IYJHVXYT.mjs";
import "./chunk-GIMFMJPC.mjs";
import "./chunk-2TPMJLNI.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-J3MP25YW.mjs";
import "./chunk-JSYAMHUN.mjs";
import "./chunk-O2MWNKLJ.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/pull-model/main.ts
await run();
