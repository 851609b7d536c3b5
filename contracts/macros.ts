import { z } from "zod";
import { ZPersonRef } from "./common";
import { ZHoldReason, ZIncidentAction, ZResolutionCode } from "./incidents";
import { ZLevel } from "./priority";

/** Placeholders a macro's reply may use. */
export const MACRO_PLACEHOLDERS = ["requester.name", "requester.email", "number", "title", "agent.name", "assignee.name"] as const;

/** What a macro does, in one step: field changes, at most one workflow action, a reply. */
export const ZMacroActions = z
  .object({
    assigneeId: z.uuid().nullable().optional().describe("Assign to this agent (null = unassign)"),
    assignmentGroupId: z.uuid().nullable().optional(),
    impact: ZLevel.optional(),
    urgency: ZLevel.optional(),
    action: ZIncidentAction.optional().describe("A workflow action (resolve, hold…)"),
    holdReason: ZHoldReason.optional(),
    resolutionCode: ZResolutionCode.optional(),
    resolutionNotes: z.string().trim().min(1).max(20_000).optional(),
    reason: z.string().trim().min(1).max(5_000).optional(),
    /** Reply text; placeholders {{requester.name}}, {{number}}, {{title}}, {{agent.name}}, {{assignee.name}}, {{requester.email}}. */
    reply: z
      .object({ body: z.string().trim().min(1).max(20_000), visibility: z.enum(["public", "internal"]).default("public") })
      .optional()
      .describe("Reply with placeholders such as {{requester.name}} and {{number}}"),
  })
  .refine((a) => Object.values(a).some((v) => v !== undefined), { message: "a macro must do something" });
export type TMacroActions = z.infer<typeof ZMacroActions>;

export const ZCreateMacroRequest = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(""),
  /** Shared with every agent of the organization, or personal. */
  shared: z.boolean().default(false).describe("Shared with every agent, or personal"),
  /** The desk it belongs to (desks are being added; null = every desk). */
  deskId: z.uuid().nullable().optional().describe("Desk it belongs to; null = every desk"),
  actions: ZMacroActions,
});
export type TCreateMacroRequest = z.infer<typeof ZCreateMacroRequest>;

export const ZMacro = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    shared: z.boolean(),
    owner: ZPersonRef.nullable(),
    deskId: z.uuid().nullable(),
    actions: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: "Macro" });
export type TMacro = z.infer<typeof ZMacro>;

export const ZListMacrosQuery = z.object({ deskId: z.uuid().optional().describe("Only macros of this desk (and desk-less ones)") });
