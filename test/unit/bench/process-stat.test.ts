import { describe, expect, it } from "vitest";
import { parseStat } from "../../../src/bench/process-sampler.js";

describe("parseStat", () => {
  it("parses past a command name holding spaces and parentheses", () => {
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
    const text = "4242 (llama (server) 1) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 4 0 1000\n";
    expect(parseStat(4242, text)).toEqual({ pid: 4242, ppid: 17, ticks: 350 });
  });

  it("gives up on text that is not a stat line", () => {
    expect(parseStat(1, "garbage")).toBeUndefined();
  });
});
