import { describe, expect, it } from "vitest";
import { StopMatcher } from "../../../src/serve/stop-matcher.js";

function run(stops: string[], pieces: string[]): { sent: string[]; rest: string; stopped: boolean } {
  const matcher = new StopMatcher(stops);
  const sent = pieces.map((piece) => matcher.push(piece));
  return { sent, rest: matcher.flush(), stopped: matcher.stopped };
}

describe("StopMatcher", () => {
  it("cuts at a stop that spans pieces and sends nothing after it", () => {
    expect(run([" four"], ["one", " two", " three", " fo", "ur", " five"])).toEqual({
      sent: ["one", " two", " three", "", "", ""],
      rest: "",
      stopped: true,
    });
  });

  it("holds back only what could still start a stop, and releases it when it cannot", () => {
    expect(run(["ab"], ["xa", "c", "a"])).toEqual({ sent: ["x", "ac", ""], rest: "a", stopped: false });
  });

  it("stops at the earliest of several stops, even one inside a piece", () => {
    expect(run(["nine", "e t"], ["one two three"])).toEqual({ sent: ["on"], rest: "", stopped: true });
  });

  it("passes text through untouched without stops", () => {
    expect(run([], ["a", "b"])).toEqual({ sent: ["a", "b"], rest: "", stopped: false });
    expect(run([""], ["a"])).toEqual({ sent: ["a"], rest: "", stopped: false });
  });
});
