import { type CommandIO, runCommand } from "../../src/cli/command.js";
import { serve } from "../../src/cli/commands/serve.js";

const io: CommandIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
process.exitCode = await runCommand("serve", io, () => serve.run(process.argv.slice(2), io));
