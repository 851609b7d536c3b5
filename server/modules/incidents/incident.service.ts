import type {
  IncidentAction,
  IncidentState,
  TCreateIncidentRequest,
  TIncident,
  TIncidentPage,
  TListIncidentsQuery,
  TTransitionRequest,
  TUpdateIncidentRequest,
} from "../../../contracts/incidents";
import { OPEN_INCIDENT_STATES } from "../../../contracts/incidents";
import { computePriority, DEFAULT_PRIORITY_MATRIX, priorityNumber } from "../../../contracts/priority";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, type Tx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { enqueueJob, removeJob } from "../../platform/jobs/queue";
import { DEFAULT_SETTINGS, effectiveSettings } from "../admin/admin.service";
import { runIdempotent } from "../work-items/idempotency";
import { isStaffActor, seesWholeOrganization } from "../work-items/work-item.policy";
import { DONE_STATES } from "../../../contracts/work-items";
import { notify } from "../notifications/notify";
import { addWatcher, type Change, findOrgUser, insertTimeline, isWatcher, listOpenChildren } from "../work-items/work-item.repo";
import { syncSlaClocks } from "../sla/sla.sync";
import { announce, findVisibleItem } from "../work-items/work-item.service";
import { presentIncident, presentIncidentSummary } from "./incident.presenter";
import * as repo from "./incident.repo";
import { actionForTarget, checkTransition, missingInputs } from "./incident.workflow";

export const AUTO_CLOSE_TASK = "incidents.auto-close";
const autoCloseKey = (id: string) => `incident-auto-close:${id}`;

type RefInput = repo.ReferenceIds;

/** Refuses references to records of another organization (or inactive ones), naming the field. */
async function assertReferences(db: DbOrTx, orgId: string, refs: RefInput, resulting: { categoryId: string | null; groupId: string | null }) {
  const given = Object.values(refs).some((v) => v);
  if (!given) return;
  const r = await repo.checkReferences(db, orgId, { ...refs, groupId: resulting.groupId, categoryId: refs.categoryId });
  if (refs.categoryId && !r.category) throw invalidField("body.categoryId", "no such top-level category");
  if (refs.subcategoryId) {
    if (!r.subcategory || !r.subcategory_parent) throw invalidField("body.subcategoryId", "no such subcategory");
    if (r.subcategory_parent !== resulting.categoryId) throw invalidField("body.subcategoryId", "does not belong to the chosen category");
  }
  if (refs.serviceId && !r.service) throw invalidField("body.serviceId", "no such service");
  if (refs.groupId && !r.group) throw invalidField("body.assignmentGroupId", "no such group");
  if (refs.assigneeId) {
    if (!r.assignee) throw invalidField("body.assigneeId", "must be an active agent of this organization");
    if (resulting.groupId && !r.assignee_in_group) throw invalidField("body.assigneeId", "is not a member of the assignment group");
  }
  if (refs.requesterId && !r.requester) throw invalidField("body.requesterId", "no such active person in this organization");
}

/**
 * Records a new incident (from an agent, the portal, the API or a mail intake), numbered and prioritised.
 * `via: "email"` marks the channel; the intake's mailbox may route it to a group (`intakeGroupId`).
 */
