import { type CommandIO, runCommand } from "./command.js";
import { commands } from "./commands/index.js";

async function helpText(): Promise<string> {
  const loaded = await Promise.all(commands.map((entry) => entry.load()));
  const width = Math.max(...loaded.map((c) => c.name.length));
  const lines = loaded.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `cortex-model: the CI/CD pathway for LLM models\n\nUsage: cortex-model <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun cortex-model <command> --help for a command's options.\n`;
}

/** Runs one command line; returns the exit code instead of exiting so tests can call it in-process. */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" && rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? `${(await topic.load()).usage}\n` : await helpText());
    return 0;
  }
  // `--version` is what scripts probe first; it answers exactly as the version command does.
  const entry = commands.find((c) => c.name === (name === "--version" || name === "-V" ? "version" : name));
  if (!entry) {
    io.stderr.write(`cortex-model: unknown command "${name}"; run cortex-model help\n`);
    return 2;
  }
  return runCommand(name, io, async () => {
    const command = await entry.load();
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(`${command.usage}\n`);
      return 0;
    }
    return command.run(rest, io);
  });
}
