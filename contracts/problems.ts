import { z } from "zod";
import { ZCursor, ZLimit, ZPersonRef, ZRef, zCsv } from "./common";
import { ZLevel, ZPriority } from "./priority";

export const PROBLEM_STATES = ["new", "assessed", "root_cause_analysis", "fix_in_progress", "resolved", "closed"] as const;
export const ZProblemState = z.enum(PROBLEM_STATES);
export type ProblemState = (typeof PROBLEM_STATES)[number];
export const OPEN_PROBLEM_STATES: ProblemState[] = ["new", "assessed", "root_cause_analysis", "fix_in_progress"];

export const PROBLEM_ACTIONS = ["assess", "investigate", "start_fix", "resolve", "close", "cancel", "reopen"] as const;
export const ZProblemAction = z.enum(PROBLEM_ACTIONS);
export type ProblemAction = (typeof PROBLEM_ACTIONS)[number];

export const PROBLEM_CLOSE_CODES = ["fix_applied", "risk_accepted", "duplicate", "cancelled"] as const;
export const ZProblemCloseCode = z.enum(PROBLEM_CLOSE_CODES);

const ZText = (max: number) => z.string().trim().min(1).max(max);

export const ZCreateProblemRequest = z.object({
  title: ZText(300).describe("Short statement of the problem"),
  description: z.string().max(100_000).default("").describe("What is known so far"),
  impact: ZLevel.default("medium"),
  urgency: ZLevel.default("medium"),
  serviceId: z.uuid().nullable().optional().describe("The affected service"),
  assignmentGroupId: z.uuid().nullable().optional(),
  assigneeId: z.uuid().nullable().optional(),
  /** Incidents (UUIDs or numbers) to link at once, e.g. a candidate cluster. */
  incidents: z.array(z.string().trim().min(1).max(64)).max(200).optional().describe("Incidents to link at once (UUIDs or numbers)"),
});
export type TCreateProblemRequest = z.infer<typeof ZCreateProblemRequest>;

export const ZUpdateProblemRequest = z.object({
  title: ZText(300).optional(),
  description: z.string().max(100_000).optional(),
  impact: ZLevel.optional(),
  urgency: ZLevel.optional(),
  serviceId: z.uuid().nullable().optional(),
  assignmentGroupId: z.uuid().nullable().optional(),
  assigneeId: z.uuid().nullable().optional(),
  rootCause: z.string().trim().max(20_000).nullable().optional().describe("What causes the incidents"),
  workaround: z.string().trim().max(20_000).nullable().optional().describe("How to restore service until the fix"),
  fix: z.string().trim().max(20_000).nullable().optional().describe("The permanent fix"),
  version: z.number().int().positive().optional().describe("The version you read; stale → 409"),
});
export type TUpdateProblemRequest = z.infer<typeof ZUpdateProblemRequest>;

export const ZProblemTransitionRequest = z.object({
  action: ZProblemAction,
  rootCause: ZText(20_000).optional().describe("Needed to start the fix when not yet recorded"),
  fix: ZText(20_000).optional().describe("Needed to resolve when not yet recorded"),
  closeCode: ZProblemCloseCode.optional().describe("Needed to cancel: risk_accepted, duplicate or cancelled"),
  reason: ZText(5_000).optional().describe("Needed to cancel and reopen"),
  version: z.number().int().positive().optional(),
});
export type TProblemTransitionRequest = z.infer<typeof ZProblemTransitionRequest>;

export const PROBLEM_SORTS = ["-createdAt", "createdAt", "-priority", "priority", "-updatedAt"] as const;
export const ZListProblemsQuery = z.object({
  state: zCsv(ZProblemState),
  open: z.enum(["true", "false"]).optional().describe("true = not resolved or closed"),
  serviceId: z.uuid().optional(),
  knownError: z.enum(["true", "false"]).optional().describe("Only problems with (or without) a known error"),
  q: z.string().trim().max(200).optional().describe("Words in the number, title or description"),
  sort: z.enum(PROBLEM_SORTS).default("-createdAt"),
  limit: ZLimit,
  cursor: ZCursor,
});
export type TListProblemsQuery = z.infer<typeof ZListProblemsQuery>;

export const ZKnownErrorSummary = z
  .object({
    id: z.uuid(),
    number: z.string().describe("KE0000001"),
    title: z.string(),
    symptoms: z.string(),
    workaround: z.string(),
    published: z.boolean().describe("Shown to requesters in portal/knowledge search"),
    problem: z.object({ id: z.uuid(), number: z.string(), title: z.string(), state: ZProblemState }).nullable().describe("Null for requesters"),
    retiredAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "KnownError" });
export type TKnownError = z.infer<typeof ZKnownErrorSummary>;

