import type { z } from "zod";
import type {
  TContractReport,
  TContractUsage,
  TCreateSupportContractRequest,
  TCreateTimeEntryRequest,
  TTimeEntry,
  TTimeSheet,
  ZStopTimerRequest,
  ZThresholdWarning,
} from "../../../contracts/time-tracking";
import { MAX_ENTRY_MINUTES } from "../../../contracts/time-tracking";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, type Tx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { insertAudit } from "../identity/identity.repo";
import { isStaffActor } from "../work-items/work-item.policy";
import { insertTimeline, touchItem } from "../work-items/work-item.repo";
import { announce, findVisibleItem } from "../work-items/work-item.service";
import * as repo from "./time.repo";

type Warning = z.infer<typeof ZThresholdWarning>;

const today = () => new Date().toISOString().slice(0, 10);
const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

function requireStaff(actor: Actor) {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents track time");
}

/** A work date must be a real day, not in the future and not more than a year back. */
function checkWorkDate(day: string) {
  const t = Date.parse(`${day}T00:00:00Z`);
  const now = Date.now();
  if (t > now + 86_400_000) throw invalidField("body.workDate", "cannot be in the future");
  if (t < now - 366 * 86_400_000) throw invalidField("body.workDate", "is more than a year ago");
}

/** The organization's contract budget for the month of a day. */
async function usageFor(db: DbOrTx, orgId: string, day: string): Promise<TContractUsage | null> {
  const c = await repo.findContractFor(db, orgId, day);
  if (!c) return null;
  const used = await repo.billableMinutesInMonth(db, c.id, day);
  const included = Number(c.monthly_hours);
  return {
    contractId: c.id,
    name: c.name,
    month: day.slice(0, 7),
    includedHours: included,
    billableHours: hours(used),
    remainingHours: Math.round((included - used / 60) * 100) / 100,
    percentUsed: Math.floor((used / 60 / included) * 100),
  };
}

