import type { z } from "zod";
import type { TSchedule, ZScheduleInput, ZScheduleTemplate } from "../../../contracts/automation";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, type Tx, withTx } from "../../platform/db/db";
import { AppError, type ErrorDetail, notFound } from "../../platform/http/errors";
import { insertAudit } from "../identity/identity.repo";
import { createIncident } from "../incidents/incident.service";
import * as events from "./events.repo";
import { RecurrenceError, parseRecurrence, upcoming } from "./recurrence";
import * as rules from "./rule.repo";
import * as repo from "./schedule.repo";

type TScheduleInput = z.infer<typeof ZScheduleInput>;
type TTemplate = z.infer<typeof ZScheduleTemplate>;

/** Missed occurrences created on catching up (after downtime); older ones are skipped. */
const MAX_CATCH_UP = 10;

function requireAdmin(actor: Actor) {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators manage recurring tickets");
}

function recurrenceOf(s: { cron: string | null; rrule: string | null; timezone: string }) {
  try {
    return parseRecurrence(s);
  } catch (e) {
    if (e instanceof RecurrenceError)
      throw new AppError("VALIDATION_FAILED", `body.${e.field}: ${e.message}`, [{ field: `body.${e.field}`, message: e.message }]);
    throw e;
  }
}

/** The next occurrences of a cron expression or RRULE in a zone (editor preview); 400 naming the field if invalid. */
export function previewRecurrence(input: { cron: string | null; rrule: string | null; timezone: string }, n = 5, from = new Date()): string[] {
  if (!input.cron && !input.rrule)
    throw new AppError("VALIDATION_FAILED", "body.cron: give a cron expression or an RRULE", [{ field: "body.cron", message: "required" }]);
  return upcoming(recurrenceOf(input), from, n).map((d) => d.toISOString());
}

function present(r: repo.ScheduleRow): TSchedule {
  const last = (r.last_occurrence as { at: string; number: string | null } | null) ?? null;
  let next: string[] = [];
  try {
    next = r.active ? upcoming(parseRecurrence(r), new Date(), 5).map((d) => d.toISOString()) : [];
  } catch {
    next = [];
  }
  return {
    id: r.id,
    name: r.name,
    active: r.active,
    cron: r.cron,
    rrule: r.rrule,
    timezone: r.timezone,
    template: r.template as TTemplate,
    nextRunAt: r.next_run_at ? new Date(r.next_run_at).toISOString() : null,
    nextOccurrences: next,
    lastOccurrence: last ? { at: new Date(last.at).toISOString(), workItemNumber: last.number } : null,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

async function validate(db: DbOrTx, orgId: string, input: TScheduleInput): Promise<Date | null> {
  const rec = recurrenceOf(input);
  const t = input.template;
  const found = await rules.existingRefs(db, orgId, {
    group: t.assignmentGroupId ? [t.assignmentGroupId] : [],
    user: [],
    category: t.categoryId ? [t.categoryId] : [],
    service: t.serviceId ? [t.serviceId] : [],
  });
  const issues: ErrorDetail[] = [];
  if (t.assignmentGroupId && !found.group.has(t.assignmentGroupId)) issues.push({ field: "body.template.assignmentGroupId", message: "no such group" });
  if (t.categoryId && !found.category.has(t.categoryId)) issues.push({ field: "body.template.categoryId", message: "no such category" });
  if (t.serviceId && !found.service.has(t.serviceId)) issues.push({ field: "body.template.serviceId", message: "no such service" });
  if (issues.length) throw new AppError("VALIDATION_FAILED", `${issues[0].field}: ${issues[0].message}`, issues);
  return input.active ? rec.next(new Date()) : null;
}

function values(input: TScheduleInput, next: Date | null): repo.ScheduleValues {
  return {
    name: input.name,
    active: input.active,
    cron: input.cron || null,
    rrule: input.rrule || null,
    timezone: input.timezone,
    template: JSON.stringify(input.template),
    next_run_at: next,
  };
}

async function named<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if ((e as { code?: string }).code === "23505")
      throw new AppError("CONFLICT", `A schedule named "${name}" already exists`, [{ field: "body.name", message: "already taken" }]);
    throw e;
  }
}

async function audit(tx: Tx, actor: Actor, action: string, id: string, data: Record<string, unknown>) {
  await insertAudit(tx, {
    organizationId: actor.organizationId,
    actorId: actor.userId,
    action,
    entityType: "recurring_schedule",
    entityId: id,
    data,
    ip: actor.ip ?? null,
  });
}

export async function listSchedules(deps: Deps, actor: Actor): Promise<TSchedule[]> {
  requireAdmin(actor);
  return (await repo.listSchedules(deps.db, actor.organizationId)).map(present);
}

async function getSchedule(deps: Deps, actor: Actor, id: string): Promise<TSchedule> {
  const r = (await repo.listSchedules(deps.db, actor.organizationId)).find((x) => x.id === id);
  if (!r) throw notFound("Schedule");
  return present(r);
}

export async function createSchedule(deps: Deps, actor: Actor, input: TScheduleInput): Promise<TSchedule> {
  requireAdmin(actor);
  const id = await named(input.name, () =>
    withTx(deps.db, async (tx) => {
      const next = await validate(tx, actor.organizationId, input);
      const id = await repo.insertSchedule(tx, actor.organizationId, actor.userId, values(input, next));
      await audit(tx, actor, "automation.schedule_created", id, { name: input.name, cron: input.cron, rrule: input.rrule, timezone: input.timezone });
      return id;
    }),
  );
  return getSchedule(deps, actor, id);
}

