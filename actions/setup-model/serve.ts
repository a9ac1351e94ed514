import { runCommand } from "../../src/cli/command.js";
import { serve } from "../../src/cli/commands/serve.js";

process.exitCode = await runCommand(serve, process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
