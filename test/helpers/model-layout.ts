import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Digest, sha256Digest } from "../../src/core/digest.js";
import { MediaType } from "../../src/core/media-types.js";
import type { Descriptor, ImageManifest } from "../../src/core/target.js";
import { OciLayout } from "../../src/store/oci-layout.js";

export async function tempDir(prefix = "cortex-store-"): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export function descriptorOf(mediaType: string, bytes: Uint8Array, annotations?: Record<string, string>): Descriptor {
  return {
    mediaType,
    digest: sha256Digest(bytes),
    size: bytes.byteLength,
    ...(annotations ? { annotations } : {}),
  };
}

export interface ModelLayoutOptions {
  /** Contents of the GGUF layers (shards), in order. */
  readonly shards: readonly Uint8Array[];
  readonly tag?: string;
  /** Extra layers pushed after the GGUF ones. */
  readonly extra?: readonly { mediaType: string; bytes: Uint8Array; annotations?: Record<string, string> }[];
  readonly ggufAnnotations?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export interface ModelLayout {
  readonly layout: OciLayout;
  readonly manifest: ImageManifest;
  readonly manifestDescriptor: Descriptor & { digest: Digest };
  readonly ggufDescriptors: readonly Descriptor[];
}

/** A DMR-format model artifact in an OCI layout, made with the layout's own writer. */
export async function makeModelLayout(dir: string, options: ModelLayoutOptions): Promise<ModelLayout> {
  const layout = await OciLayout.open(dir, { create: true });
  const ggufDescriptors = options.shards.map((bytes) =>
    descriptorOf(MediaType.dmrGguf, bytes, options.ggufAnnotations),
  );
  const config = new TextEncoder().encode(
    JSON.stringify({ config: { format: "gguf", architecture: "llama" }, rootfs: { type: "rootfs", diff_ids: [] } }),
  );
  const configDescriptor = descriptorOf(MediaType.dmrConfigV01, config);
  await layout.pushBlob(configDescriptor, config);
  for (const [i, bytes] of options.shards.entries()) await layout.pushBlob(ggufDescriptors[i] as Descriptor, bytes);
  const extraDescriptors: Descriptor[] = [];
  for (const extra of options.extra ?? []) {
    const d = descriptorOf(extra.mediaType, extra.bytes, extra.annotations);
    await layout.pushBlob(d, extra.bytes);
    extraDescriptors.push(d);
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: configDescriptor,
    layers: [...ggufDescriptors, ...extraDescriptors],
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  const manifestDescriptor = descriptorOf(MediaType.ociManifest, bytes) as Descriptor & { digest: Digest };
  await layout.pushManifest(manifestDescriptor, bytes, { tag: options.tag ?? "latest" });
  return { layout, manifest, manifestDescriptor, ggufDescriptors };
}

export function randomData(size: number): Uint8Array {
  return randomBytes(size);
}

/** A GGUF v3 header with a few metadata keys and no tensors: enough for metadata readers. */
export function tinyGguf(metadata: Record<string, string | number>): Uint8Array {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const str = (s: string) => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
  parts.push(Buffer.from("GGUF"), u32(3), u64(0), u64(Object.keys(metadata).length));
  for (const [key, value] of Object.entries(metadata)) {
    parts.push(str(key));
    parts.push(typeof value === "string" ? Buffer.concat([u32(8), str(value)]) : Buffer.concat([u32(4), u32(value)]));
  }
  const header = Buffer.concat(parts);
  return Buffer.concat([header, Buffer.alloc((32 - (header.length % 32)) % 32)]);
}

export interface ArtifactFile {
  readonly mediaType: string;
  readonly bytes: Uint8Array;
  /** Written as `org.cncf.model.filepath`, as config v0.2 and ModelPack name their files. */
  readonly filePath?: string;
}

/** Any model artifact (DMR v0.2, ModelPack, ...) in an OCI layout: the config, one layer per file, the manifest. */
export async function makeArtifactLayout(
  dir: string,
  options: { configMediaType: string; config?: unknown; files: readonly ArtifactFile[]; artifactType?: string },
): Promise<{ layout: OciLayout; manifest: ImageManifest; manifestDescriptor: Descriptor & { digest: Digest } }> {
  const layout = await OciLayout.open(dir, { create: true });
  const config = new TextEncoder().encode(JSON.stringify(options.config ?? {}));
  const configDescriptor = descriptorOf(options.configMediaType, config);
  await layout.pushBlob(configDescriptor, config);
  const layers: Descriptor[] = [];
  for (const file of options.files) {
    const annotations = file.filePath === undefined ? undefined : { "org.cncf.model.filepath": file.filePath };
    const descriptor = descriptorOf(file.mediaType, file.bytes, annotations);
    if (!(await layout.exists(descriptor))) await layout.pushBlob(descriptor, file.bytes);
    layers.push(descriptor);
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    ...(options.artifactType ? { artifactType: options.artifactType } : {}),
    config: configDescriptor,
    layers,
  };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  const manifestDescriptor = descriptorOf(MediaType.ociManifest, bytes) as Descriptor & { digest: Digest };
  await layout.pushManifest(manifestDescriptor, bytes, { tag: "latest" });
  return { layout, manifest, manifestDescriptor };
}
