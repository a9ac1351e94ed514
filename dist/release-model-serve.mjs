import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  runCommand,
  serve
} from "./chunk-DXIU64RT.mjs";
import "./chunk-LTQ5LA6O.mjs";
import "./chunk-MZH6KYWL.mjs";
import "./chunk-35M3XGW2.mjs";
import "./chunk-B3WLYY5J.mjs";
import "./chunk-SBSIPN6N.mjs";
import "./chunk-P47FFNDF.mjs";
import "./chunk-X6O7WWHG.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/release-model/serve.ts
var io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
process.exitCode = await runCommand("serve", io, () => serve.run(process.argv.slice(2), io));