export const ZProblemSummary = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    state: ZProblemState,
    impact: ZLevel,
    urgency: ZLevel,
    priority: ZPriority,
    service: ZRef.nullable(),
    assignmentGroup: ZRef.nullable(),
    assignee: ZPersonRef.nullable(),
    /** Linked incidents, and how many of them are still open. */
    incidentCount: z.number().int(),
    openIncidentCount: z.number().int(),
    knownErrorNumber: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: "ProblemSummary" });
export type TProblemSummary = z.infer<typeof ZProblemSummary>;

export const ZProblem = ZProblemSummary.extend({
  type: z.literal("problem"),
  description: z.string(),
  rootCause: z.string().nullable(),
  workaround: z.string().nullable(),
  fix: z.string().nullable(),
  closeCode: ZProblemCloseCode.nullable(),
  requester: ZPersonRef.describe("Who raised it"),
  knownError: ZKnownErrorSummary.nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  actions: z.array(ZProblemAction).describe("Workflow actions the caller may take now"),
}).meta({ id: "Problem" });
export type TProblem = z.infer<typeof ZProblem>;

export const ZProblemPage = z.object({ items: z.array(ZProblemSummary), nextCursor: z.string().nullable() });
export type TProblemPage = z.infer<typeof ZProblemPage>;

export const ZLinkedIncident = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    state: z.string(),
    priority: ZPriority,
    service: ZRef.nullable(),
    assignee: ZPersonRef.nullable(),
    open: z.boolean(),
    linkedAt: z.string(),
  })
  .meta({ id: "LinkedIncident" });
export type TLinkedIncident = z.infer<typeof ZLinkedIncident>;

export const ZLinkIncidentsRequest = z.object({
  incidents: z.array(z.string().trim().min(1).max(64)).min(1).max(200).describe("Incidents to link: UUIDs or numbers"),
});

/** One item of a bulk operation: done, or why not. */
export const ZBulkResult = z
  .object({
    ref: z.string().describe("The reference as given"),
    id: z.uuid().nullable(),
    number: z.string().nullable(),
    ok: z.boolean(),
    code: z.string().optional().describe("Error code when not ok"),
    message: z.string().optional(),
  })
  .meta({ id: "BulkResult" });
export type TBulkResult = z.infer<typeof ZBulkResult>;
export const ZBulkResponse = z.object({ results: z.array(ZBulkResult) });

export const ZResolveIncidentsRequest = z.object({
  incidents: z.array(z.string().trim().min(1).max(64)).min(1).max(200).describe("Linked open incidents to resolve"),
  resolutionNotes: ZText(20_000).optional().describe("Defaults to the problem's fix"),
});

export const ZRecordKnownErrorRequest = z.object({
  title: ZText(300).optional().describe("Defaults to the problem's title"),
  symptoms: z.string().trim().max(20_000).default(""),
  workaround: ZText(20_000).optional().describe("Defaults to the problem's workaround (one of the two is needed)"),
  published: z.boolean().default(true),
});
export const ZUpdateKnownErrorRequest = z.object({
  title: ZText(300).optional(),
  symptoms: z.string().trim().max(20_000).optional(),
  workaround: ZText(20_000).optional(),
  published: z.boolean().optional(),
  retired: z.boolean().optional().describe("Retire (true) or restore (false)"),
});

export const ZApplyKnownErrorRequest = z.object({
  incident: z.string().trim().min(1).max(64).describe("The incident: UUID or number"),
  /** resolve = resolve the incident with the workaround (code solved_workaround); otherwise a public comment. */
  resolve: z.boolean().default(false).describe("Resolve the incident with the workaround instead of only commenting"),
});
export const ZApplyKnownErrorResponse = z.object({
  incident: z.object({ id: z.uuid(), number: z.string(), state: z.string() }),
  linked: z.boolean().describe("False when the incident was already linked to the problem"),
});

export const ZListKnownErrorsQuery = z.object({
  q: z.string().trim().max(200).optional(),
  serviceId: z.uuid().optional().describe("Known errors of problems on this service"),
  includeRetired: z.enum(["true", "false"]).default("false"),
  limit: ZLimit,
});

export const ZCandidateQuery = z.object({
  days: z.coerce.number().int().min(1).max(90).default(14).describe("Look at incidents created in the last N days"),
  minSize: z.coerce.number().int().min(2).max(50).default(3).describe("Smallest cluster shown"),
  similarity: z.coerce.number().min(0.1).max(1).default(0.35).describe("Trigram similarity of titles (0–1)"),
});

export const ZCandidateCluster = z
  .object({
    service: ZRef.nullable(),
    /** A title for the problem, taken from the cluster's most typical incident. */
    suggestedTitle: z.string(),
    score: z.number().describe("Mean pairwise similarity"),
    incidents: z.array(z.object({ id: z.uuid(), number: z.string(), title: z.string(), state: z.string(), priority: ZPriority, createdAt: z.string() })),
  })
  .meta({ id: "CandidateCluster" });
export type TCandidateCluster = z.infer<typeof ZCandidateCluster>;
export const ZCandidatesResponse = z.object({ clusters: z.array(ZCandidateCluster) });
