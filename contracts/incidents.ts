import { z } from "zod";
import { ZCursor, ZLimit, ZPersonRef, ZRef, zCsv } from "./common";
import { ZLevel, ZPriority } from "./priority";

export const INCIDENT_STATES = ["new", "in_progress", "on_hold", "resolved", "closed", "cancelled"] as const;
export const ZIncidentState = z.enum(INCIDENT_STATES);
export type IncidentState = (typeof INCIDENT_STATES)[number];
export const OPEN_INCIDENT_STATES: IncidentState[] = ["new", "in_progress", "on_hold"];

export const HOLD_REASONS = ["awaiting_caller", "awaiting_vendor", "awaiting_change", "awaiting_problem", "scheduled"] as const;
export const ZHoldReason = z.enum(HOLD_REASONS);

export const RESOLUTION_CODES = [
  "solved_permanently",
  "solved_workaround",
  "not_reproducible",
  "duplicate",
  "user_error",
  "cancelled_by_caller",
  "known_error",
] as const;
export const ZResolutionCode = z.enum(RESOLUTION_CODES);

export const INCIDENT_ACTIONS = ["start", "hold", "resume", "resolve", "close", "cancel", "reopen"] as const;
export const ZIncidentAction = z.enum(INCIDENT_ACTIONS);
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

export const CHANNELS = ["agent", "portal", "email", "phone", "api", "chat", "monitoring"] as const;
export const ZChannel = z.enum(CHANNELS);

const ZTitle = z.string().trim().min(1).max(300).describe("Short summary");
const ZDescription = z.string().max(100_000).describe("What happened, in the requester's words");

/** Accepted in path parameters: the UUID or the human number (INC0000042). */
export const ZIncidentIdParam = z.object({
  id: z
    .string()
    .regex(/^([0-9a-fA-F-]{36}|[A-Za-z]{3,4}\d{1,12})$/, "must be a UUID or a number like INC0000042")
    .describe("UUID or number, e.g. INC0000042"),
});

export const ZCreateIncidentRequest = z.object({
  title: ZTitle,
  description: ZDescription.default(""),
  impact: ZLevel.describe("How widely the service is affected"),
  urgency: ZLevel.describe("How soon the business needs it back"),
  categoryId: z.uuid().nullable().optional(),
  subcategoryId: z.uuid().nullable().optional(),
  serviceId: z.uuid().nullable().optional().describe("The affected service"),
  assignmentGroupId: z.uuid().nullable().optional(),
  assigneeId: z.uuid().nullable().optional(),
  requesterId: z.uuid().optional().describe("Who reported it; defaults to the caller (agents may set another person)"),
  channel: ZChannel.optional().describe("How it was reported"),
  watcherIds: z.array(z.uuid()).max(50).optional(),
});
export type TCreateIncidentRequest = z.infer<typeof ZCreateIncidentRequest>;

export const ZUpdateIncidentRequest = z.object({
  title: ZTitle.optional(),
  description: ZDescription.optional(),
  impact: ZLevel.optional(),
  urgency: ZLevel.optional(),
  categoryId: z.uuid().nullable().optional(),
  subcategoryId: z.uuid().nullable().optional(),
  serviceId: z.uuid().nullable().optional(),
  assignmentGroupId: z.uuid().nullable().optional(),
  assigneeId: z.uuid().nullable().optional(),
  requesterId: z.uuid().optional(),
  /** Moving to another state runs the workflow transition that leads there. */
  state: ZIncidentState.optional().describe("Target state; runs the matching workflow transition"),
  holdReason: ZHoldReason.optional(),
  resolutionCode: ZResolutionCode.optional(),
  resolutionNotes: z.string().trim().min(1).max(20_000).optional(),
  /** The version you read; a stale one is refused with 409. May also be sent as If-Match. */
  version: z.number().int().positive().optional().describe("The version you read; stale → 409"),
});
export type TUpdateIncidentRequest = z.infer<typeof ZUpdateIncidentRequest>;