export async function createIncident(
  deps: Deps,
  actor: Actor,
  input: TCreateIncidentRequest,
  opts: { idempotencyKey?: string; via: "session" | "token" | "email"; intakeGroupId?: string | null },
) {
  const staff = isStaffActor(actor);
  if (!staff) {
    const forbidden = (["assignmentGroupId", "assigneeId", "channel"] as const).filter((k) => input[k] != null);
    if (input.requesterId && input.requesterId !== actor.userId) forbidden.push("requesterId" as never);
    if (forbidden.length) throw new AppError("FORBIDDEN", `Requesters cannot set ${forbidden.join(", ")}`);
  }
  return withTx(deps.db, (tx) =>
    runIdempotent(tx, actor, opts.idempotencyKey, input, async () => {
      const requesterId = input.requesterId ?? actor.userId;
      await assertReferences(
        tx,
        actor.organizationId,
        {
          categoryId: input.categoryId,
          subcategoryId: input.subcategoryId,
          serviceId: input.serviceId,
          groupId: input.assignmentGroupId,
          assigneeId: input.assigneeId,
          requesterId: input.requesterId && input.requesterId !== actor.userId ? input.requesterId : null,
        },
        { categoryId: input.categoryId ?? null, groupId: input.assignmentGroupId ?? null },
      );
      const channel =
        opts.via === "email" ? "email" : (input.channel ?? (staff ? (opts.via === "token" ? "api" : "agent") : opts.via === "token" ? "api" : "portal"));
      const row = await repo.insertIncident(tx, {
        organizationId: actor.organizationId,
        title: input.title,
        description: input.description,
        impact: input.impact,
        urgency: input.urgency,
        defaultPriority: computePriority(input.impact, input.urgency, DEFAULT_PRIORITY_MATRIX),
        categoryId: input.categoryId ?? null,
        subcategoryId: input.subcategoryId ?? null,
        requesterId,
        assignmentGroupId: input.assignmentGroupId ?? opts.intakeGroupId ?? null,
        assigneeId: input.assigneeId ?? null,
        serviceId: input.serviceId ?? null,
        channel,
        createdById: actor.userId,
        state: input.assigneeId ? "in_progress" : "new",
        timelineData: { channel, impact: input.impact, urgency: input.urgency },
      });
      for (const w of new Set(input.watcherIds ?? [])) {
        const ok = await findOrgUser(tx, actor.organizationId, w);
        if (!ok) throw invalidField("body.watcherIds", "every watcher must be a person of this organization");
        await addWatcher(tx, actor.organizationId, row.id, w);
      }
      // The new item's watchers are known: no need to read them back.
      const sla = await syncSlaClocks(tx, row.id, { reason: "created", actorId: actor.userId });
      row.sla_due_at = sla.dueAt;
      await announce(tx, row, row.version, actor.userId, "work_item.created", [...new Set(input.watcherIds ?? [])]);
      await notify(tx, { type: "work_item.created", organizationId: actor.organizationId, workItemId: row.id, actorId: actor.userId });
      return {
        status: 201,
        // A new incident cannot be reopened yet, so the reopen window does not change its actions.
        body: presentIncident(row, actor, { watching: (input.watcherIds ?? []).includes(actor.userId), reopenWindowDays: DEFAULT_SETTINGS.reopenWindowDays }),
      };
    }),
  );
}

/** One incident as the caller may see it. */
export async function getIncident(deps: Deps, actor: Actor, ref: string): Promise<TIncident> {
  const core = await findVisibleItem(deps.db, actor, ref, { type: "incident" });
  return presentById(deps, actor, core.id);
}

/** Reads and presents an incident whose visibility to the actor is already established. */
async function presentById(deps: Deps, actor: Actor, id: string): Promise<TIncident> {
  const [row, watching, settings] = await Promise.all([
    repo.findIncident(deps.db, actor.organizationId, id),
    isWatcher(deps.db, id, actor.userId),
    effectiveSettings(deps.db, actor.organizationId),
  ]);
  if (!row) throw notFound("Incident");
  return presentIncident(row, actor, { watching, reopenWindowDays: settings.reopenWindowDays });
}

type Patch = TUpdateIncidentRequest & {
  reason?: string;
  resolveChildren?: boolean;
  childrenOverrideReason?: string;
  /** Set when the incident is resolved together with its parent (number). */
  withParent?: string;
};

/**
 * The parent/child closing rule: a parent is not resolved while children are open, unless its open
 * child incidents are resolved with it (resolveChildren) or an agent records an override reason.
 * Returns what happened, for the parent's timeline event.
 */
async function settleChildren(tx: Tx, actor: Actor, row: repo.LockedIncident, patch: Patch): Promise<Record<string, unknown>> {
  const open = await listOpenChildren(tx, row.id, DONE_STATES);
  if (!open.length) return {};
  const resolved: string[] = [];
  if (patch.resolveChildren) {
    for (const c of open.filter((x) => x.type === "incident")) {
      const child = await repo.lockIncident(tx, row.organization_id, c.id);
      if (!child || !OPEN_INCIDENT_STATES.includes(child.state)) continue;
      const { version: _v, state: _s, ...rest } = patch;
      await applyToLocked(tx, actor, child, { ...rest, withParent: row.number }, "resolve");
      resolved.push(child.number);
    }
  }
  const remaining = resolved.length ? await listOpenChildren(tx, row.id, DONE_STATES) : open;
  if (remaining.length && !patch.childrenOverrideReason) {
    throw new AppError(
      "CONFLICT",
      `${row.number} has ${remaining.length} open child item(s) (${remaining.map((c) => c.number).join(", ")}): resolve them first, resolve them with it, or give an override reason`,
      remaining.map((c) => ({ field: "body.childrenOverrideReason", message: `${c.number} is ${c.state.replace("_", " ")}`, code: "OPEN_CHILDREN" })),
    );
  }
  return {
    ...(resolved.length ? { childrenResolved: resolved } : {}),
    ...(remaining.length ? { childrenOverride: { reason: patch.childrenOverrideReason, openChildren: remaining.map((c) => c.number) } } : {}),
  };
}

