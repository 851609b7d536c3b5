import { z } from "zod";
import { ZCursor, ZLimit, ZPersonRef, ZRef, zCsv } from "./common";
import { ZLevel, ZPriority } from "./priority";

export const CHANGE_TYPES = ["standard", "normal", "emergency"] as const;
export const ZChangeType = z.enum(CHANGE_TYPES);
export type ChangeType = (typeof CHANGE_TYPES)[number];

export const CHANGE_STATES = ["new", "assess", "authorize", "scheduled", "implement", "review", "closed", "cancelled"] as const;
export const ZChangeState = z.enum(CHANGE_STATES);
export type ChangeState = (typeof CHANGE_STATES)[number];
export const OPEN_CHANGE_STATES: ChangeState[] = ["new", "assess", "authorize", "scheduled", "implement", "review"];

export const CHANGE_ACTIONS = ["submit", "request_approval", "schedule", "implement", "review", "close", "cancel"] as const;
export const ZChangeAction = z.enum(CHANGE_ACTIONS);
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

export const CHANGE_OUTCOMES = ["successful", "successful_with_issues", "failed", "backed_out"] as const;
export const ZChangeOutcome = z.enum(CHANGE_OUTCOMES);

export const RISK_LEVELS = ["low", "moderate", "high", "very_high"] as const;
export const ZRiskLevel = z.enum(RISK_LEVELS);
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** The risk questionnaire: each answer adds its weight to the score. */
export const RISK_QUESTIONS = {
  userImpact: { none: 0, few: 1, many: 2, all: 3 },
  downtime: { none: 0, partial: 1, full: 3 },
  tested: { yes: 0, partly: 1, no: 2 },
  backout: { tested: 0, untested: 1, none: 3 },
  experience: { routine: 0, once: 1, never: 2 },
  complexity: { simple: 0, moderate: 1, complex: 2 },
} as const;
export type RiskQuestion = keyof typeof RISK_QUESTIONS;

export const ZRiskAnswers = z
  .object({
    /** How many users notice the change? */
    userImpact: z.enum(["none", "few", "many", "all"]).describe("How many users notice the change"),
    /** Is there an outage while it is done? */
    downtime: z.enum(["none", "partial", "full"]).describe("Outage while it is done"),
    /** Was it tested outside production? */
    tested: z.enum(["yes", "partly", "no"]).describe("Tested outside production"),
    /** Is there a back-out plan, and was it tested? */
    backout: z.enum(["tested", "untested", "none"]).describe("Back-out plan and whether it was tested"),
    /** Has the team done this before? */
    experience: z.enum(["routine", "once", "never"]).describe("Has the team done it before"),
    /** How complex is it? */
    complexity: z.enum(["simple", "moderate", "complex"]).describe("How complex it is"),
  })
  .meta({ id: "RiskAnswers" });
export type TRiskAnswers = z.infer<typeof ZRiskAnswers>;

const ZText = (max: number) => z.string().trim().max(max);
const ZWhen = z.iso.datetime({ offset: true }).describe("ISO 8601 date-time with offset");

export const ZCreateChangeRequest = z.object({
  type: ZChangeType.describe("standard (from a pre-approved template), normal (CAB) or emergency (expedited)"),
  templateId: z.uuid().optional().describe("Required for standard changes: the pre-approved template"),
  title: z.string().trim().min(1).max(300).optional().describe("Defaults to the template's name for standard changes"),
  description: z.string().max(100_000).default(""),
  justification: ZText(20_000).default(""),
  impact: ZLevel.default("medium"),
  urgency: ZLevel.default("medium"),
  plannedStart: ZWhen.optional(),
  plannedEnd: ZWhen.optional(),
  implementationPlan: ZText(50_000).optional(),
  backoutPlan: ZText(50_000).optional(),
  testPlan: ZText(50_000).optional(),
  serviceIds: z.array(z.uuid()).max(50).optional().describe("Affected services"),
  assignmentGroupId: z.uuid().nullable().optional(),
  assigneeId: z.uuid().nullable().optional(),
  riskAnswers: ZRiskAnswers.optional().describe("Answers to the risk questionnaire"),
  /** The problem this change fixes (UUID or PRB number): linked as "change caused by problem". */
  problem: z.string().trim().min(1).max(64).optional().describe("The problem it fixes: UUID or PRB number"),
});
export type TCreateChangeRequest = z.infer<typeof ZCreateChangeRequest>;

