import type { ProblemState, TKnownError, TLinkedIncident, TProblem, TProblemSummary } from "../../../contracts/problems";
import { priorityLabel } from "../../../contracts/priority";
import type { KnownErrorRow } from "./known-error.repo";
import type { ProblemRow } from "./problem.repo";
import { problemActions } from "./problem.workflow";

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** A row of the problems list. */
export function presentProblemSummary(r: ProblemRow): TProblemSummary {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    state: r.state,
    impact: r.impact,
    urgency: r.urgency,
    priority: priorityLabel(r.priority),
    service: r.service,
    assignmentGroup: r.assignment_group,
    assignee: r.assignee,
    incidentCount: r.incident_count,
    openIncidentCount: r.open_incident_count,
    knownErrorNumber: r.known_error_number,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
    version: r.version,
  };
}

/** A known error; requesters get it without the problem behind it. */
export function presentKnownError(k: KnownErrorRow, staff: boolean): TKnownError {
  return {
    id: k.id,
    number: k.number,
    title: k.title,
    symptoms: k.symptoms,
    workaround: k.workaround,
    published: k.published,
    problem: staff ? { id: k.problem_id, number: k.problem_number, title: k.problem_title, state: k.problem_state as ProblemState } : null,
    retiredAt: iso(k.retired_at),
    createdAt: iso(k.created_at) as string,
    updatedAt: iso(k.updated_at) as string,
  };
}

/** The full problem with the actions open now. */
export function presentProblem(r: ProblemRow, ke: KnownErrorRow | undefined): TProblem {
  return {
    ...presentProblemSummary(r),
    type: "problem",
    description: r.description,
    rootCause: r.root_cause,
    workaround: r.workaround,
    fix: r.fix,
    closeCode: r.close_code as TProblem["closeCode"],
    requester: r.requester,
    knownError: ke ? presentKnownError(ke, true) : null,
    resolvedAt: iso(r.resolved_at),
    closedAt: iso(r.closed_at),
    actions: problemActions(r.state),
  };
}

/** An incident linked to a problem. */
export function presentLinkedIncident(r: Awaited<ReturnType<typeof import("./problem.repo").listLinkedIncidents>>[number]): TLinkedIncident {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    state: r.state,
    priority: priorityLabel(r.priority),
    service: r.service,
    assignee: r.assignee,
    open: ["new", "in_progress", "on_hold"].includes(r.state),
    linkedAt: iso(r.linked_at) as string,
  };
}
