import { readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { GGUFValueType, gguf } from "@huggingface/gguf";
import { describe, expect, it } from "vitest";
import { sha256Digest } from "../../../src/core/digest.js";
import { MediaType } from "../../../src/core/media-types.js";
import type { ImageManifest } from "../../../src/core/target.js";
import { packageModel } from "../../../src/dmr/package-model.js";
import { formatBytes, formatParameters } from "../../../src/model/human-units.js";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { OciLayout } from "../../../src/store/oci-layout.js";
import { tinyGguf } from "../../helpers/model-layout.js";
import { useTempDir } from "../../helpers/temp-dir.js";

// A fixture packaged by packageModel, compared field by field with the config and layers built here the way
// docker/model-runner's pkg/distribution builds them: format/gguf.go ExtractConfig (through gguf-parser-go),
// builder.FromPath, then WithLicense, WithChatTemplateFile, WithMultimodalProjector (the order `docker model
// package` applies them, each appending its diff ID), every layer made by partial.NewLayer.

/** format/gguf.go's normalizeUnitString. */
const normalizeUnitString = (s: string) => s.trim().replace(/([0-9]+(?:\.[0-9]+)?)\s+([A-Za-z]+)/g, "$1$2");

/** Go's fmt for one GGUF value as extractGGUFMetadata and handleGGUFArray write it. */
function goText(value: unknown, type: GGUFValueType): string {
  if (type === GGUFValueType.FLOAT32 || type === GGUFValueType.FLOAT64) return (value as number).toFixed(6);
  if (type === GGUFValueType.ARRAY) return "";
  return String(value);
}

/** extractGGUFMetadata: every key/value as text, arrays of more than 50 items left out. */
function extractGgufMetadata(typed: Record<string, { value: unknown; type: GGUFValueType; subType?: GGUFValueType }>) {
  const out: Record<string, string> = {};
  for (const [key, { value, type, subType }] of Object.entries(typed)) {
    if (["version", "tensor_count", "kv_count"].includes(key)) continue;
    if (type !== GGUFValueType.ARRAY) out[key] = goText(value, type);
    else if ((value as unknown[]).length <= 50) {
      out[key] = (value as unknown[]).map((v) => goText(v, subType as GGUFValueType)).join(", ");
    }
  }
  return out;
}

describe("package writes what docker model package writes", () => {
  const temp = useTempDir("cortex-package-dmr-");

  it("config and layers of a GGUF with license, chat template and projector, field by field", async () => {
    const model = await synthesizeKnownAnswer({
      path: join(temp(), "ka-F32.gguf"),
      answers: [{ prompt: "Ping", answer: "pong" }],
    });
    const license = join(temp(), "LICENSE.txt");
    const template = join(temp(), "chat.jinja");
    const mmproj = join(temp(), "mmproj-ka.gguf");
    await writeFile(license, "Apache-2.0 <with & brackets>\n");
    await writeFile(template, "{{ messages[0]['content'] }}");
    await writeFile(mmproj, tinyGguf({ "general.architecture": "clip" }));
    const created = new Date(Date.UTC(2026, 11, 6, 9, 30, 0, 250));
    const layout = await OciLayout.open(join(temp(), "layout"), { create: true });
    const packaged = await packageModel(
      { gguf: model.path, license, chatTemplate: template, mmproj, created },
      layout,
      "v1",
    );
    const manifest = JSON.parse(Buffer.from((await layout.fetchManifest(packaged)).bytes).toString()) as ImageManifest;
    const config = JSON.parse(await readFile(layout.blobPath(manifest.config.digest), "utf8"));

    // What ExtractConfig reads from the GGUF, the way gguf-parser-go reports it.
    const parsed = await gguf(model.path, { allowLocalFile: true, typedMetadata: true });
    const typed = parsed.typedMetadata as unknown as Record<
      string,
      { value: unknown; type: GGUFValueType; subType?: GGUFValueType }
    >;
    const architecture = typed["general.architecture"]?.value as string;
    const elements = parsed.tensorInfos.reduce((sum, t) => sum + t.shape.reduce((n, d) => n * Number(d), 1), 0);
    const size = (await readFile(model.path)).length - Number(parsed.tensorDataOffset);
    const expected = {
      format: "gguf",
      quantization: (["MOSTLY_F32", "MOSTLY_F16"] as const)[typed["general.file_type"]?.value as 0 | 1],
      parameters: normalizeUnitString(formatParameters(elements)),
      architecture: architecture.trim(),
      size: normalizeUnitString(formatBytes(size)),
      gguf: extractGgufMetadata(typed),
      context_size: typed[`${architecture}.context_length`]?.value,
    };
    expect(Object.keys(config.config)).toEqual(Object.keys(expected));
    for (const [field, value] of Object.entries(expected)) expect(config.config[field], field).toEqual(value);
    expect(config.config.quantization).toBe("MOSTLY_F32");
    expect(config.config.context_size).toBeGreaterThan(0);
    expect(Object.keys(config.config.gguf)).not.toContain("tokenizer.ggml.tokens");

    const files: [string, string][] = [
      [model.path, MediaType.dmrGguf],
      [license, MediaType.dmrLicense],
      [template, MediaType.dmrChatTemplate],
      [mmproj, MediaType.dmrMmproj],
    ];
    const digests = await Promise.all(files.map(async ([file]) => sha256Digest(await readFile(file))));
    expect(config.descriptor).toEqual({ created: "2026-12-06T09:30:00.25Z" });
    expect(config.rootfs).toEqual({ type: "rootfs", diff_ids: digests });

    for (const [i, [file, mediaType]] of files.entries()) {
      const bytes = await readFile(file);
      const layer = manifest.layers[i];
      expect(layer, file).toEqual({
        mediaType,
        size: bytes.length,
        digest: digests[i],
        annotations: {
          "org.cncf.model.file.mediatype.untested": "false",
          "org.cncf.model.file.metadata+json": JSON.stringify({
            name: basename(file),
            mode: 0o644,
            uid: 0,
            gid: 0,
            size: bytes.length,
            mtime: "2026-12-06T09:30:00.25Z",
            typeflag: 0,
          }),
          "org.cncf.model.filepath": basename(file),
        },
      });
    }
    // Go marshals map keys sorted: the annotations appear in the manifest bytes in that order.
    const raw = Buffer.from((await layout.fetchManifest(packaged)).bytes).toString();
    expect(raw.indexOf("mediatype.untested")).toBeLessThan(raw.indexOf("metadata+json"));
    expect(raw.indexOf("metadata+json")).toBeLessThan(raw.indexOf('"org.cncf.model.filepath"'));
  });
});