export const ZUpdateChangeRequest = z.object({
  title: z.string().trim().min(1).max(300).optional(),
  description: z.string().max(100_000).optional(),
  justification: ZText(20_000).optional(),
  impact: ZLevel.optional(),
  urgency: ZLevel.optional(),
  plannedStart: ZWhen.nullable().optional(),
  plannedEnd: ZWhen.nullable().optional(),
  implementationPlan: ZText(50_000).optional(),
  backoutPlan: ZText(50_000).optional(),
  testPlan: ZText(50_000).optional(),
  serviceIds: z.array(z.uuid()).max(50).optional(),
  assignmentGroupId: z.uuid().nullable().optional(),
  assigneeId: z.uuid().nullable().optional(),
  /** A change manager moving a normal change into a freeze window gives the reason here. */
  freezeOverrideReason: z.string().trim().min(1).max(5_000).optional().describe("Change managers: override a freeze window, with the reason"),
  version: z.number().int().positive().optional().describe("The version you read; stale → 409"),
});
export type TUpdateChangeRequest = z.infer<typeof ZUpdateChangeRequest>;

export const ZChangeTransitionRequest = z.object({
  action: ZChangeAction,
  outcome: ZChangeOutcome.optional().describe("Needed for review: how the implementation went"),
  reviewNotes: z.string().trim().min(1).max(20_000).optional().describe("Needed to close an emergency or failed change (retrospective review)"),
  reason: z.string().trim().min(1).max(5_000).optional().describe("Needed to cancel"),
  version: z.number().int().positive().optional(),
});
export type TChangeTransitionRequest = z.infer<typeof ZChangeTransitionRequest>;

export const ZRiskRequest = z.object({ answers: ZRiskAnswers });

export const ZConflict = z
  .object({
    kind: z.enum(["change", "freeze"]).describe("Another change on a shared service in an overlapping window, or a freeze window"),
    id: z.uuid(),
    number: z.string().nullable().describe("The other change's number"),
    name: z.string().describe("The other change's title or the freeze window's name"),
    start: z.string(),
    end: z.string(),
    services: z.array(ZRef).describe("Shared services (empty for an organization-wide freeze)"),
    /** Whether a change manager already overrode this freeze for the change's current window. */
    overridden: z.boolean(),
  })
  .meta({ id: "ChangeConflict" });
export type TConflict = z.infer<typeof ZConflict>;

export const ZRiskFactor = z.object({ factor: z.string(), points: z.number(), detail: z.string() });

export const ZChangeSummary = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    type: ZChangeType,
    state: ZChangeState,
    risk: ZRiskLevel.nullable(),
    priority: ZPriority,
    plannedStart: z.string().nullable(),
    plannedEnd: z.string().nullable(),
    services: z.array(ZRef),
    assignmentGroup: ZRef.nullable(),
    assignee: ZPersonRef.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: "ChangeSummary" });
export type TChangeSummary = z.infer<typeof ZChangeSummary>;

export const ZChange = ZChangeSummary.extend({
  kind: z.literal("change"),
  description: z.string(),
  justification: z.string(),
  impact: ZLevel,
  urgency: ZLevel,
  template: ZRef.nullable(),
  implementationPlan: z.string(),
  backoutPlan: z.string(),
  testPlan: z.string(),
  riskScore: z.number().int().nullable(),
  riskAnswers: ZRiskAnswers.nullable(),
  riskFactors: z.array(ZRiskFactor).describe("How the score was reached"),
  approvedAt: z.string().nullable(),
  actualStart: z.string().nullable(),
  actualEnd: z.string().nullable(),
  outcome: ZChangeOutcome.nullable(),
  reviewNotes: z.string().nullable(),
  freezeOverride: z.object({ by: ZPersonRef, reason: z.string(), start: z.string(), end: z.string() }).nullable(),
  requester: ZPersonRef,
  conflicts: z.array(ZConflict).describe("Collisions and freeze windows for the planned window"),
  actions: z.array(ZChangeAction).describe("Actions the workflow allows from here (guards may still refuse)"),
  path: z.array(ZChangeState).describe("This type's own path through the states"),
  approvals: z.array(z.unknown()).describe("The approval chain (CAB, change manager), stage by stage"),
  tasks: z.array(z.object({ id: z.uuid(), number: z.string(), title: z.string(), state: z.string(), assignee: ZPersonRef.nullable() })),
  closedAt: z.string().nullable(),
}).meta({ id: "Change" });
export type TChange = z.infer<typeof ZChange>;

