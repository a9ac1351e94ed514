import { describe, expect, it } from "vitest";
import { lookSchedule, sequentialPlan, spendingBoundaries, studentized } from "../../../src/bench/sequential.js";

describe("group-sequential boundaries", () => {
  it("looks first after 10 runs, then every 5 runs and at the cap", () => {
    expect(lookSchedule(17)).toEqual([10, 15, 17]);
    expect(lookSchedule(20)).toEqual([10, 15, 20]);
    expect(lookSchedule(3)).toEqual([3]);
  });

  it("reproduces the published Lan-DeMets boundaries for five equally spaced looks at one-sided 2.5%", () => {
    // Jennison and Turnbull's tables (and gsDesign's sfLDOF, sfLDPocock) give these to two decimals.
    const fractions = [0.2, 0.4, 0.6, 0.8, 1];
    const obf = spendingBoundaries(fractions, 0.025, "obrien-fleming");
    for (const [i, z] of [4.88, 3.36, 2.68, 2.29, 2.03].entries()) expect(obf[i]).toBeCloseTo(z, 1);
    const pocock = spendingBoundaries(fractions, 0.025, "pocock");
    for (const [i, z] of [2.44, 2.43, 2.41, 2.4, 2.39].entries()) expect(pocock[i]).toBeCloseTo(z, 1);
  });

  it("spends the regression error like O'Brien-Fleming late but less strictly early (Hwang-Shih-DeCani, gamma -4)", () => {
    const fractions = [0.2, 0.4, 0.6, 0.8, 1];
    const hsd = spendingBoundaries(fractions, 0.025, { gamma: -4 });
    const obf = spendingBoundaries(fractions, 0.025, "obrien-fleming");
    expect(hsd[0]).toBeLessThan((obf[0] as number) - 1);
    expect(Math.abs((hsd[4] as number) - (obf[4] as number))).toBeLessThan(0.1);
    // gamma 0 spends evenly: the first look's boundary is the quantile of alpha / 5.
    expect(spendingBoundaries(fractions, 0.025, { gamma: 0 })[0]).toBeCloseTo(2.576, 2);
  });

  it("is a single one-sided quantile with one look", () => {
    expect(spendingBoundaries([1], 0.025, "obrien-fleming")[0]).toBeCloseTo(1.96, 2);
    expect(spendingBoundaries([1], 0.05, "pocock")[0]).toBeCloseTo(1.645, 2);
  });

  it("widens a boundary by Student's t when the standard error is estimated from few samples", () => {
    expect(studentized(1.96, 10)).toBeCloseTo(2.228, 2);
    expect(studentized(1.96, Number.POSITIVE_INFINITY)).toBe(1.96);
  });

  it("caches the plan per cap", () => {
    expect(sequentialPlan(60, 0.025, 0.05)).toBe(sequentialPlan(60, 0.025, 0.05));
    expect(sequentialPlan(60, 0.025, 0.05).looks).toHaveLength(11);
  });
});
