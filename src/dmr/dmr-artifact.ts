import { GGUFValueType, type MetadataValue } from "@huggingface/gguf";
import { type Digest, sha256Digest } from "../core/digest.js";
import { Annotation, MediaType } from "../core/media-types.js";
import type { Descriptor } from "../core/target.js";
import type { GgufModelInfo, TypedValue } from "../model/gguf-metadata.js";
import { formatBytes, formatFixed, formatParameters, formatRfc3339Nano } from "../model/human-units.js";

/**
 * The pure part of packaging a GGUF as a Docker Model Runner artifact: the config v0.1 and the OCI manifest,
 * byte for byte as docker/model-runner's pkg/distribution (builder and format/gguf.go) writes them (Go's
 * encoding/json: struct field order, sorted map keys, `<`, `>` and `&` escaped, no spaces). Deliberate
 * differences, so that an artifact's digest is a function of its files: `descriptor.created` and each
 * layer's file `mtime` are the creation time chosen by the caller (DMR writes the current time and the file's
 * mtime), and the file `mode` is 0644 (DMR writes the file's permission bits).
 */

/** Arrays longer than this are left out of the config's `gguf` map, as format/gguf.go does. */
const MAX_ARRAY_IN_CONFIG = 50;

/**
 * gguf-parser-go's GGUFFileType names by llama_ftype number, which DMR writes as `quantization`
 * (FileType.String(), so "MOSTLY_Q4_K_M"); 39 is its "unknown" count.
 */
const FILE_TYPE_NAMES = (
  "F32 F16 Q4_0 Q4_1 Q4_1_SOME_F16 Q4_2 Q4_3 Q8_0 Q5_0 Q5_1 Q2_K Q3_K_S Q3_K_M Q3_K_L Q4_K_S Q4_K_M Q5_K_S Q5_K_M Q6_K IQ2_XXS " +
  "IQ2_XS Q2_K_S IQ3_XS IQ3_XXS IQ1_S IQ4_NL IQ3_S IQ3_M IQ2_S IQ2_M IQ4_XS IQ1_M BF16 Q4_0_4_4 Q4_0_4_8 Q4_0_8_8 TQ1_0 TQ2_0 MXFP4"
)
  .split(" ")
  .map((name) => `MOSTLY_${name}`);

/**
 * `quantization` as DMR writes it: the name of `general.file_type`. A file without one gets its dominant
 * tensor type ("MOSTLY_Q4_K"), where gguf-parser-go further tells K-quants apart (_S, _M, _L).
 */
export function dmrQuantization(info: Pick<GgufModelInfo, "fileType" | "quantization" | "tensorCount">): string {
  if (info.fileType === undefined) return info.tensorCount === 0 ? "Unknown" : `MOSTLY_${info.quantization}`;
  if (info.fileType === FILE_TYPE_NAMES.length) return "Unknown";
  return FILE_TYPE_NAMES[info.fileType] ?? `GGUFFileType(${info.fileType})`;
}

/** format/gguf.go's normalizeUnitString: "361.82 M" -> "361.82M", "256.35 MiB" -> "256.35MiB". */
function withoutUnitSpace(text: string): string {
  return text.trim().replace(/(\d+(?:\.\d+)?)\s+([A-Za-z]+)/g, "$1$2");
}

function scalarText(value: MetadataValue, type: GGUFValueType): string {
  switch (type) {
    case GGUFValueType.FLOAT32:
    case GGUFValueType.FLOAT64:
      // Go's %f
      return formatFixed(value as number, 6);
    case GGUFValueType.STRING:
      return value as string;
    case GGUFValueType.ARRAY:
      // model-distribution's handleArray writes nothing for nested arrays.
      return "";
    default:
      return String(value);
  }
}

function valueText({ value, type, subType }: TypedValue): string | undefined {
  if (type !== GGUFValueType.ARRAY) return scalarText(value, type);
  const items = value as MetadataValue[];
  if (items.length > MAX_ARRAY_IN_CONFIG) return undefined;
  if (subType === GGUFValueType.ARRAY) return "";
  return items.map((item) => scalarText(item, subType ?? GGUFValueType.STRING)).join(", ");
}

