import { z } from "zod";
import { ZPersonRef, ZRef } from "./common";

/** Who approves a stage: a named person, the requester's manager, or every member of a group. */
export const ZApproverSource = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("manager").describe("The requester's manager (users.managerId) when the stage starts") }),
    z.object({ kind: z.literal("user"), userId: z.uuid().describe("A named person") }),
    z.object({ kind: z.literal("group"), groupId: z.uuid().describe("Every active member of this group when the stage starts") }),
  ])
  .meta({ id: "ApproverSource" });
export type TApproverSource = z.infer<typeof ZApproverSource>;

export const APPROVAL_RULES = ["any", "all", "quorum"] as const;

/** One stage of an approval chain; stages run one after the other. */
export const ZApprovalStageDefinition = z
  .object({
    /** Shown to approvers and on the timeline, e.g. "Manager approval". */
    name: z.string().trim().min(1, "name the stage").max(200).describe("Shown to approvers and on the timeline"),
    /** The people who may decide (duplicates across sources count once). */
    approvers: z.array(ZApproverSource).min(1).max(20).describe("Who may decide"),
    /** any = the first approval passes the stage; all = everyone must approve; quorum = `quorum` approvals pass it. Any rejection rejects the stage. */
    rule: z.enum(APPROVAL_RULES).default("any").describe("any one, all, or a quorum of approvals; any rejection rejects"),
    /** Approvals needed when rule = quorum. */
    quorum: z.number().int().min(1).max(100).optional().describe("Approvals needed when rule is quorum"),
  })
  .refine((s) => s.rule !== "quorum" || s.quorum !== undefined, { message: "a quorum stage needs quorum", path: ["quorum"] })
  .meta({ id: "ApprovalStageDefinition" });
export type TApprovalStageDefinition = z.infer<typeof ZApprovalStageDefinition>;

export const ZApprovalChain = z.array(ZApprovalStageDefinition).max(10).describe("Stages in order; empty = no approval needed");

export const APPROVAL_STATES = ["pending", "approved", "rejected", "not_required", "cancelled"] as const;
export const STAGE_STATES = ["waiting", "pending", "approved", "rejected", "skipped", "cancelled"] as const;

/** One person's approval within a stage. */
export const ZApproval = z
  .object({
    id: z.uuid(),
    approver: ZPersonRef,
    /** How the person became an approver. */
    source: z.enum(["user", "manager", "group"]),
    group: ZRef.nullable(),
    state: z.enum(APPROVAL_STATES),
    comment: z.string().nullable(),
    decidedAt: z.string().nullable(),
    /** True when the caller is this approver and may decide now. */
    canDecide: z.boolean(),
  })
  .meta({ id: "Approval" });
export type TApproval = z.infer<typeof ZApproval>;

export const ZApprovalStage = z
  .object({
    id: z.uuid(),
    position: z.number().int(),
    name: z.string(),
    rule: z.enum(APPROVAL_RULES),
    quorum: z.number().int().nullable(),
    state: z.enum(STAGE_STATES),
    approvals: z.array(ZApproval),
    decidedAt: z.string().nullable(),
  })
  .meta({ id: "ApprovalStage" });
export type TApprovalStage = z.infer<typeof ZApprovalStage>;

/** An approval waiting for (or decided by) the caller, with enough of the item to decide on. */
export const ZMyApproval = z
  .object({
    id: z.uuid(),
    state: z.enum(APPROVAL_STATES),
    comment: z.string().nullable(),
    decidedAt: z.string().nullable(),
    createdAt: z.string(),
    stage: z.object({ name: z.string(), rule: z.enum(APPROVAL_RULES), state: z.enum(STAGE_STATES) }),
    item: z.object({
      id: z.uuid(),
      type: z.string(),
      number: z.string(),
      title: z.string(),
      description: z.string(),
      state: z.string(),
      requester: ZPersonRef,
      createdAt: z.string(),
    }),
    canDecide: z.boolean(),
  })
  .meta({ id: "MyApproval" });
export type TMyApproval = z.infer<typeof ZMyApproval>;

export const ZListMyApprovalsQuery = z.object({
  /** pending = waiting for me (default); decided = what I approved or rejected. */
  state: z.enum(["pending", "decided"]).default("pending").describe("pending (default) or decided"),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const ZDecideApprovalRequest = z
  .object({
    decision: z.enum(["approve", "reject"]).describe("approve or reject"),
    /** Required when rejecting: the requester reads it as the reason. */
    comment: z.string().trim().max(4000).optional().describe("Why; required when rejecting"),
  })
  .refine((d) => d.decision !== "reject" || (d.comment?.length ?? 0) > 0, { message: "say why you reject", path: ["comment"] });
export type TDecideApprovalRequest = z.infer<typeof ZDecideApprovalRequest>;

/** What a decision led to, for the caller. */
export const ZDecisionResult = z
  .object({
    approval: ZMyApproval,
    /** The chain as a whole after this decision. */
    outcome: z.enum(["pending", "approved", "rejected"]),
  })
  .meta({ id: "DecisionResult" });
