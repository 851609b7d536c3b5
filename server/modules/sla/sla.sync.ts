import type { TSlaCondition, TThreshold } from "../../../contracts/sla";
import type { DbOrTx } from "../../platform/db/db";
import { enqueueJob, removeJob } from "../../platform/jobs/queue";
import { insertTimeline } from "../work-items/work-item.repo";
import { ALWAYS_OPEN, type CompiledCalendar, compileCalendar } from "./business-time";
import * as clocks from "./sla-clock.repo";
import { advanceClock, type ClockEvent, type ItemFacts, matchesAll, metricKey, signalsFor, startClock, type TargetRule, thresholdTimes } from "./sla.clock";
import * as repo from "./sla.repo";

export const THRESHOLD_TASK = "sla.threshold";
/** One pending job per clock: the next threshold (or the breach) it reaches. Re-keyed when due times move. */
export const clockJobKey = (clockId: string) => `sla-clock:${clockId}`;

const compiled = new Map<string, { version: number; cal: CompiledCalendar }>();

/** Compiled calendars by id (null id = 24×7), cached per calendar version. */
export async function calendarsFor(db: DbOrTx, ids: Array<string | null>): Promise<(id: string | null) => CompiledCalendar> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  const rows = await repo.findCalendarsByIds(db, wanted);
  for (const r of rows) {
    const hit = compiled.get(r.id);
    if (!hit || hit.version !== r.version) compiled.set(r.id, { version: r.version, cal: compileCalendarRow(r) });
  }
  return (id) => (id ? (compiled.get(id)?.cal ?? ALWAYS_OPEN) : ALWAYS_OPEN);
}

/** A calendar row prepared for arithmetic. */
export function compileCalendarRow(r: repo.CalendarRow): CompiledCalendar {
  return compileCalendar({ timeZone: r.time_zone, hours: r.hours, holidays: r.holidays, exceptions: r.exceptions });
}

/** Forgets a compiled calendar (after it changed in this process). */
export function forgetCalendar(id: string) {
  compiled.delete(id);
}

interface PolicyMatch {
  id: string;
  name: string;
  targets: TargetRule[];
}

/** The first active policy (in order) whose conditions hold for the item, with its targets. */
export async function matchPolicy(db: DbOrTx, orgId: string, facts: ItemFacts): Promise<PolicyMatch | null> {
  const policies = await repo.listPolicies(db, orgId, { activeOnly: true });
  const p = policies.find((x) => matchesAll(x.conditions as TSlaCondition[], facts));
  if (!p) return null;
  const targets = await repo.listTargets(db, [p.id]);
  return {
    id: p.id,
    name: p.name,
    targets: targets.map((t) => ({
      policyId: p.id,
      kind: t.kind,
      metric: t.metric,
      name: t.name || (t.metric === "response" ? "Response" : t.metric === "resolution" ? "Resolution" : t.name),
      groupId: t.group_id,
      targetMs: t.duration_minutes * 60_000,
      calendarId: t.calendar_id,
      startWhen: t.start_when,
      stopWhen: t.stop_when,
      pauseWhen: t.pause_when,
      thresholds: t.thresholds,
    })),
  };
}

export interface SyncOptions {
  /** Why: created, updated, state_changed, responded, policy_changed, calendar_changed, escalated… */
  reason: string;
  actorId?: string | null;
  now?: Date;
}

const NOTABLE = new Set<ClockEvent["kind"]>(["started", "recalculated", "met", "breached", "cancelled", "reopened", "handed_off"]);
const identity = (kind: string, key: string, group: string | null) => `${kind}|${key}|${group ?? ""}`;

/**
 * (Re)applies the matching SLA policy to one work item of any type and moves its clocks, in the
 * caller's transaction: starts, pauses, resumes, stops and recalculates them, keeps their history,
 * writes one internal timeline event for notable changes, updates the item's nearest due time and
 * re-keys the threshold jobs. Call it after every change that can matter (create, field or state
 * change, first public agent reply). The caller holds the item's row lock.
 */
