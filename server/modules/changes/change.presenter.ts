import type { TChange, TChangeSummary, TConflict, TRiskAnswers } from "../../../contracts/changes";
import { priorityLabel } from "../../../contracts/priority";
import type { ChangeRow, ConflictRow } from "./change.repo";
import { CHANGE_PATHS, changeActions } from "./change.workflow";

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Does the change's recorded freeze override cover its current window? */
export function overrideCovers(r: Pick<ChangeRow, "freeze_override_start" | "freeze_override_end" | "planned_start" | "planned_end">): boolean {
  return (
    r.freeze_override_start !== null &&
    r.planned_start !== null &&
    r.planned_end !== null &&
    r.freeze_override_end !== null &&
    new Date(r.freeze_override_start).getTime() === new Date(r.planned_start).getTime() &&
    new Date(r.freeze_override_end).getTime() === new Date(r.planned_end).getTime()
  );
}

/** A conflict as the API shows it. */
export function presentConflict(c: ConflictRow, overridden: boolean): TConflict {
  return {
    kind: c.kind,
    id: c.id,
    number: c.number,
    name: c.name,
    start: iso(c.start) as string,
    end: iso(c.end) as string,
    services: c.services,
    overridden: c.kind === "freeze" && overridden,
  };
}

/** A row of the changes list or the calendar. */
export function presentChangeSummary(r: ChangeRow): TChangeSummary {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    type: r.change_type,
    state: r.state,
    risk: r.risk as TChangeSummary["risk"],
    priority: priorityLabel(r.priority),
    plannedStart: iso(r.planned_start),
    plannedEnd: iso(r.planned_end),
    services: r.services,
    assignmentGroup: r.assignment_group,
    assignee: r.assignee,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
    version: r.version,
  };
}

/** The full change with its conflicts, tasks, approvals and the actions its path offers now. */
export function presentChange(r: ChangeRow, extra: { conflicts: ConflictRow[]; tasks: TChange["tasks"]; approvals: unknown[] }): TChange {
  const covered = overrideCovers(r);
  return {
    ...presentChangeSummary(r),
    kind: "change",
    description: r.description,
    justification: r.justification,
    impact: r.impact,
    urgency: r.urgency,
    template: r.template,
    implementationPlan: r.implementation_plan,
    backoutPlan: r.backout_plan,
    testPlan: r.test_plan,
    riskScore: r.risk_score,
    riskAnswers: (r.risk_answers as TRiskAnswers | null) ?? null,
    riskFactors: r.risk_factors ?? [],
    approvedAt: iso(r.approved_at),
    actualStart: iso(r.actual_start),
    actualEnd: iso(r.actual_end),
    outcome: r.outcome as TChange["outcome"],
    reviewNotes: r.review_notes,
    freezeOverride:
      covered && r.override_by && r.freeze_override_reason
        ? { by: r.override_by, reason: r.freeze_override_reason, start: iso(r.freeze_override_start) as string, end: iso(r.freeze_override_end) as string }
        : null,
    requester: r.requester,
    conflicts: extra.conflicts.map((c) => presentConflict(c, covered)),
    actions: changeActions(r.change_type, r.state),
    path: [...CHANGE_PATHS[r.change_type], ...(r.state === "cancelled" ? (["cancelled"] as const) : [])],
    approvals: extra.approvals,
    tasks: extra.tasks,
    closedAt: iso(r.closed_at),
  };
}
