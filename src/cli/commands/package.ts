import { resolve } from "node:path";
import { openTarget } from "../../copy/targets.js";
import { BOUNDS, boundsRange } from "../../core/bounds.js";
import { UsageError } from "../../core/errors.js";
import { DEFAULT_TAG, formatReference, parseReference, pinReference } from "../../core/ref.js";
import { createdTime, packageModel } from "../../dmr/package-model.js";
import { type Command, parseCommandArgs, writeJson } from "../command.js";
import { optionalNumberOption } from "../option-values.js";

const usage = `Usage: cortex-model package <file.gguf> [shard.gguf ...] --to <ref> [options]

Packages a GGUF model as a Docker Model Runner artifact (config v0.1 from the GGUF's own metadata) and
pushes it to a registry repository or an OCI layout (created when missing).
  <file.gguf>            the model; one shard (name-00001-of-00003.gguf) brings in all of its shards
  --to REF               registry/repo[:tag] or oci:<dir>[:tag] (default tag: latest)
  --license FILE         add a license layer
  --chat-template FILE   add a Jinja chat template layer
  --mmproj FILE          add a multimodal projector layer
  --context-size N       write config.context_size, ${boundsRange(BOUNDS.contextSize)} (default: the GGUF's context length)
  --json                 print one JSON object: digest, reference, size

The config's creation time is SOURCE_DATE_EPOCH when set, else 1970-01-01T00:00:00Z, so packaging the same
files again gives the same digest.`;

export const packageCommand: Command = {
  name: "package",
  summary: "package a GGUF as a Docker Model Runner artifact and push it",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("package", args, {
      to: { type: "string" },
      license: { type: "string" },
      "chat-template": { type: "string" },
      mmproj: { type: "string" },
      "context-size": { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length === 0) throw new UsageError(`expected a GGUF file\n${usage}`);
    if (!values.to) throw new UsageError("--to <ref> is required");
    const ref = parseReference(values.to);
    const contextSize = optionalNumberOption(values["context-size"], "--context-size", BOUNDS.contextSize);
    if (ref.digest) throw new UsageError(`--to names a tag to push to, not a digest (${values.to})`);
    const tag = ref.tag ?? DEFAULT_TAG;
    const file = (path: string | undefined) => (path === undefined ? undefined : resolve(io.cwd, path));
    const gguf = positionals.map((path) => resolve(io.cwd, path));
    const target = await openTarget(ref, { create: true });
    const descriptor = await packageModel(
      {
        gguf: gguf.length === 1 ? (gguf[0] as string) : gguf,
        license: file(values.license),
        chatTemplate: file(values["chat-template"]),
        mmproj: file(values.mmproj),
        contextSize,
        created: createdTime(io.env),
      },
      target,
      tag,
    );
    const reference = formatReference(pinReference({ ...ref, tag }, descriptor.digest));
    if (values.json) writeJson(io, { digest: descriptor.digest, reference, size: descriptor.size });
    else io.stdout.write(`${reference}\n`);
    return 0;
  },
};
