import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./time.tables";

const DAY = (col: string) => sql<string>`to_char(${sql.ref(col)}, 'YYYY-MM-DD')`;

/** The organization's active contract covering a day, locked so concurrent entries draw down in turn. */
export async function lockContractFor(db: DbOrTx, orgId: string, day: string) {
  const r = await sql<{ id: string; name: string; monthly_hours: string; thresholds: number[] }>`
    select id, name, monthly_hours, thresholds from support_contracts
    where organization_id = ${orgId} and active and starts_on <= ${day}::date and (ends_on is null or ends_on >= ${day}::date)
    order by starts_on desc limit 1 for update`.execute(db);
  return r.rows[0];
}

/** The organization's active contract covering a day (no lock). */
export async function findContractFor(db: DbOrTx, orgId: string, day: string) {
  const r = await sql<{ id: string; name: string; monthly_hours: string }>`
    select id, name, monthly_hours from support_contracts
    where organization_id = ${orgId} and active and starts_on <= ${day}::date and (ends_on is null or ends_on >= ${day}::date)
    order by starts_on desc limit 1`.execute(db);
  return r.rows[0];
}

/** Billable minutes drawn from a contract in the month of a day. */
export async function billableMinutesInMonth(db: DbOrTx, contractId: string, day: string): Promise<number> {
  const r = await sql<{ m: number | null }>`
    select sum(minutes)::int as m from time_entries
    where contract_id = ${contractId} and billable
      and work_date >= date_trunc('month', ${day}::date) and work_date < date_trunc('month', ${day}::date) + interval '1 month'`.execute(db);
  return r.rows[0]?.m ?? 0;
}

/** Records that a threshold was reached in a month; false when it already was (recorded once). */
export async function recordAlert(
  db: DbOrTx,
  a: { contractId: string; orgId: string; day: string; threshold: number; usedMinutes: number; workItemId: string },
) {
  const r = await sql<{ threshold: number }>`
    insert into support_contract_alerts (contract_id, month, threshold, organization_id, used_minutes, work_item_id)
    values (${a.contractId}, date_trunc('month', ${a.day}::date)::date, ${a.threshold}, ${a.orgId}, ${a.usedMinutes}, ${a.workItemId})
    on conflict do nothing returning threshold`.execute(db);
  return r.rows.length > 0;
}

