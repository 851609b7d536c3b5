import type { TCalendar, TCalendarInput, TPolicy, TPolicyInput, TSlaCondition } from "../../../contracts/sla";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError, type ErrorDetail, notFound } from "../../platform/http/errors";
import { enqueueJob } from "../../platform/jobs/queue";
import { insertAudit } from "../identity/identity.repo";
import * as repo from "./sla.repo";
import { forgetCalendar } from "./sla.sync";

export const RESYNC_TASK = "sla.resync-organization";
export const RECOMPUTE_CALENDAR_TASK = "sla.recompute-calendar";

const iso = (d: Date) => d.toISOString();

function presentCalendar(r: repo.CalendarRow & { used_by?: number | null }, usedBy?: number): TCalendar {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    timeZone: r.time_zone,
    hours: r.hours,
    holidays: r.holidays,
    exceptions: r.exceptions,
    usedBy: Number(usedBy ?? r.used_by ?? 0),
    version: r.version,
    updatedAt: iso(r.updated_at),
  };
}

function uniqueViolation(e: unknown, what: string): never {
  if ((e as { code?: string }).code === "23505")
    throw new AppError("CONFLICT", `A ${what} with this name already exists`, [{ field: "body.name", message: "already taken" }]);
  throw e;
}

/** Business calendars of the caller's organization. */
export async function listCalendars(deps: Deps, actor: Actor): Promise<TCalendar[]> {
  return (await repo.listCalendars(deps.db, actor.organizationId)).map((r) => presentCalendar(r));
}

/** One calendar. */
export async function getCalendar(deps: Deps, actor: Actor, id: string): Promise<TCalendar> {
  const r = await repo.findCalendar(deps.db, actor.organizationId, id);
  if (!r) throw notFound("Calendar");
  return presentCalendar(r, await repo.calendarUseCount(deps.db, id));
}

/** Adds a calendar (validated by the contract: zone, intervals, exceptions). */
export async function createCalendar(deps: Deps, actor: Actor, input: TCalendarInput): Promise<TCalendar> {
  return withTx(deps.db, async (tx) => {
    const r = await repo.insertCalendar(tx, actor.organizationId, input).catch((e) => uniqueViolation(e, "calendar"));
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "sla_calendar.created",
      entityType: "sla_calendar",
      entityId: r.id,
      data: { name: r.name },
      ip: actor.ip,
    });
    return presentCalendar(r, 0);
  });
}

/**
 * Replaces a calendar. Clocks running on it are recomputed by a job: the time they used so far stays as
 * counted on the old hours, their due times move to the new ones.
 */
export async function updateCalendar(deps: Deps, actor: Actor, id: string, input: TCalendarInput, expectedVersion?: number): Promise<TCalendar> {
  const out = await withTx(deps.db, async (tx) => {
    const before = await repo.findCalendar(tx, actor.organizationId, id, { forUpdate: true });
    if (!before) throw notFound("Calendar");
    if (expectedVersion !== undefined && expectedVersion !== before.version)
      throw new AppError("VERSION_CONFLICT", `The calendar changed since you read it (your version ${expectedVersion}, current ${before.version})`);
    const r = await repo.updateCalendar(tx, id, input).catch((e) => uniqueViolation(e, "calendar"));
    const changedAt = new Date();
    await enqueueJob(tx, RECOMPUTE_CALENDAR_TASK, {
      organizationId: actor.organizationId,
      calendarId: id,
      changedAt: changedAt.toISOString(),
      before: { timeZone: before.time_zone, hours: before.hours, holidays: before.holidays, exceptions: before.exceptions },
    });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "sla_calendar.updated",
      entityType: "sla_calendar",
      entityId: id,
      data: { name: r.name, version: r.version },
      ip: actor.ip,
    });
    return presentCalendar(r, await repo.calendarUseCount(tx, id));
  });
  forgetCalendar(id);
  return out;
}

/** Deletes a calendar no target uses (409 otherwise). */
export async function deleteCalendar(deps: Deps, actor: Actor, id: string): Promise<void> {
  await withTx(deps.db, async (tx) => {
    const r = await repo.findCalendar(tx, actor.organizationId, id, { forUpdate: true });
    if (!r) throw notFound("Calendar");
    const n = await repo.calendarUseCount(tx, id);
    if (n > 0) throw new AppError("CONFLICT", `The calendar is used by ${n} SLA target(s); change them first`);
    await repo.deleteCalendar(tx, id);
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "sla_calendar.deleted",
      entityType: "sla_calendar",
      entityId: id,
      data: { name: r.name },
      ip: actor.ip,
    });
  });
  forgetCalendar(id);
}

// ---- policies --------------------------------------------------------------------------------

async function presentPolicies(deps: Deps, rows: repo.PolicyRow[]): Promise<TPolicy[]> {
  const targets = await repo.listTargets(
    deps.db,
    rows.map((r) => r.id),
  );
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    active: p.active,
    position: p.position,
    conditions: p.conditions,
    version: p.version,
    updatedAt: iso(p.updated_at),
    targets: targets
      .filter((t) => t.policy_id === p.id)
      .map((t) => ({
        id: t.id,
        kind: t.kind,
        metric: t.metric,
        name: t.name,
        group: t.group_id ? { id: t.group_id, name: t.group_name ?? "" } : null,
        durationMinutes: t.duration_minutes,
        calendar: t.calendar_id ? { id: t.calendar_id, name: t.calendar_name ?? "" } : null,
        startWhen: t.start_when,
        stopWhen: t.stop_when,
        pauseWhen: t.pause_when,
        thresholds: t.thresholds,
      })),
  }));
}

