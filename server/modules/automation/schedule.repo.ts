import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./automation.tables";

export function listSchedules(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("recurring_schedules as s")
    .selectAll("s")
    .select((eb) => [
      eb
        .selectFrom("recurring_occurrences as o")
        .leftJoin("work_items as w", "w.id", "o.work_item_id")
        .select(sql<{ at: string; number: string | null }>`json_build_object('at', o.occurrence_at, 'number', w.number)`.as("j"))
        .whereRef("o.schedule_id", "=", "s.id")
        .orderBy("o.occurrence_at", "desc")
        .limit(1)
        .as("last_occurrence"),
    ])
    .where("s.organization_id", "=", orgId)
    .orderBy("s.name")
    .execute();
}
export type ScheduleRow = Awaited<ReturnType<typeof listSchedules>>[number];

export function findSchedule(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("recurring_schedules").selectAll().where("organization_id", "=", orgId).where("id", "=", id).forUpdate().executeTakeFirst();
}

export type ScheduleValues = {
  name: string;
  active: boolean;
  cron: string | null;
  rrule: string | null;
  timezone: string;
  template: string;
  next_run_at: Date | null;
};

export async function insertSchedule(db: DbOrTx, orgId: string, userId: string, v: ScheduleValues): Promise<string> {
  const r = await db
    .insertInto("recurring_schedules")
    .values({ ...v, organization_id: orgId, created_by_id: userId })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateSchedule(db: DbOrTx, id: string, v: ScheduleValues): Promise<void> {
  await db
    .updateTable("recurring_schedules")
    .set({ ...v, updated_at: new Date() })
    .where("id", "=", id)
    .execute();
}

export async function deleteSchedule(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom("recurring_schedules").where("id", "=", id).execute();
}

/** Schedules due now, locked (SKIP LOCKED: another worker takes the others). */
export function lockDue(db: DbOrTx, now: Date, limit: number) {
  return db
    .selectFrom("recurring_schedules")
    .selectAll()
    .where("active", "=", true)
    .where("next_run_at", "<=", now)
    .orderBy("next_run_at")
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function setNextRun(db: DbOrTx, id: string, at: Date | null): Promise<void> {
  await db.updateTable("recurring_schedules").set({ next_run_at: at }).where("id", "=", id).execute();
}

/** Claims one occurrence: false when it exists already (created by another worker or an earlier run). */
export async function claimOccurrence(db: DbOrTx, orgId: string, scheduleId: string, at: Date): Promise<boolean> {
  const r = await db
    .insertInto("recurring_occurrences")
    .values({ schedule_id: scheduleId, occurrence_at: at, organization_id: orgId, work_item_id: null })
    .onConflict((oc) => oc.columns(["schedule_id", "occurrence_at"]).doNothing())
    .returning("schedule_id")
    .executeTakeFirst();
  return Boolean(r);
}

export async function setOccurrenceItem(db: DbOrTx, scheduleId: string, at: Date, itemId: string): Promise<void> {
  await db.updateTable("recurring_occurrences").set({ work_item_id: itemId }).where("schedule_id", "=", scheduleId).where("occurrence_at", "=", at).execute();
}

/** Whether the organization has this schedule (read only, no lock). */
export async function scheduleExists(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  return !!(await db.selectFrom("recurring_schedules").select("id").where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst());
}

export function listOccurrences(db: DbOrTx, orgId: string, scheduleId: string) {
  return db
    .selectFrom("recurring_occurrences as o")
    .leftJoin("work_items as w", "w.id", "o.work_item_id")
    .select(["o.occurrence_at", "w.number"])
    .where("o.organization_id", "=", orgId)
    .where("o.schedule_id", "=", scheduleId)
    .orderBy("o.occurrence_at", "desc")
    .limit(50)
    .execute();
}
