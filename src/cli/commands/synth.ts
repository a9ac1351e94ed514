import { resolve } from "node:path";
import { BOUNDS, boundsRange, formatBytes } from "../../core/bounds.js";
import { UsageError } from "../../core/errors.js";
import { readAnswersFile } from "../../model/answers-file.js";
import { synthesizeKnownAnswer } from "../../model/known-answer.js";
import { synthesizeSized } from "../../model/sized-model.js";
import { type Command, parseCommandArgs, writeJson } from "../command.js";
import { optionalNumberOption, parseByteSize } from "../option-values.js";

const usage = `Usage: cortex-model synth (--answers FILE | --size SIZE) -o OUT.gguf [options]

Writes a synthetic GGUF model (llama architecture, loads in llama.cpp); the same inputs give the same bytes.

  --answers FILE        known-answer model: FILE (YAML or JSON) lists {prompt, answer}; at temperature 0
                        the model answers each prompt with exactly its answer, then stops
  --size SIZE           random-weight model of about SIZE (200MiB, 1.5G, ...; K, M, G are binary units),
                        streamed to disk, at most ${formatBytes(BOUNDS.modelSize.max)} (the smallest model is a few MB)
  -o, --output FILE     where to write the GGUF
  --seed N              random weights seed for --size, ${boundsRange(BOUNDS.seed)} (default 0)
  --context-length N    llama.context_length, ${boundsRange(BOUNDS.contextLength)} (default 2048)
  --name NAME           general.name
  --json                print {path, digest, size} as JSON`;

export const synth: Command = {
  name: "synth",
  summary: "write a synthetic GGUF model (known answers or a chosen size)",
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs(
      "synth",
      args,
      {
        answers: { type: "string" },
        size: { type: "string" },
        output: { type: "string", short: "o" },
        seed: { type: "string" },
        "context-length": { type: "string" },
        name: { type: "string" },
        json: { type: "boolean" },
      },
      false,
    );
    if ((values.answers === undefined) === (values.size === undefined)) {
      throw new UsageError("give exactly one of --answers FILE or --size SIZE");
    }
    if (!values.output) throw new UsageError("-o OUT.gguf is required");
    const path = resolve(io.cwd, values.output);
    const contextLength = optionalNumberOption(values["context-length"], "--context-length", BOUNDS.contextLength);
    const common = { path, name: values.name, contextLength };
    const written = values.answers
      ? await synthesizeKnownAnswer({ ...common, answers: await readAnswersFile(resolve(io.cwd, values.answers)) })
      : await synthesizeSized({
          ...common,
          bytes: parseByteSize(values.size as string, "--size", BOUNDS.modelSize),
          seed: optionalNumberOption(values.seed, "--seed", BOUNDS.seed),
        });
    if (values.json) writeJson(io, written);
    else io.stdout.write(`${written.path}  ${written.digest}  ${written.size} bytes\n`);
    return 0;
  },
};
