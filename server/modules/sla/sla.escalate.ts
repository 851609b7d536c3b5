import type { TThreshold } from "../../../contracts/sla";
import type { Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { notify } from "../notifications/notify";
import { insertTimeline } from "../work-items/work-item.repo";
import { announce } from "../work-items/work-item.service";
import * as clocks from "./sla-clock.repo";
import { thresholdKey, thresholdTimes } from "./sla.clock";
import * as repo from "./sla.escalate.repo";
import { calendarsFor, scheduleThresholds, syncSlaClocks } from "./sla.sync";

/** Slack for a job that runs a moment early (clock skew between workers and the database). */
const EARLY_MS = 1_000;

/**
 * Fires the thresholds a running clock has reached — each exactly once, also with several workers,
 * because the firing row is claimed (unique per clock and threshold) in this same transaction — then
 * re-keys the clock's job to its next threshold. Returns the keys fired.
 */
export async function fireClockThresholds(deps: Deps, clockId: string, now = new Date()): Promise<string[]> {
  return withTx(deps.db, async (tx) => {
    const first = await clocks.findClock(tx, clockId);
    if (!first) return [];
    const item = await clocks.lockItem(tx, first.work_item_id);
    if (!item) return [];
    const clock = await clocks.findClock(tx, clockId);
    if (!clock || clock.state !== "running") return [];
    const getCal = await calendarsFor(tx, [clock.calendar_id]);
    const fired = (await clocks.firedKeys(tx, [clock.id])).get(clock.id) ?? new Set<string>();
    const snap = clocks.snapshotOf(clock);
    const due = thresholdTimes(snap, clock.thresholds as TThreshold[], fired, getCal(clock.calendar_id)).filter(
      (x) => x.at.getTime() <= now.getTime() + EARLY_MS,
    );
    const done: string[] = [];
    let fieldsChanged = false;
    for (const { key } of due) {
      if (!(await clocks.claimFiring(tx, clock.organization_id, clock.id, key))) continue;
      done.push(key);
      if (key === "breach") {
        await repo.markBreached(tx, clock.id, clock.due_at ?? now);
        await clocks.insertClockEvents(tx, clock.organization_id, clock.id, [{ kind: "breached", data: { dueAt: clock.due_at?.toISOString() ?? null } }], now);
        await insertTimeline(tx, {
          organizationId: clock.organization_id,
          workItemId: clock.work_item_id,
          actorId: null,
          kind: "sla_breached",
          visibility: "internal",
          data: { clock: clock.name, kind: clock.kind, dueAt: clock.due_at?.toISOString() ?? null },
        });
        continue;
      }
      const list = clock.thresholds as TThreshold[];
      const idx = list.findIndex((t, i) => thresholdKey(t, i) === key);
      if (idx < 0) continue;
      fieldsChanged = (await applyThreshold(tx, clock, list[idx])) || fieldsChanged;
    }
    if (fieldsChanged) await syncSlaClocks(tx, clock.work_item_id, { reason: "escalated", now });
    const after = await clocks.findClock(tx, clockId);
    if (after) await scheduleThresholds(tx, [after], getCal);
    if (done.length) {
      const fresh = await clocks.lockItem(tx, clock.work_item_id);
      if (fresh) await announce(tx, fresh, fresh.version, null);
    }
    return done;
  });
}

/** Performs one threshold's action; true when it changed the item's fields. */
async function applyThreshold(
  tx: DbOrTx,
  clock: { id: string; organization_id: string; work_item_id: string; name: string; kind: string },
  t: TThreshold,
): Promise<boolean> {
  const base = { clock: clock.name, kind: clock.kind, percent: t.percent, action: t.action };
  if (t.action === "notify") {
    const item = await repo.itemRouting(tx, clock.work_item_id);
    let recipients: string[] = [];
    if (t.recipient === "assignee" && item?.assignee_id) recipients = [item.assignee_id];
    else if (t.recipient === "group" && item?.assignment_group_id) recipients = await repo.groupMemberIds(tx, item.assignment_group_id);
    else if (t.recipient === "user" && t.userId) recipients = [t.userId];
    await insertTimeline(tx, {
      organizationId: clock.organization_id,
      workItemId: clock.work_item_id,
      actorId: null,
      kind: "sla_warning",
      visibility: "internal",
      data: { ...base, recipient: t.recipient, recipientIds: recipients },
    });
    await notify(tx, {
      type: "sla.warning",
      organizationId: clock.organization_id,
      workItemId: clock.work_item_id,
      actorId: null,
      visibility: "internal",
      recipientIds: recipients.slice(0, 200),
      message: `${clock.name} (${clock.kind.toUpperCase()}) has used ${t.percent}% of its target.`,
    });
    return false;
  }
  if (t.action === "reassign" && t.groupId) {
    const changes = await repo.reassign(tx, clock.work_item_id, t.groupId);
    if (changes.length === 0) return false;
    await insertTimeline(tx, {
      organizationId: clock.organization_id,
      workItemId: clock.work_item_id,
      actorId: null,
      kind: "updated",
      changes,
      data: { automatic: true, reason: `SLA escalation: ${clock.name} at ${t.percent}%`, ...base },
    });
    return true;
  }
  if (t.action === "raise_priority") {
    const changes = await repo.raisePriority(tx, clock.work_item_id);
    if (changes.length === 0) return false;
    await insertTimeline(tx, {
      organizationId: clock.organization_id,
      workItemId: clock.work_item_id,
      actorId: null,
      kind: "updated",
      changes,
      data: { automatic: true, reason: `SLA escalation: ${clock.name} at ${t.percent}%`, ...base },
    });
    return true;
  }
  return false;
}

/**
 * The safety net behind the keyed jobs (a lost job, a worker down at the due time): fires the breach of
 * every running clock past due that is not yet marked. Uses the partial index on due_at.
 */
export async function sweepBreaches(deps: Deps, now = new Date(), batch = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await clocks.overdueClocks(deps.db, now, batch);
    for (const r of rows) {
      const fired = await fireClockThresholds(deps, r.id, now);
      // A clock whose breach had already fired (marker lost) gets its marker without a second firing.
      if (!fired.includes("breach")) await repo.markBreachedIfOverdue(deps.db, r.id, now);
      total++;
    }
    if (rows.length < batch) return total;
  }
}
