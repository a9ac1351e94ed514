import { stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../../core/errors.js";
import { defaultStoreDir, ModelStore } from "../../store/model-store.js";
import { type Command, parseCommandArgs, writeJson } from "../command.js";
import { formatMiB, storeOption } from "../option-values.js";

const usage = `Usage: cortex-model verify [--store DIR] [--json]

Re-hashes every blob in the store and removes those whose content does not match their digest
(a later pull downloads them again). Exits 1 when any blob was removed.`;

export const verifyCommand: Command = {
  name: "verify",
  summary: "re-hash every blob in the store, remove the ones that do not match",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("verify", args, {
      store: { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n${usage}`);
    const dir = path.resolve(io.cwd, storeOption(values.store) ?? defaultStoreDir(io.env));
    // Opening creates a store; checking one that is not there would report "0 blobs, all good".
    const isDir = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new UsageError(`there is no store at ${dir} (nothing to check)`);
    const store = await ModelStore.open({ dir, env: io.env });
    const report = await store.verify({
      onBlob: (digest, ok) => {
        if (!ok) io.stderr.write(`corrupt: ${digest} (removed)\n`);
      },
    });
    if (values.json) writeJson(io, { store: store.root, ...report });
    else {
      io.stdout.write(
        `${store.root}: checked ${report.checked} blobs (${formatMiB(report.checkedBytes)}), ${report.removed.length} removed\n`,
      );
    }
    return report.removed.length > 0 ? 1 : 0;
  },
};
