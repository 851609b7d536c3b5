import type {
  ChangeAction,
  TChange,
  TChangeTransitionRequest,
  TCreateChangeRequest,
  TListChangesQuery,
  TRiskAnswers,
  TUpdateChangeRequest,
} from "../../../contracts/changes";
import { OPEN_CHANGE_STATES } from "../../../contracts/changes";
import { computePriority, DEFAULT_PRIORITY_MATRIX } from "../../../contracts/priority";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, type Tx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { runIdempotent } from "../work-items/idempotency";
import { type Change, insertTimeline } from "../work-items/work-item.repo";
import { addLink, announce, findVisibleItem } from "../work-items/work-item.service";
import { cancelChangeApprovals, listChangeApprovals, registerChangeApprovals, requestChangeApproval } from "./change.approvals";
import { assertChangeManager, assertStaff, isChangeManager } from "./change.policy";
import { overrideCovers, presentChange, presentChangeSummary } from "./change.presenter";
import * as repo from "./change.repo";
import { assessRisk } from "./change.risk";
import { blastRadius, ciConflicts } from "./change-ci.service";
import { countOpenTasks, listTasksOf } from "./change-task.service";
import * as templates from "./change-template.repo";
import { checkChangeTransition, type Guard } from "./change.workflow";
import { syncSlaClocks } from "../sla/sla.sync";

/** Refuses unknown services and a group/assignee of another organization, naming the field. */
async function assertRefs(db: DbOrTx, orgId: string, r: { serviceIds?: string[]; groupId?: string | null; assigneeId?: string | null }) {
  if (r.serviceIds?.length) {
    const ok = await repo.existingServiceIds(db, orgId, r.serviceIds);
    const bad = r.serviceIds.findIndex((s) => !ok.has(s));
    if (bad >= 0) throw invalidField(`body.serviceIds.${bad}`, "no such service");
  }
  if (r.groupId || r.assigneeId) {
    const c = await repo.checkAssignment(db, orgId, r.groupId ?? null, r.assigneeId ?? null);
    if (r.groupId && !c.group) throw invalidField("body.assignmentGroupId", "no such group");
    if (r.assigneeId && !c.assignee) throw invalidField("body.assigneeId", "must be an active agent of this organization");
    if (r.assigneeId && r.groupId && !c.in_group) throw invalidField("body.assigneeId", "is not a member of the assignment group");
  }
}

/** A window is both ends or neither, and ends after it starts. */
function assertWindow(start: string | Date | null, end: string | Date | null) {
  if ((start === null) !== (end === null)) throw invalidField(start === null ? "body.plannedStart" : "body.plannedEnd", "give both the planned start and end");
  if (start !== null && end !== null && new Date(end).getTime() <= new Date(start).getTime())
    throw invalidField("body.plannedEnd", "must be after the planned start");
}

/** Computes and stores the risk from the questionnaire, the history of similar changes and the blast radius. */
async function storeRisk(
  deps: Deps,
  tx: Tx,
  actor: Actor,
  row: { id: string; organization_id: string; template_id: string | null },
  serviceIds: string[],
  answers: TRiskAnswers,
) {
  const history = await repo.changeHistory(tx, row.organization_id, { templateId: row.template_id, serviceIds, excludeId: row.id });
  // The blast radius: affected services, or the CIs (and what depends on them) when the change names CIs.
  const reach = Math.max(serviceIds.length, await blastRadius({ ...deps, db: tx }, actor, row.id));
  const risk = assessRisk(answers, history, reach);
  await repo.updateChangeRow(
    tx,
    row.id,
    {},
    {
      risk: risk.level,
      risk_score: risk.score,
      risk_answers: JSON.stringify(answers),
      risk_factors: JSON.stringify(risk.factors),
    },
  );
  await insertTimeline(tx, {
    organizationId: row.organization_id,
    workItemId: row.id,
    actorId: actor.userId,
    kind: "risk_assessed",
    data: { risk: risk.level, score: risk.score, factors: risk.factors },
  });
}

