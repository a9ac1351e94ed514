import { GGMLFileQuantizationType, type GGUFTensorInfo } from "@huggingface/gguf";
import { BLOCK_LAYOUT, guessQuantization } from "../model/gguf-metadata.js";
import { type Finding, FindingList, quoted } from "./findings.js";
import { HeaderReader, SCALAR_BYTES, ShortRead } from "./header-reader.js";
import { RULES, type Rule } from "./rules.js";

/**
 * Checks a GGUF header without trusting it: every count and length is compared with the bytes the file
 * really has and with caps before anything is read or allocated for it, and only the header is streamed.
 * Layout as in ggml's gguf.c: magic, version, tensor count, key/value count, key/values, tensor infos,
 * padding to the alignment, tensor data.
 */

export interface ScanLimits {
  readonly maxTensors: number;
  readonly maxKeys: number;
  readonly maxKeyBytes: number;
  readonly maxStringBytes: number;
  readonly maxArrayLength: number;
  readonly maxArrayDepth: number;
  /** Strings kept for later checks (general.*, chat templates), all together. */
  readonly retainedBytes: number;
  /** A chat template longer than this is reported, not kept. */
  readonly maxTemplateBytes: number;
}

export const DEFAULT_LIMITS: ScanLimits = {
  maxTensors: 65_536,
  maxKeys: 16_384,
  maxKeyBytes: 1024,
  maxStringBytes: 64 * 2 ** 20,
  maxArrayLength: 16 * 2 ** 20,
  maxArrayDepth: 4,
  retainedBytes: 16 * 2 ** 20,
  maxTemplateBytes: 2 ** 20,
};

export const STRING = 8;
const ARRAY = 9;
const TYPE_NAMES = [
  "uint8",
  "int8",
  "uint16",
  "int16",
  "uint32",
  "int32",
  "float32",
  "bool",
  "string",
  "array",
  "uint64",
  "int64",
  "float64",
];
const GGML_MAX_DIMS = 4;
/** ggml's GGML_MAX_NAME: names live in 64-byte buffers, terminator included. */
const GGML_MAX_NAME = 64;
const DEFAULT_ALIGNMENT = 32;
const INT64_MAX = 2n ** 63n - 1n;
/** Smallest possible tensor info (name length, n_dims, one dimension, type, offset) and key/value. */
const MIN_TENSOR_INFO = 8 + 4 + 8 + 4 + 8;
const MIN_KEY_VALUE = 8 + 4 + 1;
/** Below this a string is kept whatever its key: special token names, architectures, licences. */
const SMALL_STRING = 256;

/** One metadata value as the scan keeps it: scalars whole, strings when kept, arrays as type and length. */
export interface HeaderValue {
  readonly type: number;
  readonly offset: number;
  readonly value?: number | bigint | boolean | string;
  /** Bytes of a string, elements of an array. */
  readonly length?: number;
  readonly itemType?: number;
}

export interface HeaderTensor extends GGUFTensorInfo {
  readonly infoOffset: number;
}

/** What the header says, as far as it could be read. */
export interface GgufHeader {
  readonly version?: number;
  readonly size: number;
  readonly metadata: ReadonlyMap<string, HeaderValue>;
  readonly tensors: readonly HeaderTensor[];
  /** Where tensor data starts; undefined when the header could not be read to its end. */
  readonly dataOffset?: number;
  /** True when the whole header was read. */
  readonly complete: boolean;
}

export interface StructureScan {
  readonly header: GgufHeader;
  readonly findings: Finding[];
}

/** A finding that makes reading further pointless or unsafe. */
class Stop extends Error {
  constructor(
    readonly rule: Rule,
    message: string,
    readonly byteOffset: number,
  ) {
    super(message);
  }
}

function typeName(type: number): string {
  return TYPE_NAMES[type] ?? `type ${type}`;
}