const FIELD_MAP = {
  title: "title",
  description: "description",
  impact: "impact",
  urgency: "urgency",
  categoryId: "category_id",
  subcategoryId: "subcategory_id",
  serviceId: "service_id",
  assignmentGroupId: "assignment_group_id",
  assigneeId: "assignee_id",
  requesterId: "requester_id",
} as const;

/**
 * Applies field edits and at most one workflow transition to a locked incident, writing one timeline
 * event with every before/after. Returns the new version, or null when nothing changed.
 */
async function applyToLocked(tx: Tx, actor: Actor, row: repo.LockedIncident, patch: Patch, action: IncidentAction | null): Promise<number | null> {
  const staff = isStaffActor(actor);
  const changes: Change[] = [];
  const core: Parameters<typeof repo.updateIncidentRow>[2] = {};
  const ext: Parameters<typeof repo.updateIncidentRow>[3] = {};

  for (const [key, col] of Object.entries(FIELD_MAP) as Array<[keyof typeof FIELD_MAP, (typeof FIELD_MAP)[keyof typeof FIELD_MAP]]>) {
    const v = patch[key];
    if (v === undefined || v === row[col]) continue;
    if (!staff) throw new AppError("FORBIDDEN", "Requesters cannot edit incident fields; add a comment instead");
    (core as Record<string, unknown>)[col] = v;
    changes.push({ field: key, from: row[col], to: v });
  }
  // A new category clears a subcategory that no longer fits.
  if (core.category_id !== undefined && patch.subcategoryId === undefined && row.subcategory_id) {
    core.subcategory_id = null;
    changes.push({ field: "subcategoryId", from: row.subcategory_id, to: null });
  }
  const resultingGroup = core.assignment_group_id !== undefined ? core.assignment_group_id : row.assignment_group_id;
  const resultingAssignee = core.assignee_id !== undefined ? core.assignee_id : row.assignee_id;
  // A new group drops an assignee who is not in it.
  if (core.assignment_group_id !== undefined && patch.assigneeId === undefined && resultingAssignee && resultingGroup) {
    const r = await repo.checkReferences(tx, row.organization_id, { assigneeId: resultingAssignee, groupId: resultingGroup });
    if (!r.assignee_in_group) {
      core.assignee_id = null;
      changes.push({ field: "assigneeId", from: row.assignee_id, to: null });
    }
  }
  await assertReferences(
    tx,
    row.organization_id,
    {
      categoryId: core.category_id,
      subcategoryId: core.subcategory_id,
      serviceId: core.service_id,
      groupId: core.assignment_group_id,
      assigneeId: core.assignee_id ?? (core.assignment_group_id && row.assignee_id && patch.assigneeId !== undefined ? row.assignee_id : undefined),
      requesterId: core.requester_id,
    },
    { categoryId: core.category_id !== undefined ? core.category_id : row.category_id, groupId: resultingGroup },
  );
  if (core.impact !== undefined || core.urgency !== undefined) {
    const impact = (core.impact ?? row.impact) as "high" | "medium" | "low";
    const urgency = (core.urgency ?? row.urgency) as "high" | "medium" | "low";
    const p = (await repo.lookupPriority(tx, row.organization_id, impact, urgency)) ?? computePriority(impact, urgency);
    if (p !== row.priority) {
      core.priority = p;
      changes.push({ field: "priority", from: `P${row.priority}`, to: `P${p}` });
    }
  }

  // Assigning someone to a new incident starts work on it.
  let effectiveAction = action;
  if (!effectiveAction && row.state === "new" && core.assignee_id) effectiveAction = "start";

  let toState: IncidentState | null = null;
  const extraData: Record<string, unknown> = patch.withParent ? { withParent: patch.withParent } : {};
  if (effectiveAction) {
    // The reopen window bounds reopening and schedules the auto-close: only transitions need it.
    const settings = await effectiveSettings(tx, row.organization_id);
    const check = checkTransition(effectiveAction, {
      state: row.state,
      isStaff: staff,
      isRequester: row.requester_id === actor.userId,
      resolvedAt: row.resolved_at,
      reopenWindowDays: settings.reopenWindowDays,
      now: new Date(),
    });
    if (!check.ok) throw new AppError("INVALID_TRANSITION", check.reason, [{ field: "body.action", message: check.reason }]);
    const missing = missingInputs(check.transition, patch);
    if (missing.length)
      throw new AppError(
        "VALIDATION_FAILED",
        `${effectiveAction} needs ${missing.join(", ")}`,
        missing.map((m) => ({ field: `body.${m}`, message: "required" })),
      );
    toState = check.transition.to;
    core.state = toState;
    changes.push({ field: "state", from: row.state, to: toState });
    const now = new Date();
    const setExt = <K extends keyof typeof ext>(k: K, v: (typeof ext)[K], from: unknown, label: string) => {
      ext[k] = v;
      if (from !== v) changes.push({ field: label, from, to: v });
    };
    switch (effectiveAction) {
      case "hold":
        setExt("hold_reason", patch.holdReason ?? null, row.hold_reason, "holdReason");
        break;
      case "resume":
      case "start":
        if (row.hold_reason) setExt("hold_reason", null, row.hold_reason, "holdReason");
        break;
      case "resolve":
        Object.assign(extraData, await settleChildren(tx, actor, row, patch));
        if (row.hold_reason) setExt("hold_reason", null, row.hold_reason, "holdReason");
        setExt("resolution_code", patch.resolutionCode ?? null, row.resolution_code, "resolutionCode");
        setExt("resolution_notes", patch.resolutionNotes ?? null, row.resolution_notes, "resolutionNotes");
        core.resolved_at = now;
        await enqueueJob(
          tx,
          AUTO_CLOSE_TASK,
          { incidentId: row.id, resolvedAt: now.toISOString() },
          {
            runAt: new Date(now.getTime() + settings.reopenWindowDays * 86400_000),
            jobKey: autoCloseKey(row.id),
          },
        );
        break;
      case "reopen":
        setExt("resolution_code", null, row.resolution_code, "resolutionCode");
        setExt("resolution_notes", null, row.resolution_notes, "resolutionNotes");
        setExt("reopen_count", row.reopen_count + 1, row.reopen_count, "reopenCount");
        core.resolved_at = null;
        await removeJob(tx, autoCloseKey(row.id));
        break;
      case "close":
      case "cancel":
        core.closed_at = now;
        await removeJob(tx, autoCloseKey(row.id));
        break;
    }
  } else {
    // Without a transition, the state's own detail fields may still be corrected.
    if (patch.holdReason !== undefined) {
      if (row.state !== "on_hold") throw invalidField("body.holdReason", "only an incident on hold has a hold reason");
      if (patch.holdReason !== row.hold_reason) {
        ext.hold_reason = patch.holdReason;
        changes.push({ field: "holdReason", from: row.hold_reason, to: patch.holdReason });
      }
    }
    for (const [k, col] of [
      ["resolutionCode", "resolution_code"],
      ["resolutionNotes", "resolution_notes"],
    ] as const) {
      const v = patch[k];
      if (v === undefined) continue;
      if (row.state !== "resolved") throw invalidField(`body.${k}`, "resolve the incident to set its resolution");
      if (!staff) throw new AppError("FORBIDDEN", "Only agents can change the resolution");
      if (v !== row[col]) {
        ext[col] = v;
        changes.push({ field: k, from: row[col], to: v });
      }
    }
  }

  if (changes.length === 0) return null;
  const version = await repo.updateIncidentRow(tx, row.id, core, ext);
  await insertTimeline(tx, {
    organizationId: row.organization_id,
    workItemId: row.id,
    actorId: actor.userId,
    kind: toState ? "state_changed" : "updated",
    changes,
    data: effectiveAction ? { action: effectiveAction, ...(patch.reason ? { reason: patch.reason } : {}), ...extraData } : {},
  });
  await syncSlaClocks(tx, row.id, { reason: toState ? "state_changed" : "updated", actorId: actor.userId });
  await announce(tx, row, version, actor.userId);
  await notifyChanges(tx, actor, row, core, resultingAssignee, effectiveAction, patch);
  return version;
}

