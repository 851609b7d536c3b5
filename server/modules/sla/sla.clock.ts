import type { TSlaCondition, TThreshold } from "../../../contracts/sla";
import { addBusinessTime, businessTimeBetween, type CompiledCalendar } from "./business-time";
import type { ClockState, Metric } from "./sla.tables";

/**
 * The clock rules (pure): which clocks a work item should have under its policy, and how a clock moves
 * (start, pause, resume, stop, reopen, recalculate) given what is true of the item now.
 */

/** What the rules know of a work item. */
export interface ItemFacts {
  type: string;
  priority: number;
  state: string;
  impact: string;
  urgency: string;
  channel: string;
  serviceId: string | null;
  categoryId: string | null;
  assignmentGroupId: string | null;
  assigneeId: string | null;
  createdAt: Date;
  /** Resolved (or closed) since: stops resolution clocks. */
  resolvedAt: Date | null;
  /** First public reply by an agent: stops response clocks. */
  respondedAt: Date | null;
}

/** A target as the rules need it. */
export interface TargetRule {
  policyId: string;
  kind: "sla" | "ola";
  metric: Metric;
  name: string;
  groupId: string | null;
  targetMs: number;
  calendarId: string | null;
  startWhen: TSlaCondition[];
  stopWhen: TSlaCondition[];
  pauseWhen: TSlaCondition[];
  thresholds: TThreshold[];
}

/** The mutable part of a clock. */
export interface ClockSnapshot {
  state: ClockState;
  startedAt: Date;
  elapsedMs: number;
  elapsedAt: Date;
  pausedAt: Date | null;
  pausedMs: number;
  dueAt: Date | null;
  stoppedAt: Date | null;
  breachedAt: Date | null;
  targetMs: number;
  calendarId: string | null;
}

export interface ClockEvent {
  kind: "started" | "paused" | "resumed" | "met" | "breached" | "cancelled" | "reopened" | "recalculated" | "handed_off";
  data: Record<string, unknown>;
}

const FIELD_OF: Record<TSlaCondition["field"], keyof ItemFacts> = {
  type: "type",
  priority: "priority",
  state: "state",
  impact: "impact",
  urgency: "urgency",
  channel: "channel",
  serviceId: "serviceId",
  categoryId: "categoryId",
  assignmentGroupId: "assignmentGroupId",
  assigneeId: "assigneeId",
};

/** True when every condition holds for the item (an empty list always holds). */
export function matchesAll(conditions: TSlaCondition[], facts: ItemFacts): boolean {
  return conditions.every((c) => {
    const v = facts[FIELD_OF[c.field]] as string | number | null;
    switch (c.op) {
      case "in":
        return v !== null && c.values.some((x) => String(x) === String(v));
      case "not_in":
        return v === null || !c.values.some((x) => String(x) === String(v));
      case "is_empty":
        return v === null;
      case "is_not_empty":
        return v !== null;
    }
    return false;
  });
}

/** The stable identity of a clock within an item (one live clock per identity). */
export function metricKey(t: { metric: Metric; name: string }): string {
  return t.metric === "custom" ? `custom:${t.name.trim().toLowerCase()}` : t.metric;
}

/** What the item says about one target right now. */
export interface Signals {
  started: boolean;
  startAt: Date;
  stopped: boolean;
  stopAt: Date;
  paused: boolean;
  cancelled: boolean;
}