function wantsString(key: string): boolean {
  return key.startsWith("general.");
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

class StructureReader {
  readonly metadata = new Map<string, HeaderValue>();
  readonly tensors: HeaderTensor[] = [];
  version?: number;
  dataOffset?: number;
  alignment = DEFAULT_ALIGNMENT;
  private readonly names = new Set<string>();
  private readonly duplicates = new Set<string>();
  private retained = 0;
  private budgetReported = false;

  constructor(
    private readonly reader: HeaderReader,
    private readonly limits: ScanLimits,
    private readonly findings: FindingList,
  ) {}

  async read(): Promise<void> {
    const reader = this.reader;
    if (reader.size < 4 || !(await reader.bytes(4)).equals(Buffer.from("GGUF", "latin1"))) {
      throw new Stop(RULES.badMagic, 'the file does not start with "GGUF"', 0);
    }
    this.version = await reader.u32();
    if (this.version !== 2 && this.version !== 3) {
      throw new Stop(RULES.version, `GGUF version ${this.version} is not supported (2 and 3 are)`, 4);
    }
    const tensorCount = await this.count("tensors", this.limits.maxTensors, MIN_TENSOR_INFO, 8);
    const keyCount = await this.count("metadata keys", this.limits.maxKeys, MIN_KEY_VALUE, 0);
    for (let i = 0; i < keyCount; i++) await this.keyValue();
    for (let i = 0; i < tensorCount; i++) await this.tensorInfo();
    this.alignment = this.checkedAlignment();
    this.dataOffset = alignUp(reader.position, this.alignment);
    if (this.dataOffset > reader.size) {
      throw new Stop(
        RULES.truncated,
        `the header ends at ${this.dataOffset} but the file has ${reader.size} bytes`,
        reader.position,
      );
    }
  }

  /**
   * A u64 count: within its cap and within what the rest of the file could hold at `minBytes` each, after
   * `reserve` bytes that come first (the key/value count follows the tensor count).
   */
  private async count(what: string, cap: number, minBytes: number, reserve: number): Promise<number> {
    const at = this.reader.position;
    const count = await this.reader.u64();
    const fits = Math.floor(Math.max(0, this.reader.remaining - reserve) / minBytes);
    if (count > BigInt(cap) || count > BigInt(fits)) {
      const bound = count > BigInt(cap) ? `the limit is ${cap}` : `the file could hold at most ${fits}`;
      throw new Stop(RULES.countLimit, `the header declares ${count} ${what}; ${bound}`, at);
    }
    return Number(count);
  }

  private async length(what: string, cap: number): Promise<number> {
    const at = this.reader.position;
    const length = await this.reader.u64();
    if (length > BigInt(Math.min(cap, this.reader.remaining))) {
      const bound =
        length > BigInt(cap) ? `the limit is ${cap}` : `${this.reader.remaining} bytes are left in the file`;
      throw new Stop(RULES.lengthLimit, `${what} declares ${length} bytes; ${bound}`, at);
    }
    return Number(length);
  }

  private async text(what: string, cap: number, byteOffset: number): Promise<string> {
    const bytes = await this.reader.bytes(await this.length(what, cap));
    try {
      return utf8.decode(bytes);
    } catch {
      this.findings.add(RULES.valueType, `${what} is not valid UTF-8`, { byteOffset });
      return bytes.toString("latin1");
    }
  }

  private async keyValue(): Promise<void> {
    const at = this.reader.position;
    const key = await this.text("a metadata key", this.limits.maxKeyBytes, at);
    if (this.metadata.has(key)) {
      this.findings.add(RULES.duplicateKey, `metadata key ${quoted(key)} appears more than once`, {
        byteOffset: at,
        name: key,
      });
    }
    const typeAt = this.reader.position;
    const type = await this.reader.u32();
    const value = await this.value(key, type, typeAt);
    if (!this.metadata.has(key)) this.metadata.set(key, value);
  }

  private async value(key: string, type: number, offset: number): Promise<HeaderValue> {
    if (type === STRING) return this.stringValue(key, offset);
    if (type === ARRAY) {
      const { itemType, length } = await this.array(key, 1);
      return { type, offset, itemType, length };
    }
    if (SCALAR_BYTES[type] === undefined) {
      throw new Stop(RULES.valueType, `metadata key ${quoted(key)} has unknown value type ${type}`, offset);
    }
    return { type, offset, value: await this.reader.scalar(type) };
  }

  private async stringValue(key: string, offset: number): Promise<HeaderValue> {
    const at = this.reader.position;
    const length = await this.length(`the value of ${quoted(key)}`, this.limits.maxStringBytes);
    const template = key.startsWith("tokenizer.chat_template");
    const wanted = template ? length <= this.limits.maxTemplateBytes : length <= SMALL_STRING || wantsString(key);
    if (wanted && this.retained + length > this.limits.retainedBytes) {
      if (!this.budgetReported) {
        this.findings.add(
          RULES.headerLimit,
          `strings past ${this.limits.retainedBytes} bytes were not kept, from ${quoted(key)} on`,
          { byteOffset: at, name: key },
        );
        this.budgetReported = true;
      }
    } else if (wanted) {
      this.retained += length;
      const bytes = await this.reader.bytes(length);
      try {
        return { type: STRING, offset, length, value: utf8.decode(bytes) };
      } catch {
        this.findings.add(RULES.valueType, `the value of ${quoted(key)} is not valid UTF-8`, {
          byteOffset: at,
          name: key,
        });
        return { type: STRING, offset, length };
      }
    }
    await this.reader.skip(length);
    return { type: STRING, offset, length };
  }

  /** An array's item type and length, its elements consumed and dropped; nested arrays recurse. */
  private async array(key: string, depth: number): Promise<{ itemType: number; length: number }> {
    const at = this.reader.position;
    const itemType = await this.reader.u32();
    const itemBytes = itemType === STRING ? 8 : itemType === ARRAY ? 12 : SCALAR_BYTES[itemType];
    if (itemBytes === undefined) {
      throw new Stop(RULES.valueType, `array ${quoted(key)} has unknown item type ${itemType}`, at);
    }
    if (itemType === ARRAY && depth >= this.limits.maxArrayDepth) {
      throw new Stop(RULES.countLimit, `array ${quoted(key)} nests deeper than ${this.limits.maxArrayDepth}`, at);
    }
    const countAt = this.reader.position;
    const length = await this.reader.u64();
    const fits = Math.floor(this.reader.remaining / itemBytes);
    if (length > BigInt(Math.min(this.limits.maxArrayLength, fits))) {
      const bound =
        length > BigInt(this.limits.maxArrayLength)
          ? `the limit is ${this.limits.maxArrayLength}`
          : `the file could hold at most ${fits}`;
      throw new Stop(RULES.countLimit, `array ${quoted(key)} declares ${length} items; ${bound}`, countAt);
    }
    const items = Number(length);
    if (itemType === STRING) {
      for (let i = 0; i < items; i++) {
        if (this.reader.skipBufferedString(this.limits.maxStringBytes)) continue;
        await this.reader.skip(await this.length(`item ${i} of ${quoted(key)}`, this.limits.maxStringBytes));
      }
    } else if (itemType === ARRAY) {
      for (let i = 0; i < items; i++) await this.array(key, depth + 1);
    } else {
      await this.reader.skip(items * itemBytes);
    }
    return { itemType, length: items };
  }

  private async tensorInfo(): Promise<void> {
    const at = this.reader.position;
    const name = await this.text("a tensor name", this.limits.maxKeyBytes, at);
    if (Buffer.byteLength(name) >= GGML_MAX_NAME) {
      this.findings.add(RULES.tensorName, `tensor name ${quoted(name)} is ${Buffer.byteLength(name)} bytes long`, {
        byteOffset: at,
        name,
      });
    }
    if (!this.names.has(name)) this.names.add(name);
    else if (!this.duplicates.has(name)) {
      this.duplicates.add(name);
      this.findings.add(RULES.duplicateTensor, `tensor ${quoted(name)} appears more than once`, {
        byteOffset: at,
        name,
      });
    }
    const dimsAt = this.reader.position;
    const dims = await this.reader.u32();
    if (dims > 4 * GGML_MAX_DIMS) {
      throw new Stop(RULES.tensorShape, `tensor ${quoted(name)} declares ${dims} dimensions`, dimsAt);
    }
    const shape: bigint[] = [];
    for (let i = 0; i < dims; i++) shape.push(await this.reader.u64());
    const dtype = await this.reader.u32();
    const offset = await this.reader.u64();
    this.tensors.push({ name, n_dims: dims, shape, dtype, offset, infoOffset: at });
  }

  /** `general.alignment` when it is a valid uint32 power of two; otherwise reported and the default used. */
  private checkedAlignment(): number {
    const declared = this.metadata.get("general.alignment");
    if (declared === undefined) return DEFAULT_ALIGNMENT;
    const value = declared.value;
    if (declared.type !== 4 || typeof value !== "number" || value === 0 || (value & (value - 1)) !== 0) {
      this.findings.add(
        RULES.tensorAlignment,
        `general.alignment must be a uint32 power of two, not a ${typeName(declared.type)} ${String(value ?? "")}`.trim(),
        { byteOffset: declared.offset, name: "general.alignment" },
      );
      return DEFAULT_ALIGNMENT;
    }
    return value;
  }
}

function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

/** Type, shape, alignment, bounds and overlap of every tensor against the data section. */
function checkTensors(header: GgufHeader, alignment: number, findings: FindingList): void {
  if (header.dataOffset === undefined) return;
  const dataBytes = BigInt(header.size - header.dataOffset);
  const placed: { name: string; start: bigint; end: bigint }[] = [];
  for (const tensor of header.tensors) {
    const where = { byteOffset: tensor.infoOffset, name: tensor.name };
    const name = quoted(tensor.name);
    const layout = BLOCK_LAYOUT[tensor.dtype];
    if (layout === undefined) {
      findings.add(RULES.tensorType, `tensor ${name} has unknown type ${tensor.dtype}`, where);
    }
    const bytes = tensorBytes(tensor, layout, name, (message) => findings.add(RULES.tensorShape, message, where));
    if (tensor.offset % BigInt(alignment) !== 0n) {
      findings.add(
        RULES.tensorAlignment,
        `tensor ${name} starts at data offset ${tensor.offset}, not a multiple of the alignment ${alignment}`,
        where,
      );
    }
    if (bytes === undefined) continue;
    if (tensor.offset + bytes > dataBytes) {
      findings.add(
        RULES.tensorBounds,
        `tensor ${name} spans data bytes ${tensor.offset} to ${tensor.offset + bytes}, past the data section's ${dataBytes}`,
        where,
      );
      continue;
    }
    placed.push({ name: tensor.name, start: tensor.offset, end: tensor.offset + bytes });
  }
  placed.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 1; i < placed.length; i++) {
    const [before, after] = [placed[i - 1], placed[i]] as [(typeof placed)[number], (typeof placed)[number]];
    if (after.start < before.end) {
      findings.add(RULES.tensorBounds, `tensor ${quoted(after.name)} overlaps tensor ${quoted(before.name)}`, {
        name: after.name,
      });
    }
  }
}

