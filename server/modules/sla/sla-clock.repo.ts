import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import type { ClockEvent, ClockSnapshot, ItemFacts } from "./sla.clock";
import type { ClockRow } from "./sla.repo";
import "./sla.tables";

/** The work item as the clock rules see it (null when it does not exist). */
export async function loadFacts(db: DbOrTx, itemId: string): Promise<(ItemFacts & { id: string; organizationId: string; slaDueAt: Date | null }) | null> {
  const r = await db
    .selectFrom("work_items as w")
    .select([
      "w.id",
      "w.organization_id",
      "w.type",
      "w.priority",
      "w.state",
      "w.impact",
      "w.urgency",
      "w.channel",
      "w.service_id",
      "w.category_id",
      "w.assignment_group_id",
      "w.assignee_id",
      "w.created_at",
      "w.resolved_at",
      "w.closed_at",
      "w.sla_due_at",
    ])
    .select((eb) =>
      eb
        .selectFrom("comments as c")
        .innerJoin("users as u", "u.id", "c.author_id")
        .whereRef("c.work_item_id", "=", "w.id")
        .where("c.visibility", "=", "public")
        .where("u.role", "in", ["agent", "admin"])
        .select((e) => e.fn.min("c.created_at").as("m"))
        .as("responded_at"),
    )
    .where("w.id", "=", itemId)
    .executeTakeFirst();
  if (!r) return null;
  const resolved = r.resolved_at ?? (r.state !== "cancelled" ? r.closed_at : null);
  return {
    id: r.id,
    organizationId: r.organization_id,
    type: r.type,
    priority: r.priority,
    state: r.state,
    impact: r.impact,
    urgency: r.urgency,
    channel: r.channel,
    serviceId: r.service_id,
    categoryId: r.category_id,
    assignmentGroupId: r.assignment_group_id,
    assigneeId: r.assignee_id,
    createdAt: r.created_at,
    resolvedAt: resolved,
    respondedAt: r.responded_at ? new Date(r.responded_at as unknown as string) : null,
    slaDueAt: r.sla_due_at,
  };
}

/** Locks a work item row (the clocks of one item change one writer at a time). */
export async function lockItem(db: DbOrTx, itemId: string) {
  return db
    .selectFrom("work_items")
    .select(["id", "organization_id", "number", "requester_id", "version"])
    .where("id", "=", itemId)
    .forUpdate()
    .executeTakeFirst();
}

/** Every clock of an item, newest first. */
export async function listItemClocks(db: DbOrTx, itemId: string): Promise<ClockRow[]> {
  return db.selectFrom("sla_clocks").selectAll().where("work_item_id", "=", itemId).orderBy("created_at", "desc").orderBy("id").execute();
}

export const snapshotOf = (r: ClockRow): ClockSnapshot => ({
  state: r.state,
  startedAt: r.started_at,
  elapsedMs: Number(r.elapsed_ms),
  elapsedAt: r.elapsed_at,
  pausedAt: r.paused_at,
  pausedMs: Number(r.paused_ms),
  dueAt: r.due_at,
  stoppedAt: r.stopped_at,
  breachedAt: r.breached_at,
  targetMs: Number(r.target_ms),
  calendarId: r.calendar_id,
});

const snapshotColumns = (c: ClockSnapshot) => ({
  state: c.state,
  started_at: c.startedAt,
  elapsed_ms: Math.round(c.elapsedMs),
  elapsed_at: c.elapsedAt,
  paused_at: c.pausedAt,
  paused_ms: Math.round(c.pausedMs),
  due_at: c.dueAt,
  stopped_at: c.stoppedAt,
  breached_at: c.breachedAt,
  target_ms: Math.round(c.targetMs),
  calendar_id: c.calendarId,
});

export interface NewClock {
  organizationId: string;
  workItemId: string;
  policyId: string;
  kind: "sla" | "ola";
  metric: ClockRow["metric"];
  metricKey: string;
  name: string;
  groupId: string | null;
  thresholds: unknown[];
}