/** Raises a change: standard ones from a pre-approved template, normal and emergency ones from scratch. */
export async function createChange(deps: Deps, actor: Actor, input: TCreateChangeRequest, opts: { idempotencyKey?: string } = {}) {
  assertStaff(actor);
  return withTx(deps.db, (tx) =>
    runIdempotent(tx, actor, opts.idempotencyKey, input, async () => {
      let tpl: Awaited<ReturnType<typeof templates.findTemplate>> | undefined;
      if (input.type === "standard") {
        if (!input.templateId) throw invalidField("body.templateId", "a standard change comes from a pre-approved template");
        tpl = await templates.findTemplate(tx, actor.organizationId, input.templateId);
        if (!tpl?.active) throw invalidField("body.templateId", "no such active template");
      } else if (input.templateId) throw invalidField("body.templateId", "only standard changes use templates");
      const title = input.title ?? tpl?.name;
      if (!title) throw invalidField("body.title", "required");
      assertWindow(input.plannedStart ?? null, input.plannedEnd ?? null);
      const serviceIds = [...new Set(input.serviceIds ?? (tpl?.service_id ? [tpl.service_id] : []))];
      await assertRefs(tx, actor.organizationId, { serviceIds, groupId: input.assignmentGroupId, assigneeId: input.assigneeId });
      const problem = input.problem ? await findVisibleItem(tx, actor, input.problem, { type: "problem" }).catch(() => null) : null;
      if (input.problem && !problem) throw invalidField("body.problem", "no such problem in this organization");
      const row = await repo.insertChange(tx, {
        organizationId: actor.organizationId,
        type: input.type,
        templateId: tpl?.id ?? null,
        title,
        description: input.description || tpl?.description || "",
        justification: input.justification,
        impact: input.impact,
        urgency: input.urgency,
        defaultPriority: computePriority(input.impact, input.urgency, DEFAULT_PRIORITY_MATRIX),
        plannedStart: input.plannedStart ?? null,
        plannedEnd: input.plannedEnd ?? null,
        implementationPlan: input.implementationPlan ?? tpl?.implementation_plan ?? "",
        backoutPlan: input.backoutPlan ?? tpl?.backout_plan ?? "",
        testPlan: input.testPlan ?? tpl?.test_plan ?? "",
        assignmentGroupId: input.assignmentGroupId ?? null,
        assigneeId: input.assigneeId ?? null,
        requesterId: actor.userId,
      });
      await repo.setAffectedServices(tx, actor.organizationId, row.id, serviceIds);
      if (input.riskAnswers) await storeRisk(deps, tx, actor, { ...row, template_id: tpl?.id ?? null }, serviceIds, input.riskAnswers);
      if (problem) await addLink({ ...deps, db: tx }, actor, row.id, "change", "caused_by", problem.id);
      // Service levels apply to changes as to any work item (policies may match on type "change").
      await syncSlaClocks(tx, row.id, { reason: "created", actorId: actor.userId });
      await announce(tx, row, row.version, actor.userId, "work_item.created");
      return { status: 201, body: await presentById(deps, tx, actor, row.id) };
    }),
  );
}

/** Reads and presents a change already known to be visible to the caller. */
export async function presentById(deps: Deps, db: DbOrTx, actor: Actor, id: string): Promise<TChange> {
  const row = await repo.findChange(db, actor.organizationId, id);
  if (!row) throw notFound("Change");
  const [conflicts, tasks, approvals] = await Promise.all([
    row.planned_start && row.planned_end && !["closed", "cancelled"].includes(row.state)
      ? repo.findConflicts(db, actor.organizationId, { start: row.planned_start, end: row.planned_end, serviceIds: row.service_ids, excludeId: row.id })
      : Promise.resolve([]),
    listTasksOf(db, row.id),
    listChangeApprovals(db, actor, row.id),
  ]);
  const viaCis = ["closed", "cancelled"].includes(row.state) ? [] : await ciConflicts({ ...deps, db }, actor, row);
  const known = new Set(conflicts.map((c) => c.id));
  return presentChange(row, { conflicts: [...conflicts, ...viaCis.filter((c) => !known.has(c.id))], tasks, approvals });
}

/** One change by UUID or CHG number. */
export async function getChange(deps: Deps, actor: Actor, ref: string): Promise<TChange> {
  assertStaff(actor);
  const core = await findVisibleItem(deps.db, actor, ref, { type: "change" });
  return presentById(deps, deps.db, actor, core.id);
}

/** Is the change's planned window in a freeze window that no change manager overrode? */
async function frozenFor(db: DbOrTx, row: repo.LockedChange, window: { start: Date | null; end: Date | null }, serviceIds: string[]) {
  if (!window.start || !window.end) return [];
  const conflicts = await repo.findConflicts(db, row.organization_id, { start: window.start, end: window.end, serviceIds, excludeId: row.id });
  const covered = overrideCovers({ ...row, planned_start: window.start, planned_end: window.end });
  return covered ? [] : conflicts.filter((c) => c.kind === "freeze");
}