function presentEntry(r: Awaited<ReturnType<typeof repo.listEntries>>[number]): TTimeEntry {
  return {
    id: r.id,
    user: { id: r.user_id, name: r.user_name, email: r.user_email },
    workDate: r.work_date,
    minutes: r.minutes,
    activity: r.activity as TTimeEntry["activity"],
    billable: r.billable,
    note: r.note,
    source: r.source,
    contract: r.contract_id ? { id: r.contract_id, name: r.contract_name as string } : null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** An item's time entries, totals, the caller's running timer and this month's contract budget. */
export async function getTimeSheet(deps: Deps, actor: Actor, ref: string): Promise<TTimeSheet> {
  requireStaff(actor);
  const item = await findVisibleItem(deps.db, actor, ref);
  const [rows, timer, contract] = await Promise.all([
    repo.listEntries(deps.db, item.id),
    repo.findTimer(deps.db, actor.userId, item.id),
    usageFor(deps.db, actor.organizationId, today()),
  ]);
  const items = rows.map(presentEntry);
  return {
    items,
    totalMinutes: items.reduce((s, e) => s + e.minutes, 0),
    billableMinutes: items.filter((e) => e.billable).reduce((s, e) => s + e.minutes, 0),
    timer: timer ? { startedAt: new Date(timer.started_at).toISOString() } : null,
    contract,
  };
}

/** Writes one entry; billable time draws down the contract covering its day and records crossed thresholds once. */
async function insertTimeEntry(
  tx: Tx,
  actor: Actor,
  item: { id: string; organization_id: string; number: string; requester_id: string },
  input: { minutes: number; workDate: string; activity: string; billable: boolean; note: string; source: "manual" | "timer" },
): Promise<{ entry: TTimeEntry; warnings: Warning[] }> {
  const contract = input.billable ? await repo.lockContractFor(tx, actor.organizationId, input.workDate) : undefined;
  const before = contract ? await repo.billableMinutesInMonth(tx, contract.id, input.workDate) : 0;
  const { id } = await repo.insertEntry(tx, {
    organizationId: actor.organizationId,
    workItemId: item.id,
    userId: actor.userId,
    ...input,
    contractId: contract?.id ?? null,
  });
  await insertTimeline(tx, {
    organizationId: actor.organizationId,
    workItemId: item.id,
    actorId: actor.userId,
    kind: "time_logged",
    visibility: "internal",
    data: { entryId: id, minutes: input.minutes, billable: input.billable, activity: input.activity, source: input.source, workDate: input.workDate },
  });
  const warnings: Warning[] = [];
  if (contract) {
    const used = before + input.minutes;
    const includedMinutes = Number(contract.monthly_hours) * 60;
    for (const threshold of [...contract.thresholds].sort((a, b) => a - b)) {
      if (used * 100 < threshold * includedMinutes) continue;
      if (
        !(await repo.recordAlert(tx, {
          contractId: contract.id,
          orgId: actor.organizationId,
          day: input.workDate,
          threshold,
          usedMinutes: used,
          workItemId: item.id,
        }))
      )
        continue;
      const w = { contractId: contract.id, name: contract.name, month: input.workDate.slice(0, 7), threshold };
      warnings.push(w);
      await insertTimeline(tx, {
        organizationId: actor.organizationId,
        workItemId: item.id,
        actorId: actor.userId,
        kind: "contract_threshold_reached",
        visibility: "internal",
        data: { ...w, usedHours: hours(used), includedHours: Number(contract.monthly_hours) },
      });
      // Seam: when the notifications module lands, enqueue "notify contract owners" here.
      await insertAudit(tx, {
        organizationId: actor.organizationId,
        actorId: actor.userId,
        action: "support_contract.threshold_reached",
        entityType: "support_contract",
        entityId: contract.id,
        data: { ...w, usedMinutes: used, workItem: item.number },
        ip: actor.ip,
      });
    }
  }
  const v = await touchItem(tx, item.id);
  await announce(tx, item, v, actor.userId);
  const [row] = await repo.listEntries(tx, item.id, id);
  return { entry: presentEntry(row), warnings };
}

/** Logs time by hand on any work item. */
export async function logTime(deps: Deps, actor: Actor, ref: string, input: TCreateTimeEntryRequest) {
  requireStaff(actor);
  const workDate = input.workDate ?? today();
  checkWorkDate(workDate);
  return withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { forUpdate: true });
    return insertTimeEntry(tx, actor, item, { ...input, workDate, source: "manual" });
  });
}

/** Starts the caller's timer on an item (409 when one already runs there). */
export async function startTimer(deps: Deps, actor: Actor, ref: string) {
  requireStaff(actor);
  const item = await findVisibleItem(deps.db, actor, ref);
  if (!(await repo.startTimer(deps.db, actor.organizationId, actor.userId, item.id)))
    throw new AppError("CONFLICT", "Your timer is already running on this item");
  return getTimeSheet(deps, actor, item.id);
}

/** Stops the caller's timer and logs the elapsed time (to the nearest minute, at least one). */
export async function stopTimer(deps: Deps, actor: Actor, ref: string, input: z.infer<typeof ZStopTimerRequest>) {
  requireStaff(actor);
  return withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { forUpdate: true });
    const t = await repo.takeTimer(tx, actor.userId, item.id);
    if (!t) throw notFound("Running timer");
    const minutes = Math.max(1, Math.round((Date.now() - new Date(t.started_at).getTime()) / 60_000));
    if (minutes > MAX_ENTRY_MINUTES)
      throw new AppError("VALIDATION_FAILED", "The timer ran for more than 24 hours; discard it and log the time by hand", [
        { field: "timer", message: "longer than 24 hours" },
      ]);
    return insertTimeEntry(tx, actor, item, { minutes, workDate: today(), ...input, source: "timer" });
  });
}

