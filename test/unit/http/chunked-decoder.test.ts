import { describe, expect, it } from "vitest";
import { ChunkedDecoder, ChunkedEncodingError } from "../../../src/http/chunked-decoder.js";

/** Feeds `wire` to a decoder in pieces of `piece` bytes and returns the decoded body and whether it ended. */
function decode(wire: string, piece: number): { body: string; done: boolean } {
  const decoder = new ChunkedDecoder();
  const bytes = Buffer.from(wire, "latin1");
  let body = "";
  for (let start = 0; start < bytes.length; start += piece) {
    const slice = bytes.subarray(start, Math.min(bytes.length, start + piece));
    for (let at = 0; at < slice.length && !decoder.done; ) {
      const step = decoder.step(slice, at);
      if (step.data) body += step.data.toString("latin1");
      at = step.offset;
    }
  }
  return { body, done: decoder.done };
}

describe("chunked transfer decoding", () => {
  const wire = "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nx-trailer: y\r\n\r\n";

  it("decodes whatever way the bytes are split, skipping extensions and trailers", () => {
    for (const piece of [1, 2, 3, 7, 64]) expect(decode(wire, piece)).toEqual({ body: "hello, world", done: true });
  });

  it("is not done before the last chunk and its empty line", () => {
    expect(decode(wire.slice(0, -2), 4)).toEqual({ body: "hello, world", done: false });
    expect(decode("5\r\nhel", 1)).toEqual({ body: "hel", done: false });
  });

  it("accepts upper-case hex and bare LF line ends", () => {
    expect(decode("A\nabcdefghij\n0\n\n", 5)).toEqual({ body: "abcdefghij", done: true });
  });

  it("refuses a bad size line, chunk data longer than its size, and endless lines", () => {
    expect(() => decode("zz\r\n", 8)).toThrow(ChunkedEncodingError);
    expect(() => decode("2\r\nabc\r\n", 8)).toThrow(/longer than its size/);
    expect(() => decode(`${"1".repeat(5000)}`, 512)).toThrow(/over 4096 bytes/);
  });
});