export const ZListChangesQuery = z.object({
  state: zCsv(ZChangeState),
  type: zCsv(ZChangeType),
  open: z.enum(["true", "false"]).optional(),
  serviceId: z.uuid().optional(),
  q: z.string().trim().max(200).optional(),
  limit: ZLimit,
  cursor: ZCursor,
});
export type TListChangesQuery = z.infer<typeof ZListChangesQuery>;
export const ZChangePage = z.object({ items: z.array(ZChangeSummary), nextCursor: z.string().nullable() });

export const ZFreezeWindowInput = z.object({
  name: z.string().trim().min(1).max(200),
  reason: z.string().trim().max(5_000).default(""),
  startsAt: ZWhen,
  endsAt: ZWhen,
  serviceId: z.uuid().nullable().default(null).describe("Only this service; null = every service"),
});
export const ZFreezeWindow = z
  .object({
    id: z.uuid(),
    name: z.string(),
    reason: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    service: ZRef.nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "FreezeWindow" });
export type TFreezeWindow = z.infer<typeof ZFreezeWindow>;

export const ZCalendarQuery = z.object({
  from: ZWhen,
  to: ZWhen,
  serviceId: z.uuid().optional(),
});
export const ZCalendarResponse = z.object({
  changes: z.array(ZChangeSummary.extend({ conflicted: z.boolean().describe("Collides with another change or a freeze window") })),
  freezeWindows: z.array(ZFreezeWindow),
});

export const ZConflictsQuery = z.object({
  start: ZWhen,
  end: ZWhen,
  serviceIds: zCsv(z.uuid()),
  exclude: z.uuid().optional().describe("A change to leave out (the one being edited)"),
});

export const ZChangeSettings = z
  .object({
    /** The Change Advisory Board: the group whose members approve normal changes. */
    cabGroupId: z.uuid().nullable().describe("The Change Advisory Board"),
    /** all = every member approves; quorum = cabQuorum members approve. */
    cabRule: z.enum(["all", "quorum"]),
    cabQuorum: z.number().int().min(1).max(50).nullable(),
    /** Change managers: approve emergency changes, sign normal ones off after the CAB and override freeze windows. */
    managerGroupId: z.uuid().nullable().describe("Change managers (admins count as change managers too)"),
  })
  .meta({ id: "ChangeSettings" });
export type TChangeSettings = z.infer<typeof ZChangeSettings>;

export const ZChangeTemplateInput = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(20_000).default(""),
  implementationPlan: z.string().max(50_000).default(""),
  backoutPlan: z.string().max(50_000).default(""),
  testPlan: z.string().max(50_000).default(""),
  serviceId: z.uuid().nullable().default(null),
});
export const ZChangeTemplate = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    implementationPlan: z.string(),
    backoutPlan: z.string(),
    testPlan: z.string(),
    service: ZRef.nullable(),
    /** Past success of changes from this template (closed ones). */
    successRate: z.number().nullable(),
    uses: z.number().int(),
  })
  .meta({ id: "ChangeTemplate" });

export const ZCreateFeedRequest = z.object({
  name: z.string().trim().min(1).max(120).default("Change calendar"),
  serviceId: z.uuid().nullable().default(null).describe("Only this service's changes; null = all"),
});
export const ZCalendarFeed = z
  .object({
    id: z.uuid(),
    name: z.string(),
    service: ZRef.nullable(),
    prefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    /** The subscription URL with its secret: only in the answer that creates the feed. */
    url: z.string().optional().describe("Subscription URL with the secret token; shown once"),
  })
  .meta({ id: "CalendarFeed" });

export const ZCreateChangeTaskRequest = z.object({
  title: z.string().trim().min(1).max(300),
  description: z.string().max(20_000).default(""),
  assigneeId: z.uuid().nullable().optional(),
  assignmentGroupId: z.uuid().nullable().optional(),
});
export const CHANGE_TASK_ACTIONS = ["start", "complete", "cancel"] as const;
export const ZChangeTaskTransition = z.object({ action: z.enum(CHANGE_TASK_ACTIONS) });
export const ZChangeTask = z
  .object({ id: z.uuid(), number: z.string(), title: z.string(), state: z.string(), assignee: ZPersonRef.nullable() })
  .meta({ id: "ChangeTask" });
