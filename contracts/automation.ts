import { z } from "zod";
import { REQUEST_STATES, TASK_STATES } from "./catalog";
import { CHANGE_STATES } from "./changes";
import { INCIDENT_STATES } from "./incidents";
import { PROBLEM_STATES } from "./problems";

/** Work-item types a rule can watch. */
export const RULE_ITEM_TYPES = ["incident", "request", "request_task", "problem", "change", "change_task"] as const;
export type RuleItemType = (typeof RULE_ITEM_TYPES)[number];

/** What starts a rule: a domain event on a work item, or a schedule (cron) that runs over matching items. */
export const RULE_TRIGGERS = [
  "work_item.created",
  "work_item.updated",
  "work_item.state_changed",
  "comment.added",
  "sla.warning",
  "sla.breached",
  "approval.decided",
  "email.received",
  "csat.received",
  "schedule",
] as const;
export type RuleTrigger = (typeof RULE_TRIGGERS)[number];

export const STATES_BY_TYPE: Record<RuleItemType, readonly string[]> = {
  incident: INCIDENT_STATES,
  request: REQUEST_STATES,
  request_task: TASK_STATES,
  problem: PROBLEM_STATES,
  change: CHANGE_STATES,
  change_task: ["new", "in_progress", "closed", "cancelled"],
};

/** The kinds of value a condition field holds; each kind allows its own operators. */
export type FieldKind = "text" | "enum" | "number" | "ref" | "bool";
export interface FieldSpec {
  kind: FieldKind;
  /** Allowed values of an enum field. */
  values?: readonly string[];
  /** What a ref field points at (validated against the organization's records on save). */
  ref?: "group" | "user" | "category" | "service";
  /** Only present for these triggers (comment and mail fields). */
  triggers?: readonly RuleTrigger[];
  /** Can a rule's "set field" action change it (incidents)? */
  settable?: boolean;
}

const LEVELS = ["high", "medium", "low"] as const;
const CHANNELS = ["agent", "portal", "email", "phone", "api", "chat", "monitoring"] as const;

/** The typed field catalog of a work-item type: rules naming any other field are refused on save. */
export function ruleFieldCatalog(type: RuleItemType): Record<string, FieldSpec> {
  const incident = type === "incident";
  return {
    number: { kind: "text" },
    title: { kind: "text" },
    description: { kind: "text" },
    state: { kind: "enum", values: STATES_BY_TYPE[type] },
    impact: { kind: "enum", values: LEVELS, settable: incident },
    urgency: { kind: "enum", values: LEVELS, settable: incident },
    priority: { kind: "number" },
    channel: { kind: "enum", values: CHANNELS },
    categoryId: { kind: "ref", ref: "category", settable: incident },
    serviceId: { kind: "ref", ref: "service", settable: incident },
    assignmentGroupId: { kind: "ref", ref: "group", settable: incident },
    assigneeId: { kind: "ref", ref: "user", settable: incident },
    requesterId: { kind: "ref", ref: "user" },
    hoursSinceCreated: { kind: "number" },
    hoursSinceUpdated: { kind: "number" },
    "actor.role": { kind: "enum", values: ["requester", "agent", "admin", "system"] },
    "comment.body": { kind: "text", triggers: ["comment.added", "email.received"] },
    "comment.visibility": { kind: "enum", values: ["public", "internal"], triggers: ["comment.added"] },
    "email.from": { kind: "text", triggers: ["email.received"] },
    "email.subject": { kind: "text", triggers: ["email.received"] },
    "approval.decision": { kind: "enum", values: ["approved", "rejected"], triggers: ["approval.decided"] },
    "csat.score": { kind: "number", triggers: ["csat.received"] },
    "csat.comment": { kind: "text", triggers: ["csat.received"] },
  };
}

