import { z } from "zod";
import { ZApprovalChain, ZApprovalStage } from "./approvals";
import { ZCatalogForm } from "./catalog-form";
import { ZCursor, ZLimit, ZPersonRef, ZRef, zCsv } from "./common";

export const CATALOG_ICONS = [
  "laptop",
  "phone",
  "monitor",
  "key",
  "software",
  "user-plus",
  "user-minus",
  "building",
  "desk",
  "tool",
  "briefcase",
  "heart",
  "mail",
  "shield",
  "truck",
  "package",
] as const;

/** Who may order an item: everyone, staff (agents and admins) only, or only people who manage someone. */
export const AUDIENCES = ["everyone", "staff", "managers"] as const;

/** One task of the fulfilment plan, given to a group when the approvals pass. */
export const ZFulfilmentTask = z
  .object({
    title: z.string().trim().min(1, "say what to do").max(200).describe("What to do, e.g. Prepare the laptop"),
    description: z.string().max(4000).default("").describe("Instructions for the group"),
    groupId: z.uuid().describe("The group that does it"),
    /** false = starts when every earlier task is closed (in sequence); true = runs together with the previous task. */
    parallelWithPrevious: z.boolean().default(false).describe("Run together with the previous task instead of after it"),
  })
  .meta({ id: "FulfilmentTask" });
export type TFulfilmentTask = z.infer<typeof ZFulfilmentTask>;

/** Everything a version of an item fixes: what requesters see, ask and approve, and what the desk does. */
const definition = {
  name: z.string().trim().min(1).max(200).describe("e.g. New laptop"),
  summary: z.string().trim().max(300).default("").describe("One line in the catalog"),
  description: z.string().max(10_000).default("").describe("What the requester gets, how long it takes"),
  icon: z.enum(CATALOG_ICONS).default("package").describe("Icon in the portal"),
  form: ZCatalogForm.default({ variables: [] }),
  approvals: ZApprovalChain.default([]),
  fulfilment: z.array(ZFulfilmentTask).max(30).default([]).describe("Tasks created when the approvals pass"),
};

export const ZCreateCatalogItemRequest = z.object({
  deskId: z.uuid().describe("The desk whose catalog lists it"),
  categoryId: z.uuid().nullable().optional().describe("A category (of the same desk or none)"),
  audience: z.enum(AUDIENCES).default("everyone").describe("Who may order it"),
  active: z.boolean().default(true).describe("Inactive items cannot be ordered"),
  ...definition,
});
export type TCreateCatalogItemRequest = z.infer<typeof ZCreateCatalogItemRequest>;

/** Any subset; a change to the definition (name, texts, icon, form, approvals, fulfilment) makes a new version. */
export const ZUpdateCatalogItemRequest = z.object({
  deskId: z.uuid().optional(),
  categoryId: z.uuid().nullable().optional(),
  audience: z.enum(AUDIENCES).optional(),
  active: z.boolean().optional(),
  name: definition.name.optional(),
  summary: z.string().trim().max(300).optional(),
  description: z.string().max(10_000).optional(),
  icon: z.enum(CATALOG_ICONS).optional(),
  form: ZCatalogForm.optional(),
  approvals: ZApprovalChain.optional(),
  fulfilment: z.array(ZFulfilmentTask).max(30).optional(),
  /** The version you edited: a newer one gets 409. */
  version: z.number().int().min(1).optional().describe("The version you edited (409 when stale)"),
});
export type TUpdateCatalogItemRequest = z.infer<typeof ZUpdateCatalogItemRequest>;

const ZDeskRef = z.object({ id: z.uuid(), name: z.string(), slug: z.string() });

export const ZCatalogItemSummary = z
  .object({
    id: z.uuid(),
    name: z.string(),
    summary: z.string(),
    icon: z.string(),
    desk: ZDeskRef,
    category: ZRef.nullable(),
    audience: z.enum(AUDIENCES),
    active: z.boolean(),
    /** Current version number. */
    version: z.number().int(),
    /** How many approval stages the current version has (0 = none). */
    approvalStages: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: "CatalogItemSummary" });
export type TCatalogItemSummary = z.infer<typeof ZCatalogItemSummary>;

export const ZCatalogItem = ZCatalogItemSummary.extend({
  versionId: z.uuid(),
  description: z.string(),
  form: ZCatalogForm,
  approvals: ZApprovalChain,
  /** The fulfilment plan (staff only; empty for requesters). */
  fulfilment: z.array(ZFulfilmentTask),
  /** May the caller order it? */
  canRequest: z.boolean(),
}).meta({ id: "CatalogItem" });
export type TCatalogItem = z.infer<typeof ZCatalogItem>;

export const ZCatalogItemVersion = z
  .object({ id: z.uuid(), version: z.number().int(), name: z.string(), createdAt: z.string(), createdBy: ZPersonRef.nullable() })
  .meta({ id: "CatalogItemVersion" });

export const ZListCatalogQuery = z.object({
  desk: z.string().max(64).optional().describe("Desk UUID or slug"),
  categoryId: z.uuid().optional(),
  q: z.string().trim().max(200).optional().describe("Words in the name or summary"),
  all: z.enum(["true", "false"]).optional().describe("Admins: include inactive items and those outside my audience"),
  limit: ZLimit,
});

export const ZCatalogIdParam = z.object({ id: z.uuid() });
export const ZCatalogVersionParam = z.object({ id: z.uuid(), version: z.coerce.number().int().min(1) });

// ---- Service requests and their tasks ----

