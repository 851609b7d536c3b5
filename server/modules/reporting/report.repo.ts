import { type RawBuilder, sql } from "kysely";
import type { Dimension } from "../../../contracts/reporting";
import type { DbOrTx } from "../../platform/db/db";
import "./reporting.tables";

/** Resolved filters: every report query is scoped to one organization and a period. */
export interface Scope {
  organizationId: string;
  from: Date;
  to: Date;
  tz: string;
  types: string[];
  deskId?: string;
  groupId?: string;
  serviceId?: string;
  categoryId?: string;
  assigneeId?: string;
  priority?: number;
  channel?: string;
  states?: string[];
}

/** Which items: created in the period, resolved in it, open now, or any (the caller adds the period). */
export type Basis = "created" | "resolved" | "open" | "any";

/** The WHERE clause over report_item_facts (alias f) for a scope and a basis. */
export function factsWhere(s: Scope, basis: Basis): RawBuilder<unknown> {
  const c: RawBuilder<unknown>[] = [sql`f.organization_id = ${s.organizationId}`, sql`f.type = any(${s.types}::text[])`];
  if (basis === "created") c.push(sql`f.created_at >= ${s.from}`, sql`f.created_at < ${s.to}`);
  if (basis === "resolved") c.push(sql`f.resolved_at >= ${s.from}`, sql`f.resolved_at < ${s.to}`);
  if (basis === "open") c.push(sql`f.resolved_at is null`, sql`f.closed_at is null`);
  if (s.deskId) c.push(sql`f.desk_id = ${s.deskId}`);
  if (s.groupId) c.push(sql`f.group_id = ${s.groupId}`);
  if (s.serviceId) c.push(sql`f.service_id = ${s.serviceId}`);
  if (s.categoryId) c.push(sql`f.category_id = ${s.categoryId}`);
  if (s.assigneeId) c.push(sql`f.assignee_id = ${s.assigneeId}`);
  if (s.priority) c.push(sql`f.priority = ${s.priority}`);
  if (s.channel) c.push(sql`f.channel = ${s.channel}`);
  if (s.states?.length) c.push(sql`f.state = any(${s.states}::text[])`);
  return sql.join(c, sql` and `);
}

const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Incoming (created) and resolved items per local day or week, every bucket of the period present. */
export async function volumeSeries(db: DbOrTx, s: Scope, unit: "day" | "week") {
  const step = unit === "day" ? sql`interval '1 day'` : sql`interval '1 week'`;
  const r = await sql<{ bucket: string; incoming: number; resolved: number }>`
    with buckets as (
      select generate_series(date_trunc(${unit}, ${s.from}::timestamptz at time zone ${s.tz}),
                             ${s.to}::timestamptz at time zone ${s.tz} - interval '1 microsecond', ${step}) as b),
    inc as (select date_trunc(${unit}, f.created_at at time zone ${s.tz}) as b, count(*) as n
            from report_item_facts f where ${factsWhere(s, "created")} group by 1),
    res as (select date_trunc(${unit}, f.resolved_at at time zone ${s.tz}) as b, count(*) as n
            from report_item_facts f where ${factsWhere(s, "resolved")} group by 1)
    select to_char(buckets.b, 'YYYY-MM-DD') as bucket, coalesce(inc.n, 0) as incoming, coalesce(res.n, 0) as resolved
    from buckets left join inc on inc.b = buckets.b left join res on res.b = buckets.b
    order by buckets.b`.execute(db);
  return r.rows.map((x) => ({ bucket: x.bucket, incoming: num(x.incoming), resolved: num(x.resolved) }));
}

export const AGE_BUCKETS = [
  { key: "lt1d", max: 1 },
  { key: "1to3d", max: 3 },
  { key: "3to7d", max: 7 },
  { key: "7to30d", max: 30 },
  { key: "gt30d", max: null },
] as const;