function assertVersion(row: { version: number }, expected: number | undefined) {
  if (expected !== undefined && expected !== row.version)
    throw new AppError("VERSION_CONFLICT", `The change changed since you read it (your version ${expected}, current ${row.version}); reload and try again`, [
      { field: "version", message: `current version is ${row.version}` },
    ]);
}

const CORE = {
  title: "title",
  description: "description",
  impact: "impact",
  urgency: "urgency",
  assignmentGroupId: "assignment_group_id",
  assigneeId: "assignee_id",
} as const;
const EXT = { justification: "justification", implementationPlan: "implementation_plan", backoutPlan: "backout_plan", testPlan: "test_plan" } as const;

/**
 * Edits a change. Moving the window of a change awaiting or holding approval into a freeze window
 * needs a change manager's override (given as freezeOverrideReason); otherwise 409 and nothing changes.
 */
export async function updateChange(deps: Deps, actor: Actor, ref: string, patch: TUpdateChangeRequest, ifMatch?: number): Promise<TChange> {
  assertStaff(actor);
  const id = await withTx(deps.db, async (tx) => {
    const core = await findVisibleItem(tx, actor, ref, { type: "change" });
    const row = await repo.lockChange(tx, actor.organizationId, core.id);
    if (!row) throw notFound("Change");
    assertVersion(row, patch.version ?? ifMatch);
    if (row.state === "closed" || row.state === "cancelled") throw new AppError("INVALID_TRANSITION", `A ${row.state} change cannot be edited`);
    const changes: Change[] = [];
    const c: Record<string, unknown> = {};
    const e: Record<string, unknown> = {};
    for (const [k, col] of Object.entries(CORE) as Array<[keyof typeof CORE, (typeof CORE)[keyof typeof CORE]]>) {
      const v = patch[k];
      if (v === undefined || v === row[col]) continue;
      c[col] = v;
      changes.push({ field: k, from: row[col], to: v });
    }
    for (const [k, col] of Object.entries(EXT) as Array<[keyof typeof EXT, (typeof EXT)[keyof typeof EXT]]>) {
      const v = patch[k];
      if (v === undefined || v === row[col]) continue;
      e[col] = v;
      changes.push({ field: k, from: row[col], to: v });
    }
    await assertRefs(tx, actor.organizationId, {
      serviceIds: patch.serviceIds,
      groupId:
        c.assignment_group_id !== undefined || c.assignee_id !== undefined ? ((c.assignment_group_id ?? row.assignment_group_id) as string | null) : undefined,
      assigneeId: c.assignee_id as string | null | undefined,
    });
    const start = patch.plannedStart !== undefined ? (patch.plannedStart ? new Date(patch.plannedStart) : null) : row.planned_start;
    const end = patch.plannedEnd !== undefined ? (patch.plannedEnd ? new Date(patch.plannedEnd) : null) : row.planned_end;
    assertWindow(start, end);
    const moved = (start?.getTime() ?? null) !== (row.planned_start?.getTime() ?? null) || (end?.getTime() ?? null) !== (row.planned_end?.getTime() ?? null);
    const serviceIds = patch.serviceIds ? [...new Set(patch.serviceIds)].sort() : row.service_ids;
    const servicesChanged = serviceIds.join() !== [...row.service_ids].sort().join();
    if (moved) {
      if (["implement", "review"].includes(row.state))
        throw new AppError("INVALID_TRANSITION", "The window of a change being implemented or reviewed cannot move");
      e.planned_start = start;
      e.planned_end = end;
      changes.push({ field: "plannedStart", from: row.planned_start, to: start }, { field: "plannedEnd", from: row.planned_end, to: end });
    }
    if (servicesChanged) changes.push({ field: "serviceIds", from: row.service_ids, to: serviceIds });
    let override: { reason: string } | null = null;
    if (patch.freezeOverrideReason) {
      await assertChangeManager(tx, actor, "override a freeze window");
      override = { reason: patch.freezeOverrideReason };
    }
    // Committed changes (awaiting approval or scheduled) must not slide into a freeze unnoticed.
    if ((moved || servicesChanged) && row.change_type === "normal" && ["authorize", "scheduled"].includes(row.state) && !override) {
      const frozen = await frozenFor(tx, { ...row, freeze_override_start: null, freeze_override_end: null }, { start, end }, serviceIds);
      if (frozen.length)
        throw new AppError(
          "CONFLICT",
          `The new window falls in the freeze window "${frozen[0].name}"; a change manager must override it (freezeOverrideReason)`,
          [{ field: "body.plannedStart", message: `freeze window ${frozen[0].name}` }],
        );
    }
    if (override) {
      if (!start || !end) throw invalidField("body.plannedStart", "a freeze override needs a planned window");
      Object.assign(e, {
        freeze_override_by_id: actor.userId,
        freeze_override_reason: override.reason,
        freeze_override_start: start,
        freeze_override_end: end,
      });
      changes.push({ field: "freezeOverride", from: row.freeze_override_reason, to: override.reason });
    }
    if (c.impact !== undefined || c.urgency !== undefined) {
      const impact = (c.impact ?? row.impact) as "high" | "medium" | "low";
      const urgency = (c.urgency ?? row.urgency) as "high" | "medium" | "low";
      const p = (await repo.lookupPriority(tx, row.organization_id, impact, urgency)) ?? computePriority(impact, urgency);
      if (p !== row.priority) c.priority = p;
    }
    if (!changes.length) return row.id;
    if (servicesChanged) await repo.setAffectedServices(tx, row.organization_id, row.id, serviceIds);
    const version = await repo.updateChangeRow(tx, row.id, c, e);
    await insertTimeline(tx, {
      organizationId: row.organization_id,
      workItemId: row.id,
      actorId: actor.userId,
      kind: override ? "freeze_override" : "updated",
      changes,
      data: override ? { reason: override.reason } : {},
    });
    await syncSlaClocks(tx, row.id, { reason: "updated", actorId: actor.userId });
    await announce(tx, row, version, actor.userId);
    return row.id;
  });
  return presentById(deps, deps.db, actor, id);
}

