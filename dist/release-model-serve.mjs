import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  runCommand,
  serve
} from "./chunk-CTR7CB7B.mjs";
import "./chunk-LTQ5LA6O.mjs";
import "./chunk-LQZGFNU2.mjs";
import "./chunk-ICUM5CKP.mjs";
import "./chunk-B3WLYY5J.mjs";
import "./chunk-NFSX6QP2.mjs";
import "./chunk-P47FFNDF.mjs";
import "./chunk-X6O7WWHG.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/release-model/serve.ts
var io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
process.exitCode = await runCommand("serve", io, () => serve.run(process.argv.slice(2), io));
