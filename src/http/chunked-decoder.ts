/** A body that does not follow HTTP/1.1's chunked transfer coding. */
export class ChunkedEncodingError extends Error {
  override readonly name = "ChunkedEncodingError";
}

const MAX_LINE = 4096;

/**
 * Decodes a chunked HTTP/1.1 body (RFC 9112 section 7.1) as it arrives, without copying data: each step
 * returns the next run of body bytes as a view of the input. Chunk extensions and trailers are skipped.
 */
export class ChunkedDecoder {
  #state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  #line = "";
  #left = 0;

  get done(): boolean {
    return this.#state === "done";
  }

  /**
   * Consumes `bytes` from `offset` up to the next run of body bytes (returned as `data`) or to the end of
   * the input; `offset` in the result is where to continue.
   */
  step(bytes: Buffer, offset: number): { offset: number; data?: Buffer } {
    let at = offset;
    while (at < bytes.length && this.#state !== "done") {
      if (this.#state === "data") {
        const end = Math.min(bytes.length, at + this.#left);
        this.#left -= end - at;
        if (this.#left === 0) this.#state = "data-end";
        return { offset: end, data: bytes.subarray(at, end) };
      }
      const newline = bytes.indexOf(10, at);
      const stop = newline < 0 ? bytes.length : newline;
      this.#line += bytes.toString("latin1", at, stop);
      if (this.#line.length > MAX_LINE) throw new ChunkedEncodingError(`a chunk line is over ${MAX_LINE} bytes`);
      at = stop;
      if (newline < 0) break;
      at += 1;
      const line = this.#line.endsWith("\r") ? this.#line.slice(0, -1) : this.#line;
      this.#line = "";
      this.#endLine(line);
    }
    return { offset: at };
  }

  #endLine(line: string): void {
    if (this.#state === "data-end") {
      if (line !== "") throw new ChunkedEncodingError("chunk data is longer than its size says");
      this.#state = "size";
    } else if (this.#state === "trailer") {
      if (line === "") this.#state = "done";
    } else {
      const size = (line.split(";", 1)[0] ?? "").trim();
      if (!/^[0-9a-f]{1,12}$/i.test(size)) throw new ChunkedEncodingError(`bad chunk size line "${line.slice(0, 40)}"`);
      this.#left = Number.parseInt(size, 16);
      this.#state = this.#left === 0 ? "trailer" : "data";
    }
  }
}
