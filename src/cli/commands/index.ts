import type { Command } from "../command.js";
import { serve } from "./serve.js";
import { synth } from "./synth.js";
import { test } from "./test.js";
import { version } from "./version.js";

/** Every command of the CLI, in the order `cortex-model help` lists them. */
export const commands: readonly Command[] = [serve, synth, test, version];