/** Operators by field kind. "changed*" look at the triggering event's before/after. */
export const OPERATORS_BY_KIND: Record<FieldKind, readonly string[]> = {
  text: ["eq", "neq", "contains", "not_contains", "starts_with", "matches", "is_empty", "is_not_empty", "changed"],
  enum: ["eq", "neq", "in", "not_in", "changed", "changed_from", "changed_to"],
  number: ["eq", "neq", "gt", "gte", "lt", "lte", "changed", "changed_from", "changed_to"],
  ref: ["eq", "neq", "in", "not_in", "is_empty", "is_not_empty", "changed", "changed_from", "changed_to"],
  bool: ["eq"],
};
export const RULE_OPERATORS = [
  "eq",
  "neq",
  "in",
  "not_in",
  "gt",
  "gte",
  "lt",
  "lte",
  "contains",
  "not_contains",
  "starts_with",
  "matches",
  "is_empty",
  "is_not_empty",
  "changed",
  "changed_from",
  "changed_to",
] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];
/** Operators that take no value. */
export const VALUELESS_OPERATORS: readonly RuleOperator[] = ["is_empty", "is_not_empty", "changed"];

const ZScalar = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

export const ZRuleComparison = z.object({
  /** A field of the catalog for the rule's item type (e.g. `priority`, `comment.body`). */
  field: z.string().min(1).max(60).describe("A field of the rule's item type catalog"),
  op: z.enum(RULE_OPERATORS),
  /** The value to compare with; a list for in/not_in; a pattern for matches (linear-time engine). */
  value: z
    .union([ZScalar, z.array(ZScalar).max(100)])
    .optional()
    .describe("Value, list (in/not_in) or pattern (matches)"),
});
export type TRuleComparison = z.infer<typeof ZRuleComparison>;

/** A condition: a comparison, or all/any of conditions, or not a condition (nesting up to 6 levels). */
export type TRuleCondition = TRuleComparison | { all: TRuleCondition[] } | { any: TRuleCondition[] } | { not: TRuleCondition };
export const ZRuleCondition: z.ZodType<TRuleCondition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(ZRuleCondition).max(50) }).strict(),
    z.object({ any: z.array(ZRuleCondition).max(50) }).strict(),
    z.object({ not: ZRuleCondition }).strict(),
    ZRuleComparison.strict(),
  ]),
);

/** Placeholders in texts a rule writes (comments, notices, titles). */
export const RULE_PLACEHOLDERS = ["number", "title", "state", "priority", "requester.name", "assignee.name", "rule.name"] as const;

const ZText = z.string().trim().min(1).max(20_000);
export const ZRuleAction = z.discriminatedUnion("type", [
  z.object({ type: z.literal("set_field"), field: z.string().min(1).max(60), value: z.union([z.string().max(200), z.number(), z.null()]) }),
  z.object({
    type: z.literal("assign"),
    /** Put the item in this group (optional: keeps the current group). */
    groupId: z.uuid().nullable().optional(),
    /** A named agent, or `auto` for the group's assignment strategy (round robin, least loaded, skills). */
    assignee: z
      .union([z.uuid(), z.literal("auto")])
      .optional()
      .describe("An agent's id, or auto (the group's strategy)"),
  }),
  z.object({ type: z.literal("add_comment"), body: ZText, visibility: z.enum(["public", "internal"]).default("public") }),
  z.object({
    type: z.literal("notify"),
    /** Who is told: roles around the item and/or named people. */
    to: z
      .array(z.union([z.enum(["requester", "assignee", "group", "watchers"]), z.uuid()]))
      .min(1)
      .max(50),
    message: ZText,
  }),
  z.object({
    type: z.literal("create_linked_item"),
    /** Today: a linked incident (e.g. a follow-up), related to or child of the triggering item. */
    itemType: z.literal("incident").default("incident"),
    link: z.enum(["child_of", "related_to"]).default("related_to").describe("How the new item relates to the triggering one"),
    title: z.string().trim().min(1).max(300),
    description: z.string().max(20_000).default(""),
    assignmentGroupId: z.uuid().nullable().optional(),
    impact: z.enum(LEVELS).default("medium"),
    urgency: z.enum(LEVELS).default("medium"),
  }),
  z.object({ type: z.literal("add_watcher"), userId: z.uuid() }),
  z.object({
    type: z.literal("call_webhook"),
    /** An outbound URL (checked like webhook subscriptions: https or allowed hosts, no private addresses). */
    url: z.url().max(2000),
    /** Optional secret used to sign the delivery. */
    secret: z.string().min(16).max(200).optional(),
  }),
]);
export type TRuleAction = z.infer<typeof ZRuleAction>;
export const RULE_ACTION_TYPES = ["set_field", "assign", "add_comment", "notify", "create_linked_item", "add_watcher", "call_webhook"] as const;

