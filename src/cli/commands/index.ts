import type { Command } from "../command.js";
import { bench } from "./bench.js";
import { historyCommand } from "./history.js";
import { inspectCommand } from "./inspect.js";
import { promoteCommand } from "./promote.js";
import { publishResultCommand } from "./publish-result.js";
import { pullCommand } from "./pull.js";
import { revertCommand } from "./revert.js";
import { serve } from "./serve.js";
import { synth } from "./synth.js";
import { test } from "./test.js";
import { verifyCommand } from "./verify.js";
import { version } from "./version.js";

/** Every command of the CLI, in the order `cortex-model help` lists them. */
export const commands: readonly Command[] = [
  pullCommand,
  inspectCommand,
  verifyCommand,
  synth,
  serve,
  test,
  bench,
  promoteCommand,
  revertCommand,
  historyCommand,
  publishResultCommand,
  version,
];
