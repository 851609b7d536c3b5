import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import type { ClockRow } from "./sla.repo";
import { clockJobKey, THRESHOLD_TASK } from "./sla.sync";
import "./sla.tables";

export async function findCalendarRow(db: DbOrTx, id: string) {
  return db.selectFrom("sla_calendars").selectAll().where("id", "=", id).executeTakeFirst();
}

/** A page of running clocks on a calendar, by id (walks the partial (calendar_id, id) index). */
export async function runningClockIdsOnCalendar(db: DbOrTx, calendarId: string, afterId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("sla_clocks")
    .select("id")
    .where("calendar_id", "=", calendarId)
    .where("state", "=", "running")
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Locks the work items of the clocks (one writer per item), then reads the clocks. */
export async function lockClocksWithItems(db: DbOrTx, clockIds: string[]): Promise<ClockRow[]> {
  await sql`select w.id from work_items w where w.id in (select work_item_id from sla_clocks where id = any(${clockIds}::uuid[])) order by w.id for update of w`.execute(
    db,
  );
  return db.selectFrom("sla_clocks").selectAll().where("id", "in", clockIds).execute();
}

export interface ClockUpdate {
  id: string;
  workItemId: string;
  elapsedMs: number;
  elapsedAt: Date;
  dueAt: Date | null;
  breachedAt: Date | null;
  fromDue: Date | null;
}

/** Writes recomputed clocks and their "recalculated" history in two statements. */
export async function applyClockUpdates(db: DbOrTx, orgId: string, u: ClockUpdate[], now: Date) {
  if (u.length === 0) return;
  const ids = u.map((x) => x.id);
  const elapsed = u.map((x) => Math.round(x.elapsedMs));
  const elapsedAt = u.map((x) => x.elapsedAt.toISOString());
  const due = u.map((x) => x.dueAt?.toISOString() ?? null);
  const breached = u.map((x) => x.breachedAt?.toISOString() ?? null);
  const fromDue = u.map((x) => x.fromDue?.toISOString() ?? null);
  await sql`
    update sla_clocks c set elapsed_ms = x.e, elapsed_at = x.ea, due_at = x.d, breached_at = x.b, updated_at = ${now}
    from unnest(${ids}::uuid[], ${elapsed}::bigint[], ${elapsedAt}::timestamptz[], ${due}::timestamptz[], ${breached}::timestamptz[]) as x(id, e, ea, d, b)
    where c.id = x.id`.execute(db);
  await sql`
    insert into sla_clock_events (organization_id, clock_id, kind, at, data)
    select ${orgId}, x.id, 'recalculated', ${now},
      jsonb_build_object('reason', 'calendar_changed', 'fromDueAt', x.f, 'toDueAt', x.d)
    from unnest(${ids}::uuid[], ${fromDue}::text[], ${due}::text[]) as x(id, f, d)`.execute(db);
}

/** Recomputes the nearest due time of the given work items from their running clocks. */
export async function refreshItemDue(db: DbOrTx, itemIds: string[]) {
  if (itemIds.length === 0) return;
  await sql`
    update work_items w set sla_due_at = (select min(c.due_at) from sla_clocks c where c.work_item_id = w.id and c.state = 'running')
    where w.id = any(${itemIds}::uuid[])`.execute(db);
}

/** One internal timeline event per work item for a bulk recalculation. */
export async function insertRecalculatedTimeline(db: DbOrTx, orgId: string, itemIds: string[], data: Record<string, unknown>) {
  if (itemIds.length === 0) return;
  await sql`
    insert into timeline_events (organization_id, work_item_id, actor_id, kind, visibility, data)
    select ${orgId}, x.id, null, 'sla_changed', 'internal',
      ${JSON.stringify(data)}::jsonb || jsonb_build_object('dueAt', (select w.sla_due_at from work_items w where w.id = x.id))
    from unnest(${itemIds}::uuid[]) as x(id)`.execute(db);
}

/** Re-keys (or removes) each clock's threshold job in one statement per kind. */
export async function rekeyJobs(db: DbOrTx, jobs: Array<{ id: string; runAt: Date | null }>) {
  const add = jobs.filter((j) => j.runAt);
  const remove = jobs.filter((j) => !j.runAt);
  if (add.length) {
    await sql`
      select graphile_worker.add_job(${THRESHOLD_TASK}, json_build_object('clockId', x.id), run_at => x.r, job_key => ${"sla-clock:"} || x.id::text)
      from unnest(${add.map((j) => j.id)}::uuid[], ${add.map((j) => (j.runAt as Date).toISOString())}::timestamptz[]) as x(id, r)`.execute(db);
  }
  if (remove.length) {
    await sql`select graphile_worker.remove_job(k) from unnest(${remove.map((j) => clockJobKey(j.id))}::text[]) as k`.execute(db);
  }
}

/** A page of open work items of an organization (not resolved, closed or cancelled), by id. */
export async function openItemIds(db: DbOrTx, orgId: string, afterId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("work_items")
    .select("id")
    .where("organization_id", "=", orgId)
    .where("resolved_at", "is", null)
    .where("closed_at", "is", null)
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
