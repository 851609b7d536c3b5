import { describe, expect, it } from "vitest";
import { INCIDENT_STATES } from "../../../contracts/incidents";
import { actionForTarget, availableActions, checkTransition, INCIDENT_TRANSITIONS, missingInputs, type WorkflowContext } from "./incident.workflow";

const base: WorkflowContext = { state: "new", isStaff: true, isRequester: false, resolvedAt: null, reopenWindowDays: 7, now: new Date("2026-01-10T00:00:00Z") };

describe("incident workflow", () => {
  it("offers agents the right actions per state", () => {
    expect(availableActions({ ...base, state: "new" })).toEqual(["start", "hold", "resolve", "cancel"]);
    expect(availableActions({ ...base, state: "in_progress" })).toEqual(["hold", "resolve", "cancel"]);
    expect(availableActions({ ...base, state: "on_hold" })).toEqual(["resume", "resolve", "cancel"]);
    expect(availableActions({ ...base, state: "resolved", resolvedAt: new Date("2026-01-09T00:00:00Z") })).toEqual(["close", "reopen"]);
    expect(availableActions({ ...base, state: "closed" })).toEqual([]);
    expect(availableActions({ ...base, state: "cancelled" })).toEqual([]);
  });

  it("lets requesters only close or reopen their own resolved incident", () => {
    const req = { ...base, isStaff: false, isRequester: true };
    expect(availableActions({ ...req, state: "new" })).toEqual([]);
    expect(availableActions({ ...req, state: "resolved", resolvedAt: new Date("2026-01-09T00:00:00Z") })).toEqual(["close", "reopen"]);
    expect(availableActions({ ...req, isRequester: false, state: "resolved", resolvedAt: new Date("2026-01-09T00:00:00Z") })).toEqual([]);
  });

  it("refuses reopening after the window", () => {
    const r = checkTransition("reopen", { ...base, state: "resolved", resolvedAt: new Date("2026-01-01T00:00:00Z") });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/reopen window of 7 days/);
    expect(checkTransition("reopen", { ...base, state: "resolved", resolvedAt: new Date("2026-01-03T00:00:01Z") }).ok).toBe(true);
  });

  it("explains an impossible transition", () => {
    const r = checkTransition("resolve", { ...base, state: "closed" });
    expect(r).toEqual({ ok: false, reason: "Cannot resolve an incident that is closed" });
  });

  it("names the inputs an action needs", () => {
    const resolve = INCIDENT_TRANSITIONS.find((t) => t.action === "resolve");
    expect(resolve && missingInputs(resolve, { resolutionCode: "duplicate" })).toEqual(["resolutionNotes"]);
    const hold = INCIDENT_TRANSITIONS.find((t) => t.action === "hold");
    expect(hold && missingInputs(hold, {})).toEqual(["holdReason"]);
  });

  it("maps a target state to the action that reaches it", () => {
    expect(actionForTarget("new", "in_progress")).toBe("start");
    expect(actionForTarget("on_hold", "in_progress")).toBe("resume");
    expect(actionForTarget("resolved", "in_progress")).toBe("reopen");
    expect(actionForTarget("closed", "new")).toBeNull();
  });

  it("every state is reachable and only closed/cancelled are final", () => {
    const reachable = new Set(["new", ...INCIDENT_TRANSITIONS.map((t) => t.to)]);
    expect([...reachable].sort()).toEqual([...INCIDENT_STATES].sort());
    const exits = new Set(INCIDENT_TRANSITIONS.flatMap((t) => t.from));
    expect(INCIDENT_STATES.filter((s) => !exits.has(s)).sort()).toEqual(["cancelled", "closed"]);
  });
});
