import type { Actor } from "../../deps";
import type { DbOrTx, Tx } from "../../platform/db/db";
import { AppError } from "../../platform/http/errors";
import { cancelApprovals, listItemApprovals, registerApprovalHandler, startApprovals } from "../approvals/approval.service";
import * as repo from "./change.repo";

type Item = { id: string; organization_id: string; number: string; requester_id: string; change_type: "standard" | "normal" | "emergency" };

/**
 * Starts the change's approval chain on the generic approvals module: a normal change needs the CAB
 * (every member, or a quorum) and then a change manager; an emergency change only a change manager
 * (expedited). Refused when no one but the requester could approve.
 */
export async function requestChangeApproval(tx: Tx, row: Item, actorId: string): Promise<void> {
  const s = await repo.findSettings(tx, row.organization_id);
  const stages = [];
  if (row.change_type === "normal") {
    if (!s?.cab_group_id) throw new AppError("CONFLICT", "No Change Advisory Board is set up: an admin chooses its group in the change settings");
    stages.push(
      s.cab_rule === "quorum"
        ? { name: "CAB", rule: "quorum" as const, quorum: s.cab_quorum ?? 1, approvers: [{ kind: "group" as const, groupId: s.cab_group_id }] }
        : { name: "CAB", rule: "all" as const, approvers: [{ kind: "group" as const, groupId: s.cab_group_id }] },
    );
  }
  if (!s?.manager_group_id) throw new AppError("CONFLICT", "No change manager group is set up: an admin chooses it in the change settings");
  stages.push({ name: "Change manager", rule: "any" as const, approvers: [{ kind: "group" as const, groupId: s.manager_group_id }] });
  const outcome = await startApprovals(tx, { ...row, type: "change" }, stages, actorId);
  if (outcome === "approved")
    throw new AppError("CONFLICT", "Nobody but the requester could approve this change: the CAB and change manager groups need other members");
}

/** Cancels a change's pending approvals (the change was cancelled). */
export async function cancelChangeApprovals(tx: Tx, row: Item): Promise<void> {
  await cancelApprovals(tx, { ...row, type: "change" });
}

/** The change's approval chain, stage by stage. */
export function listChangeApprovals(db: DbOrTx, actor: Actor, id: string): Promise<unknown[]> {
  return listItemApprovals(db, actor, id);
}

/** Wires the approval outcome into the change workflow (call once at start-up). */
export function registerChangeApprovals(handlers: {
  onApproved(tx: Tx, itemId: string, orgId: string, actorId: string | null): Promise<void>;
  onRejected(tx: Tx, itemId: string, orgId: string, actorId: string, reason: string): Promise<void>;
}): void {
  registerApprovalHandler("change", {
    onApproved: (tx, item, ctx) => handlers.onApproved(tx, item.id, item.organization_id, ctx.actorId),
    onRejected: (tx, item, ctx) => handlers.onRejected(tx, item.id, item.organization_id, ctx.actorId, ctx.reason),
  });
}
