import { z } from "zod";
import { ZRef } from "./common";

/** Work-item fields an SLA condition may test (typed, not free code). */
export const CONDITION_FIELDS = [
  "type",
  "priority",
  "state",
  "impact",
  "urgency",
  "channel",
  "serviceId",
  "categoryId",
  "assignmentGroupId",
  "assigneeId",
] as const;
export type ConditionField = (typeof CONDITION_FIELDS)[number];
export const CONDITION_OPS = ["in", "not_in", "is_empty", "is_not_empty"] as const;

const ID_FIELDS: ConditionField[] = ["serviceId", "categoryId", "assignmentGroupId", "assigneeId"];
const ALLOWED_VALUES: Partial<Record<ConditionField, readonly (string | number)[]>> = {
  type: ["incident", "request", "request_task", "problem", "change", "change_task"],
  priority: [1, 2, 3, 4, 5],
  impact: ["high", "medium", "low"],
  urgency: ["high", "medium", "low"],
  channel: ["agent", "portal", "email", "phone", "api", "chat", "monitoring"],
};
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const ZSlaCondition = z
  .object({
    /** The work-item field tested. */
    field: z.enum(CONDITION_FIELDS, { error: (iss) => `unknown condition field ${JSON.stringify(iss.input)}; use one of ${CONDITION_FIELDS.join(", ")}` }),
    /** `in`/`not_in` compare with `values`; `is_empty`/`is_not_empty` ignore them. */
    op: z.enum(CONDITION_OPS).default("in"),
    /** Values compared with (priority as 1–5, ids as UUIDs, states as names). */
    values: z
      .array(z.union([z.string().max(100), z.number().int()]))
      .max(50)
      .default([]),
  })
  .superRefine((c, ctx) => {
    if ((c.op === "in" || c.op === "not_in") && c.values.length === 0)
      ctx.addIssue({ code: "custom", path: ["values"], message: `${c.field} ${c.op} needs at least one value` });
    const allowed = ALLOWED_VALUES[c.field];
    for (const [i, v] of c.values.entries()) {
      if (allowed && !allowed.includes(v))
        ctx.addIssue({ code: "custom", path: ["values", i], message: `${JSON.stringify(v)} is not a valid ${c.field}; use ${allowed.join(", ")}` });
      if (ID_FIELDS.includes(c.field) && (typeof v !== "string" || !UUID_RE.test(v)))
        ctx.addIssue({ code: "custom", path: ["values", i], message: `${c.field} values must be UUIDs` });
    }
  });
export type TSlaCondition = z.infer<typeof ZSlaCondition>;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const LOCAL_DT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d$/;

/** True when the runtime knows the IANA time zone. */
export function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz);
  } catch {
    return false;
  }
}

export const ZWorkingInterval = z.object({
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  day: z.number().int().min(1).max(7),
  /** Local time "HH:MM". */
  start: z.string().regex(HHMM, "must be HH:MM"),
  /** Local time "HH:MM" after start; "24:00" is midnight at the end of the day. */
  end: z.string().regex(HHMM, "must be HH:MM (24:00 allowed)"),
});
export const ZHoliday = z.object({
  /** "YYYY-MM-DD"; for yearly holidays the year is ignored. */
  date: z.string().regex(DATE, "must be YYYY-MM-DD"),
  /** Repeats every year on the same month and day. */
  yearly: z.boolean().default(false),
  name: z.string().trim().max(100).default(""),
});
export const ZCalendarException = z.object({
  /** Local "YYYY-MM-DDTHH:MM". */
  start: z.string().regex(LOCAL_DT, "must be YYYY-MM-DDTHH:MM"),
  /** Local "YYYY-MM-DDTHH:MM" after start (at most a year later). */
  end: z.string().regex(LOCAL_DT, "must be YYYY-MM-DDTHH:MM"),
  /** true: extra working time; false: closed although normally open. */
  working: z.boolean(),
  name: z.string().trim().max(100).default(""),
});

