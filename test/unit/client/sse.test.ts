import { describe, expect, it } from "vitest";
import { SseParser } from "../../../src/client/sse.js";

function parseInPieces(pieces: readonly string[], end = true): string[] {
  const events: string[] = [];
  const parser = new SseParser((data) => events.push(data));
  for (const piece of pieces) parser.push(piece);
  if (end) parser.end();
  return events;
}

/** Every way to cut `text` in two, and one piece per character. */
function splits(text: string): string[][] {
  const result: string[][] = [[text], [...text]];
  for (let i = 1; i < text.length; i++) result.push([text.slice(0, i), text.slice(i)]);
  return result;
}

const stream =
  'data: {"a":1}\n\n' +
  ": keep-alive comment\n\n" +
  'data: {"b":"x\\ny"}\r\n\r\n' +
  "event: message\nid: 7\nretry: 100\ndata: first\ndata: second\n\n" +
  "data:no-space\r\rdata: [DONE]\n\n";
const expected = ['{"a":1}', '{"b":"x\\ny"}', "first\nsecond", "no-space", "[DONE]"];

describe("SseParser", () => {
  it("yields the same events however the text is cut, including between CR and LF", () => {
    for (const pieces of splits(stream)) {
      expect(parseInPieces(pieces)).toEqual(expected);
    }
  });

  it("dispatches nothing until the blank line that ends an event has arrived", () => {
    const events: string[] = [];
    const parser = new SseParser((data) => events.push(data));
    parser.push('data: {"a":1}\n');
    expect(events).toEqual([]);
    parser.push("\n");
    expect(events).toEqual(['{"a":1}']);
  });

  it("keeps an event whose stream ended without its blank line", () => {
    expect(parseInPieces(["data: last"])).toEqual(["last"]);
    expect(parseInPieces(["data: last\n"])).toEqual(["last"]);
  });

  it("ignores fields that only start with 'data' and events without data", () => {
    expect(parseInPieces(["database: x\n\nevent: ping\n\ndata\n\n"])).toEqual([""]);
  });

  it("keeps a CR at the very end of one piece from splitting the next line", () => {
    expect(parseInPieces(["data: a\r", "\ndata: b\r", "\r", "data: c\n\n"])).toEqual(["a\nb", "c"]);
  });
});
