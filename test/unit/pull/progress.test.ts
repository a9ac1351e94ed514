import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgress } from "../../../src/pull/progress.js";

function capture() {
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => {
    text += c.toString();
  });
  return { out, text: () => text };
}

describe("progress", () => {
  it("prints one line every interval on a CI log, never per chunk", () => {
    const { out, text } = capture();
    let clock = 0;
    const progress = createProgress(out, { label: "model", tty: false, intervalMs: 5000, now: () => clock });
    progress.start(100 * 1024 * 1024);
    for (let i = 0; i < 1000; i++) {
      clock += 10;
      progress.transfer(100 * 1024);
    }
    progress.finish();
    const lines = text().trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^model: 48% 48\.8 MiB of 100\.0 MiB, 48\.8 MiB downloaded at 9\.8 MiB\/s$/);
    expect(lines[2]).toMatch(/^model: done 97\.7 MiB of 100\.0 MiB/);
  });

  it("redraws one bar in place on a terminal", () => {
    const { out, text } = capture();
    let clock = 0;
    const progress = createProgress(out, { label: "m", tty: true, now: () => clock });
    progress.start(1000);
    progress.reuse(500);
    clock = 200;
    progress.transfer(250);
    progress.finish();
    expect(text()).not.toMatch(/\n[^$]/);
    expect(text()).toContain("\rm [##################......]  75% ");
    expect(text().endsWith("\n")).toBe(true);
  });
});