const STATUS_NOTICES: ReadonlySet<IncidentAction> = new Set(["hold", "resume", "reopen", "cancel"]);

/** Tells the people around the incident what this change means to them (mail, via the notification jobs). */
async function notifyChanges(
  tx: Tx,
  actor: Actor,
  row: repo.LockedIncident,
  core: { assignee_id?: string | null; assignment_group_id?: string | null },
  resultingAssignee: string | null,
  action: IncidentAction | null,
  patch: Patch,
) {
  const base = { organizationId: row.organization_id, workItemId: row.id, actorId: actor.userId };
  const newAssignee = core.assignee_id !== undefined && core.assignee_id !== null;
  const newGroupOnly = core.assignment_group_id !== undefined && core.assignment_group_id !== null && !resultingAssignee;
  if (newAssignee || newGroupOnly) await notify(tx, { ...base, type: "work_item.assigned" });
  if (action === "resolve") await notify(tx, { ...base, type: "work_item.resolved", message: patch.resolutionNotes ?? undefined });
  else if (action && STATUS_NOTICES.has(action))
    await notify(tx, {
      ...base,
      type: "work_item.status_changed",
      message: patch.reason ?? (patch.holdReason ? `Waiting: ${patch.holdReason.replace(/_/g, " ")}` : undefined),
    });
}

