import { type Command, type CommandIO, runCommand } from "./command.js";
import { commands } from "./commands/index.js";

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `cortex-model: the CI/CD pathway for LLM models\n\nUsage: cortex-model <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun cortex-model <command> --help for a command's options.\n`;
}

function find(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}

/** Runs one command line; returns the exit code instead of exiting so tests can call it in-process. */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" && rest[0] ? find(rest[0]) : undefined;
    io.stdout.write(topic ? `${topic.usage}\n` : helpText());
    return 0;
  }
  const command = find(name);
  if (!command) {
    io.stderr.write(`cortex-model: unknown command "${name}"; run cortex-model help\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  return runCommand(command, rest, io);
}
