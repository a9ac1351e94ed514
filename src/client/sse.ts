const LF = 10;
const CR = 13;

/**
 * Incremental parser for `text/event-stream` (the WHATWG server-sent events format), reduced to what
 * OpenAI-compatible servers send: `data:` fields, joined per event. Text may arrive split anywhere, even
 * between the CR and LF of one line break, so nothing is dispatched until its blank line has arrived.
 * Comments (`:` lines) and the `event`, `id` and `retry` fields are ignored.
 */
export class SseParser {
  #pending = "";
  #data = "";
  #hasData = false;
  /** The previous text ended in CR: a LF opening the next text belongs to the same line break. */
  #afterCr = false;
  readonly #onData: (data: string) => void;

  constructor(onData: (data: string) => void) {
    this.#onData = onData;
  }

  /** Feeds decoded text; calls `onData` once for every event completed by it. */
  push(text: string): void {
    let start = 0;
    if (this.#afterCr && text.charCodeAt(0) === LF) start = 1;
    this.#afterCr = false;
    const buffer = this.#pending === "" ? text : this.#pending + text;
    this.#pending = "";
    const length = buffer.length;
    let lineStart = start;
    for (let i = start; i < length; i++) {
      const code = buffer.charCodeAt(i);
      if (code !== LF && code !== CR) continue;
      this.#line(buffer, lineStart, i);
      i = this.#breakEnd(buffer, i);
      lineStart = i + 1;
    }
    if (lineStart < length) this.#pending = buffer.slice(lineStart);
  }

  /** The last character of the line break at `i`: CR LF is one break, and a CR ending the text may be too. */
  #breakEnd(buffer: string, i: number): number {
    if (buffer.charCodeAt(i) !== CR) return i;
    if (i + 1 === buffer.length) this.#afterCr = true;
    else if (buffer.charCodeAt(i + 1) === LF) return i + 1;
    return i;
  }

  /** The stream ended: an event still missing its blank line is dispatched rather than lost. */
  end(): void {
    if (this.#pending !== "") {
      const line = this.#pending;
      this.#pending = "";
      this.#line(line, 0, line.length);
    }
    this.#dispatch();
  }

  #line(buffer: string, start: number, end: number): void {
    if (start === end) {
      this.#dispatch();
      return;
    }
    // Only `data` matters; anything else (comments, event, id, retry) is skipped without slicing.
    if (end - start < 4 || !buffer.startsWith("data", start)) return;
    let valueStart = start + 4;
    if (valueStart < end) {
      if (buffer.charCodeAt(valueStart) !== 58 /* : */) return;
      valueStart++;
      if (buffer.charCodeAt(valueStart) === 32 /* space */) valueStart++;
    }
    const value = buffer.slice(valueStart, end);
    if (this.#hasData) this.#data += `\n${value}`;
    else {
      this.#data = value;
      this.#hasData = true;
    }
  }

  #dispatch(): void {
    if (!this.#hasData) return;
    const data = this.#data;
    this.#data = "";
    this.#hasData = false;
    this.#onData(data);
  }
}
