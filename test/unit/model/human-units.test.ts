import { describe, expect, it } from "vitest";
import { formatBytes, formatFixed, formatParameters, formatRfc3339Nano } from "../../../src/model/human-units.js";

describe("human units as docker model package writes them", () => {
  it("formats parameter counts like gguf-parser-go", () => {
    expect(formatParameters(361_821_120)).toBe("361.82 M");
    expect(formatParameters(1_500_000_000)).toBe("1.50 B");
    expect(formatParameters(8_000_000_000)).toBe("8 B");
    expect(formatParameters(512)).toBe("512");
    expect(formatParameters(0)).toBe("0");
  });

  it("formats byte sizes with the first binary or decimal unit that fits", () => {
    expect(formatBytes(268_802_048)).toBe("256.35 MiB");
    expect(formatBytes(1_000_500)).toBe("1 MB");
    expect(formatBytes(2 ** 20)).toBe("1 MiB");
    expect(formatBytes(5 * 2 ** 30)).toBe("5 GiB");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(0)).toBe("0 B");
  });

  it("rounds exact ties to even, as Go's strconv does", () => {
    expect(formatFixed(0.125, 2)).toBe("0.12");
    expect(formatFixed(0.375, 2)).toBe("0.38");
    expect(formatFixed(1 / 128, 6)).toBe("0.007812");
    expect(formatFixed(0.126, 2)).toBe("0.13");
    expect(formatFixed(1e-5, 6)).toBe("0.000010");
  });

  it("writes RFC 3339 times without a zero fraction", () => {
    expect(formatRfc3339Nano(new Date(0))).toBe("1970-01-01T00:00:00Z");
    expect(formatRfc3339Nano(new Date(Date.UTC(2026, 10, 28, 2, 3, 4, 120)))).toBe("2026-11-28T02:03:04.12Z");
  });
});
