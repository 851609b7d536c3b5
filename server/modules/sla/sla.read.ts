import type { TClock } from "../../../contracts/sla";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../platform/http/errors";
import { isStaffActor } from "../work-items/work-item.policy";
import { findVisibleItem } from "../work-items/work-item.service";
import * as clocks from "./sla-clock.repo";
import { elapsedAt } from "./sla.clock";
import * as repo from "./sla.read.repo";
import type { ClockRow } from "./sla.repo";
import { calendarsFor } from "./sla.sync";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Presents clocks with their live elapsed and remaining business time at `now`. */
export async function presentClocks(deps: Deps, rows: ClockRow[], now = new Date()): Promise<TClock[]> {
  const getCal = await calendarsFor(
    deps.db,
    rows.map((r) => r.calendar_id),
  );
  const names = await clocks.clockRefNames(deps.db, [
    ...new Set(rows.flatMap((r) => [r.policy_id, r.group_id, r.calendar_id]).filter((x): x is string => !!x)),
  ]);
  const ref = (id: string | null) => (id ? { id, name: names.get(id) ?? "" } : null);
  return rows.map((r) => {
    const snap = clocks.snapshotOf(r);
    const elapsed = Math.round(elapsedAt(snap, getCal(r.calendar_id), now));
    const target = Number(r.target_ms);
    return {
      id: r.id,
      kind: r.kind,
      metric: r.metric,
      name: r.name,
      policy: ref(r.policy_id),
      group: ref(r.group_id),
      calendar: ref(r.calendar_id),
      state: r.state,
      breached: r.state === "breached" || r.breached_at !== null || (r.state !== "met" && r.state !== "cancelled" && elapsed > target),
      targetMs: target,
      elapsedMs: elapsed,
      remainingMs: target - elapsed,
      percent: target > 0 ? Math.round((elapsed / target) * 1000) / 10 : 0,
      startedAt: r.started_at.toISOString(),
      dueAt: iso(r.due_at),
      pausedAt: iso(r.paused_at),
      stoppedAt: iso(r.stopped_at),
      breachedAt: iso(r.breached_at),
      pausedMs: Number(r.paused_ms),
    };
  });
}

/** The clocks of one work item with their history (agents; requesters get 403). */
export async function getItemClocks(deps: Deps, actor: Actor, ref: string) {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents see service-level clocks");
  const item = await findVisibleItem(deps.db, actor, ref);
  const rows = await clocks.listItemClocks(deps.db, item.id);
  // Live clocks first, then stopped ones, newest first within each.
  rows.sort((a, b) => rank(a.state) - rank(b.state) || b.created_at.getTime() - a.created_at.getTime());
  const presented = await presentClocks(deps, rows);
  const events = await clocks.listClockEvents(
    deps.db,
    rows.map((r) => r.id),
  );
  return {
    items: presented.map((c) => ({
      ...c,
      history: events.filter((e) => e.clock_id === c.id).map((e) => ({ kind: e.kind, at: e.at.toISOString(), data: e.data })),
    })),
  };
}

const rank = (s: string) => (s === "running" ? 0 : s === "paused" ? 1 : s === "cancelled" ? 3 : 2);

/** Open clocks at or above a share of their target, most urgent first (agents). */
export async function listAtRisk(deps: Deps, actor: Actor, q: { minPercent: number; limit: number }) {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Agents only");
  const now = new Date();
  // Candidates: running clocks by due time (past due first); percent is then computed exactly.
  const rows = await repo.runningClocksByDue(deps.db, actor.organizationId, 2_000);
  const presented = await presentClocks(
    deps,
    rows.map((r) => r.clock),
    now,
  );
  const out = [];
  for (let i = 0; i < rows.length && out.length < q.limit; i++) {
    const c = presented[i];
    if (c.percent < q.minPercent) continue;
    const w = rows[i];
    out.push({
      workItemId: w.clock.work_item_id,
      number: w.number,
      title: w.title,
      type: w.type,
      priority: w.priority,
      assignmentGroup: w.group_id ? { id: w.group_id, name: w.group_name ?? "" } : null,
      clock: c,
    });
  }
  return { items: out };
}

/** SLA compliance (met vs breached among clocks stopped in the period) grouped as asked. */
export async function complianceReport(
  deps: Deps,
  actor: Actor,
  q: { groupBy: "policy" | "group" | "service" | "metric"; from?: string; to?: string; kind: "sla" | "ola" },
) {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Agents only");
  const from = q.from ? new Date(q.from) : new Date(Date.now() - 30 * 86_400_000);
  const to = q.to ? new Date(q.to) : new Date();
  if (!(from < to)) throw new AppError("VALIDATION_FAILED", "query.from: must be before to", [{ field: "query.from", message: "must be before to" }]);
  const rows = await repo.compliance(deps.db, actor.organizationId, q.groupBy, from, to, q.kind);
  return {
    rows: rows.map((r) => ({
      key: r.key,
      label: r.label ?? (r.key ? "" : "(none)"),
      met: Number(r.met),
      breached: Number(r.breached),
      compliancePct: Number(r.met) + Number(r.breached) > 0 ? Math.round((Number(r.met) / (Number(r.met) + Number(r.breached))) * 1000) / 10 : null,
      openBreached: Number(r.open_breached),
    })),
  };
}
