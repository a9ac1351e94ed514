import { promises as fs } from "node:fs";
import path from "node:path";
import type { Suite } from "../../compat/suite.js";
import { loadSuite } from "../../compat/suite-load.js";
import { openTarget } from "../../copy/targets.js";
import { CortexError, describeError, UsageError } from "../../core/errors.js";
import { parseReference, type Reference } from "../../core/ref.js";
import { type MigrationRow, migrateOllamaModel } from "../../migrate/from-ollama.js";
import { parseMigrationTarget, parseNameMapping, targetReference } from "../../migrate/target-name.js";
import { writeIntoOllama } from "../../migrate/to-ollama.js";
import { verifyMigration } from "../../migrate/verify.js";
import {
  defaultOllamaDirs,
  listOllamaModels,
  matchesOllamaModel,
  type OllamaStoreModel,
} from "../../ollama/ollama-store.js";
import { ollamaBlobPath } from "../../ollama/store-view.js";
import { pull, pullFromStore } from "../../pull/pull.js";
import { ModelStore } from "../../store/model-store.js";
import { type Command, type CommandIO, parseCommandArgs, writeJson } from "../command.js";
import { formatMiB, storeOption } from "../option-values.js";

const usage = `Usage: cortex-model migrate --from-ollama [DIR] --to <registry/namespace | oci:DIR> [--models a,b]
                              [--mapping FILE] [--dry-run] [--json] [--verify-suite FILE] [--store DIR]
       cortex-model migrate --to-ollama DIR <ref>... [--store DIR] [--json]

Moves models between Ollama's models directory and OCI registries or layouts (Docker Model Runner format),
the GGUF bytes and digest unchanged.
  --from-ollama [DIR]  read this Ollama models directory (default: $OLLAMA_MODELS or ~/.ollama/models, and
                       /usr/share/ollama/.ollama/models where present)
  --to TARGET          registry/namespace (models go to TARGET/<namespace>/<model>:<tag>) or oci:DIR
                       (one layout per model at DIR/<namespace>/<model>, tagged <tag>)
  --models a,b         only these models (tiny, tiny:latest, library/tiny:latest, ...)
  --mapping FILE       YAML or JSON: Ollama name -> target reference, overriding the default names
  --dry-run            build and check everything, write nothing
  --verify-suite FILE  after migrating, serve the original and the migrated GGUF (embedded backend) and run
                       this compatibility suite on both; a model whose answers differ fails
  --to-ollama DIR      write the models <ref>... into this Ollama models directory (pulling them first)
  --store DIR          store directory for --to-ollama and --verify-suite (default: $CORTEX_MODEL_STORE, else ~/.cache/cortex-model)
  --json               print the rows as JSON`;

const options = {
  "from-ollama": { type: "boolean" },
  to: { type: "string" },
  models: { type: "string" },
  mapping: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  "to-ollama": { type: "string" },
  store: { type: "string" },
  "verify-suite": { type: "string" },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

export const migrateCommand: Command = {
  name: "migrate",
  summary: "migrate models between Ollama and OCI registries or layouts (Docker Model Runner format)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("migrate", args, options);
    if (values["from-ollama"] === (values["to-ollama"] !== undefined)) {
      throw new UsageError(`give exactly one of --from-ollama and --to-ollama\n${usage}`);
    }
    if (values["to-ollama"] !== undefined) {
      if (positionals.length === 0)
        throw new UsageError(`migrate --to-ollama: name at least one model reference\n${usage}`);
      return toOllama(
        positionals,
        path.resolve(io.cwd, values["to-ollama"]),
        storeOption(values.store),
        values.json === true,
        io,
      );
    }
    return fromOllama(values, positionals, io);
  },
};

async function fromOllama(values: Values, positionals: string[], io: CommandIO): Promise<number> {
  if (!values.to) throw new UsageError(`migrate --from-ollama: --to is required\n${usage}`);
  if (positionals.length > 1) throw new UsageError(`migrate --from-ollama: at most one Ollama directory\n${usage}`);
  const target = parseMigrationTarget(values.to);
  const mapping = values.mapping
    ? parseNameMapping(await readText(path.resolve(io.cwd, values.mapping)), values.mapping)
    : undefined;
  const dirs = positionals[0] ? [path.resolve(io.cwd, positionals[0])] : defaultOllamaDirs(io.env);
  const models = await selectOllamaModels(dirs, values.models?.split(",").filter((s) => s !== "") ?? []);
  const verify = await verification(values, io);
  const rows: MigrationRow[] = [];
  for (const model of models) {
    const reference = referenceOrFailure(model, target, mapping);
    if ("status" in reference) {
      rows.push(reference);
      continue;
    }
    const row = await migrateOllamaModel(model, reference, (ref) => openTarget(ref, { env: io.env, create: true }), {
      dryRun: values["dry-run"] === true,
    });
    const verifiable = row.status === "migrated" || row.status === "up to date";
    rows.push(verify && verifiable ? await verifyRow(row, model.modelsDir, verify.suite, verify.store, io) : row);
  }
  if (values.json) writeJson(io, rows);
  else io.stdout.write(migrationTable(rows));
  return rows.some((r) => r.status === "failed" || r.verify?.identical === false) ? 1 : 0;
}

