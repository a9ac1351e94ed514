import { readFileSync } from "node:fs";
import type { Command } from "../command.js";

export const version: Command = {
  name: "version",
  summary: "print the version of cortex-model",
  usage: "Usage: cortex-model version",
  async run(_args, io) {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    io.stdout.write(`cortex-model ${pkg.version}\n`);
    return 0;
  },
};
