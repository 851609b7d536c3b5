import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./reporting.tables";
import "../sla/sla.tables";

/**
 * The fact row of each chosen work item, computed from the item, its timeline, its comments, its SLA
 * clocks and (for changes) its outcome, upserted in one statement. `ids` is a SQL fragment that yields
 * the work item ids to refresh.
 *
 * Definitions (also in the dashboard's help text and docs/ARCHITECTURE.md, "Reporting"):
 * - first response: the earliest public comment by staff (agent/admin) or state change made by staff;
 * - resolved at: `resolved_at`, else `closed_at` unless the item was cancelled (changes close, not resolve);
 * - reopen count: state changes whose action was `reopen`;
 * - FCR (first-contact resolution): resolved, never reopened, at most one public staff reply;
 * - business durations: the stopped (met/breached) SLA clock's business time used, so calendars,
 *   holidays and pauses count as the SLA module counts them; null when the item had no such clock.
 */
async function upsertFacts(db: DbOrTx, ids: ReturnType<typeof sql>): Promise<number> {
  const r = await sql`
    with ids as (${ids})
    insert into report_item_facts as f (
      work_item_id, organization_id, type, state, priority, channel, group_id, assignee_id, service_id, category_id, desk_id,
      requester_id, created_at, first_response_at, resolved_at, closed_at, response_ms, response_business_ms, resolution_ms,
      resolution_business_ms, response_sla, resolution_sla, reopen_count, staff_replies, fcr, change_outcome, refreshed_at)
    select w.id, w.organization_id, w.type, w.state, w.priority, w.channel, w.assignment_group_id, w.assignee_id, w.service_id,
      w.category_id, coalesce(cat.desk_id, g.desk_id), w.requester_id, w.created_at, fr.at, res.at, w.closed_at,
      (extract(epoch from fr.at - w.created_at) * 1000)::bigint, rc.elapsed_ms,
      (extract(epoch from res.at - w.created_at) * 1000)::bigint, sc.elapsed_ms,
      rc.state, sc.state, coalesce(tl.reopens, 0), coalesce(cr.replies, 0),
      case when res.at is null then null else coalesce(tl.reopens, 0) = 0 and coalesce(cr.replies, 0) <= 1 end,
      ch.outcome, now()
    from ids join work_items w on w.id = ids.id
    left join categories cat on cat.id = w.category_id
    left join groups g on g.id = w.assignment_group_id
    left join changes ch on ch.work_item_id = w.id
    cross join lateral (select coalesce(w.resolved_at, case when w.state <> 'cancelled' then w.closed_at end) as at) res
    left join lateral (
      select min(t.created_at) filter (where u.role in ('agent', 'admin')) as first_change,
             count(*) filter (where t.data->>'action' = 'reopen') as reopens
      from timeline_events t left join users u on u.id = t.actor_id
      where t.work_item_id = w.id and t.kind = 'state_changed') tl on true
    left join lateral (
      select min(c.created_at) as first_reply, count(*) as replies
      from comments c join users u on u.id = c.author_id
      where c.work_item_id = w.id and c.visibility = 'public' and u.role in ('agent', 'admin')) cr on true
    cross join lateral (select least(tl.first_change, cr.first_reply) as at) fr
    left join lateral (
      select k.state, k.elapsed_ms from sla_clocks k
      where k.work_item_id = w.id and k.kind = 'sla' and k.metric = 'response' and k.state in ('met', 'breached')
      order by k.stopped_at desc nulls last limit 1) rc on true
    left join lateral (
      select k.state, k.elapsed_ms from sla_clocks k
      where k.work_item_id = w.id and k.kind = 'sla' and k.metric = 'resolution' and k.state in ('met', 'breached')
      order by k.stopped_at desc nulls last limit 1) sc on true
    on conflict (work_item_id) do update set
      type = excluded.type, state = excluded.state, priority = excluded.priority, channel = excluded.channel,
      group_id = excluded.group_id, assignee_id = excluded.assignee_id, service_id = excluded.service_id,
      category_id = excluded.category_id, desk_id = excluded.desk_id, requester_id = excluded.requester_id,
      created_at = excluded.created_at, first_response_at = excluded.first_response_at, resolved_at = excluded.resolved_at,
      closed_at = excluded.closed_at, response_ms = excluded.response_ms, response_business_ms = excluded.response_business_ms,
      resolution_ms = excluded.resolution_ms, resolution_business_ms = excluded.resolution_business_ms,
      response_sla = excluded.response_sla, resolution_sla = excluded.resolution_sla, reopen_count = excluded.reopen_count,
      staff_replies = excluded.staff_replies, fcr = excluded.fcr, change_outcome = excluded.change_outcome,
      refreshed_at = excluded.refreshed_at`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Refreshes the facts of the given work items. */
export function refreshFactsOf(db: DbOrTx, ids: string[]): Promise<number> {
  if (!ids.length) return Promise.resolve(0);
  return upsertFacts(db, sql`select unnest(${ids}::uuid[]) as id`);
}

/** Refreshes every item of one organization (tests, repairs). */
export function refreshFactsOfOrganization(db: DbOrTx, orgId: string): Promise<number> {
  return upsertFacts(db, sql`select id from work_items where organization_id = ${orgId}`);
}

/** Refreshes every item changed (its row or one of its SLA clocks) since `since`. */
export function refreshFactsChangedSince(db: DbOrTx, since: Date): Promise<number> {
  return upsertFacts(db, sql`select id from work_items where updated_at > ${since} union select work_item_id from sla_clocks where updated_at > ${since}`);
}

/** Refreshes one slice of all items (by id order) for a first fill; returns the last id done, null at the end. */
export async function refreshFactsSlice(db: DbOrTx, afterId: string | null, size: number): Promise<string | null> {
  const rows = await db
    .selectFrom("work_items")
    .select("id")
    .$if(afterId !== null, (q) => q.where("id", ">", afterId as string))
    .orderBy("id")
    .limit(size)
    .execute();
  if (!rows.length) return null;
  await refreshFactsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.length < size ? null : rows[rows.length - 1].id;
}

/** The refresh cursor row, locked so two workers never run the same refresh. */
export async function lockRefreshState(db: DbOrTx) {
  return db.selectFrom("report_refresh_state").selectAll().where("id", "=", 1).forUpdate().skipLocked().executeTakeFirst();
}

export async function saveRefreshState(db: DbOrTx, watermark: Date, items: number): Promise<void> {
  await db.updateTable("report_refresh_state").set({ watermark, last_run_at: new Date(), last_items: items }).where("id", "=", 1).execute();
}

/** Claims the first fill (no watermark yet) unless another run claimed it in the last 30 minutes. */
export async function claimFirstFill(db: DbOrTx, now: Date): Promise<boolean> {
  const r = await sql`update report_refresh_state set last_run_at = ${now}
    where id = 1 and watermark is null and (last_run_at is null or last_run_at < ${now}::timestamptz - interval '30 minutes')`.execute(db);
  return Number(r.numAffectedRows ?? 0) === 1;
}

/** The database's clock (the watermark must come from the same clock as updated_at). */
export async function dbNow(db: DbOrTx): Promise<Date> {
  const r = await sql<{ now: Date }>`select clock_timestamp() as now`.execute(db);
  return r.rows[0].now;
}

/** When the facts were last refreshed (null: never). */
export async function lastRefresh(db: DbOrTx): Promise<Date | null> {
  const r = await db.selectFrom("report_refresh_state").select("last_run_at").where("id", "=", 1).executeTakeFirst();
  return r?.last_run_at ?? null;
}