export const ZTransitionRequest = z.object({
  action: ZIncidentAction,
  holdReason: ZHoldReason.optional().describe("Required for hold"),
  resolutionCode: ZResolutionCode.optional().describe("Required for resolve"),
  resolutionNotes: z.string().trim().min(1).max(20_000).optional().describe("Required for resolve"),
  reason: z.string().trim().min(1).max(5_000).optional().describe("Required for reopen and cancel"),
  /** Resolve: also resolve the open child incidents with the same resolution. */
  resolveChildren: z.boolean().optional().describe("Resolve: also resolve the open child incidents, with the same resolution"),
  /** Resolve: resolve although child items stay open; the reason is recorded on the timeline. */
  childrenOverrideReason: z
    .string()
    .trim()
    .min(1)
    .max(5_000)
    .optional()
    .describe("Resolve: why the parent may be resolved while children stay open (recorded)"),
  version: z.number().int().positive().optional(),
});
export type TTransitionRequest = z.infer<typeof ZTransitionRequest>;

export const INCIDENT_SORTS = [
  "createdAt",
  "-createdAt",
  "updatedAt",
  "-updatedAt",
  "priority",
  "-priority",
  "number",
  "-number",
  "slaDueAt",
  "-slaDueAt",
] as const;

export const ZListIncidentsQuery = z.object({
  state: zCsv(ZIncidentState).describe("One or more states, comma separated"),
  open: z.enum(["true", "false"]).optional().describe("true = new, in progress or on hold"),
  priority: zCsv(ZPriority),
  assignmentGroupId: zCsv(z.union([z.uuid(), z.literal("mine"), z.literal("none")])).describe("UUIDs, 'mine' or 'none'"),
  assigneeId: z
    .union([z.uuid(), z.literal("me"), z.literal("none")])
    .optional()
    .describe("UUID, 'me' or 'none'"),
  requesterId: z.uuid().optional(),
  serviceId: z.uuid().optional(),
  categoryId: z.uuid().optional(),
  /** true = only major incidents; false = none. */
  major: z.enum(["true", "false"]).optional().describe("true = only major incidents, false = leave them out"),
  q: z.string().trim().max(200).optional().describe("Words in the number, title or description"),
  sort: z.enum(INCIDENT_SORTS).default("-createdAt"),
  limit: ZLimit,
  cursor: ZCursor,
  /** Whether to count matches (capped at 10,000). */
  count: z.enum(["true", "false"]).default("true"),
});
export type TListIncidentsQuery = z.infer<typeof ZListIncidentsQuery>;

export const ZIncidentSummary = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    state: ZIncidentState,
    impact: ZLevel,
    urgency: ZLevel,
    priority: ZPriority,
    requester: ZPersonRef,
    assignmentGroup: ZRef.nullable(),
    assignee: ZPersonRef.nullable(),
    service: ZRef.nullable(),
    category: ZRef.nullable(),
    /** Nearest due time of the item's running SLA clocks (null: none running). */
    slaDueAt: z.iso.datetime().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: "IncidentSummary" });
export type TIncidentSummary = z.infer<typeof ZIncidentSummary>;

export const ZIncident = ZIncidentSummary.extend({
  type: z.literal("incident"),
  description: z.string(),
  subcategory: ZRef.nullable(),
  channel: ZChannel,
  holdReason: ZHoldReason.nullable(),
  resolutionCode: ZResolutionCode.nullable(),
  resolutionNotes: z.string().nullable(),
  reopenCount: z.number().int(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdBy: ZPersonRef.nullable(),
  /** Workflow actions the caller may take now. */
  actions: z.array(ZIncidentAction).describe("Workflow actions the caller may take now"),
  watching: z.boolean().describe("Whether the caller watches it"),
}).meta({ id: "Incident" });
export type TIncident = z.infer<typeof ZIncident>;

export const ZIncidentPage = z.object({
  items: z.array(ZIncidentSummary),
  nextCursor: z.string().nullable(),
  /** Number of matches, counted up to 10,000. */
  total: z.number().int().nullable().describe("Matches, counted up to 10,000 (1,000 for text searches; null when count=false)"),
  totalCapped: z.boolean().describe("True when there are more matches than were counted (total is then the cap)"),
});
export type TIncidentPage = z.infer<typeof ZIncidentPage>;
