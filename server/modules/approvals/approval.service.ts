import type { TApprovalStage, TApprovalStageDefinition, TDecideApprovalRequest, TMyApproval } from "../../../contracts/approvals";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, type Tx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { isStaffActor } from "../work-items/work-item.policy";
import { findItemCore, insertTimeline, touchItem } from "../work-items/work-item.repo";
import { announce } from "../work-items/work-item.service";
import { notify } from "../notifications/notify";
import * as repo from "./approval.repo";
import { stageOutcome } from "./approval.rules";

/** The work item an approval chain belongs to (what `findItemCore` returns is enough). */
export interface ApprovalItem {
  id: string;
  organization_id: string;
  type: string;
  number: string;
  requester_id: string;
}

export type ChainOutcome = "pending" | "approved" | "rejected";

/**
 * How the practice owning a work-item type reacts to its approval chain. Decisions arrive through the
 * generic approvals API, so the chain calls back into the practice, in the decision's transaction.
 */
export interface ApprovalHandler {
  /** Every stage passed (or was skipped): continue the item's work, e.g. create fulfilment tasks. */
  onApproved(tx: Tx, item: ApprovalItem, ctx: { actorId: string | null }): Promise<void>;
  /** A stage was rejected: the rest of the chain is cancelled; close or return the item. */
  onRejected(tx: Tx, item: ApprovalItem, ctx: { actorId: string; reason: string; stageName: string }): Promise<void>;
  /** Optional: one stage passed and the next one started (e.g. a change moving from peer review to CAB). */
  onStageApproved?(tx: Tx, item: ApprovalItem, ctx: { actorId: string; stageName: string; position: number }): Promise<void>;
}

const handlers = new Map<string, ApprovalHandler>();

/** Registers the practice that reacts to approval outcomes of one work-item type (call once, at import of the practice's service). */
export function registerApprovalHandler(type: string, handler: ApprovalHandler): void {
  handlers.set(type, handler);
}

function handlerFor(type: string): ApprovalHandler {
  const h = handlers.get(type);
  // A chain on a type nobody handles would pass silently: that is a programming error, not a user one.
  if (!h) throw new Error(`No approval handler registered for work-item type ${type}`);
  return h;
}

/** Refuses a chain whose named people or groups are not active in the organization, naming the field. */
export async function assertApprovalChain(db: DbOrTx, orgId: string, stages: TApprovalStageDefinition[], field: string): Promise<void> {
  const userIds = new Set<string>();
  const groupIds = new Set<string>();
  for (const s of stages)
    for (const a of s.approvers) {
      if (a.kind === "user") userIds.add(a.userId);
      if (a.kind === "group") groupIds.add(a.groupId);
    }
  const users = new Set((await repo.findActiveUsers(db, orgId, [...userIds])).map((u) => u.id));
  const groups = await repo.existingGroupIds(db, orgId, [...groupIds]);
  stages.forEach((s, i) => {
    s.approvers.forEach((a, j) => {
      if (a.kind === "user" && !users.has(a.userId)) throw invalidField(`${field}.${i}.approvers.${j}.userId`, "no such active person in this organization");
      if (a.kind === "group" && !groups.has(a.groupId)) throw invalidField(`${field}.${i}.approvers.${j}.groupId`, "no such group in this organization");
    });
  });
}

/** The people a stage's sources name right now (the requester is left out of groups: no approving one's own item). */
async function resolveApprovers(tx: Tx, item: ApprovalItem, sources: repo.StageRow["approver_sources"]) {
  const found = new Map<string, { id: string; name: string; source: "user" | "manager" | "group"; groupId: string | null }>();
  for (const s of sources) {
    if (s.kind === "manager") {
      const m = await repo.findManager(tx, item.organization_id, item.requester_id);
      if (m && !found.has(m.id)) found.set(m.id, { ...m, source: "manager", groupId: null });
    } else if (s.kind === "user") {
      for (const u of await repo.findActiveUsers(tx, item.organization_id, [s.userId]))
        if (!found.has(u.id)) found.set(u.id, { ...u, source: "user", groupId: null });
    } else {
      for (const u of await repo.findGroupMembers(tx, item.organization_id, s.groupId))
        if (u.id !== item.requester_id && !found.has(u.id)) found.set(u.id, { id: u.id, name: u.name, source: "group", groupId: s.groupId });
    }
  }
  return [...found.values()];
}

