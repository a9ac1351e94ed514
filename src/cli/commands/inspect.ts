import { openTarget } from "../../copy/targets.js";
import { UsageError } from "../../core/errors.js";
import { isPinned, parseReference, referenceVersion } from "../../core/ref.js";
import type { ReadOnlyTarget } from "../../core/target.js";
import { recognizeArtifact } from "../../model/artifact.js";
import { type GgufSummary, summarizeGguf } from "../../model/gguf-metadata.js";
import { resolveModel } from "../../pull/pull.js";
import { ModelStore } from "../../store/model-store.js";
import { type Command, parseCommandArgs, writeJson } from "../command.js";
import { formatMiB, storeOption } from "../option-values.js";

const usage = `Usage: cortex-model inspect <ref> [--store DIR] [--json]

Shows a model's manifest, its parts and media types, and a GGUF metadata summary when the model is in
the store. A pinned reference already in the store is read from the store.`;

export const inspectCommand: Command = {
  name: "inspect",
  summary: "show a model's manifest, media types and GGUF metadata",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("inspect", args, {
      store: { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length !== 1) throw new UsageError(`expected one reference\n${usage}`);
    const ref = parseReference(positionals[0] as string);
    const store = await ModelStore.open({ dir: storeOption(values.store), env: io.env });
    const inStore =
      isPinned(ref) &&
      (await store.layout.resolve(ref.digest).then(
        () => true,
        () => false,
      ));
    const source: ReadOnlyTarget = inStore ? store.layout : await openTarget(ref, { env: io.env });
    const top = await source.resolve(referenceVersion(ref));
    const resolved = await resolveModel(top, (d) => source.fetchManifest(d));
    const artifact = recognizeArtifact(resolved.parsed);
    const first = artifact.gguf[0];
    let gguf: GgufSummary | undefined;
    if (first && (await store.has(first))) gguf = await summarizeGguf(store.blobPath(first.digest));
    const parts = artifact.parts.map((p) => ({
      role: p.role,
      mediaType: p.descriptor.mediaType,
      digest: p.descriptor.digest,
      size: p.descriptor.size,
      ...(p.filePath ? { filePath: p.filePath } : {}),
    }));
    const report = {
      source: source.name,
      digest: resolved.top.descriptor.digest,
      manifestDigest: resolved.manifest.descriptor.digest,
      mediaType: resolved.manifest.descriptor.mediaType,
      format: artifact.format,
      config: resolved.parsed.config,
      parts,
      ...(gguf ? { gguf } : {}),
      manifest: resolved.parsed,
    };
    if (values.json) {
      writeJson(io, report);
      return 0;
    }
    const lines = [
      `${report.digest} (${artifact.format}, from ${source.name})`,
      ...(report.manifestDigest !== report.digest ? [`manifest: ${report.manifestDigest}`] : []),
      `config: ${report.config.mediaType} ${report.config.digest}`,
      ...parts.map((p) => `  ${p.role.padEnd(13)} ${formatMiB(p.size).padStart(12)}  ${p.mediaType}  ${p.digest}`),
      gguf
        ? `gguf: ${gguf.architecture ?? "?"} ${gguf.name ?? ""} file_type=${gguf.fileType ?? "?"} context=${gguf.contextLength ?? "?"} tensors=${gguf.tensorCount}`
        : "gguf: not in the store (pull it to read its metadata)",
    ];
    io.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  },
};
