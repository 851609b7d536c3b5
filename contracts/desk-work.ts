import { z } from "zod";
import { ERROR_CODES } from "./common";
import { ZHoldReason, ZIncidentAction, ZResolutionCode } from "./incidents";

const ZItemRef = z.string().trim().min(1).max(64).describe("UUID or number, e.g. INC0000042");

/** Merge duplicates into the incident in the path (the survivor). */
export const ZMergeRequest = z.object({
  /** The duplicates: open incidents of the same organization, never the survivor itself. */
  duplicates: z.array(ZItemRef).min(1).max(50).describe("The duplicate incidents (UUIDs or numbers)"),
  /** Public comment left on each duplicate for its requester; a default names the survivor. */
  message: z.string().trim().min(1).max(5_000).optional().describe("Public comment on each duplicate; defaults to a note naming the survivor"),
});
export type TMergeRequest = z.infer<typeof ZMergeRequest>;

export const ZMergeResult = z
  .object({
    survivor: z.object({ id: z.uuid(), number: z.string() }),
    merged: z.array(
      z.object({
        id: z.uuid(),
        number: z.string(),
        /** Comments copied to the survivor (their text prefixed with the duplicate's number). */
        commentsCopied: z.number().int(),
        /** Attachments referenced from the survivor (the same stored bytes, not a copy). */
        attachmentsCopied: z.number().int(),
        /** Watchers (and the duplicate's requester) added to the survivor's watchers. */
        watchersAdded: z.number().int(),
        /** Links moved from the duplicate to the survivor. */
        linksMoved: z.number().int(),
      }),
    ),
  })
  .meta({ id: "MergeResult" });
export type TMergeResult = z.infer<typeof ZMergeResult>;

/** Split one comment of the incident in the path into a new incident. */
export const ZSplitRequest = z.object({
  commentId: z.uuid().describe("The comment (or work note) that becomes the new incident"),
  title: z.string().trim().min(1).max(300).describe("Title of the new incident"),
});
export const ZSplitResult = z.object({ id: z.uuid(), number: z.string() }).meta({ id: "SplitResult" });

/** One bulk change applied to every selected incident, each in its own transaction. */
export const ZBulkRequest = z
  .object({
    ids: z.array(ZItemRef).min(1).max(200).describe("The selected incidents (UUIDs or numbers)"),
    assigneeId: z.uuid().nullable().optional().describe("Assign to this agent (null = unassign)"),
    assignmentGroupId: z.uuid().nullable().optional().describe("Move to this group (null = no group)"),
    action: ZIncidentAction.optional().describe("A workflow action to run on each"),
    holdReason: ZHoldReason.optional(),
    resolutionCode: ZResolutionCode.optional(),
    resolutionNotes: z.string().trim().min(1).max(20_000).optional(),
    reason: z.string().trim().min(1).max(5_000).optional(),
    comment: z
      .object({ body: z.string().trim().min(1).max(100_000), visibility: z.enum(["public", "internal"]).default("internal") })
      .optional()
      .describe("A comment (public) or work note (internal) added to each"),
    /** Make each selected incident a child of this work item (an incident, problem, change…). */
    parent: ZItemRef.optional().describe("Link each as a child of this work item (e.g. a problem)"),
  })
  .refine((b) => b.assigneeId !== undefined || b.assignmentGroupId !== undefined || b.action || b.comment || b.parent, {
    message: "choose at least one change: assignee, group, action, comment or parent",
  });
export type TBulkRequest = z.infer<typeof ZBulkRequest>;

export const ZBulkResult = z
  .object({
    items: z.array(
      z.object({
        ref: z.string().describe("The reference as sent"),
        id: z.uuid().nullable(),
        number: z.string().nullable(),
        ok: z.boolean(),
        /** Why this ticket was left unchanged (nothing of it was applied). */
        error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }).nullable(),
      }),
    ),
    succeeded: z.number().int(),
    failed: z.number().int(),
  })
  .meta({ id: "BulkResult" });
export type TBulkResult = z.infer<typeof ZBulkResult>;

/** The link graph around one work item, over every kind of work_item_links (any practice). */
export const ZLinkTree = z
  .object({
    rootId: z.uuid(),
    nodes: z.array(z.object({ id: z.uuid(), number: z.string(), type: z.string(), title: z.string(), state: z.string() })),
    /** Stored direction: source <kind> target (child_of, duplicate_of, related_to, …). */
    edges: z.array(z.object({ sourceId: z.uuid(), targetId: z.uuid(), kind: z.string() })),
    truncated: z.boolean().describe("True when the graph was cut at the node limit"),
  })
  .meta({ id: "LinkTree" });
export type TLinkTree = z.infer<typeof ZLinkTree>;