export async function insertClock(db: DbOrTx, n: NewClock, c: ClockSnapshot): Promise<ClockRow> {
  return db
    .insertInto("sla_clocks")
    .values({
      organization_id: n.organizationId,
      work_item_id: n.workItemId,
      policy_id: n.policyId,
      kind: n.kind,
      metric: n.metric,
      metric_key: n.metricKey,
      name: n.name,
      group_id: n.groupId,
      thresholds: JSON.stringify(n.thresholds),
      ...snapshotColumns(c),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateClock(db: DbOrTx, id: string, c: ClockSnapshot, extra: { policyId?: string; name?: string; thresholds?: unknown[] } = {}) {
  await db
    .updateTable("sla_clocks")
    .set({
      ...snapshotColumns(c),
      ...(extra.policyId ? { policy_id: extra.policyId } : {}),
      ...(extra.name ? { name: extra.name } : {}),
      ...(extra.thresholds ? { thresholds: JSON.stringify(extra.thresholds) } : {}),
      updated_at: new Date(),
    })
    .where("id", "=", id)
    .execute();
}

export async function insertClockEvents(db: DbOrTx, orgId: string, clockId: string, events: ClockEvent[], at: Date) {
  if (events.length === 0) return;
  await db
    .insertInto("sla_clock_events")
    .values(events.map((e) => ({ organization_id: orgId, clock_id: clockId, kind: e.kind, at, data: JSON.stringify(e.data) })))
    .execute();
}

/** Keeps the item's nearest due time (for the queue) in step with its running clocks. */
export async function setItemDue(db: DbOrTx, itemId: string, due: Date | null) {
  await db.updateTable("work_items").set({ sla_due_at: due }).where("id", "=", itemId).execute();
}

/** Threshold keys already fired for the given clocks. */
export async function firedKeys(db: DbOrTx, clockIds: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (clockIds.length === 0) return out;
  const rows = await db.selectFrom("sla_threshold_firings").select(["clock_id", "threshold_key"]).where("clock_id", "in", clockIds).execute();
  for (const r of rows) {
    const s = out.get(r.clock_id) ?? new Set<string>();
    out.set(r.clock_id, s);
    s.add(r.threshold_key);
  }
  return out;
}

/** Claims a threshold for a clock; false when it had already fired (exactly once, across workers). */
export async function claimFiring(db: DbOrTx, orgId: string, clockId: string, key: string): Promise<boolean> {
  const r = await db
    .insertInto("sla_threshold_firings")
    .values({ clock_id: clockId, threshold_key: key, organization_id: orgId })
    .onConflict((oc) => oc.doNothing())
    .returning("clock_id")
    .executeTakeFirst();
  return !!r;
}

export async function findClock(db: DbOrTx, clockId: string) {
  return db.selectFrom("sla_clocks").selectAll().where("id", "=", clockId).executeTakeFirst();
}

/** Running clocks past due not yet marked breached (the sweep), oldest due first. */
export async function overdueClocks(db: DbOrTx, now: Date, limit: number) {
  return db
    .selectFrom("sla_clocks")
    .select(["id", "work_item_id"])
    .where("state", "=", "running")
    .where("breached_at", "is", null)
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .limit(limit)
    .execute();
}

/** History of the given clocks, oldest first. */
export async function listClockEvents(db: DbOrTx, clockIds: string[]) {
  if (clockIds.length === 0) return [];
  return db.selectFrom("sla_clock_events").selectAll().where("clock_id", "in", clockIds).orderBy("id").execute();
}

/** Names for clock references (policies, groups, calendars) in one round trip. */
export async function clockRefNames(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const r = await sql<{ id: string; name: string }>`
    select id, name from sla_policies where id = any(${ids}::uuid[])
    union all select id, name from groups where id = any(${ids}::uuid[])
    union all select id, name from sla_calendars where id = any(${ids}::uuid[])`.execute(db);
  return new Map(r.rows.map((x) => [x.id, x.name]));
}
