import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  runCommand,
  serve
} from "./chunk-PG5DR32V.mjs";
import "./chunk-PSL4HTYS.mjs";
import "./chunk-CS7DWJ2D.mjs";
import "./chunk-RHSSGWQA.mjs";
import "./chunk-JP5ITUIS.mjs";
import "./chunk-O2MWNKLJ.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/release-model/serve.ts
var io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
process.exitCode = await runCommand("serve", io, () => serve.run(process.argv.slice(2), io));