function assertVersion(row: { version: number }, expected: number | undefined) {
  if (expected !== undefined && expected !== row.version) {
    throw new AppError("VERSION_CONFLICT", `The incident changed since you read it (your version ${expected}, current ${row.version}); reload and try again`, [
      { field: "version", message: `current version is ${row.version}` },
    ]);
  }
}

/** Edits fields (and optionally moves state) with optimistic concurrency. */
export async function updateIncident(deps: Deps, actor: Actor, ref: string, patch: TUpdateIncidentRequest, ifMatch?: number): Promise<TIncident> {
  const id = await withTx(deps.db, async (tx) => {
    const core = await findVisibleItem(tx, actor, ref, { type: "incident" });
    const row = await repo.lockIncident(tx, actor.organizationId, core.id);
    if (!row) throw notFound("Incident");
    assertVersion(row, patch.version ?? ifMatch);
    let action: IncidentAction | null = null;
    if (patch.state !== undefined && patch.state !== row.state) {
      action = actionForTarget(row.state, patch.state);
      if (!action)
        throw new AppError("INVALID_TRANSITION", `An incident cannot go from ${row.state} to ${patch.state}`, [
          { field: "body.state", message: "not a valid next state" },
        ]);
    }
    await applyToLocked(tx, actor, row, patch, action);
    return row.id;
  });
  // The write above found the incident visible to the caller: no need to look it up again.
  return presentById(deps, actor, id);
}

/** Runs one workflow action (start, hold, resume, resolve, close, cancel, reopen). */
export async function transitionIncident(deps: Deps, actor: Actor, ref: string, input: TTransitionRequest, ifMatch?: number): Promise<TIncident> {
  const id = await withTx(deps.db, async (tx) => {
    const core = await findVisibleItem(tx, actor, ref, { type: "incident" });
    const row = await repo.lockIncident(tx, actor.organizationId, core.id);
    if (!row) throw notFound("Incident");
    assertVersion(row, input.version ?? ifMatch);
    await applyToLocked(
      tx,
      actor,
      row,
      {
        holdReason: input.holdReason,
        resolutionCode: input.resolutionCode,
        resolutionNotes: input.resolutionNotes,
        reason: input.reason,
        resolveChildren: input.resolveChildren,
        childrenOverrideReason: input.childrenOverrideReason,
      },
      input.action,
    );
    return row.id;
  });
  // The write above found the incident visible to the caller: no need to look it up again.
  return presentById(deps, actor, id);
}

function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

function decodeCursor(cursor: string, n: number): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === "string" || typeof x === "number")) return v;
  } catch {}
  throw invalidField("query.cursor", "invalid cursor");
}

const SORTS: Record<string, repo.QueueSort> = {
  createdAt: { columns: ["created_at"], desc: false },
  "-createdAt": { columns: ["created_at"], desc: true },
  updatedAt: { columns: ["updated_at"], desc: false },
  "-updatedAt": { columns: ["updated_at"], desc: true },
  priority: { columns: ["priority", "created_at"], desc: false },
  "-priority": { columns: ["priority", "created_at"], desc: true },
  number: { columns: ["number"], desc: false },
  "-number": { columns: ["number"], desc: true },
  slaDueAt: { columns: ["sla_due"], desc: false },
  "-slaDueAt": { columns: ["sla_due"], desc: true },
};

export const COUNT_CAP = 10_000;
/** Text searches count fewer: a broad word can match most of a million rows, and "1,000+" says enough. */
export const SEARCH_COUNT_CAP = 1_000;