export const ZCalendarInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(2000).default(""),
    /** IANA time zone, e.g. Europe/Berlin. */
    timeZone: z.string().max(64).refine(isKnownTimeZone, { message: "unknown time zone; use an IANA name such as Europe/Berlin" }),
    /** Working intervals; several per weekday allowed, not overlapping. */
    hours: z.array(ZWorkingInterval).max(100),
    holidays: z.array(ZHoliday).max(500).default([]),
    exceptions: z.array(ZCalendarException).max(200).default([]),
  })
  .superRefine((c, ctx) => {
    c.hours.forEach((h, i) => {
      if (h.end <= h.start) ctx.addIssue({ code: "custom", path: ["hours", i, "end"], message: `ends (${h.end}) before it starts (${h.start})` });
    });
    for (let d = 1; d <= 7; d++) {
      const list = c.hours.map((h, i) => ({ ...h, i })).filter((h) => h.day === d && h.end > h.start);
      list.sort((a, b) => a.start.localeCompare(b.start));
      for (let k = 1; k < list.length; k++)
        if (list[k].start < list[k - 1].end)
          ctx.addIssue({
            code: "custom",
            path: ["hours", list[k].i],
            message: `overlaps ${list[k - 1].start}–${list[k - 1].end} on the same day`,
          });
    }
    if (c.hours.length === 0 && !c.exceptions.some((e) => e.working))
      ctx.addIssue({ code: "custom", path: ["hours"], message: "a calendar needs working hours" });
    c.exceptions.forEach((e, i) => {
      if (e.end <= e.start) ctx.addIssue({ code: "custom", path: ["exceptions", i, "end"], message: "ends before it starts" });
      else if (Date.parse(`${e.end}Z`) - Date.parse(`${e.start}Z`) > 366 * 86_400_000)
        ctx.addIssue({ code: "custom", path: ["exceptions", i, "end"], message: "an exception spans at most a year" });
    });
    c.holidays.forEach((h, i) => {
      const d = new Date(`${h.date}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== h.date)
        ctx.addIssue({ code: "custom", path: ["holidays", i, "date"], message: "not a real date" });
    });
  });
export type TCalendarInput = z.infer<typeof ZCalendarInput>;

export const ZCalendar = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  timeZone: z.string(),
  hours: z.array(ZWorkingInterval),
  holidays: z.array(ZHoliday),
  exceptions: z.array(ZCalendarException),
  /** Targets using this calendar. */
  usedBy: z.number().int(),
  version: z.number().int(),
  updatedAt: z.iso.datetime(),
});
export type TCalendar = z.infer<typeof ZCalendar>;

export const SLA_METRICS = ["response", "resolution", "custom"] as const;
export const THRESHOLD_ACTIONS = ["notify", "reassign", "raise_priority"] as const;
export const NOTIFY_RECIPIENTS = ["assignee", "group", "user"] as const;

export const ZThreshold = z
  .object({
    /** Percent of the target elapsed (100 = due; above 100 escalates after a breach). */
    percent: z.number().int().min(1).max(500),
    action: z.enum(THRESHOLD_ACTIONS),
    /** For notify: who is told. */
    recipient: z.enum(NOTIFY_RECIPIENTS).optional(),
    /** For notify to a named person. */
    userId: z.uuid().optional(),
    /** For reassign: the group that takes the item over. */
    groupId: z.uuid().optional(),
  })
  .superRefine((t, ctx) => {
    if (t.action === "notify" && !t.recipient)
      ctx.addIssue({ code: "custom", path: ["recipient"], message: "notify needs a recipient (assignee, group or user)" });
    if (t.action === "notify" && t.recipient === "user" && !t.userId) ctx.addIssue({ code: "custom", path: ["userId"], message: "notify a user needs userId" });
    if (t.action === "reassign" && !t.groupId) ctx.addIssue({ code: "custom", path: ["groupId"], message: "reassign needs groupId" });
  });
export type TThreshold = z.infer<typeof ZThreshold>;

export const ZTargetInput = z
  .object({
    /** sla: promised to the customer; ola: an assignment group's internal share. */
    kind: z.enum(["sla", "ola"]).default("sla"),
    /** response: until the first public agent reply; resolution: until resolved; custom: start/stop conditions. */
    metric: z.enum(SLA_METRICS),
    /** Display name; required (and unique in the policy) for custom metrics. */
    name: z.string().trim().max(100).default(""),
    /** For OLA targets: the group measured; null = whichever group holds the item. */
    groupId: z.uuid().nullable().default(null),
    /** Business minutes allowed. */
    durationMinutes: z.number().int().min(1).max(525_600),
    /** Business calendar; null = 24×7. */
    calendarId: z.uuid().nullable().default(null),
    /** Custom metrics: the clock starts when all match. */
    startWhen: z.array(ZSlaCondition).max(20).default([]),
    /** Custom metrics: the clock stops when all match. */
    stopWhen: z.array(ZSlaCondition).max(20).default([]),
    /** The clock pauses while all match (e.g. state in on_hold); empty = never pauses. */
    pauseWhen: z.array(ZSlaCondition).max(20).default([]),
    /** Warnings and escalations, each fired once per clock. */
    thresholds: z.array(ZThreshold).max(20).default([]),
  })
  .superRefine((t, ctx) => {
    if (t.metric === "custom" && !t.name) ctx.addIssue({ code: "custom", path: ["name"], message: "a custom metric needs a name" });
    if (t.metric === "custom" && t.stopWhen.length === 0)
      ctx.addIssue({ code: "custom", path: ["stopWhen"], message: "a custom metric needs stop conditions" });
    if (t.metric !== "custom" && (t.startWhen.length || t.stopWhen.length))
      ctx.addIssue({ code: "custom", path: ["startWhen"], message: "start and stop conditions are for custom metrics" });
    if (t.kind === "sla" && t.groupId) ctx.addIssue({ code: "custom", path: ["groupId"], message: "only OLA targets name a group" });
  });
export type TTargetInput = z.infer<typeof ZTargetInput>;

export const ZPolicyInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(2000).default(""),
    active: z.boolean().default(true),
    /** Evaluation order: lower first; the first active policy whose conditions all match applies. */
    position: z.number().int().min(0).max(100_000).default(100),
    /** All must match (empty = every work item). */
    conditions: z.array(ZSlaCondition).max(30).default([]),
    targets: z.array(ZTargetInput).max(30),
  })
  .superRefine((p, ctx) => {
    if (p.targets.length === 0) ctx.addIssue({ code: "custom", path: ["targets"], message: "a policy needs at least one target" });
    const seen = new Set<string>();
    p.targets.forEach((t, i) => {
      const key = `${t.kind}:${t.metric}:${t.metric === "custom" ? t.name.toLowerCase() : ""}:${t.groupId ?? ""}`;
      if (seen.has(key))
        ctx.addIssue({ code: "custom", path: ["targets", i], message: `a second ${t.kind} ${t.metric} target${t.name ? ` named ${t.name}` : ""}` });
      seen.add(key);
    });
  });
export type TPolicyInput = z.infer<typeof ZPolicyInput>;

export const ZTarget = z.object({
  id: z.uuid(),
  kind: z.enum(["sla", "ola"]),
  metric: z.enum(SLA_METRICS),
  name: z.string(),
  group: ZRef.nullable(),
  durationMinutes: z.number().int(),
  calendar: ZRef.nullable(),
  startWhen: z.array(ZSlaCondition),
  stopWhen: z.array(ZSlaCondition),
  pauseWhen: z.array(ZSlaCondition),
  thresholds: z.array(ZThreshold),
});
export const ZPolicy = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
  position: z.number().int(),
  conditions: z.array(ZSlaCondition),
  targets: z.array(ZTarget),
  version: z.number().int(),
  updatedAt: z.iso.datetime(),
});
export type TPolicy = z.infer<typeof ZPolicy>;

export const CLOCK_STATES = ["running", "paused", "met", "breached", "cancelled"] as const;
export const ZClock = z.object({
  id: z.uuid(),
  kind: z.enum(["sla", "ola"]),
  metric: z.enum(SLA_METRICS),
  /** Display name (Response, Resolution or the custom metric's). */
  name: z.string(),
  policy: ZRef.nullable(),
  group: ZRef.nullable(),
  calendar: ZRef.nullable(),
  state: z.enum(CLOCK_STATES),
  /** Past due (while running or paused) or stopped late. */
  breached: z.boolean(),
  targetMs: z.number().int(),
  /** Business time used so far (now, for a running clock). */
  elapsedMs: z.number().int(),
  /** Business time left (negative once breached). */
  remainingMs: z.number().int(),
  /** Percent of the target used. */
  percent: z.number(),
  startedAt: z.iso.datetime(),
  /** When it falls due (null while paused or stopped). */
  dueAt: z.iso.datetime().nullable(),
  pausedAt: z.iso.datetime().nullable(),
  stoppedAt: z.iso.datetime().nullable(),
  breachedAt: z.iso.datetime().nullable(),
  /** Wall-clock time spent paused. */
  pausedMs: z.number().int(),
});
export type TClock = z.infer<typeof ZClock>;

export const ZClockEvent = z.object({
  kind: z.string(),
  at: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()),
});
export const ZItemClocks = z.object({
  items: z.array(ZClock.extend({ history: z.array(ZClockEvent) })),
});

export const ZComplianceQuery = z.object({
  /** Grouping of the report. */
  groupBy: z.enum(["policy", "group", "service", "metric"]).default("policy"),
  /** Clocks stopped from this day (inclusive, ISO date or date-time). */
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  /** Clocks stopped until this instant (exclusive). */
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  kind: z.enum(["sla", "ola"]).default("sla"),
});
export const ZComplianceRow = z.object({
  key: z.string().nullable(),
  label: z.string(),
  met: z.number().int(),
  breached: z.number().int(),
  /** met / (met + breached) × 100, null with nothing stopped. */
  compliancePct: z.number().nullable(),
  /** Running or paused clocks already past due. */
  openBreached: z.number().int(),
});
export const ZComplianceReport = z.object({ rows: z.array(ZComplianceRow) });

export const ZAtRiskQuery = z.object({
  /** Clocks at or above this percent of their target (default 75). */
  minPercent: z.coerce.number().min(0).max(1000).default(75),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const ZAtRiskItem = z.object({
  workItemId: z.uuid(),
  number: z.string(),
  title: z.string(),
  type: z.string(),
  priority: z.number().int(),
  assignmentGroup: ZRef.nullable(),
  clock: ZClock,
});
export const ZAtRiskList = z.object({ items: z.array(ZAtRiskItem) });