/** Reads the signals of a target from the facts (the group is the OLA clock's group). */
export function signalsFor(t: TargetRule, facts: ItemFacts, now: Date, opts: { creating: boolean; group: string | null }): Signals {
  const cancelled = facts.state === "cancelled";
  const startNow = opts.creating ? facts.createdAt : now;
  let started = true;
  let startAt = facts.createdAt;
  let stopped = false;
  let stopAt = now;
  if (t.kind === "ola") {
    started = opts.group !== null && facts.assignmentGroupId === opts.group;
    startAt = startNow;
  }
  if (t.metric === "response") {
    const at = facts.respondedAt ?? facts.resolvedAt ?? (t.kind === "ola" && facts.assigneeId ? now : null);
    if (at) {
      stopped = true;
      stopAt = at;
    }
  } else if (t.metric === "resolution") {
    if (facts.resolvedAt) {
      stopped = true;
      stopAt = facts.resolvedAt;
    }
  } else {
    if (t.kind === "sla") {
      started = matchesAll(t.startWhen, facts);
      startAt = startNow;
    } else started &&= matchesAll(t.startWhen, facts);
    if (matchesAll(t.stopWhen, facts)) {
      stopped = true;
      stopAt = now;
    }
  }
  const paused = !stopped && t.pauseWhen.length > 0 && matchesAll(t.pauseWhen, facts);
  return { started, startAt, stopped, stopAt, paused, cancelled };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function dueOf(c: ClockSnapshot, cal: CompiledCalendar): Date | null {
  return addBusinessTime(c.elapsedAt, c.targetMs - c.elapsedMs, cal);
}

function finish(c: ClockSnapshot, at: Date, events: ClockEvent[], reason?: string) {
  const late = c.elapsedMs > c.targetMs;
  c.state = late ? "breached" : "met";
  c.stoppedAt = at;
  if (late && !c.breachedAt) c.breachedAt = at;
  c.dueAt = null;
  c.pausedAt = null;
  events.push({ kind: late ? "breached" : "met", data: { elapsedMs: c.elapsedMs, targetMs: c.targetMs, ...(reason ? { reason } : {}) } });
}

/** A new clock for a target whose start signal holds; null when it should not exist. */
export function startClock(t: TargetRule, s: Signals, cal: CompiledCalendar, now: Date): { clock: ClockSnapshot; events: ClockEvent[] } | null {
  if (!s.started || s.cancelled) return null;
  const until = s.stopped ? (s.stopAt < now ? s.stopAt : now) : now;
  const startAt = s.startAt > until ? until : s.startAt;
  const c: ClockSnapshot = {
    state: "running",
    startedAt: startAt,
    elapsedMs: Math.max(0, businessTimeBetween(startAt, until, cal)),
    elapsedAt: until,
    pausedAt: null,
    pausedMs: 0,
    dueAt: null,
    stoppedAt: null,
    breachedAt: null,
    targetMs: t.targetMs,
    calendarId: t.calendarId,
  };
  const events: ClockEvent[] = [{ kind: "started", data: { at: iso(startAt), targetMs: t.targetMs, calendarId: t.calendarId } }];
  if (s.stopped) finish(c, until, events);
  else if (s.paused) {
    c.state = "paused";
    c.pausedAt = now;
    events.push({ kind: "paused", data: {} });
  } else {
    c.dueAt = dueOf(c, cal);
    if (c.dueAt && c.dueAt <= now) c.breachedAt = c.dueAt;
  }
  return { clock: c, events };
}

/**
 * Moves an existing clock to what the signals say, with the target's (possibly new) duration and
 * calendar. `oldCal` is the calendar the clock has run on so far: time already used stays as counted.
 */
export function advanceClock(
  prev: ClockSnapshot,
  t: TargetRule | null,
  s: Signals | null,
  cals: { old: CompiledCalendar; next: CompiledCalendar },
  now: Date,
  reason: string,
): { clock: ClockSnapshot; events: ClockEvent[]; changed: boolean } {
  const c: ClockSnapshot = { ...prev };
  const events: ClockEvent[] = [];
  const live = c.state === "running" || c.state === "paused";

  if (live && c.state === "running") {
    // Checkpoint the business time used so far on the calendar it ran on.
    const at = s?.stopped && s.stopAt < now && s.stopAt > c.elapsedAt ? s.stopAt : now;
    if (at > c.elapsedAt) c.elapsedMs += businessTimeBetween(c.elapsedAt, at, cals.old);
    c.elapsedAt = at > c.elapsedAt ? at : c.elapsedAt;
  }

  if (!t || !s) {
    // The target no longer applies (policy changed, or an OLA group handed the item on).
    if (live) {
      if (reason === "handed_off") finish(c, now, events, "handed_off");
      else {
        c.state = "cancelled";
        c.stoppedAt = now;
        c.dueAt = null;
        c.pausedAt = null;
        events.push({ kind: "cancelled", data: { reason } });
      }
    }
    return { clock: c, events, changed: events.length > 0 };
  }

  if (s.cancelled) {
    if (live) {
      c.state = "cancelled";
      c.stoppedAt = now;
      c.dueAt = null;
      c.pausedAt = null;
      events.push({ kind: "cancelled", data: { reason: "work item cancelled" } });
    }
    return { clock: c, events, changed: events.length > 0 };
  }

  const beforeDue = c.dueAt;
  const retarget = c.targetMs !== t.targetMs || c.calendarId !== t.calendarId;
  if (retarget) {
    events.push({
      kind: "recalculated",
      data: { reason, fromTargetMs: c.targetMs, toTargetMs: t.targetMs, fromCalendarId: c.calendarId, toCalendarId: t.calendarId },
    });
    c.targetMs = t.targetMs;
    c.calendarId = t.calendarId;
  }

  if (live && s.stopped) {
    if (c.state === "paused" && c.pausedAt) c.pausedMs += Math.max(0, now.getTime() - c.pausedAt.getTime());
    finish(c, c.state === "running" ? c.elapsedAt : now, events);
    return { clock: c, events, changed: true };
  }
  if (!live && (c.state === "met" || c.state === "breached")) {
    if (s.stopped) return { clock: c, events, changed: retarget };
    // Reopened: the clock runs on from the time it had used.
    c.state = "running";
    c.stoppedAt = null;
    c.elapsedAt = now;
    if (c.elapsedMs <= c.targetMs) c.breachedAt = null;
    events.push({ kind: "reopened", data: {} });
  }
  if (c.state === "cancelled") return { clock: c, events, changed: retarget };

  if (c.state === "running" && s.paused) {
    c.state = "paused";
    c.pausedAt = now;
    events.push({ kind: "paused", data: { elapsedMs: c.elapsedMs } });
  } else if (c.state === "paused" && !s.paused) {
    if (c.pausedAt) c.pausedMs += Math.max(0, now.getTime() - c.pausedAt.getTime());
    c.pausedAt = null;
    c.state = "running";
    c.elapsedAt = now;
    events.push({ kind: "resumed", data: {} });
  }

  c.dueAt = c.state === "running" ? dueOf(c, cals.next) : null;
  if (c.state === "running") {
    if (c.dueAt && c.dueAt <= now) c.breachedAt ??= c.dueAt;
    else if (c.elapsedMs <= c.targetMs) c.breachedAt = null;
  }
  const recalc = events.find((e) => e.kind === "recalculated");
  if (recalc) Object.assign(recalc.data, { fromDueAt: iso(beforeDue), toDueAt: iso(c.dueAt) });
  const changed =
    events.length > 0 ||
    c.dueAt?.getTime() !== prev.dueAt?.getTime() ||
    c.breachedAt?.getTime() !== prev.breachedAt?.getTime() ||
    c.elapsedMs !== prev.elapsedMs;
  return { clock: c, events, changed };
}

/** Business time used by a clock at `now`. */
export function elapsedAt(c: ClockSnapshot, cal: CompiledCalendar, now: Date): number {
  if (c.state !== "running" || now <= c.elapsedAt) return c.elapsedMs;
  return c.elapsedMs + businessTimeBetween(c.elapsedAt, now, cal);
}

/** Fired-once keys of a clock's thresholds; "breach" is implicit at 100 %. */
export function thresholdKey(t: TThreshold, i: number): string {
  return `${i}:${t.percent}:${t.action}`;
}

/** When each unfired threshold (and the breach) of a running clock is reached. */
export function thresholdTimes(c: ClockSnapshot, thresholds: TThreshold[], fired: Set<string>, cal: CompiledCalendar): Array<{ key: string; at: Date }> {
  if (c.state !== "running") return [];
  const out: Array<{ key: string; at: Date }> = [];
  const when = (pct: number) => addBusinessTime(c.elapsedAt, Math.round((c.targetMs * pct) / 100) - c.elapsedMs, cal);
  thresholds.forEach((t, i) => {
    const key = thresholdKey(t, i);
    if (fired.has(key)) return;
    const at = when(t.percent);
    if (at) out.push({ key, at });
  });
  if (!fired.has("breach") && c.dueAt) out.push({ key: "breach", at: c.dueAt });
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}