/** Starts the first waiting stage that has approvers; stages nobody can approve are skipped (on the timeline). */
async function activateNextStage(tx: Tx, item: ApprovalItem, actorId: string | null): Promise<"pending" | "approved"> {
  const stages = await repo.listStages(tx, item.id);
  for (const stage of stages) {
    if (stage.state !== "waiting") continue;
    const people = await resolveApprovers(tx, item, stage.approver_sources);
    if (!people.length) {
      await repo.setStageState(tx, stage.id, "skipped");
      await insertTimeline(tx, {
        organizationId: item.organization_id,
        workItemId: item.id,
        actorId: null,
        kind: "approval_stage_skipped",
        data: { stage: stage.name, reason: "no approver could be found (no manager set, or an empty group)" },
      });
      continue;
    }
    await repo.insertApprovals(
      tx,
      people.map((p) => ({
        organizationId: item.organization_id,
        workItemId: item.id,
        stageId: stage.id,
        approverId: p.id,
        source: p.source,
        groupId: p.groupId,
      })),
    );
    await repo.setStageState(tx, stage.id, "pending");
    await insertTimeline(tx, {
      organizationId: item.organization_id,
      workItemId: item.id,
      actorId,
      kind: "approval_requested",
      data: { stage: stage.name, rule: stage.rule, quorum: stage.quorum, approvers: people.map((p) => p.name) },
    });
    // The approvers hear of it by mail (decided in the portal's Approvals page the link opens).
    await notify(tx, {
      type: "approval.requested",
      organizationId: item.organization_id,
      workItemId: item.id,
      actorId,
      approverIds: people.map((p) => p.id),
      message: stage.name,
    });
    return "pending";
  }
  return "approved";
}

/**
 * Attaches an approval chain to a new work item and starts its first stage, in the caller's transaction.
 * Returns "approved" when nothing needs approving (no stages, or none with approvers): the caller then
 * continues at once — the handler is only called for decisions made later.
 */
export async function startApprovals(tx: Tx, item: ApprovalItem, stages: TApprovalStageDefinition[], actorId: string | null): Promise<"pending" | "approved"> {
  await repo.insertStages(
    tx,
    item.organization_id,
    item.id,
    stages.map((s) => ({ name: s.name, rule: s.rule, quorum: s.rule === "quorum" ? (s.quorum ?? 1) : null, approvers: s.approvers })),
  );
  return activateNextStage(tx, item, actorId);
}

/** Cancels whatever is still pending or waiting (the item was cancelled or withdrawn). */
export async function cancelApprovals(tx: Tx, item: ApprovalItem): Promise<void> {
  await repo.closePendingApprovals(tx, { itemId: item.id }, "cancelled");
  await repo.cancelWaitingStages(tx, item.id);
}

function notPendingMessage(a: NonNullable<Awaited<ReturnType<typeof repo.findApproval>>>): string {
  if (a.state === "approved" || a.state === "rejected") return `You already ${a.state} this`;
  if (a.state === "cancelled") return "The item was withdrawn; there is nothing left to decide";
  if (a.stage_state === "rejected") return "This was already rejected by another approver; there is nothing left to decide";
  return `Your approval is no longer needed: the stage "${a.stage_name}" is already ${a.stage_state}`;
}

/**
 * Records one approver's decision and moves the chain on: the stage passes (next stage, or the whole
 * chain — the owning practice's handler runs), fails (chain rejected, handler runs), or waits for others.
 * Double decisions, decisions by non-approvers and decisions after the chain ended are refused, changing nothing.
 */