export const ZRuleInput = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(""),
  active: z.boolean().default(true),
  itemType: z.enum(RULE_ITEM_TYPES).default("incident").describe("The work-item type the rule watches"),
  trigger: z.enum(RULE_TRIGGERS),
  /** For trigger `schedule`: a five-field cron expression, evaluated in `timezone`. */
  cron: z.string().trim().max(120).nullable().optional().describe("For trigger schedule: a five-field cron expression"),
  timezone: z.string().trim().max(64).default("UTC"),
  /** Conditions; absent = always. */
  conditions: ZRuleCondition.nullable().optional(),
  actions: z.array(ZRuleAction).min(1).max(20),
  /** Do not run later rules for the same event when this one applied. */
  stopProcessing: z.boolean().default(false).describe("Stop later rules for the same event when this one applies"),
  /** Also react to changes made by other rules (off by default; loops are stopped either way). */
  reactToRules: z.boolean().default(false).describe("Also react to changes made by other rules"),
});
export type TRuleInput = z.infer<typeof ZRuleInput>;

export const ZRule = z
  .object({
    id: z.uuid(),
    position: z.number().int(),
    name: z.string(),
    description: z.string(),
    active: z.boolean(),
    itemType: z.enum(RULE_ITEM_TYPES),
    trigger: z.enum(RULE_TRIGGERS),
    cron: z.string().nullable(),
    timezone: z.string(),
    conditions: z.unknown().nullable(),
    actions: z.array(z.unknown()),
    stopProcessing: z.boolean(),
    reactToRules: z.boolean(),
    nextRunAt: z.string().nullable(),
    lastRun: z.object({ at: z.string(), outcome: z.string(), workItemNumber: z.string().nullable() }).nullable(),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: "AutomationRule" });
export type TRule = z.infer<typeof ZRule>;

export const ZUpdateRuleRequest = ZRuleInput.extend({ version: z.number().int().optional().describe("The version you read (optimistic concurrency)") });
export const ZReorderRulesRequest = z.object({ ids: z.array(z.uuid()).min(1).max(1000).describe("Every rule id, in the new order") });

export const ZDryRunRequest = z.object({
  /** An existing ticket (number or id). */
  workItem: z.string().trim().min(1).max(64).describe("Ticket number or id"),
  /** A saved rule's id, or an unsaved rule to try. */
  ruleId: z.uuid().optional(),
  rule: ZRuleInput.optional(),
});
export const ZDryRunResult = z
  .object({
    matched: z.boolean(),
    /** Each top-level comparison with whether it held. */
    conditions: z.array(z.object({ text: z.string(), ok: z.boolean() })),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    timeline: z.array(z.object({ kind: z.string(), data: z.unknown() })),
    jobs: z.array(z.string()).describe("Side effects that would be queued (mail, webhooks…)"),
    error: z.string().nullable(),
  })
  .meta({ id: "AutomationDryRun" });
export type TDryRunResult = z.infer<typeof ZDryRunResult>;

export const ZRuleRun = z.object({
  id: z.string(),
  ruleId: z.uuid().nullable(),
  ruleName: z.string().nullable(),
  workItem: z.object({ id: z.uuid(), number: z.string() }).nullable(),
  outcome: z.enum(["applied", "error", "loop_stopped"]),
  message: z.string().nullable(),
  createdAt: z.string(),
});