/** The tensor's size in bytes, or undefined (after reporting why) when its shape is invalid. */
function tensorBytes(
  tensor: HeaderTensor,
  layout: readonly [number, number] | undefined,
  name: string,
  report: (message: string) => void,
): bigint | undefined {
  if (tensor.n_dims < 1 || tensor.n_dims > GGML_MAX_DIMS) {
    report(`tensor ${name} has ${tensor.n_dims} dimensions (1 to ${GGML_MAX_DIMS} allowed)`);
    return undefined;
  }
  let elements = 1n;
  for (const dim of tensor.shape) {
    if (dim <= 0n || dim > INT64_MAX) {
      report(`tensor ${name} has dimension ${dim}, not a positive 64-bit integer`);
      return undefined;
    }
    elements *= dim;
    if (elements > INT64_MAX) {
      report(`tensor ${name}'s element count ${tensor.shape.join(" x ")} overflows 64 bits`);
      return undefined;
    }
  }
  if (layout === undefined) return undefined;
  const [blockElements, blockBytes] = layout.map(BigInt) as [bigint, bigint];
  if ((tensor.shape[0] as bigint) % blockElements !== 0n) {
    report(`tensor ${name}'s rows of ${tensor.shape[0]} elements are not whole blocks of ${blockElements}`);
    return undefined;
  }
  const bytes = (elements / blockElements) * blockBytes;
  if (bytes > INT64_MAX) {
    report(`tensor ${name}'s size in bytes overflows 64 bits`);
    return undefined;
  }
  return bytes;
}

