import { type Selectable, sql } from "kysely";
import type { TCalendarInput, TPolicyInput } from "../../../contracts/sla";
import type { DbOrTx } from "../../platform/db/db";
import type { SlaCalendarsTable, SlaClocksTable, SlaPoliciesTable, SlaTargetsTable } from "./sla.tables";
import "./sla.tables";

export type CalendarRow = Selectable<SlaCalendarsTable>;
export type PolicyRow = Selectable<SlaPoliciesTable>;
export type TargetRow = Selectable<SlaTargetsTable>;
export type ClockRow = Selectable<SlaClocksTable>;

// ---- calendars -------------------------------------------------------------------------------

/** Calendars of an organization with the number of targets using each. */
export async function listCalendars(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("sla_calendars as c")
    .selectAll("c")
    .select((eb) => eb.selectFrom("sla_targets as t").whereRef("t.calendar_id", "=", "c.id").select(eb.fn.countAll<number>().as("n")).as("used_by"))
    .where("c.organization_id", "=", orgId)
    .orderBy("c.name")
    .execute();
}

export async function findCalendar(db: DbOrTx, orgId: string, id: string, opts: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom("sla_calendars").selectAll().where("organization_id", "=", orgId).where("id", "=", id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Calendars by id (any organization's: callers pass ids they already scoped). */
export async function findCalendarsByIds(db: DbOrTx, ids: string[]): Promise<CalendarRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("sla_calendars").selectAll().where("id", "in", ids).execute();
}

const calendarValues = (c: TCalendarInput) => ({
  name: c.name,
  description: c.description,
  time_zone: c.timeZone,
  hours: JSON.stringify(c.hours),
  holidays: JSON.stringify(c.holidays),
  exceptions: JSON.stringify(c.exceptions),
});

export async function insertCalendar(db: DbOrTx, orgId: string, c: TCalendarInput) {
  return db
    .insertInto("sla_calendars")
    .values({ organization_id: orgId, ...calendarValues(c) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateCalendar(db: DbOrTx, id: string, c: TCalendarInput) {
  return db
    .updateTable("sla_calendars")
    .set({ ...calendarValues(c), version: sql`version + 1`, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteCalendar(db: DbOrTx, id: string) {
  await db.deleteFrom("sla_calendars").where("id", "=", id).execute();
}

export async function calendarUseCount(db: DbOrTx, id: string): Promise<number> {
  const r = await db
    .selectFrom("sla_targets")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("calendar_id", "=", id)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---- policies --------------------------------------------------------------------------------

/** Policies in evaluation order (position, then age). */
export async function listPolicies(db: DbOrTx, orgId: string, opts: { activeOnly?: boolean } = {}) {
  let q = db.selectFrom("sla_policies").selectAll().where("organization_id", "=", orgId);
  if (opts.activeOnly) q = q.where("active", "=", true);
  return q.orderBy("position").orderBy("created_at").orderBy("id").execute();
}

export async function findPolicy(db: DbOrTx, orgId: string, id: string, opts: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom("sla_policies").selectAll().where("organization_id", "=", orgId).where("id", "=", id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Targets of the given policies, in their order, with group and calendar names. */
export async function listTargets(db: DbOrTx, policyIds: string[]) {
  if (policyIds.length === 0) return [];
  return db
    .selectFrom("sla_targets as t")
    .leftJoin("groups as g", "g.id", "t.group_id")
    .leftJoin("sla_calendars as c", "c.id", "t.calendar_id")
    .selectAll("t")
    .select(["g.name as group_name", "c.name as calendar_name"])
    .where("t.policy_id", "in", policyIds)
    .orderBy("t.policy_id")
    .orderBy("t.ordinal")
    .execute();
}

const policyValues = (p: TPolicyInput) => ({
  name: p.name,
  description: p.description,
  active: p.active,
  position: p.position,
  conditions: JSON.stringify(p.conditions),
});

export async function insertPolicy(db: DbOrTx, orgId: string, p: TPolicyInput) {
  return db
    .insertInto("sla_policies")
    .values({ organization_id: orgId, ...policyValues(p) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updatePolicy(db: DbOrTx, id: string, p: TPolicyInput) {
  return db
    .updateTable("sla_policies")
    .set({ ...policyValues(p), version: sql`version + 1`, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deletePolicy(db: DbOrTx, id: string) {
  await db.deleteFrom("sla_policies").where("id", "=", id).execute();
}

/** Replaces a policy's targets with the given list. */
export async function replaceTargets(db: DbOrTx, orgId: string, policyId: string, targets: TPolicyInput["targets"]) {
  await db.deleteFrom("sla_targets").where("policy_id", "=", policyId).execute();
  if (targets.length === 0) return;
  await db
    .insertInto("sla_targets")
    .values(
      targets.map((t, i) => ({
        organization_id: orgId,
        policy_id: policyId,
        ordinal: i,
        kind: t.kind,
        metric: t.metric,
        name: t.name,
        group_id: t.groupId,
        duration_minutes: t.durationMinutes,
        calendar_id: t.calendarId,
        start_when: JSON.stringify(t.startWhen),
        stop_when: JSON.stringify(t.stopWhen),
        pause_when: JSON.stringify(t.pauseWhen),
        thresholds: JSON.stringify(t.thresholds),
      })),
    )
    .execute();
}

/** Which of the ids exist in the organization, per table (for validating references). */
export async function existingIds(db: DbOrTx, orgId: string, table: "groups" | "users" | "services" | "categories" | "sla_calendars", ids: string[]) {
  if (ids.length === 0) return new Set<string>();
  const rows = await db.selectFrom(table).select("id").where("organization_id", "=", orgId).where("id", "in", ids).execute();
  return new Set(rows.map((r) => r.id));
}

/** Work items whose live clocks a policy change may affect: every open item of the organization. */
export async function openItemIdsWithLiveClocks(db: DbOrTx, orgId: string, policyIds: string[]) {
  if (policyIds.length === 0) return [];
  const rows = await db
    .selectFrom("sla_clocks")
    .select("work_item_id")
    .distinct()
    .where("organization_id", "=", orgId)
    .where("policy_id", "in", policyIds)
    .where("state", "in", ["running", "paused"])
    .execute();
  return rows.map((r) => r.work_item_id);
}
