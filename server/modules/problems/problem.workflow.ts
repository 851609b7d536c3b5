import type { ProblemAction, ProblemState } from "../../../contracts/problems";

type Needs = "rootCause" | "fix" | "closeCode" | "reason";

export interface ProblemTransition {
  action: ProblemAction;
  from: ProblemState[];
  to: ProblemState;
  /** Inputs the action needs; rootCause and fix may already be on the problem instead. */
  requires: Needs[];
}

const OPEN: ProblemState[] = ["new", "assessed", "root_cause_analysis", "fix_in_progress"];

/** The problem lifecycle as data: New → Assessed → Root cause analysis → Fix in progress → Resolved → Closed. */
export const PROBLEM_TRANSITIONS: readonly ProblemTransition[] = [
  { action: "assess", from: ["new"], to: "assessed", requires: [] },
  { action: "investigate", from: ["assessed"], to: "root_cause_analysis", requires: [] },
  { action: "start_fix", from: ["root_cause_analysis"], to: "fix_in_progress", requires: ["rootCause"] },
  { action: "resolve", from: ["fix_in_progress"], to: "resolved", requires: ["fix"] },
  { action: "close", from: ["resolved"], to: "closed", requires: [] },
  { action: "cancel", from: OPEN, to: "closed", requires: ["closeCode", "reason"] },
  { action: "reopen", from: ["resolved"], to: "root_cause_analysis", requires: ["reason"] },
];

export type ProblemCheck = { ok: true; transition: ProblemTransition } | { ok: false; reason: string };

/** Whether an action is possible from a state (problems are worked by staff only). Pure. */
export function checkProblemTransition(action: ProblemAction, state: ProblemState): ProblemCheck {
  const t = PROBLEM_TRANSITIONS.find((x) => x.action === action);
  if (!t) return { ok: false, reason: `Unknown action ${action}` };
  if (!t.from.includes(state)) return { ok: false, reason: `Cannot ${action.replace("_", " ")} a problem that is ${state.replaceAll("_", " ")}` };
  return { ok: true, transition: t };
}

/** The actions open from a state. */
export function problemActions(state: ProblemState): ProblemAction[] {
  return PROBLEM_TRANSITIONS.filter((t) => t.from.includes(state)).map((t) => t.action);
}

/** Missing inputs for a transition, given the request and what the problem already records. */
export function missingProblemInputs(
  t: ProblemTransition,
  input: Partial<Record<Needs, unknown>>,
  recorded: { rootCause: string | null; fix: string | null },
): Needs[] {
  return t.requires.filter((f) => {
    if (f === "rootCause" && recorded.rootCause) return false;
    if (f === "fix" && recorded.fix) return false;
    const v = input[f];
    return v === undefined || v === null || v === "";
  });
}

/** Is the problem still being worked on? */
export function isOpenProblem(state: ProblemState): boolean {
  return OPEN.includes(state);
}