/** SQL for the age bucket of an open item (by days since creation, at `now`). */
function ageBucketSql(now: Date) {
  return sql<string>`case
    when f.created_at > ${now}::timestamptz - interval '1 day' then 'lt1d'
    when f.created_at > ${now}::timestamptz - interval '3 days' then '1to3d'
    when f.created_at > ${now}::timestamptz - interval '7 days' then '3to7d'
    when f.created_at > ${now}::timestamptz - interval '30 days' then '7to30d'
    else 'gt30d' end`;
}

/** Open items now, by age bucket, with their total and mean age. */
export async function backlog(db: DbOrTx, s: Scope, now: Date) {
  const r = await sql<{ bucket: string; n: number; age_ms: number }>`
    select ${ageBucketSql(now)} as bucket, count(*) as n,
      sum(extract(epoch from ${now}::timestamptz - f.created_at) * 1000) as age_ms
    from report_item_facts f where ${factsWhere(s, "open")} group by 1`.execute(db);
  const by = new Map(r.rows.map((x) => [x.bucket, x]));
  const total = r.rows.reduce((a, x) => a + num(x.n), 0);
  const ageSum = r.rows.reduce((a, x) => a + num(x.age_ms), 0);
  return {
    total,
    meanAgeMs: total ? Math.round(ageSum / total) : null,
    buckets: AGE_BUCKETS.map((b) => ({ key: b.key, count: num(by.get(b.key)?.n) })),
  };
}

/** Mean and median of first-response and resolution durations (calendar and business), one scan per basis. */
export async function durations(db: DbOrTx, s: Scope) {
  type Row = { n: number; mean: string | null; median: number | null; bn: number; bmean: string | null; bmedian: number | null };
  const agg = (cal: string, bus: string) => sql`
    count(${sql.ref(cal)}) as n, avg(${sql.ref(cal)}) as mean, percentile_cont(0.5) within group (order by ${sql.ref(cal)}) as median,
    count(${sql.ref(bus)}) as bn, avg(${sql.ref(bus)}) as bmean, percentile_cont(0.5) within group (order by ${sql.ref(bus)}) as bmedian`;
  // Ordered-set aggregates skip nulls, so items without a response or an SLA clock simply do not count.
  const resp = await sql<Row>`select ${agg("f.response_ms", "f.response_business_ms")} from report_item_facts f where ${factsWhere(s, "created")}`.execute(db);
  const res = await sql<Row>`select ${agg("f.resolution_ms", "f.resolution_business_ms")} from report_item_facts f where ${factsWhere(s, "resolved")}`.execute(
    db,
  );
  const pack = (r: Row | undefined) => ({
    count: num(r?.n),
    meanMs: roundOrNull(r?.mean),
    medianMs: roundOrNull(r?.median),
    businessCount: num(r?.bn),
    businessMeanMs: roundOrNull(r?.bmean),
    businessMedianMs: roundOrNull(r?.bmedian),
  });
  return { response: pack(resp.rows[0]), resolution: pack(res.rows[0]) };
}

function roundOrNull(v: unknown): number | null {
  const n = numOrNull(v);
  return n === null ? null : Math.round(n);
}

/** Counts over items resolved in the period: SLA outcomes, reopened, FCR. */
export async function resolvedCounts(db: DbOrTx, s: Scope) {
  const r = await sql<Record<string, number>>`
    select count(*) as resolved,
      count(*) filter (where f.response_sla = 'met') as response_met,
      count(*) filter (where f.response_sla = 'breached') as response_breached,
      count(*) filter (where f.resolution_sla = 'met') as resolution_met,
      count(*) filter (where f.resolution_sla = 'breached') as resolution_breached,
      count(*) filter (where f.reopen_count > 0) as reopened,
      count(*) filter (where f.fcr) as fcr
    from report_item_facts f where ${factsWhere(s, "resolved")}`.execute(db);
  const x = r.rows[0] ?? {};
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, num(v)])) as Record<
    "resolved" | "response_met" | "response_breached" | "resolution_met" | "resolution_breached" | "reopened" | "fcr",
    number
  >;
}

