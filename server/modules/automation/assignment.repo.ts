import { sql } from "kysely";
import { DONE_STATES } from "../../../contracts/work-items";
import type { DbOrTx } from "../../platform/db/db";
import "./automation.tables";

/** A group's strategy row, locked so concurrent picks in one group take turns. */
export async function lockGroupSettings(db: DbOrTx, orgId: string, groupId: string) {
  return db.selectFrom("group_assignment").selectAll().where("organization_id", "=", orgId).where("group_id", "=", groupId).forUpdate().executeTakeFirst();
}

export interface Candidate {
  id: string;
  name: string;
  locale: string;
  away: boolean;
  away_until: Date | null;
  calendar_id: string | null;
  skills: string[];
  open_items: number;
  load: number;
}

/**
 * Active staff of a group with availability, skills and load: open items assigned to them, each weighted
 * by priority (P1 = 5 … P5 = 1).
 */
export async function listCandidates(db: DbOrTx, orgId: string, groupId: string): Promise<Candidate[]> {
  const r = await sql<Candidate>`
    select u.id, u.name, u.locale, coalesce(a.away, false) as away, a.away_until, a.calendar_id, coalesce(a.skills, '{}') as skills,
      coalesce(l.n, 0)::int as open_items, coalesce(l.load, 0)::int as load
    from group_members m
    join users u on u.id = m.user_id and u.active and u.role in ('agent', 'admin')
    left join agent_availability a on a.user_id = u.id
    left join lateral (
      select count(*) as n, sum(6 - w.priority) as load from work_items w
      where w.assignee_id = u.id and w.organization_id = ${orgId} and w.state <> all(${[...DONE_STATES]}::text[])
    ) l on true
    where m.group_id = ${groupId} and m.organization_id = ${orgId}
    order by u.name, u.id`.execute(db);
  return r.rows;
}

export async function recordPick(db: DbOrTx, groupId: string, userId: string): Promise<void> {
  await db.updateTable("group_assignment").set({ last_assigned_user_id: userId, last_assigned_at: new Date() }).where("group_id", "=", groupId).execute();
}

/** Calendars by id (working hours). */
export function findCalendars(db: DbOrTx, orgId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom("sla_calendars")
    .select(["id", "time_zone", "hours", "holidays", "exceptions"])
    .where("organization_id", "=", orgId)
    .where("id", "in", ids)
    .execute();
}

export function requesterLocale(db: DbOrTx, userId: string) {
  return db.selectFrom("users").select("locale").where("id", "=", userId).executeTakeFirst();
}

/** Groups of the organization with their strategy (admin page). */
export function listGroupSettings(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("groups as g")
    .leftJoin("group_assignment as s", "s.group_id", "g.id")
    .select(["g.id", "g.name", "s.strategy", "s.calendar_id"])
    .where("g.organization_id", "=", orgId)
    .where("g.active", "=", true)
    .orderBy("g.name")
    .execute();
}

export async function upsertGroupSettings(db: DbOrTx, orgId: string, groupId: string, strategy: string, calendarId: string | null): Promise<void> {
  await db
    .insertInto("group_assignment")
    .values({ group_id: groupId, organization_id: orgId, strategy, calendar_id: calendarId, last_assigned_user_id: null, last_assigned_at: null })
    .onConflict((oc) => oc.column("group_id").doUpdateSet({ strategy, calendar_id: calendarId, updated_at: new Date() }))
    .execute();
}

export function findGroup(db: DbOrTx, orgId: string, groupId: string) {
  return db.selectFrom("groups").select(["id", "name"]).where("organization_id", "=", orgId).where("id", "=", groupId).executeTakeFirst();
}

export function findCalendar(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("sla_calendars").select("id").where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

/** Staff of the organization with availability and skills (admin page). */
export function listAgents(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("users as u")
    .leftJoin("agent_availability as a", "a.user_id", "u.id")
    .select(["u.id", "u.name", "a.away", "a.away_until", "a.calendar_id", "a.skills"])
    .where("u.organization_id", "=", orgId)
    .where("u.active", "=", true)
    .where("u.role", "in", ["agent", "admin"])
    .orderBy("u.name")
    .execute();
}

export function findStaff(db: DbOrTx, orgId: string, userId: string) {
  return db
    .selectFrom("users")
    .select(["id", "name"])
    .where("organization_id", "=", orgId)
    .where("id", "=", userId)
    .where("role", "in", ["agent", "admin"])
    .executeTakeFirst();
}

export async function upsertAvailability(
  db: DbOrTx,
  orgId: string,
  userId: string,
  v: { away: boolean; awayUntil: string | null; calendarId: string | null; skills: string[] },
): Promise<void> {
  const values = { away: v.away, away_until: v.awayUntil, calendar_id: v.calendarId, skills: v.skills, updated_at: new Date() };
  await db
    .insertInto("agent_availability")
    .values({ user_id: userId, organization_id: orgId, ...values })
    .onConflict((oc) => oc.column("user_id").doUpdateSet(values))
    .execute();
}
