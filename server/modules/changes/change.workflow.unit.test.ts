import { describe, expect, it } from "vitest";
import type { ChangeAction, ChangeState, ChangeType } from "../../../contracts/changes";
import { assessRisk, riskLevel } from "./change.risk";
import { CHANGE_PATHS, type ChangeFacts, changeActions, checkChangeTransition } from "./change.workflow";

const ready = (type: ChangeType, state: ChangeState, over: Partial<ChangeFacts> = {}): ChangeFacts => ({
  type,
  state,
  hasWindow: true,
  hasPlans: true,
  riskAssessed: true,
  approved: true,
  frozen: false,
  openTasks: 0,
  outcome: "successful",
  reviewNotes: "looked back",
  reason: "why",
  ...over,
});

/** Walks a type's happy path with every guard satisfied, returning the states visited. */
function walk(type: ChangeType, actions: ChangeAction[]): ChangeState[] {
  let state: ChangeState = "new";
  const seen: ChangeState[] = [state];
  for (const a of actions) {
    const c = checkChangeTransition(a, ready(type, state));
    if (!c.ok) throw new Error(`${type}: ${a} from ${state}: ${c.reason}`);
    state = c.transition.to;
    seen.push(state);
  }
  return seen;
}

describe("change workflow per type", () => {
  it("standard: pre-approved, straight to Scheduled, no Assess or Authorize", () => {
    expect(walk("standard", ["submit", "implement", "review", "close"])).toEqual(CHANGE_PATHS.standard);
    expect(checkChangeTransition("request_approval", ready("standard", "new")).ok).toBe(false);
    expect(changeActions("standard", "new")).toEqual(["submit", "cancel"]);
  });

  it("normal: Assess, then Authorize by the CAB, then Scheduled", () => {
    expect(walk("normal", ["submit", "request_approval", "schedule", "implement", "review", "close"])).toEqual(CHANGE_PATHS.normal);
    expect(checkChangeTransition("implement", ready("normal", "assess")).ok).toBe(false);
  });

  it("normal: cannot be scheduled without approval, nor sent to the CAB without risk, plans or window", () => {
    const c = checkChangeTransition("schedule", ready("normal", "authorize", { approved: false }));
    expect(c).toMatchObject({ ok: false, kind: "conflict", guard: "approved" });
    for (const [over, guard] of [
      [{ riskAssessed: false }, "risk"],
      [{ hasPlans: false }, "plans"],
      [{ hasWindow: false }, "window"],
      [{ frozen: true }, "notFrozen"],
    ] as const)
      expect(checkChangeTransition("request_approval", ready("normal", "assess", over))).toMatchObject({ ok: false, guard });
  });

  it("emergency: skips assessment for an expedited approval and must be reviewed before closing", () => {
    expect(walk("emergency", ["submit", "schedule", "implement", "review", "close"])).toEqual(CHANGE_PATHS.emergency);
    expect(checkChangeTransition("close", ready("emergency", "review", { reviewNotes: null }))).toMatchObject({
      ok: false,
      kind: "input",
      guard: "reviewNotes",
    });
    // A freeze only warns for emergency changes.
    expect(checkChangeTransition("implement", ready("emergency", "scheduled", { frozen: true })).ok).toBe(true);
    expect(checkChangeTransition("schedule", ready("emergency", "authorize", { approved: false })).ok).toBe(false);
  });

  it("failed normal changes also need review notes; open tasks block the review; cancel needs a reason", () => {
    expect(checkChangeTransition("close", ready("normal", "review", { outcome: "failed", reviewNotes: null })).ok).toBe(false);
    expect(checkChangeTransition("close", ready("normal", "review", { reviewNotes: null })).ok).toBe(true);
    expect(checkChangeTransition("review", ready("normal", "implement", { openTasks: 2 }))).toMatchObject({ ok: false, guard: "tasksDone" });
    expect(checkChangeTransition("cancel", ready("normal", "scheduled", { reason: null }))).toMatchObject({ ok: false, guard: "reason" });
    expect(checkChangeTransition("cancel", ready("normal", "implement")).ok).toBe(false);
  });
});

describe("change risk", () => {
  const calm = { userImpact: "none", downtime: "none", tested: "yes", backout: "tested", experience: "routine", complexity: "simple" } as const;
  it("scores the questionnaire into bands", () => {
    expect(assessRisk(calm, { total: 0, failed: 0 }, 1)).toMatchObject({ score: 0, level: "low" });
    const wild = { userImpact: "all", downtime: "full", tested: "no", backout: "none", experience: "never", complexity: "complex" } as const;
    expect(assessRisk(wild, { total: 0, failed: 0 }, 1)).toMatchObject({ score: 15, level: "very_high" });
    expect([riskLevel(3), riskLevel(4), riskLevel(8), riskLevel(12)]).toEqual(["low", "moderate", "high", "very_high"]);
  });
  it("weighs the past success rate of similar changes and the blast radius", () => {
    const mid = { ...calm, downtime: "partial", complexity: "moderate", tested: "partly" } as const; // 3
    expect(assessRisk(mid, { total: 10, failed: 5 }, 1)).toMatchObject({ score: 6, level: "moderate" });
    expect(assessRisk(mid, { total: 10, failed: 0 }, 1).score).toBe(2);
    expect(assessRisk(mid, { total: 2, failed: 2 }, 1).score).toBe(3); // too few to judge
    const r = assessRisk(mid, { total: 0, failed: 0 }, 5);
    expect(r.factors.find((f) => f.factor === "blastRadius")).toMatchObject({ points: 2 });
  });
});
