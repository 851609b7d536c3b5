import { z } from "zod";
import { ZPersonRef } from "./common";

export const ZCreateCommentRequest = z.object({
  body: z.string().trim().min(1).max(100_000).describe("The text"),
  /** public = seen by the requester; internal = a work note for agents only. */
  visibility: z.enum(["public", "internal"]).default("public").describe("public comment or internal work note"),
});
export const ZCreateWorkNoteRequest = z.object({ body: z.string().trim().min(1).max(100_000) });

export const ZComment = z
  .object({
    id: z.uuid(),
    body: z.string(),
    visibility: z.enum(["public", "internal"]),
    author: ZPersonRef.nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "Comment" });
export type TComment = z.infer<typeof ZComment>;

export const ZAttachment = z
  .object({
    id: z.uuid(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    uploadedBy: ZPersonRef.nullable(),
    createdAt: z.string(),
    /** Relative URL that downloads the file. */
    downloadUrl: z.string(),
  })
  .meta({ id: "Attachment" });
export type TAttachment = z.infer<typeof ZAttachment>;

/** States in which a work item of any practice counts as finished (for parent/child closing rules). */
export const DONE_STATES = ["resolved", "closed", "cancelled", "completed", "fulfilled", "rejected", "withdrawn"] as const;

/** caused_by: an incident caused by a problem or a failed change, a change raised for a problem; causes is its reverse. */
export const LINK_KINDS = ["parent_of", "child_of", "duplicate_of", "duplicated_by", "related_to", "caused_by", "causes"] as const;
export const ZLinkKind = z.enum(LINK_KINDS);
export const ZCreateLinkRequest = z.object({
  /** How this item relates to the target, read as "this item <kind> target". */
  kind: ZLinkKind.describe('Read as "this item <kind> target"'),
  target: z.string().trim().min(1).max(64).describe("The other work item: UUID or number"),
});
export const ZLink = z
  .object({
    id: z.uuid(),
    kind: ZLinkKind,
    target: z.object({ id: z.uuid(), number: z.string(), title: z.string(), state: z.string(), type: z.string() }),
    createdAt: z.string(),
  })
  .meta({ id: "Link" });
export type TLink = z.infer<typeof ZLink>;

export const ZWatcherRequest = z.object({ userId: z.uuid() });
export const ZWatcher = ZPersonRef.extend({ since: z.string() });

export const ZTimelineEvent = z
  .object({
    id: z.string(),
    kind: z.string(),
    actor: ZPersonRef.nullable(),
    visibility: z.enum(["public", "internal"]),
    changes: z.array(
      z.object({
        field: z.string(),
        from: z.unknown(),
        to: z.unknown(),
        /** Display names when from/to are references (people, groups, services, categories). */
        fromLabel: z.string().nullable().optional().describe("Name of the referenced record, when from is an id"),
        toLabel: z.string().nullable().optional().describe("Name of the referenced record, when to is an id"),
      }),
    ),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: "TimelineEvent" });
export type TTimelineEvent = z.infer<typeof ZTimelineEvent>;

export const ZTimelinePage = z.object({ items: z.array(ZTimelineEvent), nextCursor: z.string().nullable() });
