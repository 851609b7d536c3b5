import { describe, expect, it } from "vitest";
import { checkProblemTransition, missingProblemInputs, problemActions } from "./problem.workflow";

describe("problem workflow", () => {
  it("walks New → Assessed → Root cause analysis → Fix in progress → Resolved → Closed", () => {
    let state = "new" as const as Parameters<typeof checkProblemTransition>[1];
    for (const [action, to] of [
      ["assess", "assessed"],
      ["investigate", "root_cause_analysis"],
      ["start_fix", "fix_in_progress"],
      ["resolve", "resolved"],
      ["close", "closed"],
    ] as const) {
      const c = checkProblemTransition(action, state);
      expect(c.ok, `${action} from ${state}`).toBe(true);
      if (c.ok) state = c.transition.to;
      expect(state).toBe(to);
    }
    expect(problemActions("closed")).toEqual([]);
  });

  it("refuses skipping steps and explains why", () => {
    const c = checkProblemTransition("resolve", "new");
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.reason).toMatch(/new/);
    expect(checkProblemTransition("close", "fix_in_progress").ok).toBe(false);
  });

  it("needs a root cause to start the fix and a fix to resolve, unless already recorded", () => {
    const start = checkProblemTransition("start_fix", "root_cause_analysis");
    if (!start.ok) throw new Error("expected ok");
    expect(missingProblemInputs(start.transition, {}, { rootCause: null, fix: null })).toEqual(["rootCause"]);
    expect(missingProblemInputs(start.transition, {}, { rootCause: "disk full", fix: null })).toEqual([]);
    const resolve = checkProblemTransition("resolve", "fix_in_progress");
    if (!resolve.ok) throw new Error("expected ok");
    expect(missingProblemInputs(resolve.transition, { fix: "" }, { rootCause: "x", fix: null })).toEqual(["fix"]);
  });

  it("cancel works from every open state and needs a code and a reason; reopen only from resolved", () => {
    for (const s of ["new", "assessed", "root_cause_analysis", "fix_in_progress"] as const) expect(problemActions(s)).toContain("cancel");
    expect(problemActions("resolved")).toEqual(["close", "reopen"]);
    const c = checkProblemTransition("cancel", "new");
    if (!c.ok) throw new Error("expected ok");
    expect(missingProblemInputs(c.transition, { reason: "dup" }, { rootCause: null, fix: null })).toEqual(["closeCode"]);
  });
});
