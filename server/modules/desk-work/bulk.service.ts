import type { TBulkRequest, TBulkResult } from "../../../contracts/desk-work";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError } from "../../platform/http/errors";
import { changeIncidentInTx, type IncidentPatch } from "../incidents/incident.service";
import { isStaffActor } from "../work-items/work-item.policy";
import { findItemCore } from "../work-items/work-item.repo";
import { addComment, addLink } from "../work-items/work-item.service";

const FINAL = new Set(["closed", "cancelled"]);

/**
 * Applies one change set to many incidents: each ticket in its own transaction (all of the change or
 * none of it), a result per ticket; a ticket that fails never stops the others.
 */
export async function bulkUpdateIncidents(deps: Deps, actor: Actor, input: TBulkRequest): Promise<TBulkResult> {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can change tickets in bulk");
  const patch: IncidentPatch = {};
  if (input.assigneeId !== undefined) patch.assigneeId = input.assigneeId;
  if (input.assignmentGroupId !== undefined) patch.assignmentGroupId = input.assignmentGroupId;
  for (const k of ["holdReason", "resolutionCode", "resolutionNotes", "reason"] as const) if (input[k] !== undefined) Object.assign(patch, { [k]: input[k] });
  const items: TBulkResult["items"] = [];
  for (const ref of [...new Set(input.ids)]) {
    let id: string | null = null;
    let number: string | null = null;
    try {
      await withTx(deps.db, async (tx) => {
        const found = await findItemCore(tx, actor.organizationId, ref, { type: "incident", forUpdate: true });
        if (!found) throw new AppError("NOT_FOUND", `${ref}: no such incident in this organization`);
        id = found.id;
        number = found.number;
        if (FINAL.has(found.state)) throw new AppError("FORBIDDEN", `${found.number} is ${found.state} and can no longer be changed`);
        if (Object.keys(patch).length || input.action) await changeIncidentInTx(tx, actor, found.id, patch, input.action ?? null);
        if (input.comment) await addComment({ ...deps, db: tx }, actor, found.id, "incident", input.comment.body, input.comment.visibility);
        if (input.parent) await addLink({ ...deps, db: tx }, actor, found.id, "incident", "child_of", input.parent);
      });
      items.push({ ref, id, number, ok: true, error: null });
    } catch (e) {
      if (e instanceof AppError) items.push({ ref, id, number, ok: false, error: { code: e.code, message: e.message } });
      else {
        deps.log.error({ err: e, ref }, "bulk update failed for one ticket");
        items.push({ ref, id, number, ok: false, error: { code: "INTERNAL", message: "Unexpected error; nothing was changed on this ticket" } });
      }
    }
  }
  const succeeded = items.filter((i) => i.ok).length;
  return { items, succeeded, failed: items.length - succeeded };
}
