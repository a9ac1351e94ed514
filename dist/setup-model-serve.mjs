import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  runCommand,
  serve
} from "./chunk-JHOBMOQR.mjs";
import "./chunk-PSL4HTYS.mjs";
import "./chunk-6VFHM6JQ.mjs";
import "./chunk-ARHAIUUQ.mjs";
import "./chunk-YY43Y67E.mjs";
import "./chunk-JXCN2HKS.mjs";
import "./chunk-XKBFHU6M.mjs";
import "./chunk-O2MWNKLJ.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/setup-model/serve.ts
var io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
process.exitCode = await runCommand("serve", io, () => serve.run(process.argv.slice(2), io));
