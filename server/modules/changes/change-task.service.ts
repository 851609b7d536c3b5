import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField } from "../../platform/http/errors";
import { insertTimeline } from "../work-items/work-item.repo";
import { announce, findVisibleItem } from "../work-items/work-item.service";
import * as repo from "./change.repo";
import { assertStaff } from "./change.policy";
import * as tasks from "./change-task.repo";

/** Task moves: start (new → in progress), complete (→ closed), cancel (→ cancelled). */
const TASK_MOVES: Record<"start" | "complete" | "cancel", { from: string[]; to: string }> = {
  start: { from: ["new"], to: "in_progress" },
  complete: { from: ["new", "in_progress"], to: "closed" },
  cancel: { from: ["new", "in_progress"], to: "cancelled" },
};

/** The tasks of a change (for its detail). */
export function listTasksOf(db: DbOrTx, changeId: string) {
  return tasks.listTasks(db, changeId);
}

/** Open tasks of a change (a change is reviewed only once its tasks are done). */
export function countOpenTasks(db: DbOrTx, changeId: string) {
  return tasks.countOpen(db, changeId);
}

/** Adds a task (CTASK) to an open change; both timelines record it. */
export async function createChangeTask(
  deps: Deps,
  actor: Actor,
  changeRef: string,
  input: { title: string; description: string; assigneeId?: string | null; assignmentGroupId?: string | null },
) {
  assertStaff(actor);
  return withTx(deps.db, async (tx) => {
    const change = await findVisibleItem(tx, actor, changeRef, { type: "change", forUpdate: true });
    if (["review", "closed", "cancelled"].includes(change.state)) throw new AppError("INVALID_TRANSITION", `A ${change.state} change takes no new tasks`);
    if (input.assigneeId || input.assignmentGroupId) {
      const c = await repo.checkAssignment(tx, actor.organizationId, input.assignmentGroupId ?? null, input.assigneeId ?? null);
      if (input.assignmentGroupId && !c.group) throw invalidField("body.assignmentGroupId", "no such group");
      if (input.assigneeId && !c.assignee) throw invalidField("body.assigneeId", "must be an active agent of this organization");
    }
    const t = await tasks.insertChangeTask(tx, {
      organizationId: actor.organizationId,
      changeId: change.id,
      title: input.title,
      description: input.description,
      assigneeId: input.assigneeId ?? null,
      groupId: input.assignmentGroupId ?? null,
      createdById: actor.userId,
    });
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: change.id,
      actorId: actor.userId,
      kind: "link_added",
      data: { kind: "parent_of", number: t.number },
    });
    await announce(tx, change, change.version, actor.userId);
    return (await tasks.listTasks(tx, change.id)).find((x) => x.id === t.id);
  });
}

/** Starts, completes or cancels a change task. */
export async function moveChangeTask(deps: Deps, actor: Actor, ref: string, action: "start" | "complete" | "cancel") {
  assertStaff(actor);
  return withTx(deps.db, async (tx) => {
    const task = await findVisibleItem(tx, actor, ref, { type: "change_task", forUpdate: true });
    const move = TASK_MOVES[action];
    if (!move.from.includes(task.state)) throw new AppError("INVALID_TRANSITION", `Cannot ${action} a task that is ${task.state.replace("_", " ")}`);
    const version = await tasks.setTaskState(tx, task.id, move.to);
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: task.id,
      actorId: actor.userId,
      kind: "state_changed",
      changes: [{ field: "state", from: task.state, to: move.to }],
      data: { action },
    });
    await announce(tx, task, version, actor.userId);
    const parent = await tasks.parentChangeOf(tx, task.id);
    const mine = parent ? (await tasks.listTasks(tx, parent)).find((x) => x.id === task.id) : undefined;
    return { id: task.id, number: task.number, title: task.title, state: move.to, assignee: mine?.assignee ?? null, parentId: parent ?? null };
  });
}