export const REQUEST_STATES = ["pending_approval", "in_progress", "completed", "incomplete", "rejected", "cancelled"] as const;
export type RequestState = (typeof REQUEST_STATES)[number];
export const OPEN_REQUEST_STATES: RequestState[] = ["pending_approval", "in_progress"];
export const TASK_STATES = ["pending", "open", "in_progress", "completed", "cancelled"] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const OPEN_TASK_STATES: TaskState[] = ["pending", "open", "in_progress"];
export const TASK_ACTIONS = ["start", "complete", "cancel"] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

export const ZCreateServiceRequest = z.object({
  catalogItemId: z.uuid().describe("What is ordered (its current version is used)"),
  /** Answers keyed by variable name; validated against the item's form. */
  answers: z.record(z.string(), z.unknown()).default({}).describe("Answers keyed by variable name"),
  /** Staff ordering for someone else. */
  requesterId: z.uuid().optional().describe("Staff: order on behalf of this person"),
});
export type TCreateServiceRequest = z.infer<typeof ZCreateServiceRequest>;

/** One answer as the request shows it. */
export const ZAnswer = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  value: z.unknown(),
  /** The answer in words (choice labels, person names, Yes/No, file names). */
  display: z.string(),
});

export const ZTaskSummary = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    state: z.enum(TASK_STATES),
    step: z.number().int(),
    assignmentGroup: ZRef.nullable(),
    assignee: ZPersonRef.nullable(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: "RequestTaskSummary" });

export const ZServiceRequest = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    description: z.string(),
    state: z.enum(REQUEST_STATES),
    requester: ZPersonRef,
    createdBy: ZPersonRef.nullable(),
    catalogItem: z.object({ id: z.uuid(), name: z.string(), icon: z.string(), version: z.number().int(), versionId: z.uuid() }),
    desk: ZDeskRef,
    answers: z.array(ZAnswer),
    approvals: z.array(ZApprovalStage),
    /** Fulfilment tasks (staff see them all; requesters too, without work notes). */
    tasks: z.array(ZTaskSummary),
    /** Why an approver rejected it (state rejected). */
    closeReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
    version: z.number().int(),
    /** What the caller may do now. */
    actions: z.array(z.enum(["cancel"])),
  })
  .meta({ id: "ServiceRequest" });
export type TServiceRequest = z.infer<typeof ZServiceRequest>;

export const ZServiceRequestSummary = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    state: z.enum(REQUEST_STATES),
    requester: ZPersonRef,
    catalogItem: z.object({ id: z.uuid(), name: z.string(), icon: z.string() }),
    desk: ZDeskRef,
    openTasks: z.number().int(),
    totalTasks: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "ServiceRequestSummary" });
export type TServiceRequestSummary = z.infer<typeof ZServiceRequestSummary>;

export const ZListRequestsQuery = z.object({
  state: zCsv(z.enum(REQUEST_STATES)).describe("Only these states"),
  open: z.enum(["true", "false"]).optional().describe("true = pending approval or in progress"),
  requesterId: z.string().max(40).optional().describe("A person's UUID, or me"),
  desk: z.string().max(64).optional().describe("Desk UUID or slug"),
  q: z.string().trim().max(200).optional().describe("Number or words in the title"),
  limit: ZLimit,
  cursor: ZCursor,
});
export type TListRequestsQuery = z.infer<typeof ZListRequestsQuery>;

export const ZCancelRequestRequest = z.object({ reason: z.string().trim().min(1).max(2000).describe("Why it is no longer needed") });

export const ZRequestTask = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    description: z.string(),
    state: z.enum(TASK_STATES),
    step: z.number().int(),
    request: z.object({ id: z.uuid(), number: z.string(), title: z.string(), state: z.enum(REQUEST_STATES) }),
    requester: ZPersonRef,
    assignmentGroup: ZRef.nullable(),
    assignee: ZPersonRef.nullable(),
    closeNotes: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
    version: z.number().int(),
    actions: z.array(z.enum(TASK_ACTIONS)),
  })
  .meta({ id: "RequestTask" });
export type TRequestTask = z.infer<typeof ZRequestTask>;

export const ZListTasksQuery = z.object({
  state: zCsv(z.enum(TASK_STATES)),
  open: z.enum(["true", "false"]).optional().describe("true = pending, open or in progress"),
  assignmentGroupId: z.string().max(40).optional().describe("A group's UUID, or mine (my groups)"),
  assigneeId: z.string().max(40).optional().describe("A person's UUID, or me"),
  requestId: z.uuid().optional(),
  limit: ZLimit,
  cursor: ZCursor,
});
export type TListTasksQuery = z.infer<typeof ZListTasksQuery>;

export const ZUpdateTaskRequest = z.object({
  assignmentGroupId: z.uuid().nullable().optional(),
  assigneeId: z.uuid().nullable().optional(),
  version: z.number().int().optional().describe("The version you read (409 when stale)"),
});
export type TUpdateTaskRequest = z.infer<typeof ZUpdateTaskRequest>;

export const ZTaskTransitionRequest = z.object({
  action: z.enum(TASK_ACTIONS).describe("start, complete or cancel"),
  /** What was done (complete) or why (cancel: required). */
  notes: z.string().trim().max(4000).optional().describe("What was done; required to cancel"),
  version: z.number().int().optional(),
});
export type TTaskTransitionRequest = z.infer<typeof ZTaskTransitionRequest>;

export const ZTaskPage = z.object({ items: z.array(ZRequestTask), nextCursor: z.string().nullable() });
export const ZRequestPage = z.object({ items: z.array(ZServiceRequestSummary), nextCursor: z.string().nullable() });
