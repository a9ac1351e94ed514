import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { type OpenTargetOptions, openTarget } from "../copy/targets.js";
import type { Digest } from "../core/digest.js";
import { MediaType } from "../core/media-types.js";
import { formatReference, type Reference, referenceVersion } from "../core/ref.js";
import type { Descriptor, ReadOnlyTarget } from "../core/target.js";
import { type ModelFormat, recognizeArtifact } from "../model/artifact.js";
import { resolveModel } from "../pull/pull.js";
import { scanChatTemplate } from "./chat-template.js";
import { type Finding, FindingList, quoted } from "./findings.js";
import {
  DEFAULT_LIMITS,
  type GgufHeader,
  headerQuantization,
  type ScanLimits,
  STRING,
  scanGgufStructure,
} from "./gguf-structure.js";
import { checkPolicy, identifyLicenseText, type ScanPolicy } from "./policy.js";
import { RULES } from "./rules.js";

/**
 * Scans a model, a local GGUF file or a reference to a model artifact, without executing or rendering
 * anything from it: GGUF headers (streamed, the weights never read), chat templates (parsed), licence
 * files and the optional policy. A reference's blobs are read from their start only as far as the header.
 */

export type ScanVerdict = "pass" | "fail";

/** One file of the model the scan looked at. */
export interface ScannedFile {
  readonly role: "gguf" | "chat-template" | "license";
  /** The local path, or the layer's digest in a reference's artifact. */
  readonly name: string;
  readonly size: number;
  /** Known from the manifest for a reference; computed for a local file only when asked (it reads the file). */
  readonly digest?: Digest;
}

export interface ModelSummary {
  readonly format: ModelFormat | "gguf";
  readonly architecture?: string;
  readonly name?: string;
  readonly quantization?: string;
  readonly parameters?: number;
  readonly contextLength?: number;
  readonly licenses: readonly string[];
  /** Bytes of every file of the model together. */
  readonly size: number;
}

/** The report's shape (schemas/scan-report.schema.json), named in the document. */
export const SCAN_REPORT_FORMAT = "cortex-model.scan-report.v1";

export interface ScanReport {
  readonly format: typeof SCAN_REPORT_FORMAT;
  readonly scanner: { readonly name: string; readonly version?: string };
  readonly created: string;
  /** What was scanned: the reference and the manifest digest it resolved to, or the local file. */
  readonly subject: { readonly reference?: string; readonly digest?: Digest; readonly file?: string | undefined };
  readonly model: ModelSummary;
  readonly files: readonly ScannedFile[];
  readonly findings: readonly Finding[];
  readonly summary: { readonly error: number; readonly warning: number; readonly note: number };
  /** fail when any finding is at error level. */
  readonly verdict: ScanVerdict;
}

export interface ScanOptions {
  readonly policy?: ScanPolicy;
  readonly limits?: ScanLimits;
  /** Hash local files (reads them whole): the ML-BOM wants their digests. */
  readonly hashFiles?: boolean;
  /** The version recorded as the scanner's. */
  readonly scannerVersion?: string;
  readonly target?: OpenTargetOptions;
  readonly signal?: AbortSignal | undefined;
  readonly now?: Date;
  /** Local files are named relative to this directory in the reports (the repository, for code scanning). */
  readonly baseDir?: string;
}

/** Licence files and DMR template layers larger than this are not read. */
const MAX_TEXT_LAYER = 2 ** 20;

