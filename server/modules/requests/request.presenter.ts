import type { TApprovalStage } from "../../../contracts/approvals";
import type { TRequestTask, TServiceRequest, TServiceRequestSummary } from "../../../contracts/catalog";
import type { TCatalogForm } from "../../../contracts/catalog-form";
import type { Actor } from "../../deps";
import { isStaffActor } from "../work-items/work-item.policy";
import type { RequestRow, TaskRow } from "./request.repo";
import { REQUEST_CLOSED, taskActions } from "./request.workflow";

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** An answer in words: choice labels, Yes/No, people's names, file names. */
export function displayAnswer(form: TCatalogForm, name: string, value: unknown, names: Map<string, string>): string {
  const v = form.variables.find((x) => x.name === name);
  if (!v) return String(value);
  const label = (x: unknown) => v.options?.find((o) => o.value === x)?.label ?? String(x);
  switch (v.type) {
    case "choice":
      return label(value);
    case "multi_choice":
      return (value as unknown[]).map(label).join(", ");
    case "yes_no":
      return value ? "Yes" : "No";
    case "person":
      return names.get(String(value)) ?? String(value);
    case "attachment":
      return (value as { filename?: string }).filename ?? "";
    default:
      return String(value);
  }
}

/** The request's answers in form order, each with its question and words. */
export function presentAnswers(form: TCatalogForm, answers: Record<string, unknown>, names: Map<string, string>) {
  return form.variables
    .filter((v) => answers[v.name] !== undefined)
    .map((v) => ({ name: v.name, label: v.label, type: v.type, value: answers[v.name], display: displayAnswer(form, v.name, answers[v.name], names) }));
}

/** Plain text of the answers, kept as the request's description (search, approvers, mail). */
export function describeAnswers(form: TCatalogForm, answers: Record<string, unknown>, names: Map<string, string>): string {
  return presentAnswers(form, answers, names)
    .map((a) => `${a.label}: ${a.display}`)
    .join("\n");
}

/** Person ids among the answers (to look their names up once). */
export function personIds(form: TCatalogForm, answers: Record<string, unknown>): string[] {
  return form.variables.filter((v) => v.type === "person" && typeof answers[v.name] === "string").map((v) => answers[v.name] as string);
}

export function presentTaskSummary(t: TaskRow) {
  return {
    id: t.id,
    number: t.number,
    title: t.title,
    state: t.state,
    step: t.step,
    assignmentGroup: t.assignment_group,
    assignee: t.assignee,
    closedAt: iso(t.closed_at),
  };
}

/** A request as its page shows it. */
export function presentRequest(
  r: RequestRow,
  actor: Actor,
  extra: { form: TCatalogForm; names: Map<string, string>; approvals: TApprovalStage[]; tasks: TaskRow[] },
): TServiceRequest {
  const canCancel = !REQUEST_CLOSED.includes(r.state) && (isStaffActor(actor) || r.requester_id === actor.userId);
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    description: r.description,
    state: r.state,
    requester: r.requester,
    createdBy: r.created_by,
    catalogItem: { id: r.catalog_item_id, name: r.item_name, icon: r.item_icon, version: r.item_version, versionId: r.catalog_item_version_id },
    desk: r.desk,
    answers: presentAnswers(extra.form, r.answers, extra.names),
    approvals: extra.approvals,
    tasks: extra.tasks.map(presentTaskSummary),
    closeReason: r.close_reason,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    closedAt: iso(r.closed_at),
    version: r.version,
    actions: canCancel ? ["cancel"] : [],
  };
}

export function presentRequestSummary(r: RequestRow): TServiceRequestSummary {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    state: r.state,
    requester: r.requester,
    catalogItem: { id: r.catalog_item_id, name: r.item_name, icon: r.item_icon },
    desk: r.desk,
    openTasks: r.open_tasks,
    totalTasks: r.total_tasks,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** A task as its page shows it; only staff get actions. */
export function presentTask(t: TaskRow, actor: Actor): TRequestTask {
  return {
    ...presentTaskSummary(t),
    description: t.description,
    request: t.request,
    requester: t.requester,
    closeNotes: t.close_notes,
    createdAt: new Date(t.created_at).toISOString(),
    updatedAt: new Date(t.updated_at).toISOString(),
    closedAt: iso(t.closed_at),
    version: t.version,
    actions: isStaffActor(actor) ? taskActions(t.state) : [],
  };
}
