import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  run
} from "./chunk-74PYQDF4.mjs";
import "./chunk-NJ5UBP6Z.mjs";
import "./chunk-B5X6WWCK.mjs";
import "./chunk-AY3SQXUS.mjs";
import "./chunk-MVCULKJF.mjs";
import "./chunk-FDOGU7UM.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-VHSGOYG3.mjs";
import "./chunk-WZ3WPP4Z.mjs";
import "./chunk-O2MWNKLJ.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/pull-model/main.ts
await run();