/** Column and name lookup of each breakdown dimension. */
const DIMENSIONS: Record<Dimension, { col: string; name?: RawBuilder<string> }> = {
  category: { col: "category_id", name: sql`(select name from categories where id = k::uuid)` },
  service: { col: "service_id", name: sql`(select name from services where id = k::uuid)` },
  desk: { col: "desk_id", name: sql`(select name from desks where id = k::uuid)` },
  group: { col: "group_id", name: sql`(select name from groups where id = k::uuid)` },
  assignee: { col: "assignee_id", name: sql`(select name from users where id = k::uuid)` },
  channel: { col: "channel" },
  priority: { col: "priority" },
  type: { col: "type" },
  state: { col: "state" },
};

export function dimensionColumn(d: Dimension): string {
  return DIMENSIONS[d].col;
}

/** Items of the basis counted per value of one dimension, largest first (at most `limit`). */
export async function countBy(db: DbOrTx, s: Scope, basis: Basis, by: Dimension, limit = 50) {
  const d = DIMENSIONS[by];
  const r = await sql<{ k: string | null; n: number; label: string | null }>`
    select k, n, ${d.name ? sql`${d.name}` : sql`null`} as label from (
      select ${sql.ref(`f.${d.col}`)}::text as k, count(*) as n
      from report_item_facts f where ${factsWhere(s, basis)} group by 1 order by 2 desc, 1 limit ${limit}) x
    order by n desc, k`.execute(db);
  return r.rows.map((x) => ({ key: x.k ?? "none", label: x.label ?? x.k ?? "", value: num(x.n), count: num(x.n) }));
}

/** Changes closed in the period by outcome. */
export async function changeOutcomes(db: DbOrTx, s: Scope) {
  const r = await sql<{ outcome: string | null; n: number }>`
    select f.change_outcome as outcome, count(*) as n from report_item_facts f
    where ${factsWhere({ ...s, types: ["change"] }, "resolved")} group by 1 order by 2 desc`.execute(db);
  return r.rows.map((x) => ({ outcome: x.outcome ?? "none", count: num(x.n) }));
}

/** CIs with the most incidents created in the period (linked as affected or cause). */
export async function topCis(db: DbOrTx, s: Scope, limit = 10) {
  const r = await sql<{ id: string; name: string; n: number }>`
    select ci.id, ci.name, x.n from (
      select wc.ci_id, count(distinct f.work_item_id) as n
      from report_item_facts f join work_item_cis wc on wc.work_item_id = f.work_item_id
      where ${factsWhere({ ...s, types: ["incident"] }, "created")}
      group by wc.ci_id order by n desc limit ${limit}) x
    join configuration_items ci on ci.id = x.ci_id order by x.n desc, ci.name`.execute(db);
  return r.rows.map((x) => ({ key: x.id, label: x.name, value: num(x.n), count: num(x.n) }));
}

/** The work items behind a drill-down: a basis plus extra conditions, newest first. */
export async function drillItems(db: DbOrTx, s: Scope, basis: Basis, extra: RawBuilder<unknown>[], limit: number, join?: RawBuilder<unknown>) {
  const where = sql.join([factsWhere(s, basis), ...extra], sql` and `);
  const from = join ? sql`report_item_facts f ${join}` : sql`report_item_facts f`;
  const [items, total] = await Promise.all([
    sql<{ id: string; number: string; type: string; title: string; state: string; priority: number; created_at: Date; resolved_at: Date | null }>`
      select w.id, w.number, w.type, w.title, w.state, w.priority, w.created_at, f.resolved_at
      from ${from} join work_items w on w.id = f.work_item_id
      where ${where} order by f.created_at desc, f.work_item_id limit ${limit}`.execute(db),
    sql<{ n: number }>`select count(*) as n from ${from} where ${where}`.execute(db),
  ]);
  return { items: items.rows, total: num(total.rows[0]?.n) };
}
