/** Pure approval arithmetic: when a stage passes or fails. */

export type StageRule = "any" | "all" | "quorum";
export type StageOutcome = "pending" | "approved" | "rejected";

/** Approvals a stage needs to pass with this many approvers. */
export function approvalsNeeded(rule: StageRule, quorum: number | null, approvers: number): number {
  if (rule === "any") return 1;
  if (rule === "all") return approvers;
  // A quorum larger than the group cannot be met: everyone must approve then.
  return Math.min(quorum ?? 1, approvers);
}

/**
 * A stage's outcome from its decisions so far: any rejection rejects it (as in Jira Service Management:
 * one "no" stops the request), otherwise it passes once enough people approved.
 */
export function stageOutcome(rule: StageRule, quorum: number | null, counts: { approved: number; rejected: number; total: number }): StageOutcome {
  if (counts.rejected > 0) return "rejected";
  if (counts.total > 0 && counts.approved >= approvalsNeeded(rule, quorum, counts.total)) return "approved";
  return "pending";
}
