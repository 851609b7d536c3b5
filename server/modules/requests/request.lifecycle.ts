import { offerSurveyLater } from "../reporting/csat.service";
import type { TFulfilmentTask } from "../../../contracts/catalog";
import type { Tx } from "../../platform/db/db";
import { notFound } from "../../platform/http/errors";
import type { ApprovalItem } from "../approvals/approval.service";
import { findCatalogVersion } from "../catalog/catalog.service";
import { insertTimeline } from "../work-items/work-item.repo";
import { announce } from "../work-items/work-item.service";
import * as repo from "./request.repo";
import { nextFulfilment, planSteps, TASK_CLOSED } from "./request.workflow";
import { syncSlaClocks } from "../sla/sla.sync";

/** A request's life after it was created: fulfilment starts, steps open one after another, the request closes. */

/** Approvals passed (or none needed): the request is in progress and its tasks are created. */
export async function beginFulfilment(tx: Tx, item: ApprovalItem, actorId: string | null): Promise<void> {
  const req = await repo.findRequest(tx, item.organization_id, item.id);
  if (!req) throw notFound("Request");
  const version = await findCatalogVersion(tx, item.organization_id, req.catalog_item_version_id);
  const plan = version?.fulfilment ?? [];
  await repo.setState(tx, item.id, "in_progress", false);
  await syncSlaClocks(tx, item.id, { reason: "state_changed", actorId });
  await insertTimeline(tx, {
    organizationId: item.organization_id,
    workItemId: item.id,
    actorId,
    kind: "state_changed",
    changes: [{ field: "state", from: req.state, to: "in_progress" }],
    data: { action: "approved" },
  });
  await createFulfilmentTasks(tx, { ...item, requestNumber: req.number }, plan, actorId);
}

/** Closes a request with a final state and reason (rejected, cancelled, completed, incomplete). */
export async function closeRequest(
  tx: Tx,
  item: ApprovalItem,
  state: "completed" | "incomplete" | "rejected" | "cancelled",
  actorId: string | null,
  reason: string | null,
) {
  const locked = await repo.lockRequest(tx, item.organization_id, item.id);
  if (!locked) throw notFound("Request");
  await repo.setState(tx, item.id, state, true);
  if (reason !== null) await repo.setCloseReason(tx, item.id, reason);
  await syncSlaClocks(tx, item.id, { reason: "state_changed", actorId });
  await insertTimeline(tx, {
    organizationId: item.organization_id,
    workItemId: item.id,
    actorId,
    kind: "state_changed",
    changes: [{ field: "state", from: locked.state, to: state }],
    data: { action: state === "rejected" ? "reject" : state === "cancelled" ? "cancel" : "close", ...(reason ? { reason } : {}) },
  });
  if (state === "completed") await offerSurveyLater(tx, item.organization_id, item.id);
}

type RequestRef = ApprovalItem & { requestNumber: string };

/** Creates every task of the plan at once: the first step open, later steps pending until their turn. */
export async function createFulfilmentTasks(tx: Tx, req: RequestRef, plan: TFulfilmentTask[], actorId: string | null): Promise<void> {
  const steps = planSteps(plan);
  const created: string[] = [];
  for (const [i, t] of plan.entries()) {
    const task = await repo.insertTask(tx, {
      organizationId: req.organization_id,
      requestId: req.id,
      requesterId: req.requester_id,
      title: t.title,
      description: t.description,
      groupId: t.groupId,
      step: steps[i],
      position: i + 1,
      state: steps[i] === 1 ? "open" : "pending",
      createdById: actorId,
      requestNumber: req.requestNumber,
    });
    created.push(task.number);
    await announce(tx, task, task.version, actorId, "work_item.created");
  }
  if (created.length)
    await insertTimeline(tx, {
      organizationId: req.organization_id,
      workItemId: req.id,
      actorId,
      kind: "tasks_created",
      data: { tasks: created },
    });
  // Nothing to do by hand: the request is fulfilled as soon as it is approved.
  else await closeIfDone(tx, req, actorId);
}

/** Cancels the open and pending tasks of a withdrawn request. */
export async function cancelOpenTasks(tx: Tx, req: ApprovalItem, actorId: string, reason: string): Promise<void> {
  for (const t of await repo.listRequestTasks(tx, req.id)) {
    if (TASK_CLOSED.includes(t.state)) continue;
    const version = await repo.updateTaskRow(tx, t.id, { state: "cancelled" }, reason);
    await insertTimeline(tx, {
      organizationId: t.organization_id,
      workItemId: t.id,
      actorId,
      kind: "state_changed",
      changes: [{ field: "state", from: t.state, to: "cancelled" }],
      data: { action: "cancel", reason: `Request ${req.number} was cancelled: ${reason}` },
    });
    await announce(tx, t, version, actorId);
  }
}

/** After a task closed: open the next step's tasks, or close the request when every task is closed. */
export async function closeIfDone(tx: Tx, req: ApprovalItem, actorId: string | null): Promise<void> {
  const tasks = await repo.listRequestTasks(tx, req.id);
  const next = nextFulfilment(tasks);
  if (next.kind === "open_step") {
    for (const t of tasks.filter((x) => x.step === next.step && x.state === "pending")) {
      const version = await repo.updateTaskRow(tx, t.id, { state: "open" });
      await insertTimeline(tx, {
        organizationId: t.organization_id,
        workItemId: t.id,
        actorId: null,
        kind: "state_changed",
        changes: [{ field: "state", from: "pending", to: "open" }],
        data: { action: "open", reason: "the earlier tasks are done" },
      });
      await announce(tx, t, version, actorId);
    }
  } else if (next.kind === "close") {
    await closeRequest(tx, req, next.state, actorId, null);
    const locked = await repo.lockRequest(tx, req.organization_id, req.id);
    if (locked) await announce(tx, locked, locked.version, actorId);
  }
}
