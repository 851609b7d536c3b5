import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computePriority, DEFAULT_PRIORITY_MATRIX, LEVELS, priorityLabel, priorityNumber } from "./priority";

describe("priority matrix", () => {
  it("follows the ITIL default", () => {
    expect(computePriority("high", "high")).toBe(1);
    expect(computePriority("high", "medium")).toBe(2);
    expect(computePriority("medium", "high")).toBe(2);
    expect(computePriority("medium", "medium")).toBe(3);
    expect(computePriority("low", "high")).toBe(3);
    expect(computePriority("medium", "low")).toBe(4);
    expect(computePriority("low", "low")).toBe(5);
  });

  it("never gets more urgent when impact or urgency drops", () => {
    const rank = { high: 0, medium: 1, low: 2 } as const;
    fc.assert(
      fc.property(fc.constantFrom(...LEVELS), fc.constantFrom(...LEVELS), fc.constantFrom(...LEVELS), fc.constantFrom(...LEVELS), (i1, u1, i2, u2) => {
        if (rank[i2] >= rank[i1] && rank[u2] >= rank[u1]) expect(computePriority(i2, u2)).toBeGreaterThanOrEqual(computePriority(i1, u1));
      }),
    );
  });

  it("uses a configured matrix", () => {
    const m = structuredClone(DEFAULT_PRIORITY_MATRIX);
    m.low.low = 4;
    expect(computePriority("low", "low", m)).toBe(4);
  });

  it("labels round-trip", () => {
    for (const n of [1, 2, 3, 4, 5]) expect(priorityNumber(priorityLabel(n))).toBe(n);
  });
});
