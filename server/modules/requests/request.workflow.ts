import type { RequestState, TaskAction, TaskState } from "../../../contracts/catalog";

/** Request lifecycle: Pending approval → In progress (fulfilment) → Completed / Incomplete; or Rejected / Cancelled. */
export const REQUEST_CLOSED: RequestState[] = ["completed", "incomplete", "rejected", "cancelled"];

/** Task lifecycle as data: who may go where. Pending tasks wait for earlier steps; only staff work tasks. */
export const TASK_TRANSITIONS: ReadonlyArray<{ action: TaskAction; from: TaskState[]; to: TaskState; requires: "notes" | null }> = [
  { action: "start", from: ["open"], to: "in_progress", requires: null },
  { action: "complete", from: ["open", "in_progress"], to: "completed", requires: null },
  { action: "cancel", from: ["pending", "open", "in_progress"], to: "cancelled", requires: "notes" },
];

export const TASK_CLOSED: TaskState[] = ["completed", "cancelled"];

/** Whether a task action is possible from a state, and why not. Pure. */
export function checkTaskTransition(
  action: TaskAction,
  state: TaskState,
): { ok: true; to: TaskState; requires: "notes" | null } | { ok: false; reason: string } {
  const t = TASK_TRANSITIONS.find((x) => x.action === action);
  if (!t) return { ok: false, reason: `Unknown action ${action}` };
  if (!t.from.includes(state))
    return {
      ok: false,
      reason: state === "pending" ? "This task waits for earlier tasks to finish" : `Cannot ${action} a task that is ${state.replace("_", " ")}`,
    };
  return { ok: true, to: t.to, requires: t.requires };
}

/** The actions possible from a task state. */
export function taskActions(state: TaskState): TaskAction[] {
  return TASK_TRANSITIONS.filter((t) => t.from.includes(state)).map((t) => t.action);
}

/** Step numbers for a fulfilment plan: a task runs after the previous one, or together with it. */
export function planSteps(tasks: Array<{ parallelWithPrevious: boolean }>): number[] {
  let step = 0;
  return tasks.map((t, i) => {
    if (i === 0 || !t.parallelWithPrevious) step += 1;
    return step;
  });
}

export type FulfilmentNext = { kind: "wait" } | { kind: "open_step"; step: number } | { kind: "close"; state: "completed" | "incomplete" };

/**
 * What happens after a task closed: open the next step once every task of the earlier ones is closed,
 * or close the request when all are — completed when every task was completed, incomplete otherwise.
 */
export function nextFulfilment(tasks: Array<{ step: number; state: TaskState }>): FulfilmentNext {
  const open = tasks.filter((t) => !TASK_CLOSED.includes(t.state));
  if (!open.length) return { kind: "close", state: tasks.every((t) => t.state === "completed") ? "completed" : "incomplete" };
  const lowest = Math.min(...open.map((t) => t.step));
  // Tasks of the lowest open step still pending: their turn has come.
  if (open.some((t) => t.step === lowest && t.state === "pending")) return { kind: "open_step", step: lowest };
  return { kind: "wait" };
}
