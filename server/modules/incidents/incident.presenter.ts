import type { TIncident, TIncidentSummary } from "../../../contracts/incidents";
import { priorityLabel } from "../../../contracts/priority";
import type { Actor } from "../../deps";
import { isStaffActor } from "../work-items/work-item.policy";
import type { IncidentRow } from "./incident.repo";
import { availableActions } from "./incident.workflow";

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** A queue row. */
export function presentIncidentSummary(r: IncidentRow): TIncidentSummary {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    state: r.state,
    impact: r.impact,
    urgency: r.urgency,
    priority: priorityLabel(r.priority),
    requester: r.requester,
    assignmentGroup: r.assignment_group,
    assignee: r.assignee,
    service: r.service,
    category: r.category,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
    slaDueAt: iso(r.sla_due_at ?? null),
    version: r.version,
  };
}

/** The full incident as the caller may see it, with the actions open to them now. */
export function presentIncident(r: IncidentRow, actor: Actor, ctx: { watching: boolean; reopenWindowDays: number }): TIncident {
  return {
    ...presentIncidentSummary(r),
    type: "incident",
    description: r.description,
    subcategory: r.subcategory,
    channel: r.channel as TIncident["channel"],
    holdReason: r.hold_reason as TIncident["holdReason"],
    resolutionCode: r.resolution_code as TIncident["resolutionCode"],
    resolutionNotes: r.resolution_notes,
    reopenCount: r.reopen_count,
    resolvedAt: iso(r.resolved_at),
    closedAt: iso(r.closed_at),
    createdBy: r.created_by,
    actions: availableActions({
      state: r.state,
      isStaff: isStaffActor(actor),
      isRequester: r.requester_id === actor.userId,
      resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
      reopenWindowDays: ctx.reopenWindowDays,
      now: new Date(),
    }),
    watching: ctx.watching,
  };
}
