import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { approvalsNeeded, stageOutcome } from "./approval.rules";

describe("stage outcome", () => {
  it("any passes on one approval, all on every one, quorum on its number (capped at the group)", () => {
    expect(stageOutcome("any", null, { approved: 1, rejected: 0, total: 3 })).toBe("approved");
    expect(stageOutcome("all", null, { approved: 2, rejected: 0, total: 3 })).toBe("pending");
    expect(stageOutcome("all", null, { approved: 3, rejected: 0, total: 3 })).toBe("approved");
    expect(stageOutcome("quorum", 2, { approved: 2, rejected: 0, total: 5 })).toBe("approved");
    expect(approvalsNeeded("quorum", 9, 3)).toBe(3);
  });
  it("any rejection rejects, whatever the rule and the approvals so far", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("any" as const, "all" as const, "quorum" as const),
        fc.nat(10),
        fc.integer({ min: 1, max: 5 }),
        (rule, approved, rejected) => {
          expect(stageOutcome(rule, 2, { approved, rejected, total: approved + rejected })).toBe("rejected");
        },
      ),
    );
  });
  it("never passes a stage without approvals", () => {
    fc.assert(
      fc.property(fc.constantFrom("any" as const, "all" as const, "quorum" as const), fc.nat(10), (rule, total) => {
        expect(stageOutcome(rule, 1, { approved: 0, rejected: 0, total })).toBe("pending");
      }),
    );
  });
});
