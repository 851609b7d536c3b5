import { type RawBuilder, sql } from "kysely";
import type { Dimension, TReportDefinition, TReportRow, TSavedReportInput } from "../../../contracts/reporting";
import type { DbOrTx } from "../../platform/db/db";
import { type Basis, dimensionColumn, factsWhere, type Scope } from "./report.repo";
import "./reporting.tables";

const NAME_OF: Partial<Record<Dimension, string>> = { category: "categories", service: "services", desk: "desks", group: "groups", assignee: "users" };

/** SQL of each measure over the facts rows of one group. */
const MEASURE_SQL: Record<TReportDefinition["measure"], RawBuilder<unknown>> = {
  count: sql`count(*)`,
  mean_resolution: sql`avg(f.resolution_ms)`,
  median_resolution: sql`percentile_cont(0.5) within group (order by f.resolution_ms)`,
  mean_response: sql`avg(f.response_ms)`,
  median_response: sql`percentile_cont(0.5) within group (order by f.response_ms)`,
  mean_resolution_business: sql`avg(f.resolution_business_ms)`,
  median_resolution_business: sql`percentile_cont(0.5) within group (order by f.resolution_business_ms)`,
  reopen_rate: sql`100.0 * count(*) filter (where f.reopen_count > 0 and f.resolved_at is not null) / nullif(count(*) filter (where f.resolved_at is not null), 0)`,
  fcr_rate: sql`100.0 * count(*) filter (where f.fcr) / nullif(count(*) filter (where f.resolved_at is not null), 0)`,
  sla_compliance: sql`100.0 * count(*) filter (where f.resolution_sla = 'met') / nullif(count(*) filter (where f.resolution_sla is not null), 0)`,
};

/** One row per group of the definition's grouping, with the measure and the number of items behind it. */
export async function aggregate(db: DbOrTx, s: Scope, def: TReportDefinition): Promise<TReportRow[]> {
  const basis: Basis = def.basis;
  const timeCol = basis === "resolved" ? "f.resolved_at" : "f.created_at";
  const isTime = def.groupBy === "day" || def.groupBy === "week" || def.groupBy === "month";
  const key = isTime
    ? sql`to_char(date_trunc(${def.groupBy}, ${sql.ref(timeCol)} at time zone ${s.tz}), 'YYYY-MM-DD')`
    : sql`${sql.ref(`f.${dimensionColumn(def.groupBy as Dimension)}`)}::text`;
  const table = isTime ? undefined : NAME_OF[def.groupBy as Dimension];
  const label = table ? sql`(select name from ${sql.table(table)} where id = x.k::uuid)` : sql`x.k`;
  const r = await sql<{ k: string | null; label: string | null; v: string | number | null; n: number }>`
    select x.k, ${label} as label, x.v, x.n from (
      select ${key} as k, ${MEASURE_SQL[def.measure]} as v, count(*) as n
      from report_item_facts f where ${factsWhere(s, basis)} group by 1) x
    order by ${isTime ? sql`x.k` : sql`x.n desc, x.k`} limit 500`.execute(db);
  return r.rows.map((x) => ({
    key: x.k ?? "none",
    label: x.label ?? x.k ?? "—",
    value: x.v === null ? null : Math.round(Number(x.v) * 10) / 10,
    count: Number(x.n),
  }));
}

export interface SavedReportRow {
  id: string;
  organization_id: string;
  owner_id: string | null;
  owner_name: string | null;
  name: string;
  shared: boolean;
  definition: unknown;
  schedule: unknown;
  next_run_at: Date | null;
  last_run_at: Date | null;
  updated_at: Date;
}

function reports(db: DbOrTx) {
  return db
    .selectFrom("saved_reports as r")
    .leftJoin("users as u", "u.id", "r.owner_id")
    .select([
      "r.id",
      "r.organization_id",
      "r.owner_id",
      "u.name as owner_name",
      "r.name",
      "r.shared",
      "r.definition",
      "r.schedule",
      "r.next_run_at",
      "r.last_run_at",
      "r.updated_at",
    ]);
}

export function listVisible(db: DbOrTx, orgId: string, userId: string): Promise<SavedReportRow[]> {
  return reports(db)
    .where("r.organization_id", "=", orgId)
    .where((eb) => eb.or([eb("r.owner_id", "=", userId), eb("r.shared", "=", true)]))
    .orderBy(sql`lower(r.name)`)
    .limit(500)
    .execute();
}

export function findReport(db: DbOrTx, orgId: string, id: string, lock = false): Promise<SavedReportRow | undefined> {
  return reports(db)
    .where("r.organization_id", "=", orgId)
    .where("r.id", "=", id)
    .$if(lock, (q) => q.forUpdate("r"))
    .executeTakeFirst();
}

type Values = Required<Pick<TSavedReportInput, "name">> & { shared: boolean; definition: unknown; schedule: unknown; nextRunAt: Date | null };

export async function insertReport(db: DbOrTx, v: Values & { organizationId: string; ownerId: string }): Promise<string> {
  const r = await db
    .insertInto("saved_reports")
    .values({
      organization_id: v.organizationId,
      owner_id: v.ownerId,
      name: v.name,
      shared: v.shared,
      definition: JSON.stringify(v.definition),
      schedule: v.schedule ? JSON.stringify(v.schedule) : null,
      next_run_at: v.nextRunAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateReport(db: DbOrTx, id: string, v: Values): Promise<void> {
  await db
    .updateTable("saved_reports")
    .set({
      name: v.name,
      shared: v.shared,
      definition: JSON.stringify(v.definition),
      schedule: v.schedule ? JSON.stringify(v.schedule) : null,
      next_run_at: v.nextRunAt,
      updated_at: new Date(),
    })
    .where("id", "=", id)
    .execute();
}

export async function deleteReport(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom("saved_reports").where("id", "=", id).execute();
}

/** Due scheduled reports, locked (SKIP LOCKED: another worker takes the others), with their owner. */
export function claimDue(db: DbOrTx, now: Date, limit: number) {
  return db
    .selectFrom("saved_reports as r")
    .leftJoin("users as u", "u.id", "r.owner_id")
    .select([
      "r.id",
      "r.organization_id",
      "r.owner_id",
      "r.name",
      "r.definition",
      "r.schedule",
      "u.role as owner_role",
      "u.active as owner_active",
      "u.time_zone as owner_time_zone",
    ])
    .where("r.next_run_at", "<=", now)
    .where("r.schedule", "is not", null)
    .orderBy("r.next_run_at")
    .limit(limit)
    .forUpdate("r")
    .skipLocked()
    .execute();
}

export async function markRun(db: DbOrTx, id: string, at: Date, next: Date): Promise<void> {
  await db.updateTable("saved_reports").set({ last_run_at: at, next_run_at: next }).where("id", "=", id).execute();
}
