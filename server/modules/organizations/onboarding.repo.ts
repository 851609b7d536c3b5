import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";

/** Old id → new id of copied rows, so references between copied rows follow. */
export type IdMap = Map<string, string>;

/** Replaces every mapped id inside a JSON document (conditions that name groups, services, categories). */
function remapJson(value: unknown, ids: IdMap): string {
  let text = JSON.stringify(value ?? []);
  for (const [from, to] of ids) text = text.split(from).join(to);
  return text;
}

/** Copies the parent's active groups (names and descriptions, not members). */
export async function copyGroups(db: DbOrTx, from: string, to: string, ids: IdMap): Promise<number> {
  const rows = await db
    .selectFrom("groups")
    .select(["id", "name", "description", "email"])
    .where("organization_id", "=", from)
    .where("active", "=", true)
    .execute();
  for (const g of rows) {
    const id = randomUUID();
    ids.set(g.id, id);
    await db.insertInto("groups").values({ id, organization_id: to, name: g.name, description: g.description, email: null }).execute();
  }
  return rows.length;
}

/** Copies the parent's active categories, parents before children. */
export async function copyCategories(db: DbOrTx, from: string, to: string, ids: IdMap): Promise<number> {
  const rows = await db
    .selectFrom("categories")
    .select(["id", "name", "parent_id"])
    .where("organization_id", "=", from)
    .where("active", "=", true)
    .orderBy(sql`parent_id is not null`)
    .execute();
  let n = 0;
  for (const c of rows) {
    if (c.parent_id && !ids.has(c.parent_id)) continue;
    const id = randomUUID();
    ids.set(c.id, id);
    await db
      .insertInto("categories")
      .values({ id, organization_id: to, name: c.name, parent_id: c.parent_id ? (ids.get(c.parent_id) ?? null) : null })
      .execute();
    n++;
  }
  return n;
}

/** Copies the parent's active services (their support group follows when groups were copied). */
export async function copyServices(db: DbOrTx, from: string, to: string, ids: IdMap): Promise<number> {
  const rows = await db
    .selectFrom("services")
    .select(["id", "name", "description", "support_group_id"])
    .where("organization_id", "=", from)
    .where("active", "=", true)
    .execute();
  for (const s of rows) {
    const id = randomUUID();
    ids.set(s.id, id);
    await db
      .insertInto("services")
      .values({
        id,
        organization_id: to,
        name: s.name,
        description: s.description,
        support_group_id: s.support_group_id ? (ids.get(s.support_group_id) ?? null) : null,
      })
      .execute();
  }
  return rows.length;
}

/** Copies the parent's impact × urgency matrix. */
export async function copyPriorityMatrix(db: DbOrTx, from: string, to: string): Promise<number> {
  const r = await sql`insert into priority_matrix (organization_id, impact, urgency, priority)
    select ${to}, impact, urgency, priority from priority_matrix where organization_id = ${from}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Copies the parent's business calendars. */
export async function copyCalendars(db: DbOrTx, from: string, to: string, ids: IdMap): Promise<number> {
  const rows = await sql<{ id: string }>`select id from sla_calendars where organization_id = ${from}`.execute(db);
  for (const c of rows.rows) {
    const id = randomUUID();
    ids.set(c.id, id);
    await sql`insert into sla_calendars (id, organization_id, name, description, time_zone, hours, holidays, exceptions)
      select ${id}, ${to}, name, description, time_zone, hours, holidays, exceptions from sla_calendars where id = ${c.id}`.execute(db);
  }
  return rows.rows.length;
}

/** Copies the parent's SLA policies with their targets; ids of copied groups/calendars/services follow. */
export async function copySlaPolicies(db: DbOrTx, from: string, to: string, ids: IdMap): Promise<number> {
  const policies = await sql<{ id: string; name: string; description: string; active: boolean; position: number; conditions: unknown }>`
    select id, name, description, active, position, conditions from sla_policies where organization_id = ${from}`.execute(db);
  for (const p of policies.rows) {
    const id = randomUUID();
    await sql`insert into sla_policies (id, organization_id, name, description, active, position, conditions)
      values (${id}, ${to}, ${p.name}, ${p.description}, ${p.active}, ${p.position}, ${remapJson(p.conditions, ids)}::jsonb)`.execute(db);
    const targets = await sql<{
      ordinal: number;
      kind: string;
      metric: string;
      name: string;
      group_id: string | null;
      duration_minutes: number;
      calendar_id: string | null;
      start_when: unknown;
      stop_when: unknown;
      pause_when: unknown;
      thresholds: unknown;
    }>`select ordinal, kind, metric, name, group_id, duration_minutes, calendar_id, start_when, stop_when, pause_when, thresholds
       from sla_targets where policy_id = ${p.id} order by ordinal`.execute(db);
    for (const t of targets.rows) {
      await sql`insert into sla_targets (organization_id, policy_id, ordinal, kind, metric, name, group_id, duration_minutes, calendar_id,
          start_when, stop_when, pause_when, thresholds)
        values (${to}, ${id}, ${t.ordinal}, ${t.kind}, ${t.metric}, ${t.name}, ${t.group_id ? (ids.get(t.group_id) ?? null) : null}, ${t.duration_minutes},
          ${t.calendar_id ? (ids.get(t.calendar_id) ?? null) : null}, ${remapJson(t.start_when, ids)}::jsonb, ${remapJson(t.stop_when, ids)}::jsonb,
          ${remapJson(t.pause_when, ids)}::jsonb, ${remapJson(t.thresholds, ids)}::jsonb)`.execute(db);
    }
  }
  return policies.rows.length;
}
