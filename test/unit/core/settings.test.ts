import { describe, expect, it } from "vitest";
import { BOUNDS } from "../../../src/core/bounds.js";
import {
  boundedListSetting,
  choiceSetting,
  listSetting,
  type SettingSource,
  withDeprecatedSpellings,
} from "../../../src/core/settings.js";

/** Settings from a plain map, named as flags, with the warnings kept. */
function source(values: Record<string, string>): SettingSource & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    value: (name) => values[name],
    label: (name) => `--${name}`,
    warn: (message) => warnings.push(message),
    warnings,
  };
}

describe("settings shared by every operation's request", () => {
  it("split a list on newlines and commas, and bound each item", () => {
    expect(listSetting(source({ t: " ttft=10,\n\ntpot=5 ," }), "t")).toEqual(["ttft=10", "tpot=5"]);
    expect(listSetting(source({}), "t")).toEqual([]);
    expect(boundedListSetting(source({ s: "1.5\n0" }), "s", BOUNDS.loadSeconds)).toEqual([1.5, 0]);
    expect(() => boundedListSetting(source({ s: "1,x" }), "s", BOUNDS.loadSeconds)).toThrow(
      '--s must be a number from 0 to 86400, got "x"',
    );
  });

  it("take a renamed word of a choice with a warning naming the new word", () => {
    const given = source({ gpu: "off" });
    expect(choiceSetting(given, "gpu", ["none", "auto"] as const, "auto", { off: "none" })).toBe("none");
    expect(given.warnings).toEqual(['--gpu "off" is deprecated; use "none"']);
    expect(() => choiceSetting(source({ gpu: "toString" }), "gpu", ["none"] as const, "none", {})).toThrow(
      '--gpu must be one of none, got "toString"',
    );
  });

  it("read a deprecated spelling as the new setting, warning once however often it is read", () => {
    const given = source({ old: "5" });
    const folded = withDeprecatedSpellings(given, [{ old: "old", setting: "new" }]);
    expect(folded.value("new")).toBe("5");
    expect(folded.value("new")).toBe("5");
    expect(folded.value("other")).toBeUndefined();
    expect(given.warnings).toEqual(["--old is deprecated; use --new"]);
  });

  it("convert an old value into the new setting's terms, and refuse the two spellings disagreeing", () => {
    const spellings = [{ old: "ms", setting: "seconds", convert: (v: string) => String(Number(v) / 1000) }];
    const agree = source({ ms: "1500", seconds: "1.5" });
    expect(withDeprecatedSpellings(agree, spellings).value("seconds")).toBe("1.5");
    expect(agree.warnings).toEqual(['--ms is deprecated; use --seconds (--ms "1500" is --seconds "1.5")']);
    expect(() => withDeprecatedSpellings(source({ ms: "1500", seconds: "2" }), spellings).value("seconds")).toThrow(
      '--seconds ("2") and its deprecated spelling --ms ("1500") disagree; give only --seconds',
    );
  });
});
