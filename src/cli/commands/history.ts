import { openTarget } from "../../copy/targets.js";
import type { Digest } from "../../core/digest.js";
import { NotFoundError } from "../../core/errors.js";
import { currentPosition, readHistory } from "../../promote/history.js";
import type { MoveEntry } from "../../promote/history-entry.js";
import { type Command, parseCommandArgs, writeJson } from "../command.js";
import { parseTagReference } from "../tag-ref.js";

const usage = `Usage: cortex-model history <repo:tag> [--json]

Lists the promotions and reverts of a tag, newest first, from the history kept in the registry (or oci:
layout). The entry that put the tag on its current digest is marked with *. A tag that does not exist
exits 2 (after listing its history, if it has one).`;

function describe(entry: MoveEntry): string {
  const by = [entry.actor && `by ${entry.actor}`, entry.version && `as ${entry.version}`].filter(Boolean).join(" ");
  const extra = [entry.reason && `reason: ${entry.reason}`, entry.runUrl && `run: ${entry.runUrl}`].filter(Boolean);
  return [
    `${entry.time}  ${entry.action.padEnd(7)}  ${entry.digest}${by ? `  ${by}` : ""}`,
    `    from ${entry.previous ?? "none"}${extra.length ? `; ${extra.join("; ")}` : ""}`,
  ].join("\n");
}

export const historyCommand: Command = {
  name: "history",
  summary: "list a tag's promotions and reverts, newest first",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("history", args, { json: { type: "boolean" } });
    const ref = parseTagReference("history", positionals.length === 1 ? positionals[0] : undefined);
    const target = await openTarget(ref);
    let current: Digest | undefined;
    try {
      current = (await target.resolve(ref.tag)).digest;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    const entries = await readHistory(target, ref.tag);
    if (current === undefined && entries.length === 0) {
      throw new NotFoundError(`tag "${ref.tag}" not found in ${target.name}, and it has no history`);
    }
    const position = currentPosition(entries, current);
    // A tag that is gone (its history remains) is still missing: exit 2, as for any tag not found.
    const code = current === undefined ? 2 : 0;
    const missing = () => {
      if (current === undefined)
        io.stderr.write(`cortex-model history: tag "${ref.tag}" not found in ${target.name}\n`);
    };
    if (values.json) {
      writeJson(io, {
        target: target.name,
        tag: ref.tag,
        current: current ?? null,
        entries: entries.map((entry, i) => ({ ...entry, current: i === position })),
      });
      missing();
      return code;
    }
    io.stdout.write(`${target.name}:${ref.tag} -> ${current ?? "(no such tag)"}\n`);
    if (entries.length === 0) io.stdout.write("no history: the tag was never promoted with cortex-model\n");
    entries.forEach((entry, i) => {
      io.stdout.write(`${i === position ? "*" : " "} ${describe(entry)}\n`);
    });
    if (current && position < 0 && entries.length > 0) {
      io.stdout.write(`the tag's digest is in no entry: it was moved by other means\n`);
    }
    missing();
    return code;
  },
};