/** The model's target reference, or the failed row of a name Ollama accepts but references do not. */
function referenceOrFailure(
  model: OllamaStoreModel,
  target: Parameters<typeof targetReference>[1],
  mapping: Parameters<typeof targetReference>[2],
): Reference | MigrationRow {
  try {
    return targetReference(model, target, mapping);
  } catch (error) {
    if (!(error instanceof CortexError)) throw error;
    return { ollama: model.id, status: "failed", reason: describeError(error) };
  }
}

/** The suite and the store --verify-suite needs, or undefined without it. */
async function verification(values: Values, io: CommandIO): Promise<{ suite: Suite; store: ModelStore } | undefined> {
  if (!values["verify-suite"]) return undefined;
  const suite = await loadSuite(values["verify-suite"], io.cwd);
  const store = await ModelStore.open({ dir: storeOption(values.store), env: io.env });
  return { suite, store };
}

/** The models the selectors name (all without one); a selector that names none is an error. */
async function selectOllamaModels(dirs: string[], selectors: readonly string[]): Promise<OllamaStoreModel[]> {
  const all = await listOllamaModels(dirs);
  const unknown = selectors.filter((s) => !all.some((m) => matchesOllamaModel(m, s)));
  if (unknown.length > 0) throw new UsageError(`no Ollama model named ${unknown.join(", ")} in ${dirs.join(", ")}`);
  return selectors.length === 0 ? all : all.filter((m) => selectors.some((s) => matchesOllamaModel(m, s)));
}

/** Pulls the migrated model back by digest and runs the suite on it and on the Ollama original side by side. */
async function verifyRow(row: MigrationRow, modelsDir: string, suite: Suite, store: ModelStore, io: CommandIO) {
  const reference = parseReference(row.target as string);
  const pulled =
    (await pullFromStore(store, reference)) ??
    (await pull(await openTarget(reference, { env: io.env }), reference, store));
  const result = await verifyMigration({
    suite,
    originalModel: ollamaBlobPath(modelsDir, row.ggufDigest as string),
    migratedModel: pulled.model,
  });
  return { ...row, verify: { identical: result.identical, differences: result.differences.map((d) => d.id) } };
}

async function readText(file: string): Promise<string> {
  return fs.readFile(file, "utf8").catch((error) => {
    throw new UsageError(`cannot read ${file}`, { cause: error });
  });
}

async function toOllama(refs: string[], modelsDir: string, storeDir: string | undefined, json: boolean, io: CommandIO) {
  const store = await ModelStore.open({ ...(storeDir ? { dir: storeDir } : {}), env: io.env });
  const results = [];
  for (const text of refs) {
    const reference = parseReference(text);
    const pulled =
      (await pullFromStore(store, reference)) ??
      (await pull(await openTarget(reference, { env: io.env }), reference, store));
    const written = await writeIntoOllama({ store, pulled, reference, modelsDir });
    results.push({
      reference: pulled.reference,
      ollama: written.modelId,
      manifestPath: written.manifestPath,
      restored: written.restored,
    });
  }
  if (json) writeJson(io, results);
  else {
    for (const r of results) {
      io.stdout.write(`${r.reference} -> ${r.ollama}${r.restored ? " (original Ollama manifest restored)" : ""}\n`);
    }
  }
  return 0;
}

function verdict(row: MigrationRow): string {
  if (!row.verify) return "";
  return row.verify.identical ? ", answers identical" : `, answers differ: ${row.verify.differences.join(", ")}`;
}

/** The table people read: Ollama name, target, digests, size, status (and why, when it failed). */
export function migrationTable(rows: readonly MigrationRow[]): string {
  const header = ["OLLAMA NAME", "TARGET", "MANIFEST DIGEST", "GGUF DIGEST", "SIZE", "STATUS"];
  const short = (digest: string | undefined) => (digest ? digest.slice(0, 19) : "-");
  const lines = rows.map((r) => [
    r.ollama,
    (r.target ?? "-").replace(/@sha256:.*$/, ""),
    short(r.manifestDigest),
    short(r.ggufDigest),
    r.size === undefined ? "-" : formatMiB(r.size),
    r.status === "failed" ? `failed: ${r.reason}` : `${r.status}${verdict(r)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return `${[header, ...lines].map(format).join("\n")}\n`;
}