export async function insertEntry(
  db: DbOrTx,
  e: {
    organizationId: string;
    workItemId: string;
    userId: string;
    workDate: string;
    minutes: number;
    activity: string;
    billable: boolean;
    note: string;
    source: "manual" | "timer";
    contractId: string | null;
  },
) {
  return db
    .insertInto("time_entries")
    .values({
      organization_id: e.organizationId,
      work_item_id: e.workItemId,
      user_id: e.userId,
      work_date: e.workDate,
      minutes: e.minutes,
      activity: e.activity,
      billable: e.billable,
      note: e.note,
      source: e.source,
      contract_id: e.contractId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

/** An item's time entries with who logged them and against which contract, oldest first. */
export function listEntries(db: DbOrTx, itemId: string, entryId?: string) {
  let q = db
    .selectFrom("time_entries as e")
    .innerJoin("users as u", "u.id", "e.user_id")
    .leftJoin("support_contracts as c", "c.id", "e.contract_id")
    .select([
      "e.id",
      DAY("e.work_date").as("work_date"),
      "e.minutes",
      "e.activity",
      "e.billable",
      "e.note",
      "e.source",
      "e.created_at",
      "e.user_id",
      "u.name as user_name",
      "u.email as user_email",
      "c.id as contract_id",
      "c.name as contract_name",
    ])
    .where("e.work_item_id", "=", itemId)
    .orderBy("e.work_date")
    .orderBy("e.created_at");
  if (entryId) q = q.where("e.id", "=", entryId);
  return q.execute();
}

export function findEntry(db: DbOrTx, orgId: string, itemId: string, entryId: string) {
  return db
    .selectFrom("time_entries")
    .select(["id", "user_id", "minutes", "billable"])
    .where("organization_id", "=", orgId)
    .where("work_item_id", "=", itemId)
    .where("id", "=", entryId)
    .executeTakeFirst();
}

export async function deleteEntry(db: DbOrTx, entryId: string) {
  await db.deleteFrom("time_entries").where("id", "=", entryId).execute();
}

export function findTimer(db: DbOrTx, userId: string, itemId: string) {
  return db.selectFrom("time_timers").select(["started_at"]).where("user_id", "=", userId).where("work_item_id", "=", itemId).executeTakeFirst();
}

/** Starts a timer; false when one already runs for this person on this item. */
export async function startTimer(db: DbOrTx, orgId: string, userId: string, itemId: string): Promise<boolean> {
  const r = await db
    .insertInto("time_timers")
    .values({ organization_id: orgId, user_id: userId, work_item_id: itemId })
    .onConflict((oc) => oc.columns(["user_id", "work_item_id"]).doNothing())
    .returning("started_at")
    .executeTakeFirst();
  return Boolean(r);
}

/** Removes a running timer and returns when it started. */
export async function takeTimer(db: DbOrTx, userId: string, itemId: string) {
  return db.deleteFrom("time_timers").where("user_id", "=", userId).where("work_item_id", "=", itemId).returning("started_at").executeTakeFirst();
}

export function listContracts(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("support_contracts")
    .select(["id", "name", DAY("starts_on").as("starts_on"), DAY("ends_on").as("ends_on"), "monthly_hours", "thresholds", "active"])
    .where("organization_id", "=", orgId)
    .orderBy("starts_on", "desc")
    .execute();
}

/** Does an active contract of the organization overlap the period? */
export async function overlappingContract(db: DbOrTx, orgId: string, startsOn: string, endsOn: string | null) {
  const r = await sql<{ name: string }>`
    select name from support_contracts where organization_id = ${orgId} and active
      and daterange(starts_on, ends_on, '[]') && daterange(${startsOn}::date, ${endsOn}::date, '[]') limit 1`.execute(db);
  return r.rows[0];
}

export function insertContract(
  db: DbOrTx,
  c: { organizationId: string; name: string; startsOn: string; endsOn: string | null; monthlyHours: number; thresholds: number[]; createdById: string },
) {
  return db
    .insertInto("support_contracts")
    .values({
      organization_id: c.organizationId,
      name: c.name,
      starts_on: c.startsOn,
      ends_on: c.endsOn,
      monthly_hours: c.monthlyHours,
      thresholds: c.thresholds,
      created_by_id: c.createdById,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

/** Billable vs included hours per contract and month in [from, to] (first days of months), for one organization. */
export async function contractReport(db: DbOrTx, orgId: string, from: string, to: string) {
  const r = await sql<{
    org_id: string;
    org_name: string;
    contract_id: string;
    contract_name: string;
    month: string;
    monthly_hours: string;
    billable_minutes: number;
    other_minutes: number;
    warnings: number[];
  }>`
    select o.id as org_id, o.name as org_name, c.id as contract_id, c.name as contract_name,
      to_char(m.month, 'YYYY-MM') as month, c.monthly_hours,
      coalesce((select sum(e.minutes) from time_entries e where e.contract_id = c.id and e.billable
        and e.work_date >= m.month and e.work_date < m.month + interval '1 month'), 0)::int as billable_minutes,
      coalesce((select sum(e.minutes) from time_entries e where e.organization_id = o.id and not e.billable
        and e.work_date >= m.month and e.work_date < m.month + interval '1 month'), 0)::int as other_minutes,
      coalesce((select array_agg(a.threshold order by a.threshold) from support_contract_alerts a
        where a.contract_id = c.id and a.month = m.month::date), '{}') as warnings
    from support_contracts c
    join organizations o on o.id = c.organization_id
    cross join lateral generate_series(${from}::date, ${to}::date, interval '1 month') as m(month)
    where c.organization_id = ${orgId}
      and date_trunc('month', c.starts_on) <= m.month
      and (c.ends_on is null or c.ends_on >= m.month)
    order by o.name, m.month, c.name`.execute(db);
  return r.rows;
}
