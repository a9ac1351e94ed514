import path from "node:path";
import { BOUNDS, boundsRange } from "../../core/bounds.js";
import { UsageError } from "../../core/errors.js";
import { formatReference, isPinned, parseReference } from "../../core/ref.js";
import type { Descriptor } from "../../core/target.js";
import { createProgress } from "../../pull/progress.js";
import { damagedBlobWarning, pull, pullFromStore } from "../../pull/pull.js";
import { ModelStore } from "../../store/model-store.js";
import { type Command, parseCommandArgs, writeJson } from "../command.js";
import { formatMiB, parseByteSize, parseNumberOption, storeOption } from "../option-values.js";

const usage = `Usage: cortex-model pull <ref> [--store DIR] [--json] [--part-size SIZE] [--concurrency N]
                         [--into-ollama[=DIR]]

Pulls a model by reference into the local store, verified, resumable and in parallel ranged parts.
  <ref>             registry/repo[:tag][@sha256:...], ollama://name[:tag], oci:<dir>[:tag|@sha256:...]
  --store DIR       store directory (default: $CORTEX_MODEL_STORE, else ~/.cache/cortex-model)
  --json            print one JSON object: digest, reference, model, files, downloadedBytes, reusedBytes
  --part-size SIZE  bytes per ranged part of a large blob, ${boundsRange(BOUNDS.partSize)} (default: a
                    sixteenth of the blob, from 16MiB to 64MiB)
  --concurrency N   most parallel connections, ${boundsRange(BOUNDS.connections)} (default 16): a pull
                    starts with 2 and doubles them while that adds throughput
  --into-ollama[=DIR]  also write the model into an Ollama models directory (default: $OLLAMA_MODELS or
                    ~/.ollama/models), so \`ollama list\` shows it`;

export const pullCommand: Command = {
  name: "pull",
  summary: "pull a model by digest into the verified local store",
  usage,
  async run(args, io) {
    // Modules only some pulls need are loaded when needed: the Ollama layout brings the GGUF parser, the
    // transports bring http, https and tls, and together they were a third of a warm pull's time.
    const ollamaDir = args.includes("--into-ollama")
      ? (await import("../../ollama/ollama-store.js")).userOllamaDir(io.env)
      : undefined;
    // A bare --into-ollama takes the default directory; a directory is given as --into-ollama=DIR.
    const expanded = args.map((a) => (a === "--into-ollama" ? `--into-ollama=${ollamaDir}` : a));
    const { values, positionals } = parseCommandArgs("pull", expanded, {
      "into-ollama": { type: "string" },
      store: { type: "string" },
      json: { type: "boolean" },
      "part-size": { type: "string" },
      concurrency: { type: "string" },
    });
    if (positionals.length !== 1) throw new UsageError(`expected one reference\n${usage}`);
    const ref = parseReference(positionals[0] as string);
    const storeDir = storeOption(values.store);
    const partSize =
      values["part-size"] === undefined
        ? undefined
        : parseByteSize(values["part-size"], "--part-size", BOUNDS.partSize);
    const concurrency =
      values.concurrency === undefined
        ? undefined
        : parseNumberOption(values.concurrency, "--concurrency", BOUNDS.connections);
    const store = await ModelStore.open({ dir: storeDir, env: io.env });
    const label = formatReference(ref);
    const onDamaged = (blob: Descriptor) => io.stderr.write(`warning: ${damagedBlobWarning(store, blob)}\n`);
    // A pinned reference already in the store is answered before any transport exists: no network at all.
    const result =
      (await pullFromStore(store, ref, { onDamaged })) ??
      (await pull(await (await import("../../copy/targets.js")).openTarget(ref, { env: io.env }), ref, store, {
        ...(partSize === undefined ? {} : { partSize }),
        ...(concurrency === undefined ? {} : { concurrency }),
        progress: createProgress(io.stderr, { label, tty: io.stderr.isTTY === true }),
        onDamaged,
      }));
    if (!isPinned(ref)) {
      io.stderr.write(
        `warning: ${label} is not pinned to a digest; it resolved to ${result.digest}. Pin it for reproducible pulls: ${result.reference}\n`,
      );
    }
    const ollama =
      values["into-ollama"] === undefined
        ? undefined
        : await (await import("../../migrate/to-ollama.js")).writeIntoOllama({
            store,
            pulled: result,
            reference: ref,
            modelsDir: path.resolve(io.cwd, values["into-ollama"]),
          });
    if (values.json) {
      const { manifest: _manifest, ...summary } = result;
      writeJson(io, ollama ? { ...summary, ollama: ollama.modelId, ollamaManifest: ollama.manifestPath } : summary);
    } else {
      io.stdout.write(
        `${result.reference}\n  model: ${result.model}\n  files: ${result.files.length}\n  downloaded: ${formatMiB(result.downloadedBytes)}, reused: ${formatMiB(result.reusedBytes)}\n`,
      );
      if (ollama) io.stdout.write(`  ollama: ${ollama.modelId}\n`);
    }
    return 0;
  },
};