/** The config's `gguf` map: every key/value as text, long arrays left out, keys sorted. */
export function configMetadataMap(metadata: ReadonlyMap<string, TypedValue>): Record<string, string> {
  const entries: [string, string][] = [];
  for (const [key, entry] of metadata) {
    const text = valueText(entry);
    if (text !== undefined) entries.push([key, text]);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

export interface DmrConfigOptions {
  /** Digests of every layer, in order (GGUF files, then license, chat template, projector). */
  readonly diffIds: readonly Digest[];
  readonly created: Date;
  /** `context_size`; by default the GGUF's own context length, as DMR fills it. */
  readonly contextSize?: number;
}

/** Go's json.Marshal output for a plain value: JSON.stringify plus Go's HTML-safe escapes. */
export function goJson(value: unknown): string {
  return goEscapes(JSON.stringify(value));
}

/** Go's json.MarshalIndent(value, "", "  "), which escapes like json.Marshal and indents like JSON.stringify. */
export function goJsonIndent(value: unknown): string {
  return goEscapes(JSON.stringify(value, null, 2));
}

function goEscapes(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const INT32_MAX = 2 ** 31 - 1;

/** The DMR model config v0.1 for a GGUF model, in pkg/distribution's field order. */
export function dmrConfig(info: GgufModelInfo, options: DmrConfigOptions) {
  const gguf = configMetadataMap(info.metadata);
  const fromFile =
    info.contextLength !== undefined && info.contextLength > 0 && info.contextLength <= INT32_MAX
      ? info.contextLength
      : undefined;
  const contextSize = options.contextSize ?? fromFile;
  return {
    config: {
      format: "gguf",
      quantization: dmrQuantization(info),
      parameters: withoutUnitSpace(formatParameters(info.parameters)),
      // gguf-parser-go takes a file without general.architecture for llama.
      architecture: info.architecture?.trim() || "llama",
      size: withoutUnitSpace(formatBytes(info.tensorBytes)),
      ...(Object.keys(gguf).length > 0 ? { gguf } : {}),
      context_size: contextSize,
    },
    descriptor: { created: formatRfc3339Nano(options.created) },
    rootfs: { type: "rootfs", diff_ids: [...options.diffIds] },
  };
}

function descriptorJson(descriptor: Descriptor) {
  return {
    mediaType: descriptor.mediaType,
    size: descriptor.size,
    digest: descriptor.digest,
    ...(descriptor.annotations ? { annotations: sortedKeys(descriptor.annotations) } : {}),
  };
}

/**
 * The annotations pkg/distribution's NewLayer puts on every file layer: its name, its file metadata (Go's
 * json.Marshal of types.FileMetadata) and that its media type was tested. `mtime` is the artifact's creation
 * time and `mode` 0644, not the file's own (see the top of this module).
 */
export function dmrFileAnnotations(name: string, size: number, created: Date): Record<string, string> {
  const metadata = { name, mode: 0o644, uid: 0, gid: 0, size, mtime: formatRfc3339Nano(created), typeflag: 0 };
  return {
    [Annotation.modelFilepath]: name,
    [Annotation.modelFileMetadata]: goJson(metadata),
    [Annotation.modelMediaTypeUntested]: "false",
  };
}

/** Go marshals a map with its keys sorted. */
function sortedKeys(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Bytes and descriptor of a JSON document, so what is pushed is exactly what was hashed. */
export interface JsonBlob {
  readonly descriptor: Descriptor;
  readonly bytes: Uint8Array;
}

function jsonBlob(mediaType: string, value: unknown): JsonBlob {
  const bytes = new TextEncoder().encode(goJson(value));
  return { descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length }, bytes };
}

export function dmrConfigBlob(info: GgufModelInfo, options: DmrConfigOptions): JsonBlob {
  return jsonBlob(MediaType.dmrConfigV01, dmrConfig(info, options));
}

/**
 * An OCI image manifest without artifactType, as `docker model package` writes it; `annotations` (none from
 * `docker model package`) come last, where go-containerregistry's Manifest struct puts them.
 */
export function dmrManifestBlob(
  config: Descriptor,
  layers: readonly Descriptor[],
  annotations?: Readonly<Record<string, string>>,
): JsonBlob {
  return jsonBlob(MediaType.ociManifest, {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: descriptorJson(config),
    layers: layers.map(descriptorJson),
    ...(annotations ? { annotations: sortedKeys(annotations) } : {}),
  });
}
