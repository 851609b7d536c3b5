import type { ChangeAction, ChangeState, ChangeType } from "../../../contracts/changes";

/** What must hold before an action may run (checked against the change's facts, in order). */
export type Guard = "window" | "plans" | "risk" | "approved" | "notFrozen" | "tasksDone" | "outcome" | "reviewNotes" | "reason";

export interface ChangeTransition {
  action: ChangeAction;
  from: ChangeState;
  to: ChangeState;
  guards: Guard[];
}

/** Each change type's own path through the states, as data. */
export const CHANGE_PATHS: Record<ChangeType, ChangeState[]> = {
  standard: ["new", "scheduled", "implement", "review", "closed"],
  normal: ["new", "assess", "authorize", "scheduled", "implement", "review", "closed"],
  emergency: ["new", "authorize", "scheduled", "implement", "review", "closed"],
};

const tail = (to: ChangeState): ChangeTransition[] => [
  { action: "implement", from: "scheduled", to: "implement", guards: ["notFrozen"] },
  { action: "review", from: "implement", to: "review", guards: ["tasksDone", "outcome"] },
  { action: "close", from: "review", to, guards: [] },
];

/**
 * Transitions per type. Standard changes are pre-approved (a template) and go straight to Scheduled;
 * normal ones are assessed, then authorised by the CAB and the change manager; emergency ones skip
 * assessment for an expedited approval and must be reviewed afterwards (review notes to close).
 * Approval moves a change from Authorize to Scheduled by itself; `schedule` is the manual step once approved.
 */
export const CHANGE_TRANSITIONS: Record<ChangeType, readonly ChangeTransition[]> = {
  standard: [{ action: "submit", from: "new", to: "scheduled", guards: ["window", "plans", "notFrozen"] }, ...tail("closed")],
  normal: [
    { action: "submit", from: "new", to: "assess", guards: [] },
    { action: "request_approval", from: "assess", to: "authorize", guards: ["window", "plans", "risk", "notFrozen"] },
    { action: "schedule", from: "authorize", to: "scheduled", guards: ["approved", "window", "notFrozen"] },
    ...tail("closed"),
  ],
  emergency: [
    { action: "submit", from: "new", to: "authorize", guards: ["window"] },
    { action: "schedule", from: "authorize", to: "scheduled", guards: ["approved", "window"] },
    ...tail("closed"),
  ],
};

const CANCELLABLE: ChangeState[] = ["new", "assess", "authorize", "scheduled"];

/** The facts the guards look at. */
export interface ChangeFacts {
  type: ChangeType;
  state: ChangeState;
  hasWindow: boolean;
  hasPlans: boolean;
  riskAssessed: boolean;
  approved: boolean;
  /** A freeze window overlaps the planned window and no change manager overrode it. */
  frozen: boolean;
  openTasks: number;
  outcome: string | null;
  reviewNotes: string | null;
  reason?: string | null;
}

const GUARD_MESSAGES: Record<Guard, (f: ChangeFacts) => string> = {
  window: () => "Set the planned start and end first",
  plans: () => "Write the implementation, back-out and test plans first",
  risk: () => "Assess the risk (questionnaire) first",
  approved: (f) => `A ${f.type} change cannot be scheduled without approval; the approval is still pending`,
  notFrozen: () => "The planned window falls in a freeze window; a change manager must override it first",
  tasksDone: (f) => `${f.openTasks} change task(s) are still open`,
  outcome: () => "Record the outcome of the implementation",
  reviewNotes: () => "Write the review notes (a retrospective review is required)",
  reason: () => "Give a reason",
};

/** Which guard refused, if any, as a code for the API: missing input is 400, a state of affairs 409. */
export type ChangeCheck = { ok: true; transition: ChangeTransition } | { ok: false; reason: string; kind: "transition" | "input" | "conflict"; guard?: Guard };

const INPUT_GUARDS = new Set<Guard>(["outcome", "reviewNotes", "reason"]);

/** Whether an action may run on a change with these facts. Pure. */
export function checkChangeTransition(action: ChangeAction, f: ChangeFacts): ChangeCheck {
  let t: ChangeTransition | undefined;
  if (action === "cancel") {
    if (!CANCELLABLE.includes(f.state)) return { ok: false, kind: "transition", reason: `A change that is ${f.state} cannot be cancelled` };
    t = { action, from: f.state, to: "cancelled", guards: ["reason"] };
  } else t = CHANGE_TRANSITIONS[f.type].find((x) => x.action === action && x.from === f.state);
  if (!t) return { ok: false, kind: "transition", reason: `A ${f.type} change cannot ${action.replace("_", " ")} from ${f.state}` };
  const guards = [...t.guards];
  // Emergency changes and failed ones get a retrospective review before they close.
  if (action === "close" && (f.type === "emergency" || f.outcome === "failed" || f.outcome === "backed_out")) guards.push("reviewNotes");
  for (const g of guards) {
    const holds =
      g === "window"
        ? f.hasWindow
        : g === "plans"
          ? f.hasPlans
          : g === "risk"
            ? f.riskAssessed
            : g === "approved"
              ? f.approved
              : g === "notFrozen"
                ? !(f.frozen && f.type === "normal")
                : g === "tasksDone"
                  ? f.openTasks === 0
                  : g === "outcome"
                    ? Boolean(f.outcome)
                    : g === "reviewNotes"
                      ? Boolean(f.reviewNotes)
                      : Boolean(f.reason);
    if (!holds) return { ok: false, reason: GUARD_MESSAGES[g](f), kind: INPUT_GUARDS.has(g) ? "input" : "conflict", guard: g };
  }
  return { ok: true, transition: t };
}

/** The actions the type's path offers from the current state (guards are checked when they run). */
export function changeActions(type: ChangeType, state: ChangeState): ChangeAction[] {
  const out = CHANGE_TRANSITIONS[type].filter((t) => t.from === state).map((t) => t.action);
  if (CANCELLABLE.includes(state)) out.push("cancel");
  return out;
}
