import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  run
} from "./chunk-OKDAWKCG.mjs";
import "./chunk-X5QZU4NG.mjs";
import "./chunk-ISOCJYIY.mjs";
import "./chunk-HY7QH5K7.mjs";
import "./chunk-KFLJNTZN.mjs";
import "./chunk-2TPMJLNI.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-L5WY3INS.mjs";
import "./chunk-JSYAMHUN.mjs";
import "./chunk-O2MWNKLJ.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/pull-model/main.ts
await run();
