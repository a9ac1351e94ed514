/**
 * Reads a byte stream from its start, holding only what the caller has asked for and not yet consumed, so
 * a GGUF header is read off a 40 GB file or registry blob without the rest ever being fetched. Every read
 * is checked against the bytes the file really has before anything is allocated for it.
 */

/** The stream (or the file's declared size) ends before a value the header declares. */
export class ShortRead extends Error {
  constructor(
    readonly wanted: number,
    readonly available: number,
    readonly position: number,
  ) {
    super(`${wanted} bytes wanted at offset ${position}, ${available} left`);
  }
}

export class HeaderReader {
  private buffer: Buffer = Buffer.alloc(0);
  private at = 0;
  private readonly chunks: AsyncIterator<Uint8Array>;
  /** Absolute offset of the next byte to consume. */
  position = 0;

  constructor(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    /** The file's size, from the file system or the descriptor: the bound every length is checked against. */
    readonly size: number,
  ) {
    this.chunks = (async function* () {
      yield* source;
    })();
  }

  /** Bytes between the read position and the end of the file. */
  get remaining(): number {
    return this.size - this.position;
  }

  private get buffered(): number {
    return this.buffer.length - this.at;
  }

  private async fill(bytes: number): Promise<void> {
    if (bytes > this.remaining) throw new ShortRead(bytes, this.remaining, this.position);
    while (this.buffered < bytes) {
      const next = await this.chunks.next();
      if (next.done) throw new ShortRead(bytes, this.buffered, this.position);
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      this.buffer = this.buffered === 0 ? chunk : Buffer.concat([this.buffer.subarray(this.at), chunk]);
      this.at = 0;
    }
  }

  private advance(bytes: number): number {
    const start = this.at;
    this.at += bytes;
    this.position += bytes;
    return start;
  }

  async u32(): Promise<number> {
    if (this.buffered < 4) await this.fill(4);
    return this.buffer.readUInt32LE(this.advance(4));
  }

  async u64(): Promise<bigint> {
    if (this.buffered < 8) await this.fill(8);
    return this.buffer.readBigUInt64LE(this.advance(8));
  }

  /** A value of a fixed-size GGUF scalar type, as a number (64-bit integers as bigint). */
  async scalar(type: number): Promise<number | bigint | boolean> {
    const size = SCALAR_BYTES[type] as number;
    if (this.buffered < size) await this.fill(size);
    const at = this.advance(size);
    switch (type) {
      case 0:
        return this.buffer.readUInt8(at);
      case 1:
        return this.buffer.readInt8(at);
      case 2:
        return this.buffer.readUInt16LE(at);
      case 3:
        return this.buffer.readInt16LE(at);
      case 4:
        return this.buffer.readUInt32LE(at);
      case 5:
        return this.buffer.readInt32LE(at);
      case 6:
        return this.buffer.readFloatLE(at);
      case 7:
        return this.buffer.readUInt8(at) !== 0;
      case 10:
        return this.buffer.readBigUInt64LE(at);
      case 11:
        return this.buffer.readBigInt64LE(at);
      default:
        return this.buffer.readDoubleLE(at);
    }
  }

  /** Exactly `length` bytes, copied out; callers bound `length` before asking. */
  async bytes(length: number): Promise<Buffer> {
    if (this.buffered < length) await this.fill(length);
    const start = this.advance(length);
    return Buffer.from(this.buffer.subarray(start, start + length));
  }

  /** Consumes `length` bytes without keeping them: a long token list or description costs no memory. */
  async skip(length: number): Promise<void> {
    if (length > this.remaining) throw new ShortRead(length, this.remaining, this.position);
    let left = length;
    while (left > 0) {
      if (this.buffered === 0) await this.fill(1);
      const step = Math.min(left, this.buffered);
      this.advance(step);
      left -= step;
    }
  }

  /**
   * Skips one length-prefixed string without awaiting when it is already buffered and within `max`, which is
   * most of a 256k-token vocabulary; false leaves the position unchanged for the checked, awaited path.
   */
  skipBufferedString(max: number): boolean {
    if (this.buffered < 8) return false;
    // Two 32-bit halves rather than a BigInt: a vocabulary's half a million lengths would feed the collector.
    const high = this.buffer.readUInt32LE(this.at + 4);
    const length = this.buffer.readUInt32LE(this.at);
    if (high !== 0 || length > max || this.buffered < 8 + length) return false;
    this.advance(8 + length);
    return true;
  }

  /** Stops the underlying stream: nothing past the header is read. */
  async close(): Promise<void> {
    await this.chunks.return?.();
  }
}

/** Bytes of each fixed-size GGUF value type (string = 8, array = 9 have none). */
export const SCALAR_BYTES: Readonly<Partial<Record<number, number>>> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};