const TOKEN_ID = /^tokenizer\.ggml\.[a-z_]+_token_id$/;

/** Every declared vocabulary size agrees, and special token ids fall inside the vocabulary. */
function checkVocabulary(header: GgufHeader, findings: FindingList): void {
  const tokens = header.metadata.get("tokenizer.ggml.tokens");
  if (tokens === undefined || tokens.type !== ARRAY) return;
  const size = tokens.length ?? 0;
  const sizes: [string, number | undefined][] = [
    ["tokenizer.ggml.scores", header.metadata.get("tokenizer.ggml.scores")?.length],
    ["tokenizer.ggml.token_type", header.metadata.get("tokenizer.ggml.token_type")?.length],
  ];
  const architecture = header.metadata.get("general.architecture")?.value;
  if (typeof architecture === "string") {
    const declared = header.metadata.get(`${architecture}.vocab_size`)?.value;
    sizes.push([`${architecture}.vocab_size`, declared === undefined ? undefined : Number(declared)]);
  }
  for (const name of ["token_embd.weight", "output.weight"]) {
    const tensor = header.tensors.find((t) => t.name === name);
    if (tensor?.shape[1] !== undefined) sizes.push([`tensor ${name} rows`, Number(tensor.shape[1])]);
  }
  for (const [what, declared] of sizes) {
    if (declared !== undefined && declared !== size) {
      findings.add(RULES.vocabulary, `${what} is ${declared}, but tokenizer.ggml.tokens holds ${size} tokens`, {
        name: what,
      });
    }
  }
  for (const [key, entry] of header.metadata) {
    if (!TOKEN_ID.test(key) || entry.value === undefined || typeof entry.value === "string") continue;
    const id = Number(entry.value);
    if (id < 0 || id >= size) {
      findings.add(RULES.vocabulary, `${key} is ${id}, outside the ${size} tokens of the vocabulary`, {
        byteOffset: entry.offset,
        name: key,
      });
    }
  }
}

