import type { IncidentAction, IncidentState } from "../../../contracts/incidents";

/** Who may take an action: staff always where listed; requesters only where allowed and on their own tickets. */
type Who = "staff" | "staff_or_requester";

export interface IncidentTransition {
  action: IncidentAction;
  from: IncidentState[];
  to: IncidentState;
  who: Who;
  /** Input fields the action needs. */
  requires: Array<"holdReason" | "resolutionCode" | "resolutionNotes" | "reason">;
}

/** The incident lifecycle as data: New → In progress → On hold → Resolved → Closed, Cancelled, reopen. */
export const INCIDENT_TRANSITIONS: readonly IncidentTransition[] = [
  { action: "start", from: ["new"], to: "in_progress", who: "staff", requires: [] },
  { action: "hold", from: ["new", "in_progress"], to: "on_hold", who: "staff", requires: ["holdReason"] },
  { action: "resume", from: ["on_hold"], to: "in_progress", who: "staff", requires: [] },
  { action: "resolve", from: ["new", "in_progress", "on_hold"], to: "resolved", who: "staff", requires: ["resolutionCode", "resolutionNotes"] },
  { action: "close", from: ["resolved"], to: "closed", who: "staff_or_requester", requires: [] },
  { action: "cancel", from: ["new", "in_progress", "on_hold"], to: "cancelled", who: "staff", requires: ["reason"] },
  { action: "reopen", from: ["resolved"], to: "in_progress", who: "staff_or_requester", requires: ["reason"] },
];

export interface WorkflowContext {
  state: IncidentState;
  isStaff: boolean;
  isRequester: boolean;
  resolvedAt: Date | null;
  reopenWindowDays: number;
  now: Date;
}

export type TransitionCheck = { ok: true; transition: IncidentTransition } | { ok: false; reason: string };

/** Whether an action is possible now, and why not. Pure. */
export function checkTransition(action: IncidentAction, ctx: WorkflowContext): TransitionCheck {
  const t = INCIDENT_TRANSITIONS.find((x) => x.action === action);
  if (!t) return { ok: false, reason: `Unknown action ${action}` };
  if (!t.from.includes(ctx.state)) return { ok: false, reason: `Cannot ${action} an incident that is ${ctx.state.replace("_", " ")}` };
  if (!ctx.isStaff && !(t.who === "staff_or_requester" && ctx.isRequester)) return { ok: false, reason: `Only agents may ${action} this incident` };
  if (action === "reopen" && ctx.resolvedAt) {
    const deadline = ctx.resolvedAt.getTime() + ctx.reopenWindowDays * 86400_000;
    if (ctx.now.getTime() > deadline) return { ok: false, reason: `The reopen window of ${ctx.reopenWindowDays} days has passed; raise a new incident` };
  }
  return { ok: true, transition: t };
}

/** The actions the caller could take from the current state. */
export function availableActions(ctx: WorkflowContext): IncidentAction[] {
  return INCIDENT_TRANSITIONS.filter((t) => checkTransition(t.action, ctx).ok).map((t) => t.action);
}

/** The action that moves the incident to a target state (used when a client PATCHes `state`). */
export function actionForTarget(from: IncidentState, to: IncidentState): IncidentAction | null {
  return INCIDENT_TRANSITIONS.find((t) => t.to === to && t.from.includes(from))?.action ?? null;
}

/** Missing inputs for an action, as field names. */
export function missingInputs(t: IncidentTransition, input: Partial<Record<IncidentTransition["requires"][number], unknown>>): string[] {
  return t.requires.filter((f) => input[f] === undefined || input[f] === null || input[f] === "");
}

export const DEFAULT_REOPEN_WINDOW_DAYS = 7;
