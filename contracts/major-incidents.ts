import { z } from "zod";
import { ZPersonRef } from "./common";
import { ZResolutionCode } from "./incidents";

const ZItemRef = z.string().trim().min(1).max(64).describe("UUID or number, e.g. INC0000042");

/** Declare a major incident: promote an incident (or raise a new one) and attach the related incidents. */
export const ZDeclareMajorIncidentRequest = z
  .object({
    /** The incident that becomes the major incident; omit it and give a title to raise a new one. */
    incident: ZItemRef.optional().describe("The incident that becomes the major incident"),
    title: z.string().trim().min(1).max(300).optional().describe("Title of a new major incident (when no incident is given)"),
    /** Incidents attached as children (child_of): resolved with the major incident, told of its updates. */
    children: z.array(ZItemRef).max(200).default([]).describe("Incidents to attach as children"),
    managerId: z.uuid().describe("The major-incident manager (an agent)"),
    /** Communication plan: who is informed and how often. */
    audience: z.string().trim().max(2000).default("").describe("Who is kept informed (communication plan)"),
    updateCadenceMinutes: z.number().int().min(5).max(1440).default(60).describe("Minutes between status updates"),
  })
  .refine((b) => Boolean(b.incident) !== Boolean(b.title), { message: "give either incident or title", path: ["incident"] });
export type TDeclareMajorIncidentRequest = z.infer<typeof ZDeclareMajorIncidentRequest>;

export const ZAttachChildrenRequest = z.object({ children: z.array(ZItemRef).min(1).max(200) });
export const ZStatusUpdateRequest = z.object({
  body: z.string().trim().min(1).max(20_000).describe("The status update; posted publicly to the major incident and every open child"),
});
export const ZResolveMajorIncidentRequest = z.object({
  resolutionCode: ZResolutionCode,
  resolutionNotes: z.string().trim().min(1).max(20_000),
});

export const ZReviewPatch = z.object({
  summary: z.string().max(20_000).optional(),
  rootCause: z.string().max(20_000).optional(),
  lessonsLearned: z.string().max(20_000).optional(),
  followUpActions: z.string().max(20_000).optional(),
  status: z.enum(["draft", "completed"]).optional(),
});

const ZItem = z.object({ id: z.uuid(), number: z.string(), title: z.string(), state: z.string() });

export const ZPostIncidentReview = z
  .object({
    status: z.enum(["draft", "completed"]),
    owner: ZPersonRef.nullable(),
    summary: z.string(),
    rootCause: z.string(),
    lessonsLearned: z.string(),
    followUpActions: z.string(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .meta({ id: "PostIncidentReview" });

export const ZMajorIncident = z
  .object({
    item: ZItem,
    /** active while the incident is open; resolved/closed follow it. */
    status: z.enum(["active", "resolved", "closed"]),
    manager: ZPersonRef,
    audience: z.string(),
    updateCadenceMinutes: z.number().int(),
    nextUpdateDueAt: z.string().nullable(),
    declaredAt: z.string(),
    declaredBy: ZPersonRef.nullable(),
    children: z.array(ZItem),
    updates: z.array(z.object({ id: z.uuid(), body: z.string(), postedBy: ZPersonRef.nullable(), childrenCount: z.number().int(), createdAt: z.string() })),
    review: ZPostIncidentReview.nullable(),
  })
  .meta({ id: "MajorIncident" });
export type TMajorIncident = z.infer<typeof ZMajorIncident>;

/** How an incident relates to major incidents: it is one, or a child of one, or neither. */
export const ZMajorIncidentContext = z
  .object({
    major: ZMajorIncident.nullable(),
    /** The major incident this incident is attached to as a child. */
    parentMajor: ZItem.extend({ status: z.enum(["active", "resolved", "closed"]) }).nullable(),
  })
  .meta({ id: "MajorIncidentContext" });
export type TMajorIncidentContext = z.infer<typeof ZMajorIncidentContext>;
