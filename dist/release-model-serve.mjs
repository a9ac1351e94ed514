import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  runCommand,
  serve
} from "./chunk-5FOURENQ.mjs";
import "./chunk-PSL4HTYS.mjs";
import "./chunk-J3MP25YW.mjs";
import "./chunk-JSYAMHUN.mjs";
import "./chunk-O2MWNKLJ.mjs";
import "./chunk-R62IGYHN.mjs";

// actions/release-model/serve.ts
var io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
process.exitCode = await runCommand("serve", io, () => serve.run(process.argv.slice(2), io));
