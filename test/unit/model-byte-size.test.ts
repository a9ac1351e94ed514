import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { parseByteSize } from "../../src/model/byte-size.js";

describe("parseByteSize", () => {
  it("reads decimal and binary units, case-insensitively", () => {
    expect(parseByteSize("200MB")).toBe(200_000_000);
    expect(parseByteSize("1.5GiB")).toBe(1.5 * 2 ** 30);
    expect(parseByteSize("750 kb")).toBe(750_000);
    expect(parseByteSize("2g")).toBe(2e9);
    expect(parseByteSize("1048576")).toBe(1_048_576);
    expect(parseByteSize(".5MiB")).toBe(2 ** 19);
  });

  it("refuses what it cannot read, naming the input", () => {
    for (const bad of ["", "MB", "12 parsecs", "-5MB", "1e6", "1,5GB"]) {
      expect(() => parseByteSize(bad)).toThrow(UsageError);
    }
    expect(() => parseByteSize("12 parsecs")).toThrow(/invalid size "12 parsecs"/);
  });
});