export async function decideApproval(
  deps: Deps,
  actor: Actor,
  approvalId: string,
  input: TDecideApprovalRequest,
): Promise<{ approval: TMyApproval; outcome: ChainOutcome }> {
  return withTx(deps.db, async (tx) => {
    const peek = await repo.findApproval(tx, actor.organizationId, approvalId);
    if (!peek) throw notFound("Approval");
    // Lock the item first: concurrent decisions on one item serialize here, so a stage completes once.
    const item = await findItemCore(tx, actor.organizationId, peek.work_item_id, { forUpdate: true });
    if (!item) throw notFound("Approval");
    const a = await repo.findApproval(tx, actor.organizationId, approvalId, { forUpdate: true });
    if (!a) throw notFound("Approval");
    if (a.approver_id !== actor.userId) throw new AppError("FORBIDDEN", "Only the person asked for this approval can decide it");
    if (a.state !== "pending" || a.stage_state !== "pending") throw new AppError("INVALID_TRANSITION", notPendingMessage(a));

    const comment = input.comment?.trim() || null;
    const state = input.decision === "approve" ? "approved" : "rejected";
    await repo.setApprovalState(tx, a.id, state, comment);
    await insertTimeline(tx, {
      organizationId: item.organization_id,
      workItemId: item.id,
      actorId: actor.userId,
      kind: "approval_decided",
      data: { approvalId: a.id, stage: a.stage_name, decision: state, comment },
    });

    const counts = await repo.countStage(tx, a.stage_id);
    const stage = stageOutcome(a.rule, a.quorum, counts);
    let outcome: ChainOutcome = "pending";
    if (stage === "approved") {
      await repo.setStageState(tx, a.stage_id, "approved");
      await repo.closePendingApprovals(tx, { stageId: a.stage_id }, "not_required");
      await insertTimeline(tx, {
        organizationId: item.organization_id,
        workItemId: item.id,
        actorId: actor.userId,
        kind: "approval_stage_completed",
        data: { stage: a.stage_name, result: "approved" },
      });
      outcome = await activateNextStage(tx, item, actor.userId);
      const h = handlerFor(item.type);
      if (outcome === "approved") await h.onApproved(tx, item, { actorId: actor.userId });
      else await h.onStageApproved?.(tx, item, { actorId: actor.userId, stageName: a.stage_name, position: a.position });
    } else if (stage === "rejected") {
      await repo.setStageState(tx, a.stage_id, "rejected");
      await repo.closePendingApprovals(tx, { stageId: a.stage_id }, "not_required");
      await repo.cancelWaitingStages(tx, item.id);
      await insertTimeline(tx, {
        organizationId: item.organization_id,
        workItemId: item.id,
        actorId: actor.userId,
        kind: "approval_stage_completed",
        data: { stage: a.stage_name, result: "rejected", reason: comment },
      });
      outcome = "rejected";
      await handlerFor(item.type).onRejected(tx, item, { actorId: actor.userId, reason: comment ?? "", stageName: a.stage_name });
    }
    const version = await touchItem(tx, item.id);
    await announce(tx, item, version, actor.userId);
    const [row] = await repo.listApprovalsOfApprover(tx, actor.organizationId, actor.userId, "pending", 1, a.id);
    return { approval: presentMine(row, actor), outcome };
  });
}

function iso(d: Date | string | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

function presentMine(r: repo.MyApprovalRow, actor: Actor): TMyApproval {
  return {
    id: r.id,
    state: r.state,
    comment: r.comment,
    decidedAt: iso(r.decided_at),
    createdAt: new Date(r.created_at).toISOString(),
    stage: { name: r.stage_name, rule: r.rule, state: r.stage_state },
    item: {
      id: r.item_id,
      type: r.type,
      number: r.number,
      title: r.title,
      description: r.description,
      state: r.item_state,
      requester: r.requester,
      createdAt: new Date(r.item_created_at).toISOString(),
    },
    canDecide: r.approver_id === actor.userId && r.state === "pending" && r.stage_state === "pending",
  };
}

/** The approvals waiting for the caller (or the ones they decided), oldest request first. */
export async function listPendingForApprover(deps: Deps, actor: Actor, which: "pending" | "decided" = "pending", limit = 50): Promise<TMyApproval[]> {
  const rows = await repo.listApprovalsOfApprover(deps.db, actor.organizationId, actor.userId, which, limit);
  return rows.map((r) => presentMine(r, actor));
}

/** One approval with its item's summary: for its approver (who may not otherwise see the item) and staff. */
export async function getApproval(deps: Deps, actor: Actor, approvalId: string): Promise<TMyApproval> {
  const [row] = await repo.listApprovalsOfApprover(deps.db, actor.organizationId, actor.userId, "pending", 1, approvalId);
  if (!row || (row.approver_id !== actor.userId && !isStaffActor(actor))) throw notFound("Approval");
  return presentMine(row, actor);
}

/** An item's chain, stage by stage, for its detail page (the caller already may see the item). */
export async function listItemApprovals(db: DbOrTx, actor: Actor, itemId: string): Promise<TApprovalStage[]> {
  const [stages, approvals] = await Promise.all([repo.listStages(db, itemId), repo.listItemApprovals(db, itemId)]);
  return stages.map((s) => ({
    id: s.id,
    position: s.position,
    name: s.name,
    rule: s.rule,
    quorum: s.quorum,
    state: s.state,
    decidedAt: iso(s.decided_at),
    approvals: approvals
      .filter((a) => a.stage_id === s.id)
      .map((a) => ({
        id: a.id,
        approver: a.approver,
        source: a.source,
        group: a.group,
        state: a.state,
        comment: a.comment,
        decidedAt: iso(a.decided_at),
        canDecide: a.approver_id === actor.userId && a.state === "pending" && s.state === "pending",
      })),
  }));
}

/** Is the person an approver (past or present) of the item? Lets approvers read what they decide on. */
export async function isApproverOf(db: DbOrTx, itemId: string, userId: string): Promise<boolean> {
  const rows = await repo.listItemApprovals(db, itemId);
  return rows.some((r) => r.approver_id === userId);
}
