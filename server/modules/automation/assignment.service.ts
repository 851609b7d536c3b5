import type { z } from "zod";
import type { ZAgentAvailability, ZGroupAssignment, ZUpdateAgentAvailability, ZUpdateGroupAssignment } from "../../../contracts/automation";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { insertAudit } from "../identity/identity.repo";
import { type CalendarSpec, compileCalendar, isWorkingTime } from "../sla/business-time";
import * as repo from "./assignment.repo";
import { type AgentState, chooseAgent, requiredSkills, type Strategy } from "./assignment.strategy";
import { refreshEventConsumer } from "./rule.service";

function requireAdmin(actor: Actor) {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators change assignment settings");
}

/**
 * The agent a group's strategy picks for an item now (or null: no strategy, nobody available), in the
 * caller's transaction. Away agents (until their return) and agents outside working hours (their own
 * calendar, else the group's) are skipped. The group's row is locked, so concurrent picks take turns.
 */
export async function pickAssignee(
  tx: DbOrTx,
  orgId: string,
  groupId: string,
  item: { categoryId: string | null; serviceId: string | null; requesterId: string | null },
  now = new Date(),
): Promise<{ id: string; name: string; strategy: Strategy } | null> {
  const settings = await repo.lockGroupSettings(tx, orgId, groupId);
  const strategy = (settings?.strategy ?? "none") as Strategy;
  if (strategy === "none") return null;
  const candidates = await repo.listCandidates(tx, orgId, groupId);
  const calIds = [...new Set(candidates.map((c) => c.calendar_id ?? settings?.calendar_id).filter((x): x is string => Boolean(x)))];
  const calendars = new Map(
    (await repo.findCalendars(tx, orgId, calIds)).map((c) => [
      c.id,
      compileCalendar({ timeZone: c.time_zone, hours: c.hours, holidays: c.holidays, exceptions: c.exceptions } as unknown as CalendarSpec),
    ]),
  );
  const agents: AgentState[] = candidates.map((c) => {
    const away = c.away && (!c.away_until || new Date(c.away_until) > now);
    const cal = calendars.get(c.calendar_id ?? settings?.calendar_id ?? "");
    return { id: c.id, name: c.name, load: c.load, openItems: c.open_items, skills: c.skills, available: !away && (!cal || isWorkingTime(now, cal)) };
  });
  const language = item.requesterId ? ((await repo.requesterLocale(tx, item.requesterId))?.locale ?? null) : null;
  const chosen = chooseAgent(agents, strategy, settings?.last_assigned_user_id ?? null, requiredSkills({ ...item, language }));
  if (!chosen) return null;
  await repo.recordPick(tx, groupId, chosen.id);
  return { id: chosen.id, name: chosen.name, strategy };
}

type TGroupAssignment = z.infer<typeof ZGroupAssignment>;

/** Every active group with its strategy, calendar and members' availability and load. */
export async function listGroupAssignments(deps: Deps, actor: Actor): Promise<TGroupAssignment[]> {
  requireAdmin(actor);
  const groups = await repo.listGroupSettings(deps.db, actor.organizationId);
  return Promise.all(
    groups.map(async (g) => {
      const members = await repo.listCandidates(deps.db, actor.organizationId, g.id);
      return {
        groupId: g.id,
        groupName: g.name,
        strategy: (g.strategy ?? "none") as Strategy,
        calendarId: g.calendar_id ?? null,
        members: members.map((m) => ({
          id: m.id,
          name: m.name,
          away: m.away && (!m.away_until || new Date(m.away_until) > new Date()),
          skills: m.skills,
          openItems: m.open_items,
          load: m.load,
        })),
      };
    }),
  );
}

/** Sets a group's strategy and working-hours calendar (audited). */
export async function updateGroupAssignment(deps: Deps, actor: Actor, groupId: string, input: z.infer<typeof ZUpdateGroupAssignment>) {
  requireAdmin(actor);
  await withTx(deps.db, async (tx) => {
    if (!(await repo.findGroup(tx, actor.organizationId, groupId))) throw notFound("Group");
    if (input.calendarId && !(await repo.findCalendar(tx, actor.organizationId, input.calendarId))) throw invalidField("body.calendarId", "no such calendar");
    await repo.upsertGroupSettings(tx, actor.organizationId, groupId, input.strategy, input.calendarId);
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "automation.assignment_updated",
      entityType: "group",
      entityId: groupId,
      data: input,
      ip: actor.ip ?? null,
    });
    await refreshEventConsumer(tx, actor.organizationId);
  });
  return (await listGroupAssignments(deps, actor)).find((g) => g.groupId === groupId);
}

type TAgent = z.infer<typeof ZAgentAvailability>;

/** Staff with away flag, working hours and skills. */
export async function listAgents(deps: Deps, actor: Actor): Promise<TAgent[]> {
  if (actor.role === "requester") throw new AppError("FORBIDDEN", "Only staff see availability");
  const rows = await repo.listAgents(deps.db, actor.organizationId);
  return rows.map((r) => ({
    userId: r.id,
    name: r.name,
    away: Boolean(r.away) && (!r.away_until || new Date(r.away_until) > new Date()),
    awayUntil: r.away_until ? new Date(r.away_until).toISOString() : null,
    calendarId: r.calendar_id ?? null,
    skills: r.skills ?? [],
  }));
}

/** Sets an agent's availability and skills: administrators for anyone, agents for themselves (audited). */
export async function updateAgent(deps: Deps, actor: Actor, userId: string, input: z.infer<typeof ZUpdateAgentAvailability>): Promise<TAgent> {
  if (actor.role !== "admin" && actor.userId !== userId) throw new AppError("FORBIDDEN", "Agents change only their own availability");
  await withTx(deps.db, async (tx) => {
    if (!(await repo.findStaff(tx, actor.organizationId, userId))) throw notFound("Agent");
    if (input.calendarId && !(await repo.findCalendar(tx, actor.organizationId, input.calendarId))) throw invalidField("body.calendarId", "no such calendar");
    await repo.upsertAvailability(tx, actor.organizationId, userId, { ...input, skills: [...new Set(input.skills)] });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "automation.availability_updated",
      entityType: "user",
      entityId: userId,
      data: input,
      ip: actor.ip ?? null,
    });
  });
  return (await listAgents(deps, actor)).find((a) => a.userId === userId) as TAgent;
}