/* ---------- assignment ---------- */
export const ASSIGNMENT_STRATEGIES = ["none", "round_robin", "least_loaded", "skills"] as const;
export const ZGroupAssignment = z
  .object({
    groupId: z.uuid(),
    groupName: z.string(),
    strategy: z.enum(ASSIGNMENT_STRATEGIES),
    /** Only agents within their working hours (the calendar's) are picked. */
    calendarId: z.uuid().nullable().describe("Business calendar for the group's working hours (null: any time)"),
    members: z.array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        away: z.boolean(),
        skills: z.array(z.string()),
        openItems: z.number().int(),
        load: z.number(),
      }),
    ),
  })
  .meta({ id: "GroupAssignment" });
export const ZUpdateGroupAssignment = z.object({
  strategy: z.enum(ASSIGNMENT_STRATEGIES),
  calendarId: z.uuid().nullable().default(null),
});
export const ZAgentAvailability = z
  .object({
    userId: z.uuid(),
    name: z.string(),
    away: z.boolean(),
    awayUntil: z.string().nullable(),
    calendarId: z.uuid().nullable(),
    /** Skills: `category:<id>`, `service:<id>`, `language:<code>` or free labels. */
    skills: z.array(z.string()),
  })
  .meta({ id: "AgentAvailability" });
export const ZUpdateAgentAvailability = z.object({
  away: z.boolean(),
  awayUntil: z.iso.datetime({ offset: true }).nullable().default(null),
  calendarId: z.uuid().nullable().default(null).describe("The agent's own working hours (null: the group's)"),
  skills: z
    .array(
      z
        .string()
        .trim()
        .regex(
          /^(category:[0-9a-f-]{36}|service:[0-9a-f-]{36}|language:[a-z]{2}(-[A-Za-z]{2})?|[\p{L}\p{N} _.-]{1,60})$/u,
          "a skill is category:<id>, service:<id>, language:<code> or a label",
        ),
    )
    .max(50)
    .default([]),
});

/* ---------- schedules ---------- */
export const ZScheduleTemplate = z.object({
  type: z.literal("incident").default("incident"),
  title: z.string().trim().min(1).max(300).describe("Title; {{date}} becomes the occurrence's local date"),
  description: z.string().max(20_000).default(""),
  impact: z.enum(LEVELS).default("low"),
  urgency: z.enum(LEVELS).default("low"),
  assignmentGroupId: z.uuid().nullable().default(null),
  categoryId: z.uuid().nullable().default(null),
  serviceId: z.uuid().nullable().default(null),
});
export const ZScheduleInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    active: z.boolean().default(true),
    /** Five-field cron expression (e.g. `0 8 * * 1` = Mondays 08:00) … */
    cron: z.string().trim().max(120).nullable().default(null).describe("Five-field cron, e.g. 0 8 * * 1"),
    /** … or an RFC 5545 RRULE (e.g. `FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0`). */
    rrule: z.string().trim().max(500).nullable().default(null).describe("RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9"),
    timezone: z.string().trim().min(1).max(64).default("UTC"),
    template: ZScheduleTemplate,
  })
  .refine((s) => Boolean(s.cron) !== Boolean(s.rrule), { message: "give either cron or rrule", path: ["cron"] });
export const ZSchedule = z
  .object({
    id: z.uuid(),
    name: z.string(),
    active: z.boolean(),
    cron: z.string().nullable(),
    rrule: z.string().nullable(),
    timezone: z.string(),
    template: ZScheduleTemplate,
    nextRunAt: z.string().nullable(),
    nextOccurrences: z.array(z.string()),
    lastOccurrence: z.object({ at: z.string(), workItemNumber: z.string().nullable() }).nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: "RecurringSchedule" });
export type TSchedule = z.infer<typeof ZSchedule>;
export const ZSchedulePreviewRequest = z.object({
  cron: z.string().trim().max(120).nullable().default(null),
  rrule: z.string().trim().max(500).nullable().default(null),
  timezone: z.string().trim().min(1).max(64).default("UTC"),
});