/** Throws the caller's running timer away without logging. */
export async function discardTimer(deps: Deps, actor: Actor, ref: string) {
  requireStaff(actor);
  const item = await findVisibleItem(deps.db, actor, ref);
  if (!(await repo.takeTimer(deps.db, actor.userId, item.id))) throw notFound("Running timer");
}

/** Deletes a time entry: one's own, or any as an administrator. */
export async function deleteTimeEntry(deps: Deps, actor: Actor, ref: string, entryId: string) {
  requireStaff(actor);
  await withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { forUpdate: true });
    const e = await repo.findEntry(tx, actor.organizationId, item.id, entryId);
    if (!e) throw notFound("Time entry");
    if (e.user_id !== actor.userId && actor.role !== "admin") throw new AppError("FORBIDDEN", "You can delete only your own time entries");
    await repo.deleteEntry(tx, entryId);
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: item.id,
      actorId: actor.userId,
      kind: "time_deleted",
      visibility: "internal",
      data: { entryId, minutes: e.minutes, billable: e.billable },
    });
  });
}

/** The organization's support contracts with this month's usage (agents read, admins write). */
export async function listSupportContracts(deps: Deps, actor: Actor) {
  requireStaff(actor);
  const rows = await repo.listContracts(deps.db, actor.organizationId);
  const now = today();
  const current = await usageFor(deps.db, actor.organizationId, now);
  return rows.map((c) => ({
    id: c.id,
    name: c.name,
    startsOn: c.starts_on,
    endsOn: c.ends_on,
    monthlyHours: Number(c.monthly_hours),
    thresholds: c.thresholds,
    active: c.active,
    current: current?.contractId === c.id ? current : null,
  }));
}

/** Adds a support contract; periods of active contracts may not overlap. */
export async function createSupportContract(deps: Deps, actor: Actor, input: TCreateSupportContractRequest) {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators manage support contracts");
  const id = await withTx(deps.db, async (tx) => {
    const clash = await repo.overlappingContract(tx, actor.organizationId, input.startsOn, input.endsOn ?? null);
    if (clash)
      throw new AppError("CONFLICT", `The period overlaps the contract "${clash.name}"`, [{ field: "body.startsOn", message: "overlaps another contract" }]);
    const c = await repo.insertContract(tx, {
      organizationId: actor.organizationId,
      name: input.name,
      startsOn: input.startsOn,
      endsOn: input.endsOn ?? null,
      monthlyHours: input.monthlyHours,
      thresholds: [...new Set(input.thresholds)].sort((a, b) => a - b),
      createdById: actor.userId,
    });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "support_contract.created",
      entityType: "support_contract",
      entityId: c.id,
      data: { name: input.name, monthlyHours: input.monthlyHours },
      ip: actor.ip,
    });
    return c.id;
  });
  const all = await listSupportContracts(deps, actor);
  return all.find((c) => c.id === id) as (typeof all)[number];
}

/** Billable vs included hours per organization, contract and month. */
export async function supportContractReport(deps: Deps, actor: Actor, q: { from: string; to: string }): Promise<TContractReport> {
  requireStaff(actor);
  if (q.to < q.from) throw invalidField("query.to", "must not be before from");
  const [fy, fm] = q.from.split("-").map(Number);
  const [ty, tm] = q.to.split("-").map(Number);
  if ((ty - fy) * 12 + (tm - fm) > 23) throw invalidField("query.to", "at most 24 months at a time");
  const rows = await repo.contractReport(deps.db, actor.organizationId, `${q.from}-01`, `${q.to}-01`);
  return {
    rows: rows.map((r) => ({
      organization: { id: r.org_id, name: r.org_name },
      contract: { id: r.contract_id, name: r.contract_name },
      month: r.month,
      includedHours: Number(r.monthly_hours),
      billableHours: hours(r.billable_minutes),
      nonBillableHours: hours(r.other_minutes),
      percentUsed: Math.floor((r.billable_minutes / 60 / Number(r.monthly_hours)) * 100),
      warnings: r.warnings,
    })),
  };
}