/** Answers the risk questionnaire; the score also weighs similar changes' history and the blast radius. */
export async function assessChangeRisk(deps: Deps, actor: Actor, ref: string, answers: TRiskAnswers): Promise<TChange> {
  assertStaff(actor);
  const id = await withTx(deps.db, async (tx) => {
    const core = await findVisibleItem(tx, actor, ref, { type: "change" });
    const row = await repo.lockChange(tx, actor.organizationId, core.id);
    if (!row) throw notFound("Change");
    if (!["new", "assess", "authorize"].includes(row.state)) throw new AppError("INVALID_TRANSITION", `The risk of a ${row.state} change is settled`);
    await storeRisk(deps, tx, actor, row, row.service_ids, answers);
    await announce(tx, row, row.version + 1, actor.userId);
    return row.id;
  });
  return presentById(deps, deps.db, actor, id);
}

const INPUT_FIELD: Partial<Record<Guard, string>> = { outcome: "body.outcome", reviewNotes: "body.reviewNotes", reason: "body.reason" };

/** Applies a transition to a locked change (used by actions and by the approval outcome). */
export async function applyTransition(
  tx: Tx,
  actorId: string | null,
  row: repo.LockedChange,
  to: string,
  action: ChangeAction,
  extra: Record<string, unknown> = {},
  data: Record<string, unknown> = {},
) {
  const now = new Date();
  const core: Record<string, unknown> = { state: to };
  if (to === "closed" || to === "cancelled") core.closed_at = now;
  const version = await repo.updateChangeRow(tx, row.id, core, extra);
  const changes: Change[] = [{ field: "state", from: row.state, to }];
  for (const [k, v] of Object.entries(extra))
    if (k !== "approved_at" && v !== null && !(v instanceof Date)) changes.push({ field: k, from: (row as never)[k] ?? null, to: v });
  await insertTimeline(tx, { organizationId: row.organization_id, workItemId: row.id, actorId, kind: "state_changed", changes, data: { action, ...data } });
  await syncSlaClocks(tx, row.id, { reason: "state_changed", actorId });
  await announce(tx, row, version, actorId);
}

