import type { TListTasksQuery, TRequestTask, TTaskTransitionRequest, TUpdateTaskRequest } from "../../../contracts/catalog";
import { OPEN_TASK_STATES } from "../../../contracts/catalog";
import type { Actor, Deps } from "../../deps";
import { type Tx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { isStaffActor } from "../work-items/work-item.policy";
import { type Change, insertTimeline } from "../work-items/work-item.repo";
import { announce, findVisibleItem } from "../work-items/work-item.service";
import { presentTask } from "./request.presenter";
import { closeIfDone } from "./request.lifecycle";
import * as repo from "./request.repo";
import { checkTaskTransition, TASK_CLOSED } from "./request.workflow";

async function lockTaskFor(tx: Tx, actor: Actor, ref: string) {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents work on fulfilment tasks");
  const core = await findVisibleItem(tx, actor, ref, { type: "request_task", forUpdate: true });
  const t = await repo.findTask(tx, actor.organizationId, core.id, { forUpdate: true });
  if (!t) throw notFound("Task");
  return t;
}

function assertVersion(t: { version: number }, expected?: number) {
  if (expected !== undefined && expected !== t.version)
    throw new AppError("VERSION_CONFLICT", `The task changed since you read it (your version ${expected}, current ${t.version}); reload and try again`, [
      { field: "version", message: `current version is ${t.version}` },
    ]);
}

/** Works a task: start (takes it if unassigned), complete (with notes), cancel (with a reason); closing the last one closes the request. */
export async function transitionTask(deps: Deps, actor: Actor, ref: string, input: TTaskTransitionRequest): Promise<TRequestTask> {
  const id = await withTx(deps.db, async (tx) => {
    const t = await lockTaskFor(tx, actor, ref);
    assertVersion(t, input.version);
    const check = checkTaskTransition(input.action, t.state);
    if (!check.ok) throw new AppError("INVALID_TRANSITION", check.reason, [{ field: "body.action", message: check.reason }]);
    if (check.requires === "notes" && !input.notes) throw invalidField("body.notes", `say why you ${input.action} the task`);
    const changes: Change[] = [{ field: "state", from: t.state, to: check.to }];
    const set: Parameters<typeof repo.updateTaskRow>[2] = { state: check.to };
    if (input.action === "start" && !t.assignee_id) {
      set.assignee_id = actor.userId;
      changes.push({ field: "assigneeId", from: null, to: actor.userId });
    }
    const closing = TASK_CLOSED.includes(check.to);
    const version = await repo.updateTaskRow(tx, t.id, set, closing ? (input.notes ?? null) : undefined);
    await insertTimeline(tx, {
      organizationId: t.organization_id,
      workItemId: t.id,
      actorId: actor.userId,
      kind: "state_changed",
      changes,
      data: { action: input.action, ...(input.notes ? { notes: input.notes } : {}) },
    });
    await announce(tx, t, version, actor.userId);
    if (closing) {
      await insertTimeline(tx, {
        organizationId: t.organization_id,
        workItemId: t.request_id,
        actorId: actor.userId,
        kind: "task_closed",
        data: { task: t.number, title: t.title, state: check.to },
      });
      const req = await repo.lockRequest(tx, t.organization_id, t.request_id);
      if (req && req.state === "in_progress") await closeIfDone(tx, { ...req, type: "request" }, actor.userId);
    }
    return t.id;
  });
  return getTask(deps, actor, id);
}

/** Reassigns a task (group and/or assignee; the assignee must be an agent of the group). */
export async function updateTask(deps: Deps, actor: Actor, ref: string, input: TUpdateTaskRequest): Promise<TRequestTask> {
  const id = await withTx(deps.db, async (tx) => {
    const t = await lockTaskFor(tx, actor, ref);
    assertVersion(t, input.version);
    if (TASK_CLOSED.includes(t.state)) throw new AppError("INVALID_TRANSITION", `The task is already ${t.state}`);
    const set: Parameters<typeof repo.updateTaskRow>[2] = {};
    const changes: Change[] = [];
    if (input.assignmentGroupId !== undefined && input.assignmentGroupId !== t.assignment_group_id) {
      if (input.assignmentGroupId && !(await repo.groupExists(tx, actor.organizationId, input.assignmentGroupId)))
        throw invalidField("body.assignmentGroupId", "no such group");
      set.assignment_group_id = input.assignmentGroupId;
      changes.push({ field: "assignmentGroupId", from: t.assignment_group_id, to: input.assignmentGroupId });
    }
    const group = set.assignment_group_id !== undefined ? set.assignment_group_id : t.assignment_group_id;
    if (input.assigneeId !== undefined && input.assigneeId !== t.assignee_id) {
      if (input.assigneeId) {
        const a = await repo.checkAssignee(tx, actor.organizationId, input.assigneeId, group);
        if (!a.ok) throw invalidField("body.assigneeId", "must be an active agent of this organization");
        if (!a.in_group) throw invalidField("body.assigneeId", "is not a member of the assignment group");
      }
      set.assignee_id = input.assigneeId;
      changes.push({ field: "assigneeId", from: t.assignee_id, to: input.assigneeId });
    }
    if (!changes.length) return t.id;
    const version = await repo.updateTaskRow(tx, t.id, set);
    await insertTimeline(tx, { organizationId: t.organization_id, workItemId: t.id, actorId: actor.userId, kind: "updated", changes });
    await announce(tx, t, version, actor.userId);
    return t.id;
  });
  return getTask(deps, actor, id);
}

/** One task (staff). */
export async function getTask(deps: Deps, actor: Actor, ref: string): Promise<TRequestTask> {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents see fulfilment tasks");
  const core = await findVisibleItem(deps.db, actor, ref, { type: "request_task" });
  const t = await repo.findTask(deps.db, actor.organizationId, core.id);
  if (!t) throw notFound("Task");
  return presentTask(t, actor);
}

/** The task queue (staff): oldest first, by group ("mine" = my groups), assignee ("me") and state. */
export async function listTasks(deps: Deps, actor: Actor, q: TListTasksQuery) {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents see fulfilment tasks");
  const f: repo.TaskListFilter = { organizationId: actor.organizationId, requestId: q.requestId };
  if (q.state) f.states = q.state;
  else if (q.open === "true") f.states = OPEN_TASK_STATES;
  else if (q.open === "false") f.states = ["completed", "cancelled"];
  if (q.assignmentGroupId) f.groupIds = q.assignmentGroupId === "mine" ? actor.groupIds : [q.assignmentGroupId];
  if (q.assigneeId) f.assigneeId = q.assigneeId === "me" ? actor.userId : q.assigneeId;
  let after: [string, string] | null = null;
  if (q.cursor) {
    try {
      after = JSON.parse(Buffer.from(q.cursor, "base64url").toString("utf8"));
    } catch {}
    if (!Array.isArray(after) || after.length !== 2) throw invalidField("query.cursor", "invalid cursor");
  }
  const rows = await repo.listTasks(deps.db, f, q.limit, after);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((t) => presentTask(t, actor)),
    nextCursor: rows.length > q.limit ? Buffer.from(JSON.stringify([last.cursor_at, last.id])).toString("base64url") : null,
  };
}