export async function syncSlaClocks(tx: DbOrTx, itemId: string, opts: SyncOptions): Promise<{ dueAt: Date | null; changed: boolean }> {
  const now = opts.now ?? new Date();
  const facts = await clocks.loadFacts(tx, itemId);
  if (!facts) return { dueAt: null, changed: false };
  const existing = await clocks.listItemClocks(tx, itemId);
  const policy = await matchPolicy(tx, facts.organizationId, facts);
  if (!policy && existing.length === 0) return { dueAt: null, changed: false };

  // What the item should have: one entry per target (OLAs: for the group that holds the item).
  const desired = new Map<string, { t: TargetRule; group: string | null }>();
  for (const t of policy?.targets ?? []) {
    const group = t.kind === "ola" ? (t.groupId ?? facts.assignmentGroupId) : null;
    if (t.kind === "ola" && t.groupId && facts.assignmentGroupId !== t.groupId && !existing.some((c) => c.kind === "ola" && c.group_id === t.groupId)) continue;
    desired.set(identity(t.kind, metricKey(t), group), { t, group });
  }
  const getCal = await calendarsFor(tx, [...existing.map((c) => c.calendar_id), ...(policy?.targets ?? []).map((t) => t.calendarId)]);

  const notable: Array<{ name: string; kind: string; event: ClockEvent }> = [];
  const touched = new Set<string>();
  const latest = new Map<string, repo.ClockRow>();
  for (const c of existing) {
    const id = identity(c.kind, c.metric_key, c.group_id);
    if (!latest.has(id) && c.state !== "cancelled") latest.set(id, c);
  }
  const creating = opts.reason === "created";
  let changed = false;

  for (const [id, { t, group }] of desired) {
    const s = signalsFor(t, facts, now, { creating, group });
    const prev = latest.get(id);
    if (prev && !(t.kind === "ola" && !s.started && prev.state !== "running" && prev.state !== "paused")) {
      touched.add(prev.id);
      // An OLA whose group no longer holds the item stops as handed on.
      const handedOff = t.kind === "ola" && !s.started;
      const r = advanceClock(
        clocks.snapshotOf(prev),
        handedOff ? null : t,
        handedOff ? null : s,
        { old: getCal(prev.calendar_id), next: getCal(t.calendarId) },
        now,
        handedOff ? "handed_off" : opts.reason,
      );
      const policyChanged = prev.policy_id !== t.policyId;
      if (r.changed || policyChanged) {
        changed = true;
        await clocks.updateClock(tx, prev.id, r.clock, { policyId: t.policyId, name: t.name, thresholds: t.thresholds });
        if (policyChanged && !r.events.some((e) => e.kind === "recalculated"))
          r.events.push({ kind: "recalculated", data: { reason: opts.reason, fromPolicyId: prev.policy_id, toPolicyId: t.policyId } });
        await clocks.insertClockEvents(tx, facts.organizationId, prev.id, r.events, now);
        for (const e of r.events) if (NOTABLE.has(e.kind)) notable.push({ name: t.name, kind: t.kind, event: e });
      }
      continue;
    }
    const started = startClock(t, s, getCal(t.calendarId), now);
    if (!started) continue;
    changed = true;
    const row = await clocks.insertClock(
      tx,
      {
        organizationId: facts.organizationId,
        workItemId: itemId,
        policyId: t.policyId,
        kind: t.kind,
        metric: t.metric,
        metricKey: metricKey(t),
        name: t.name,
        groupId: group,
        thresholds: t.thresholds,
      },
      started.clock,
    );
    touched.add(row.id);
    await clocks.insertClockEvents(tx, facts.organizationId, row.id, started.events, now);
    for (const e of started.events) if (NOTABLE.has(e.kind)) notable.push({ name: t.name, kind: t.kind, event: e });
  }

  // Live clocks the policy no longer asks for: cancelled (or, for an OLA, handed on).
  for (const c of existing) {
    if (touched.has(c.id) || (c.state !== "running" && c.state !== "paused")) continue;
    const stillTarget = policy?.targets.some((t) => t.kind === c.kind && metricKey(t) === c.metric_key);
    const reason = c.kind === "ola" && stillTarget ? "handed_off" : opts.reason === "created" ? "policy_changed" : `no longer applies (${opts.reason})`;
    const r = advanceClock(clocks.snapshotOf(c), null, null, { old: getCal(c.calendar_id), next: getCal(c.calendar_id) }, now, reason);
    if (!r.changed) continue;
    changed = true;
    touched.add(c.id);
    await clocks.updateClock(tx, c.id, r.clock);
    await clocks.insertClockEvents(tx, facts.organizationId, c.id, r.events, now);
    for (const e of r.events) notable.push({ name: c.name, kind: c.kind, event: e });
  }

  const after = changed ? await clocks.listItemClocks(tx, itemId) : existing;
  const due = nearestDue(after);
  if ((due?.getTime() ?? null) !== (facts.slaDueAt?.getTime() ?? null)) await clocks.setItemDue(tx, itemId, due);
  if (changed)
    await scheduleThresholds(
      tx,
      after.filter((r) => touched.has(r.id)),
      getCal,
    );

  if (notable.length) {
    await insertTimeline(tx, {
      organizationId: facts.organizationId,
      workItemId: itemId,
      actorId: opts.actorId ?? null,
      kind: "sla_changed",
      visibility: "internal",
      data: {
        reason: opts.reason,
        policy: policy ? { id: policy.id, name: policy.name } : null,
        clocks: notable.map((n) => ({ name: n.name, kind: n.kind, event: n.event.kind, ...pick(n.event.data) })),
        dueAt: due?.toISOString() ?? null,
      },
    });
  }
  return { dueAt: due, changed };
}

function pick(d: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const k of ["fromDueAt", "toDueAt", "fromTargetMs", "toTargetMs", "reason", "elapsedMs", "targetMs"]) if (d[k] !== undefined) out[k] = d[k];
  return out;
}

/** The nearest due time among running clocks. */
export function nearestDue(rows: Array<{ state: string; due_at: Date | null }>): Date | null {
  let best: Date | null = null;
  for (const r of rows) if (r.state === "running" && r.due_at && (!best || r.due_at < best)) best = r.due_at;
  return best;
}

/** Re-keys each clock's job to its next threshold; removes the jobs of clocks that no longer run. */
export async function scheduleThresholds(tx: DbOrTx, rows: repo.ClockRow[], getCal: (id: string | null) => CompiledCalendar) {
  const running = rows.filter((r) => r.state === "running");
  const fired = await clocks.firedKeys(
    tx,
    running.map((r) => r.id),
  );
  for (const r of rows) {
    if (r.state !== "running") {
      await removeJob(tx, clockJobKey(r.id));
      continue;
    }
    const times = thresholdTimes(clocks.snapshotOf(r), r.thresholds as TThreshold[], fired.get(r.id) ?? new Set(), getCal(r.calendar_id));
    if (times.length === 0) await removeJob(tx, clockJobKey(r.id));
    else await enqueueJob(tx, THRESHOLD_TASK, { clockId: r.id }, { runAt: times[0].at, jobKey: clockJobKey(r.id) });
  }
}