/** Keys whose value types runtimes assume; anything else there is a crafted or broken file. */
const EXPECTED_TYPES: Readonly<Record<string, number>> = {
  "general.architecture": STRING,
  "general.name": STRING,
  "general.license": STRING,
  "tokenizer.ggml.model": STRING,
  "tokenizer.ggml.tokens": ARRAY,
  "tokenizer.ggml.scores": ARRAY,
  "tokenizer.ggml.token_type": ARRAY,
  "tokenizer.ggml.merges": ARRAY,
};

function checkKeyTypes(header: GgufHeader, findings: FindingList): void {
  for (const [key, entry] of header.metadata) {
    const expected = key.startsWith("tokenizer.chat_template") ? STRING : EXPECTED_TYPES[key];
    const wrongItems = key === "tokenizer.ggml.tokens" && entry.type === ARRAY && entry.itemType !== STRING;
    if ((expected !== undefined && entry.type !== expected) || wrongItems) {
      const actual = entry.type === ARRAY ? `array of ${typeName(entry.itemType ?? -1)}` : typeName(entry.type);
      findings.add(RULES.valueType, `${key} is a ${actual}, not a ${typeName(expected ?? STRING)}`, {
        byteOffset: entry.offset,
        name: key,
      });
    }
    if (TOKEN_ID.test(key) && (entry.type === STRING || entry.type === ARRAY)) {
      findings.add(RULES.valueType, `${key} is a ${typeName(entry.type)}, not an integer`, {
        byteOffset: entry.offset,
        name: key,
      });
    }
  }
}

/**
 * Scans one GGUF file's header from a byte stream of the file (read from its start). `size` is the file's
 * real size: the file system's, or the descriptor's for a registry blob whose digest the caller checks.
 * The stream is stopped as soon as the header is read.
 */
export async function scanGgufStructure(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size: number,
  artifact: string,
  limits: ScanLimits = DEFAULT_LIMITS,
): Promise<StructureScan> {
  const findings = new FindingList(artifact);
  const reader = new HeaderReader(source, size);
  const structure = new StructureReader(reader, limits, findings);
  let complete = false;
  try {
    await structure.read();
    complete = true;
  } catch (error) {
    if (error instanceof Stop) findings.add(error.rule, error.message, { byteOffset: error.byteOffset });
    else if (error instanceof ShortRead) {
      findings.add(RULES.truncated, `the header is cut short: ${error.message}`, { byteOffset: error.position });
    } else throw error;
  } finally {
    await reader.close();
  }
  const header: GgufHeader = {
    ...(structure.version !== undefined && { version: structure.version }),
    size,
    metadata: structure.metadata,
    tensors: structure.tensors,
    ...(complete && structure.dataOffset !== undefined && { dataOffset: structure.dataOffset }),
    complete,
  };
  checkKeyTypes(header, findings);
  if (complete) {
    checkTensors(header, structure.alignment, findings);
    checkVocabulary(header, findings);
  }
  return { header, findings: findings.list() };
}

/** The quantization a person names the model by: the file type's name, else the commonest block tensor type. */
export function headerQuantization(header: GgufHeader): string {
  const fileType = header.metadata.get("general.file_type")?.value;
  const named = typeof fileType === "number" ? GGMLFileQuantizationType[fileType] : undefined;
  return named ?? guessQuantization(header.tensors);
}
