import type { Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { changeIncidentInTx } from "../incidents/incident.service";
import { insertTimeline } from "../work-items/work-item.repo";
import { pickAssignee } from "./assignment.service";
import type { DomainEvent } from "./events";
import * as events from "./events.repo";
import * as repo from "./rule.repo";

const ASSIGNMENT = { id: "assignment", name: "Automatic assignment" };

/**
 * Creation-time (and re-routing) auto-assignment: when an open incident lands in a group — created there,
 * or moved there — without an assignee, the group's strategy picks an agent. Runs in its own transaction
 * as the "Automatic assignment" rule, so the timeline says so and rules that ignore rule changes do not
 * react to it.
 */
export async function autoAssign(deps: Deps, event: DomainEvent): Promise<void> {
  const f = event.workItem.fields;
  if (event.workItem.type !== "incident" || !f.assignmentGroupId || f.assigneeId) return;
  const landed = event.kind === "created" || event.changes.some((c) => c.field === "assignmentGroupId" || (c.field === "assigneeId" && c.to === null));
  if (!landed || event.causation?.chain.some((r) => r.id === ASSIGNMENT.id)) return;
  await withTx(deps.db, async (tx) => {
    await events.enterRuleContext(tx, { rule: ASSIGNMENT, causation: { chain: [...(event.causation?.chain ?? []), ASSIGNMENT] } });
    const item = await events.loadItem(tx, event.organizationId, event.workItem.id, true);
    if (!item || item.assignee_id || !item.assignment_group_id || ["resolved", "closed", "cancelled"].includes(item.state)) return;
    const pick = await pickAssignee(tx, event.organizationId, item.assignment_group_id, {
      categoryId: item.category_id,
      serviceId: item.service_id,
      requesterId: item.requester_id,
    });
    if (!pick) return;
    const adminId = await repo.anyAdmin(tx, event.organizationId);
    if (!adminId) return;
    await changeIncidentInTx(
      tx,
      { userId: adminId, organizationId: event.organizationId, role: "admin", groupIds: [] },
      item.id,
      { assigneeId: pick.id },
      null,
    );
    await insertTimeline(tx, {
      organizationId: event.organizationId,
      workItemId: item.id,
      actorId: null,
      kind: "rule_applied",
      visibility: "internal",
      data: { name: ASSIGNMENT.name, trigger: event.triggers[0] ?? event.kind, actions: [`assigned to ${pick.name} (${pick.strategy.replace("_", " ")})`] },
    });
  });
}