/** Refuses references to another organization's records (or none), naming each field. */
async function assertPolicyReferences(deps: Deps, orgId: string, p: TPolicyInput) {
  const details: ErrorDetail[] = [];
  const want: Record<"groups" | "users" | "services" | "categories" | "sla_calendars", Array<{ id: string; field: string }>> = {
    groups: [],
    users: [],
    services: [],
    categories: [],
    sla_calendars: [],
  };
  const TABLE: Partial<Record<TSlaCondition["field"], keyof typeof want>> = {
    serviceId: "services",
    categoryId: "categories",
    assignmentGroupId: "groups",
    assigneeId: "users",
  };
  const conds = (list: TSlaCondition[], path: string) =>
    list.forEach((c, i) => {
      const table = TABLE[c.field];
      if (!table) return;
      c.values.forEach((v, k) => {
        want[table].push({ id: String(v), field: `${path}.${i}.values.${k}` });
      });
    });
  conds(p.conditions, "body.conditions");
  p.targets.forEach((t, i) => {
    const path = `body.targets.${i}`;
    if (t.calendarId) want.sla_calendars.push({ id: t.calendarId, field: `${path}.calendarId` });
    if (t.groupId) want.groups.push({ id: t.groupId, field: `${path}.groupId` });
    conds(t.startWhen, `${path}.startWhen`);
    conds(t.stopWhen, `${path}.stopWhen`);
    conds(t.pauseWhen, `${path}.pauseWhen`);
    t.thresholds.forEach((h, k) => {
      if (h.groupId) want.groups.push({ id: h.groupId, field: `${path}.thresholds.${k}.groupId` });
      if (h.userId) want.users.push({ id: h.userId, field: `${path}.thresholds.${k}.userId` });
    });
  });
  for (const [table, refs] of Object.entries(want) as Array<[keyof typeof want, Array<{ id: string; field: string }>]>) {
    const found = await repo.existingIds(
      deps.db,
      orgId,
      table,
      refs.map((r) => r.id),
    );
    for (const r of refs)
      if (!found.has(r.id)) details.push({ field: r.field, message: `no such ${table === "sla_calendars" ? "calendar" : table.slice(0, -1)}` });
  }
  if (details.length) throw new AppError("VALIDATION_FAILED", `${details[0].field}: ${details[0].message}`, details);
}

/** Policies in evaluation order. */
export async function listPolicies(deps: Deps, actor: Actor): Promise<TPolicy[]> {
  return presentPolicies(deps, await repo.listPolicies(deps.db, actor.organizationId));
}

export async function getPolicy(deps: Deps, actor: Actor, id: string): Promise<TPolicy> {
  const p = await repo.findPolicy(deps.db, actor.organizationId, id);
  if (!p) throw notFound("SLA policy");
  return (await presentPolicies(deps, [p]))[0];
}

/** Adds a policy with its targets; open work items are re-evaluated by a job. */
export async function createPolicy(deps: Deps, actor: Actor, input: TPolicyInput): Promise<TPolicy> {
  await assertPolicyReferences(deps, actor.organizationId, input);
  const id = await withTx(deps.db, async (tx) => {
    const p = await repo.insertPolicy(tx, actor.organizationId, input).catch((e) => uniqueViolation(e, "policy"));
    await repo.replaceTargets(tx, actor.organizationId, p.id, input.targets);
    await enqueueJob(tx, RESYNC_TASK, { organizationId: actor.organizationId, reason: "policy_changed" }, { jobKey: `sla-resync:${actor.organizationId}` });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "sla_policy.created",
      entityType: "sla_policy",
      entityId: p.id,
      data: { name: p.name },
      ip: actor.ip,
    });
    return p.id;
  });
  return getPolicy(deps, actor, id);
}

/** Replaces a policy and its targets; clocks under it are recalculated by a job (history kept). */
export async function updatePolicy(deps: Deps, actor: Actor, id: string, input: TPolicyInput, expectedVersion?: number): Promise<TPolicy> {
  await assertPolicyReferences(deps, actor.organizationId, input);
  await withTx(deps.db, async (tx) => {
    const before = await repo.findPolicy(tx, actor.organizationId, id, { forUpdate: true });
    if (!before) throw notFound("SLA policy");
    if (expectedVersion !== undefined && expectedVersion !== before.version)
      throw new AppError("VERSION_CONFLICT", `The policy changed since you read it (your version ${expectedVersion}, current ${before.version})`);
    const p = await repo.updatePolicy(tx, id, input).catch((e) => uniqueViolation(e, "policy"));
    await repo.replaceTargets(tx, actor.organizationId, id, input.targets);
    await enqueueJob(tx, RESYNC_TASK, { organizationId: actor.organizationId, reason: "policy_changed" }, { jobKey: `sla-resync:${actor.organizationId}` });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "sla_policy.updated",
      entityType: "sla_policy",
      entityId: id,
      data: { name: p.name, version: p.version },
      ip: actor.ip,
    });
  });
  return getPolicy(deps, actor, id);
}

/** Deletes a policy; its running clocks are cancelled or moved to the next matching policy by a job. */
export async function deletePolicy(deps: Deps, actor: Actor, id: string): Promise<void> {
  await withTx(deps.db, async (tx) => {
    const p = await repo.findPolicy(tx, actor.organizationId, id, { forUpdate: true });
    if (!p) throw notFound("SLA policy");
    await repo.deletePolicy(tx, id);
    await enqueueJob(tx, RESYNC_TASK, { organizationId: actor.organizationId, reason: "policy_changed" }, { jobKey: `sla-resync:${actor.organizationId}` });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "sla_policy.deleted",
      entityType: "sla_policy",
      entityId: id,
      data: { name: p.name },
      ip: actor.ip,
    });
  });
}