/** Runs one workflow action, with the guards of the change's type; approval requests start the CAB chain. */
export async function transitionChange(deps: Deps, actor: Actor, ref: string, input: TChangeTransitionRequest, ifMatch?: number): Promise<TChange> {
  assertStaff(actor);
  const id = await withTx(deps.db, async (tx) => {
    const core = await findVisibleItem(tx, actor, ref, { type: "change" });
    const row = await repo.lockChange(tx, actor.organizationId, core.id);
    if (!row) throw notFound("Change");
    assertVersion(row, input.version ?? ifMatch);
    const frozen = await frozenFor(tx, row, { start: row.planned_start, end: row.planned_end }, row.service_ids);
    const check = checkChangeTransition(input.action, {
      type: row.change_type,
      state: row.state,
      hasWindow: Boolean(row.planned_start && row.planned_end),
      hasPlans: Boolean(row.implementation_plan.trim() && row.backout_plan.trim() && row.test_plan.trim()),
      riskAssessed: row.risk !== null,
      approved: row.approved_at !== null,
      frozen: frozen.length > 0,
      openTasks: input.action === "review" ? await countOpenTasks(tx, row.id) : 0,
      outcome: input.outcome ?? row.outcome,
      reviewNotes: input.reviewNotes ?? row.review_notes,
      reason: input.reason,
    });
    if (!check.ok) {
      if (check.kind === "input" && check.guard)
        throw new AppError("VALIDATION_FAILED", check.reason, [{ field: INPUT_FIELD[check.guard] ?? "body", message: "required" }]);
      throw new AppError(check.guard === "notFrozen" ? "CONFLICT" : "INVALID_TRANSITION", check.reason, [{ field: "body.action", message: check.reason }]);
    }
    const t = check.transition;
    const extra: Record<string, unknown> = {};
    if (input.action === "implement") extra.actual_start = new Date();
    if (input.action === "review") {
      extra.actual_end = new Date();
      extra.outcome = input.outcome ?? row.outcome;
    }
    if (input.reviewNotes) extra.review_notes = input.reviewNotes;
    if (t.to === "authorize") await requestChangeApproval(tx, row, actor.userId);
    if (input.action === "cancel") await cancelChangeApprovals(tx, row);
    await applyTransition(tx, actor.userId, row, t.to, input.action, extra, input.reason ? { reason: input.reason } : {});
    return row.id;
  });
  return presentById(deps, deps.db, actor, id);
}

/** Records a change manager's override of the freeze windows for the change's current window. */
export async function overrideFreeze(deps: Deps, actor: Actor, ref: string, reason: string): Promise<TChange> {
  assertStaff(actor);
  return updateChange(deps, actor, ref, { freezeOverrideReason: reason });
}

/** Changes newest first, filtered, cursor-paged. */
export async function listChanges(deps: Deps, actor: Actor, q: TListChangesQuery) {
  assertStaff(actor);
  let after: [string, string] | null = null;
  if (q.cursor) {
    try {
      const v = JSON.parse(Buffer.from(q.cursor, "base64url").toString("utf8"));
      if (Array.isArray(v) && v.length === 2) after = [String(v[0]), String(v[1])];
    } catch {}
    if (!after) throw invalidField("query.cursor", "invalid cursor");
  }
  const states = q.state ?? (q.open === "true" ? OPEN_CHANGE_STATES : q.open === "false" ? (["closed", "cancelled"] as const) : undefined);
  const rows = await repo.listChanges(
    deps.db,
    { organizationId: actor.organizationId, states: states ? [...states] : undefined, types: q.type, serviceId: q.serviceId, q: q.q },
    q.limit,
    after,
  );
  const page = rows.slice(0, q.limit);
  return {
    items: page.map(presentChangeSummary),
    nextCursor: rows.length > q.limit ? Buffer.from(JSON.stringify(page[page.length - 1].cursor)).toString("base64url") : null,
  };
}

export { isChangeManager };

/** The approval chain's outcome moves the change: approved → Scheduled (unless frozen), rejected → Cancelled. */
registerChangeApprovals({
  async onApproved(tx, itemId, orgId, actorId) {
    const row = await repo.lockChange(tx, orgId, itemId);
    if (row?.state !== "authorize") return;
    await repo.updateChangeRow(tx, row.id, {}, { approved_at: new Date() });
    const frozen = row.change_type === "normal" && (await frozenFor(tx, row, { start: row.planned_start, end: row.planned_end }, row.service_ids)).length > 0;
    if (frozen) {
      await insertTimeline(tx, {
        organizationId: orgId,
        workItemId: row.id,
        actorId,
        kind: "updated",
        changes: [{ field: "approved", from: false, to: true }],
        data: { note: "Approved, but the window is in a freeze window: a change manager must override it before scheduling" },
      });
      return;
    }
    await applyTransition(tx, actorId, { ...row, version: row.version + 1 }, "scheduled", "schedule", {}, { automatic: true, reason: "approved" });
  },
  async onRejected(tx, itemId, orgId, actorId, reason) {
    const row = await repo.lockChange(tx, orgId, itemId);
    if (row?.state !== "authorize") return;
    await applyTransition(tx, actorId, row, "cancelled", "cancel", {}, { reason: reason ? `Rejected: ${reason}` : "Rejected" });
  },
});