export async function updateSchedule(deps: Deps, actor: Actor, id: string, input: TScheduleInput): Promise<TSchedule> {
  requireAdmin(actor);
  await named(input.name, () =>
    withTx(deps.db, async (tx) => {
      if (!(await repo.findSchedule(tx, actor.organizationId, id))) throw notFound("Schedule");
      const next = await validate(tx, actor.organizationId, input);
      await repo.updateSchedule(tx, id, values(input, next));
      await audit(tx, actor, "automation.schedule_updated", id, { name: input.name, active: input.active, cron: input.cron, rrule: input.rrule });
    }),
  );
  return getSchedule(deps, actor, id);
}

export async function deleteSchedule(deps: Deps, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  await withTx(deps.db, async (tx) => {
    const s = await repo.findSchedule(tx, actor.organizationId, id);
    if (!s) throw notFound("Schedule");
    await repo.deleteSchedule(tx, id);
    await audit(tx, actor, "automation.schedule_deleted", id, { name: s.name });
  });
}

export async function listScheduleOccurrences(deps: Deps, actor: Actor, id: string) {
  requireAdmin(actor);
  // Another organization's (or an unknown) schedule is a 404, like every other route, not an empty list.
  if (!(await repo.scheduleExists(deps.db, actor.organizationId, id))) throw notFound("Schedule");
  return (await repo.listOccurrences(deps.db, actor.organizationId, id)).map((o) => ({
    at: new Date(o.occurrence_at).toISOString(),
    workItemNumber: o.number,
  }));
}

function localDate(at: Date, tz: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/**
 * Creates the tickets of every due occurrence, exactly once across worker processes: each schedule is
 * taken by one worker (FOR UPDATE SKIP LOCKED), and each occurrence is claimed by its primary key
 * (schedule, instant) in the same transaction as the ticket it creates. A template that no longer
 * works (e.g. a deleted group) skips that occurrence and says so in the log; the schedule moves on.
 */
export async function runDueSchedules(deps: Deps, now = new Date()): Promise<number> {
  let created = 0;
  const failed = new Set<string>();
  for (let guard = 0; guard < 200; guard++) {
    let failedId: string | null = null;
    const done = await withTx(deps.db, async (tx) => {
      const [s] = (await repo.lockDue(tx, now, 1 + failed.size)).filter((x) => !failed.has(x.id));
      if (!s) return false;
      let rec: ReturnType<typeof parseRecurrence>;
      try {
        rec = parseRecurrence(s);
      } catch {
        await repo.setNextRun(tx, s.id, null);
        return true;
      }
      const due: Date[] = [];
      let at: Date | null = s.next_run_at ? new Date(s.next_run_at) : null;
      while (at && at <= now) {
        due.push(at);
        at = rec.next(at);
      }
      const catchUp = due.slice(-MAX_CATCH_UP);
      try {
        for (const occ of catchUp) {
          if (!(await repo.claimOccurrence(tx, s.organization_id, s.id, occ))) continue;
          const itemId = await createOccurrence(deps, tx, s, occ);
          await repo.setOccurrenceItem(tx, s.id, occ, itemId);
          created++;
        }
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        deps.log.warn({ schedule: s.name, err: e.message }, "recurring ticket could not be created; skipping the occurrence");
        failedId = s.id;
        throw e;
      }
      await repo.setNextRun(tx, s.id, at);
      return true;
    }).catch(async (e) => {
      if (!failedId) throw e;
      failed.add(failedId);
      // Move past the failing occurrence(s) so the schedule goes on.
      await withTx(deps.db, async (tx) => {
        const s = await repo.findSchedule(tx, (await orgOf(tx, failedId as string)) ?? "", failedId as string);
        if (!s) return;
        await repo.setNextRun(tx, s.id, parseRecurrence(s).next(now));
      });
      return true;
    });
    if (!done) break;
  }
  return created;
}

async function orgOf(tx: DbOrTx, scheduleId: string): Promise<string | undefined> {
  const r = await tx.selectFrom("recurring_schedules").select("organization_id").where("id", "=", scheduleId).executeTakeFirst();
  return r?.organization_id;
}

async function createOccurrence(
  deps: Deps,
  tx: Tx,
  s: { id: string; name: string; organization_id: string; created_by_id: string | null; template: unknown; timezone: string },
  occ: Date,
): Promise<string> {
  const t = s.template as TTemplate;
  const adminId =
    (s.created_by_id && (await rules.isActiveAdmin(tx, s.organization_id, s.created_by_id)) ? s.created_by_id : null) ??
    (await rules.anyAdmin(tx, s.organization_id));
  if (!adminId) throw new AppError("CONFLICT", "no active administrator to create recurring tickets for");
  // The ticket and its timeline say which schedule made it; rules react to it like to any new ticket.
  await events.enterRuleContext(tx, { rule: { id: s.id, name: s.name, kind: "schedule" }, causation: { chain: [] } });
  const date = localDate(occ, s.timezone);
  const r = await createIncident(
    { ...deps, db: tx },
    { userId: adminId, organizationId: s.organization_id, role: "admin", groupIds: [] },
    {
      title: t.title.replace(/\{\{\s*date\s*\}\}/g, date).slice(0, 300),
      description: t.description.replace(/\{\{\s*date\s*\}\}/g, date),
      impact: t.impact,
      urgency: t.urgency,
      assignmentGroupId: t.assignmentGroupId ?? undefined,
      categoryId: t.categoryId ?? undefined,
      serviceId: t.serviceId ?? undefined,
    } as Parameters<typeof createIncident>[2],
    { via: "token" },
  );
  await events.leaveRuleContext(tx);
  return (r as { body: { id: string } }).body.id;
}