async function sha256File(file: string): Promise<Digest> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest("hex")}` as Digest;
}

function number(header: GgufHeader, key: string): number | undefined {
  const value = header.metadata.get(key)?.value;
  return typeof value === "number" || typeof value === "bigint" ? Number(value) : undefined;
}

function text(header: GgufHeader, key: string): string | undefined {
  const value = header.metadata.get(key)?.value;
  return typeof value === "string" ? value : undefined;
}

/** Parameters of every tensor whose shape is valid; a crafted shape adds nothing. */
function parameterCount(headers: readonly GgufHeader[]): number {
  let total = 0n;
  for (const tensor of headers.flatMap((h) => h.tensors)) {
    if (tensor.shape.length === 0 || tensor.shape.some((dim) => dim <= 0n)) continue;
    total += tensor.shape.reduce((product, dim) => product * dim, 1n);
  }
  return Number(total);
}

/**
 * A split model's shards agree with each other (llama.cpp's gguf-split keys): each says its place and the
 * shard count, the tensor total matches, and no tensor is in two shards.
 */
function checkShards(headers: readonly GgufHeader[], files: readonly ScannedFile[]): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, string>();
  let tensors = 0;
  headers.forEach((header, index) => {
    const list = new FindingList(files[index]?.name ?? `shard ${index}`);
    const no = number(header, "split.no");
    const count = number(header, "split.count");
    if (headers.length > 1 && (no !== index || count !== headers.length)) {
      const says = `split.no ${no ?? "missing"} of split.count ${count ?? "missing"}`;
      list.add(RULES.shards, `shard ${index + 1} of ${headers.length} says ${says}`, { name: "split.no" });
    }
    for (const tensor of header.tensors) {
      const other = seen.get(tensor.name);
      if (other === undefined) seen.set(tensor.name, list.artifact);
      else if (other !== list.artifact) {
        list.add(RULES.shards, `tensor ${quoted(tensor.name)} is also in ${other}`, { name: tensor.name });
      }
    }
    tensors += header.tensors.length;
    findings.push(...list.list());
  });
  const declared = headers[0] && number(headers[0], "split.tensors.count");
  if (headers.length > 1 && declared !== undefined && declared !== tensors) {
    const list = new FindingList(files[0]?.name ?? "shard 0");
    list.add(RULES.shards, `split.tensors.count is ${declared}, but the shards hold ${tensors} tensors`, {
      name: "split.tensors.count",
    });
    findings.push(...list.list());
  }
  return findings;
}

/** Gathers what the checks found in each part into one report. */
class ScanBuilder {
  readonly findings: Finding[] = [];
  readonly files: ScannedFile[] = [];
  readonly headers: GgufHeader[] = [];
  readonly licenses: string[] = [];

  async gguf(stream: AsyncIterable<Uint8Array>, file: ScannedFile, limits: ScanLimits): Promise<void> {
    this.files.push(file);
    const { header, findings } = await scanGgufStructure(stream, file.size, file.name, limits);
    this.findings.push(...findings);
    this.headers.push(header);
    if (this.headers.length > 1) return;
    for (const [key, entry] of header.metadata) {
      if (!key.startsWith("tokenizer.chat_template")) continue;
      if (typeof entry.value === "string") this.findings.push(...scanChatTemplate(entry.value, key, file.name));
      else if (entry.type === STRING && (entry.length ?? 0) > limits.maxTemplateBytes) {
        this.templateTooLarge(key, file.name, limits);
      }
    }
    const license = text(header, "general.license");
    if (license) this.licenses.push(license);
  }

  templateTooLarge(name: string, artifact: string, limits: ScanLimits): void {
    const list = new FindingList(artifact);
    list.add(RULES.templateSize, `${name}: the template is larger than ${limits.maxTemplateBytes} bytes`, { name });
    this.findings.push(...list.list());
  }

  /** What the first file's header says about the model, with the licences found and the total size. */
  #summary(format: ModelSummary["format"], sizeOfAll: number): ModelSummary {
    const first = this.headers[0];
    const architecture = first && text(first, "general.architecture");
    const name = first && text(first, "general.name");
    const contextLength = first && architecture ? number(first, `${architecture}.context_length`) : undefined;
    return {
      format,
      ...(architecture && { architecture }),
      ...(name && { name }),
      ...(first?.complete && { quantization: headerQuantization(first) }),
      ...(this.headers.length > 0 && { parameters: parameterCount(this.headers) }),
      ...(contextLength !== undefined && { contextLength }),
      licenses: [...new Set(this.licenses)],
      size: sizeOfAll,
    };
  }

  report(
    subject: ScanReport["subject"],
    format: ModelSummary["format"],
    options: ScanOptions,
    sizeOfAll: number,
  ): ScanReport {
    this.findings.push(
      ...checkShards(
        this.headers,
        this.files.filter((f) => f.role === "gguf"),
      ),
    );
    const first = this.headers[0];
    const model = this.#summary(format, sizeOfAll);
    if (options.policy) {
      const list = new FindingList(subject.reference ?? subject.file ?? "model");
      const metadataKeys = new Set(first ? first.metadata.keys() : []);
      checkPolicy(options.policy, { ...model, metadataKeys }, list);
      this.findings.push(...list.list());
    }
    const count = (level: Finding["level"]) => this.findings.filter((f) => f.level === level).length;
    const summary = { error: count("error"), warning: count("warning"), note: count("note") };
    return {
      format: SCAN_REPORT_FORMAT,
      scanner: { name: "cortex-model", ...(options.scannerVersion && { version: options.scannerVersion }) },
      created: (options.now ?? new Date()).toISOString(),
      subject,
      model,
      files: this.files,
      findings: this.findings,
      summary,
      verdict: summary.error > 0 ? "fail" : "pass",
    };
  }
}

/** Scans GGUF files on disk (one model, or its shards in order). */
export async function scanGgufFiles(files: readonly string[], options: ScanOptions = {}): Promise<ScanReport> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const builder = new ScanBuilder();
  let total = 0;
  for (const file of files) {
    const { size } = await stat(file);
    total += size;
    const digest = options.hashFiles ? await sha256File(file) : undefined;
    // Relative to the repository, code scanning shows a finding beside the file; outside it, the full path.
    const relative = path.relative(options.baseDir ?? process.cwd(), path.resolve(file));
    const name = relative.startsWith("..") || path.isAbsolute(relative) ? path.resolve(file) : relative;
    const stream = createReadStream(file, { highWaterMark: 1 << 20 });
    await builder.gguf(stream, { role: "gguf", name, size, ...(digest && { digest }) }, limits);
  }
  return builder.report({ file: builder.files[0]?.name }, "gguf", options, total);
}

async function readSmallBlob(target: ReadOnlyTarget, descriptor: Descriptor, signal?: AbortSignal): Promise<string> {
  return (await buffer(await target.fetchBlob(descriptor, { ...(signal && { signal }) }))).toString("utf8");
}

/** A chat template layer is scanned, a licence layer identified; other layers are not fetched. */
async function scanPart(
  part: ReturnType<typeof recognizeArtifact>["parts"][number],
  builder: ScanBuilder,
  from: { target: ReadOnlyTarget; limits: ScanLimits; signal: AbortSignal | undefined },
): Promise<void> {
  const { descriptor } = part;
  const { target, limits, signal } = from;
  const file = { name: descriptor.digest, size: descriptor.size, digest: descriptor.digest };
  if (part.role === "chat-template" && descriptor.mediaType === MediaType.dmrChatTemplate) {
    builder.files.push({ role: "chat-template", ...file });
    const name = part.filePath ?? "chat template layer";
    if (descriptor.size > limits.maxTemplateBytes) builder.templateTooLarge(name, descriptor.digest, limits);
    else builder.findings.push(...scanChatTemplate(await readSmallBlob(target, descriptor, signal), name, file.name));
  }
  if (part.role === "license") {
    builder.files.push({ role: "license", ...file });
    const stated =
      descriptor.size <= MAX_TEXT_LAYER
        ? identifyLicenseText(await readSmallBlob(target, descriptor, signal))
        : undefined;
    builder.licenses.push(stated ?? "LicenseRef-unidentified");
  }
}

/** Scans the model a reference names, in a registry or an `oci:` layout; only GGUF headers are fetched. */
export async function scanReference(ref: Reference, options: ScanOptions = {}): Promise<ScanReport> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const { signal } = options;
  const target = await openTarget(ref, options.target);
  const top = await target.resolve(referenceVersion(ref), { ...(signal && { signal }) });
  const resolved = await resolveModel(top, (d) => target.fetchManifest(d, { ...(signal && { signal }) }));
  const artifact = recognizeArtifact(resolved.parsed);
  const builder = new ScanBuilder();
  for (const descriptor of artifact.gguf) {
    const stream: Readable = await target.fetchBlob(descriptor, { ...(signal && { signal }) });
    const file = { role: "gguf", name: descriptor.digest, size: descriptor.size, digest: descriptor.digest } as const;
    await builder.gguf(stream, file, limits);
  }
  for (const part of artifact.parts) await scanPart(part, builder, { target, limits, signal });
  const size = resolved.parsed.layers.reduce((sum, layer) => sum + layer.size, 0);
  const subject = { reference: formatReference(ref), digest: resolved.top.descriptor.digest };
  return builder.report(subject, artifact.format, options, size);
}
