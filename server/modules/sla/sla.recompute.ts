import type { TThreshold } from "../../../contracts/sla";
import type { Deps } from "../../deps";
import { announce } from "../work-items/work-item.service";
import { withTx } from "../../platform/db/db";
import { addBusinessTime, businessTimeBetween, type CalendarSpec, compileCalendar } from "./business-time";
import * as clocks from "./sla-clock.repo";
import { thresholdTimes } from "./sla.clock";
import * as repo from "./sla.recompute.repo";
import { compileCalendarRow, forgetCalendar, syncSlaClocks } from "./sla.sync";

export interface RecomputeCalendarPayload {
  organizationId: string;
  calendarId: string;
  /** When the calendar changed: time used before counts on the old hours, after on the new. */
  changedAt: string;
  before: CalendarSpec;
}

/**
 * Moves every running clock on a calendar to its new hours, in batches (one transaction each): the
 * business time used up to the change is counted on the old hours, the due time is recomputed on the
 * new ones, history and one timeline event per work item are written in bulk, the items' nearest due
 * times and the threshold jobs are re-keyed. Returns the number of clocks recomputed.
 */
export async function recomputeCalendarClocks(deps: Deps, p: RecomputeCalendarPayload, opts: { batch?: number; now?: Date } = {}): Promise<number> {
  const batch = opts.batch ?? 2_000;
  forgetCalendar(p.calendarId);
  const row = await repo.findCalendarRow(deps.db, p.calendarId);
  if (!row || row.organization_id !== p.organizationId) return 0;
  const next = compileCalendarRow(row);
  const old = compileCalendar(p.before);
  const changedAt = new Date(p.changedAt);
  let after = "00000000-0000-0000-0000-000000000000";
  let total = 0;
  for (;;) {
    const n = await withTx(deps.db, async (tx) => {
      const ids = await repo.runningClockIdsOnCalendar(tx, p.calendarId, after, batch);
      if (ids.length === 0) return 0;
      after = ids[ids.length - 1];
      const rows = await repo.lockClocksWithItems(tx, ids);
      const now = opts.now ?? new Date();
      const fired = await clocks.firedKeys(
        tx,
        rows.map((r) => r.id),
      );
      const updates: repo.ClockUpdate[] = [];
      const jobs: Array<{ id: string; runAt: Date | null }> = [];
      for (const r of rows) {
        if (r.state !== "running") continue;
        const c = clocks.snapshotOf(r);
        const fromDue = c.dueAt;
        if (c.elapsedAt < changedAt) {
          // Business time used before the change, counted on the old hours.
          c.elapsedMs += Math.max(0, businessTimeBetween(c.elapsedAt, changedAt, old));
          c.elapsedAt = changedAt;
        }
        c.dueAt = addBusinessTime(c.elapsedAt, c.targetMs - c.elapsedMs, next);
        if (c.dueAt && c.dueAt <= now) c.breachedAt ??= c.dueAt;
        else if (c.elapsedMs <= c.targetMs) c.breachedAt = null;
        updates.push({
          id: r.id,
          workItemId: r.work_item_id,
          elapsedMs: c.elapsedMs,
          elapsedAt: c.elapsedAt,
          dueAt: c.dueAt,
          breachedAt: c.breachedAt,
          fromDue,
        });
        const times = thresholdTimes(c, r.thresholds as TThreshold[], fired.get(r.id) ?? new Set(), next);
        jobs.push({ id: r.id, runAt: times[0]?.at ?? null });
      }
      await repo.applyClockUpdates(tx, p.organizationId, updates, now);
      await repo.refreshItemDue(tx, [...new Set(updates.map((u) => u.workItemId))]);
      await repo.insertRecalculatedTimeline(tx, p.organizationId, [...new Set(updates.map((u) => u.workItemId))], {
        reason: "calendar_changed",
        calendar: row.name,
      });
      await repo.rekeyJobs(tx, jobs);
      return ids.length;
    });
    total += n;
    if (n < batch) return total;
  }
}

/** Re-applies the policies to every open work item of an organization (after a policy change). */
export async function resyncOrganization(deps: Deps, organizationId: string, reason: string, batch = 200): Promise<number> {
  let after = "00000000-0000-0000-0000-000000000000";
  let total = 0;
  for (;;) {
    const ids = await repo.openItemIds(deps.db, organizationId, after, batch);
    for (const id of ids) {
      await withTx(deps.db, async (tx) => {
        const item = await clocks.lockItem(tx, id);
        if (!item) return;
        const r = await syncSlaClocks(tx, id, { reason });
        if (r.changed) await announce(tx, item, item.version, null);
      });
    }
    total += ids.length;
    if (ids.length < batch) return total;
    after = ids[ids.length - 1];
  }
}
