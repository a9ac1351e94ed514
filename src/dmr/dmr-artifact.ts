import { GGUFValueType, type MetadataValue } from "@huggingface/gguf";
import { type Digest, sha256Digest } from "../core/digest.js";
import { MediaType } from "../core/media-types.js";
import type { Descriptor } from "../core/target.js";
import type { GgufModelInfo, TypedValue } from "../model/gguf-metadata.js";
import { formatBytes, formatFixed, formatParameters, formatRfc3339Nano } from "../model/human-units.js";

/**
 * The pure part of packaging a GGUF as a Docker Model Runner artifact: the config
 * v0.1 and the OCI manifest, byte for byte as docker/model-distribution writes them (Go's encoding/json:
 * struct field order, sorted map keys, `<`, `>` and `&` escaped, no spaces).
 */

/** Arrays longer than this are left out of the config's `gguf` map, as model-distribution does. */
const MAX_ARRAY_IN_CONFIG = 10;

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
  /** Digests of the GGUF files, in order. */
  readonly diffIds: readonly Digest[];
  readonly created: Date;
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

/** The DMR model config v0.1 for a GGUF model, in model-distribution's field order. */
export function dmrConfig(info: GgufModelInfo, options: DmrConfigOptions) {
  const gguf = configMetadataMap(info.metadata);
  return {
    config: {
      format: "gguf",
      quantization: info.quantization,
      parameters: formatParameters(info.parameters),
      ...(info.architecture ? { architecture: info.architecture } : {}),
      size: formatBytes(info.tensorBytes),
      ...(Object.keys(gguf).length > 0 ? { gguf } : {}),
      ...(options.contextSize !== undefined ? { context_size: options.contextSize } : {}),
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
    ...(descriptor.annotations ? { annotations: descriptor.annotations } : {}),
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
