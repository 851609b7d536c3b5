import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import type { Change } from "../work-items/work-item.repo";
import "./sla.tables";

/** Marks a clock breached at its due time. */
export async function markBreached(db: DbOrTx, clockId: string, at: Date) {
  await db.updateTable("sla_clocks").set({ breached_at: at, updated_at: new Date() }).where("id", "=", clockId).where("breached_at", "is", null).execute();
}

/** Marks a running clock past due as breached when nothing else did. */
export async function markBreachedIfOverdue(db: DbOrTx, clockId: string, now: Date) {
  await db
    .updateTable("sla_clocks")
    .set({ breached_at: sql`due_at`, updated_at: new Date() })
    .where("id", "=", clockId)
    .where("state", "=", "running")
    .where("breached_at", "is", null)
    .where("due_at", "<=", now)
    .execute();
}

export async function itemRouting(db: DbOrTx, itemId: string) {
  return db.selectFrom("work_items").select(["assignee_id", "assignment_group_id", "priority"]).where("id", "=", itemId).executeTakeFirst();
}

export async function groupMemberIds(db: DbOrTx, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("group_members as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select("m.user_id")
    .where("m.group_id", "=", groupId)
    .where("u.active", "=", true)
    .execute();
  return rows.map((r) => r.user_id);
}

/** Hands an item to another group (keeping the assignee only if a member); the changes made. */
export async function reassign(db: DbOrTx, itemId: string, groupId: string): Promise<Change[]> {
  const before = await db.selectFrom("work_items").select(["assignment_group_id", "assignee_id"]).where("id", "=", itemId).executeTakeFirst();
  if (!before || before.assignment_group_id === groupId) return [];
  const member = before.assignee_id
    ? await db.selectFrom("group_members").select("user_id").where("group_id", "=", groupId).where("user_id", "=", before.assignee_id).executeTakeFirst()
    : null;
  const assignee = member ? before.assignee_id : null;
  await db
    .updateTable("work_items")
    .set({ assignment_group_id: groupId, assignee_id: assignee, version: sql`version + 1`, updated_at: new Date() })
    .where("id", "=", itemId)
    .execute();
  const changes: Change[] = [{ field: "assignmentGroupId", from: before.assignment_group_id, to: groupId }];
  if (assignee !== before.assignee_id) changes.push({ field: "assigneeId", from: before.assignee_id, to: assignee });
  return changes;
}

/** Raises an item's priority by one step (P3 → P2); nothing at P1. */
export async function raisePriority(db: DbOrTx, itemId: string): Promise<Change[]> {
  const before = await db.selectFrom("work_items").select("priority").where("id", "=", itemId).executeTakeFirst();
  if (!before || before.priority <= 1) return [];
  await db
    .updateTable("work_items")
    .set({ priority: before.priority - 1, version: sql`version + 1`, updated_at: new Date() })
    .where("id", "=", itemId)
    .execute();
  return [{ field: "priority", from: `P${before.priority}`, to: `P${before.priority - 1}` }];
}
