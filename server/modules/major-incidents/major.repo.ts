import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./major.tables";

const person = (col: string) =>
  sql<{
    id: string;
    name: string;
    email: string;
  } | null>`(select json_build_object('id', u.id, 'name', u.name, 'email', u.email) from users u where u.id = ${sql.ref(col)})`;

/** A major incident with its work item's number, title and state. */
export function findMajor(db: DbOrTx, orgId: string, itemId: string) {
  return db
    .selectFrom("major_incidents as m")
    .innerJoin("work_items as w", "w.id", "m.work_item_id")
    .select([
      "w.id",
      "w.number",
      "w.title",
      "w.state",
      "m.status",
      "m.audience",
      "m.update_cadence_minutes",
      "m.next_update_due_at",
      "m.declared_at",
      "m.resolved_at",
      person("m.manager_id").as("manager"),
      person("m.declared_by_id").as("declared_by"),
    ])
    .where("m.organization_id", "=", orgId)
    .where("m.work_item_id", "=", itemId)
    .executeTakeFirst();
}

export async function isMajor(db: DbOrTx, itemId: string): Promise<boolean> {
  return Boolean(await db.selectFrom("major_incidents").select("work_item_id").where("work_item_id", "=", itemId).executeTakeFirst());
}

/** The major incident an item is attached to as a child, if any. */
export function findParentMajor(db: DbOrTx, orgId: string, itemId: string) {
  return db
    .selectFrom("work_item_links as l")
    .innerJoin("major_incidents as m", "m.work_item_id", "l.target_id")
    .innerJoin("work_items as w", "w.id", "m.work_item_id")
    .select(["w.id", "w.number", "w.title", "w.state", "m.status"])
    .where("l.source_id", "=", itemId)
    .where("l.kind", "=", "child_of")
    .where("m.organization_id", "=", orgId)
    .orderBy("m.declared_at", "desc")
    .executeTakeFirst();
}

/** The incidents attached to a major incident. */
export function listChildren(db: DbOrTx, itemId: string) {
  return db
    .selectFrom("work_item_links as l")
    .innerJoin("work_items as w", "w.id", "l.source_id")
    .select(["w.id", "w.number", "w.title", "w.state"])
    .where("l.target_id", "=", itemId)
    .where("l.kind", "=", "child_of")
    .orderBy("w.number")
    .execute();
}

export function listUpdates(db: DbOrTx, itemId: string) {
  return db
    .selectFrom("major_incident_updates as x")
    .select(["x.id", "x.body", "x.children_count", "x.created_at", person("x.posted_by_id").as("posted_by")])
    .where("x.work_item_id", "=", itemId)
    .orderBy("x.created_at", "desc")
    .execute();
}

export function findReview(db: DbOrTx, itemId: string) {
  return db
    .selectFrom("post_incident_reviews as r")
    .select([
      "r.status",
      "r.summary",
      "r.root_cause",
      "r.lessons_learned",
      "r.follow_up_actions",
      "r.created_at",
      "r.completed_at",
      person("r.owner_id").as("owner"),
    ])
    .where("r.work_item_id", "=", itemId)
    .executeTakeFirst();
}

export async function insertMajor(
  db: DbOrTx,
  m: { itemId: string; orgId: string; managerId: string; audience: string; cadence: number; declaredById: string },
): Promise<void> {
  await db
    .insertInto("major_incidents")
    .values({
      work_item_id: m.itemId,
      organization_id: m.orgId,
      manager_id: m.managerId,
      audience: m.audience,
      update_cadence_minutes: m.cadence,
      declared_by_id: m.declaredById,
      next_update_due_at: new Date(Date.now() + m.cadence * 60_000),
    })
    .execute();
}

export async function insertUpdate(db: DbOrTx, u: { orgId: string; itemId: string; body: string; postedById: string; childrenCount: number; cadence: number }) {
  await db
    .insertInto("major_incident_updates")
    .values({ organization_id: u.orgId, work_item_id: u.itemId, body: u.body, posted_by_id: u.postedById, children_count: u.childrenCount })
    .execute();
  await db
    .updateTable("major_incidents")
    .set({ next_update_due_at: new Date(Date.now() + u.cadence * 60_000) })
    .where("work_item_id", "=", u.itemId)
    .execute();
}

export async function setStatus(db: DbOrTx, itemId: string, status: "resolved" | "closed"): Promise<void> {
  await db.updateTable("major_incidents").set({ status, resolved_at: new Date(), next_update_due_at: null }).where("work_item_id", "=", itemId).execute();
}

/** Opens the post-incident review (once). */
export async function ensureReview(db: DbOrTx, orgId: string, itemId: string, ownerId: string): Promise<boolean> {
  const r = await db
    .insertInto("post_incident_reviews")
    .values({ work_item_id: itemId, organization_id: orgId, owner_id: ownerId })
    .onConflict((oc) => oc.column("work_item_id").doNothing())
    .returning("work_item_id")
    .executeTakeFirst();
  return Boolean(r);
}

export async function updateReview(
  db: DbOrTx,
  itemId: string,
  p: {
    summary?: string;
    root_cause?: string;
    lessons_learned?: string;
    follow_up_actions?: string;
    status?: "draft" | "completed";
    completed_at?: Date | null;
  },
): Promise<void> {
  await db
    .updateTable("post_incident_reviews")
    .set({ ...p, updated_at: new Date() })
    .where("work_item_id", "=", itemId)
    .execute();
}