/** The queue: filtered, sorted, cursor-paged, with a capped count. Requesters see only their own. */
export async function listIncidents(deps: Deps, actor: Actor, q: TListIncidentsQuery): Promise<TIncidentPage> {
  const filter: repo.QueueFilter = { organizationId: actor.organizationId };
  if (q.state) filter.states = q.state;
  else if (q.open === "true") filter.states = OPEN_INCIDENT_STATES;
  else if (q.open === "false") filter.states = ["resolved", "closed", "cancelled"];
  if (q.priority) filter.priorities = q.priority.map(priorityNumber);
  if (q.assignmentGroupId) {
    const ids = q.assignmentGroupId.flatMap((g) => (g === "mine" ? actor.groupIds : g === "none" ? [] : [g]));
    filter.includeUnassignedGroup = q.assignmentGroupId.includes("none");
    // "mine" with no groups matches nothing rather than everything.
    filter.groupIds = ids.length ? ids : filter.includeUnassignedGroup ? [] : ["00000000-0000-0000-0000-000000000000"];
  }
  if (q.assigneeId) filter.assigneeId = q.assigneeId === "me" ? actor.userId : q.assigneeId;
  if (q.requesterId) filter.requesterId = q.requesterId;
  if (q.serviceId) filter.serviceId = q.serviceId;
  if (q.categoryId) filter.categoryId = q.categoryId;
  if (q.major) filter.major = q.major === "true";
  if (q.q) filter.q = q.q;
  if (!seesWholeOrganization(actor)) filter.visibleTo = actor.userId;
  const sort = SORTS[q.sort];
  const after = q.cursor ? decodeCursor(q.cursor, sort.columns.length + 1) : null;
  const cap = q.q ? SEARCH_COUNT_CAP : COUNT_CAP;
  const { rows, count } = await repo.listIncidentPage(deps.db, filter, sort, q.limit, after, q.count === "true" ? cap : null);
  const page = rows.slice(0, q.limit);
  return {
    items: page.map(presentIncidentSummary),
    nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1].cursor) : null,
    total: count === null ? null : Math.min(count, cap),
    totalCapped: count !== null && count > cap,
  };
}

/** Closes a resolved incident whose reopen window has passed (the auto-close job). */
export async function autoCloseIncident(deps: Deps, incidentId: string, resolvedAt: string): Promise<boolean> {
  return withTx(deps.db, async (tx) => {
    const orgId = await repo.findItemOrganization(tx, incidentId);
    if (!orgId) return false;
    const row = await repo.lockIncident(tx, orgId, incidentId);
    // Reopened or already closed since the job was queued: nothing to do.
    if (row?.state !== "resolved" || !row.resolved_at || Math.abs(row.resolved_at.getTime() - Date.parse(resolvedAt)) > 1) return false;
    const version = await repo.updateIncidentRow(tx, row.id, { state: "closed", closed_at: new Date() }, {});
    await insertTimeline(tx, {
      organizationId: row.organization_id,
      workItemId: row.id,
      actorId: null,
      kind: "state_changed",
      changes: [{ field: "state", from: "resolved", to: "closed" }],
      data: { action: "close", automatic: true, reason: "reopen window passed" },
    });
    await syncSlaClocks(tx, row.id, { reason: "state_changed" });
    await announce(tx, row, version, null);
    return true;
  });
}

/**
 * For other modules (bulk work, merge, major incidents, macros): field edits and at most one workflow
 * action on one incident inside the caller's transaction, with every rule of updateIncident/transition.
 */
export async function changeIncidentInTx(
  tx: Tx,
  actor: Actor,
  ref: string,
  patch: Patch,
  action: IncidentAction | null,
): Promise<{ id: string; number: string }> {
  const core = await findVisibleItem(tx, actor, ref, { type: "incident" });
  const row = await repo.lockIncident(tx, actor.organizationId, core.id);
  if (!row) throw notFound("Incident");
  let act = action;
  if (!act && patch.state !== undefined && patch.state !== row.state) {
    act = actionForTarget(row.state, patch.state);
    if (!act)
      throw new AppError("INVALID_TRANSITION", `An incident cannot go from ${row.state} to ${patch.state}`, [
        { field: "body.state", message: "not a valid next state" },
      ]);
  }
  await applyToLocked(tx, actor, row, patch, act);
  return { id: row.id, number: row.number };
}

export type IncidentPatch = Patch;
