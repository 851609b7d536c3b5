import type {
  ProblemAction,
  TCreateProblemRequest,
  TListProblemsQuery,
  TProblem,
  TProblemPage,
  TProblemTransitionRequest,
  TUpdateProblemRequest,
} from "../../../contracts/problems";
import { OPEN_PROBLEM_STATES } from "../../../contracts/problems";
import { computePriority, DEFAULT_PRIORITY_MATRIX } from "../../../contracts/priority";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, type Tx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { runIdempotent } from "../work-items/idempotency";
import { type Change, insertTimeline } from "../work-items/work-item.repo";
import { announce, findVisibleItem } from "../work-items/work-item.service";
import { findKnownErrorOfProblem } from "./known-error.repo";
import { linkIncidentsInTx } from "./problem-incidents.service";
import { assertStaff } from "./problem.policy";
import { presentProblem, presentProblemSummary } from "./problem.presenter";
import * as repo from "./problem.repo";
import { checkProblemTransition, missingProblemInputs } from "./problem.workflow";
import { syncSlaClocks } from "../sla/sla.sync";

/** Refuses a service, group or assignee of another organization, naming the field. */
async function assertReferences(db: DbOrTx, orgId: string, refs: { serviceId?: string | null; groupId?: string | null; assigneeId?: string | null }) {
  if (!refs.serviceId && !refs.groupId && !refs.assigneeId) return;
  const r = await repo.checkReferences(db, orgId, refs);
  if (refs.serviceId && !r.service) throw invalidField("body.serviceId", "no such service");
  if (refs.groupId && !r.group) throw invalidField("body.assignmentGroupId", "no such group");
  if (refs.assigneeId && !r.assignee) throw invalidField("body.assigneeId", "must be an active agent of this organization");
  if (refs.assigneeId && refs.groupId && !r.assignee_in_group) throw invalidField("body.assigneeId", "is not a member of the assignment group");
}

/** Raises a problem, optionally linking incidents at once (e.g. from a candidate cluster). */
export async function createProblem(deps: Deps, actor: Actor, input: TCreateProblemRequest, opts: { idempotencyKey?: string } = {}) {
  assertStaff(actor);
  return withTx(deps.db, (tx) =>
    runIdempotent(tx, actor, opts.idempotencyKey, input, async () => {
      await assertReferences(tx, actor.organizationId, { serviceId: input.serviceId, groupId: input.assignmentGroupId, assigneeId: input.assigneeId });
      const row = await repo.insertProblem(tx, {
        organizationId: actor.organizationId,
        title: input.title,
        description: input.description,
        impact: input.impact,
        urgency: input.urgency,
        defaultPriority: computePriority(input.impact, input.urgency, DEFAULT_PRIORITY_MATRIX),
        serviceId: input.serviceId ?? null,
        assignmentGroupId: input.assignmentGroupId ?? null,
        assigneeId: input.assigneeId ?? null,
        requesterId: actor.userId,
        timelineData: { impact: input.impact, urgency: input.urgency, ...(input.incidents?.length ? { fromIncidents: input.incidents.length } : {}) },
      });
      if (input.incidents?.length) {
        const results = await linkIncidentsInTx(tx, actor, row.id, input.incidents, deps);
        const failed = results.filter((r) => !r.ok);
        // Creating from a cluster is all or nothing: a problem half-linked would mislead.
        if (failed.length)
          throw new AppError(
            "VALIDATION_FAILED",
            `Cannot link ${failed.map((f) => f.ref).join(", ")}`,
            failed.map((f) => ({ field: "body.incidents", message: `${f.ref}: ${f.message}` })),
          );
      }
      // Service levels apply to problems as to any work item (policies may match on type "problem").
      await syncSlaClocks(tx, row.id, { reason: "created", actorId: actor.userId });
      await announce(tx, row, row.version, actor.userId, "work_item.created");
      return { status: 201, body: await presentById(tx, actor, row.id) };
    }),
  );
}

/** Reads and presents a problem already known to be visible to the actor. */
async function presentById(db: DbOrTx, actor: Actor, id: string): Promise<TProblem> {
  const [row, ke] = await Promise.all([repo.findProblem(db, actor.organizationId, id), findKnownErrorOfProblem(db, id)]);
  if (!row) throw notFound("Problem");
  return presentProblem(row, ke);
}

/** One problem by UUID or PRB number. */
export async function getProblem(deps: Deps, actor: Actor, ref: string): Promise<TProblem> {
  assertStaff(actor);
  const core = await findVisibleItem(deps.db, actor, ref, { type: "problem" });
  return presentById(deps.db, actor, core.id);
}

const FIELD_MAP = {
  title: "title",
  description: "description",
  impact: "impact",
  urgency: "urgency",
  serviceId: "service_id",
  assignmentGroupId: "assignment_group_id",
  assigneeId: "assignee_id",
} as const;
const EXT_MAP = { rootCause: "root_cause", workaround: "workaround", fix: "fix" } as const;

function assertVersion(row: { version: number }, expected: number | undefined) {
  if (expected !== undefined && expected !== row.version)
    throw new AppError("VERSION_CONFLICT", `The problem changed since you read it (your version ${expected}, current ${row.version}); reload and try again`, [
      { field: "version", message: `current version is ${row.version}` },
    ]);
}

type Patch = TUpdateProblemRequest & Partial<Pick<TProblemTransitionRequest, "closeCode" | "reason">>;

/** Applies field edits and at most one transition to a locked problem, with one timeline event. */
async function applyToLocked(tx: Tx, actor: Actor, row: repo.LockedProblem, patch: Patch, action: ProblemAction | null): Promise<void> {
  const changes: Change[] = [];
  const core: Record<string, unknown> = {};
  const ext: Record<string, unknown> = {};
  for (const [key, col] of Object.entries(FIELD_MAP) as Array<[keyof typeof FIELD_MAP, (typeof FIELD_MAP)[keyof typeof FIELD_MAP]]>) {
    const v = patch[key];
    if (v === undefined || v === row[col]) continue;
    core[col] = v;
    changes.push({ field: key, from: row[col], to: v });
  }
  for (const [key, col] of Object.entries(EXT_MAP) as Array<[keyof typeof EXT_MAP, (typeof EXT_MAP)[keyof typeof EXT_MAP]]>) {
    const v = patch[key] === "" ? null : patch[key];
    if (v === undefined || v === row[col]) continue;
    ext[col] = v;
    changes.push({ field: key, from: row[col], to: v });
  }
  const group = (core.assignment_group_id !== undefined ? core.assignment_group_id : row.assignment_group_id) as string | null;
  const assignee = (core.assignee_id !== undefined ? core.assignee_id : row.assignee_id) as string | null;
  await assertReferences(tx, row.organization_id, {
    serviceId: core.service_id as string | null | undefined,
    groupId: core.assignment_group_id !== undefined || core.assignee_id !== undefined ? group : undefined,
    assigneeId: core.assignee_id !== undefined || (core.assignment_group_id !== undefined && assignee) ? assignee : undefined,
  });
  if (core.impact !== undefined || core.urgency !== undefined) {
    const impact = (core.impact ?? row.impact) as "high" | "medium" | "low";
    const urgency = (core.urgency ?? row.urgency) as "high" | "medium" | "low";
    const p = (await repo.lookupPriority(tx, row.organization_id, impact, urgency)) ?? computePriority(impact, urgency);
    if (p !== row.priority) {
      core.priority = p;
      changes.push({ field: "priority", from: `P${row.priority}`, to: `P${p}` });
    }
  }
  let toState: string | null = null;
  if (action) {
    const check = checkProblemTransition(action, row.state);
    if (!check.ok) throw new AppError("INVALID_TRANSITION", check.reason, [{ field: "body.action", message: check.reason }]);
    const recorded = {
      rootCause: (ext.root_cause !== undefined ? ext.root_cause : row.root_cause) as string | null,
      fix: (ext.fix !== undefined ? ext.fix : row.fix) as string | null,
    };
    const missing = missingProblemInputs(check.transition, patch, recorded);
    if (missing.length)
      throw new AppError(
        "VALIDATION_FAILED",
        `${action.replace("_", " ")} needs ${missing.join(", ")}`,
        missing.map((m) => ({ field: `body.${m}`, message: "required" })),
      );
    toState = check.transition.to;
    core.state = toState;
    changes.push({ field: "state", from: row.state, to: toState });
    const now = new Date();
    if (action === "resolve") core.resolved_at = now;
    if (action === "reopen") core.resolved_at = null;
    if (action === "close" || action === "cancel") {
      core.closed_at = now;
      const code = action === "close" ? "fix_applied" : (patch.closeCode ?? "cancelled");
      ext.close_code = code;
      changes.push({ field: "closeCode", from: row.close_code, to: code });
    }
    if (action === "reopen" && row.close_code) ext.close_code = null;
  }
  if (!changes.length) return;
  const version = await repo.updateProblemRow(tx, row.id, core, ext);
  await insertTimeline(tx, {
    organizationId: row.organization_id,
    workItemId: row.id,
    actorId: actor.userId,
    kind: toState ? "state_changed" : "updated",
    changes,
    data: action ? { action, ...(patch.reason ? { reason: patch.reason } : {}) } : {},
  });
  await syncSlaClocks(tx, row.id, { reason: toState ? "state_changed" : "updated", actorId: actor.userId });
  await announce(tx, row, version, actor.userId);
}

/** Edits a problem's fields (root cause, workaround, fix, routing…) with optimistic concurrency. */
export async function updateProblem(deps: Deps, actor: Actor, ref: string, patch: TUpdateProblemRequest, ifMatch?: number): Promise<TProblem> {
  assertStaff(actor);
  const id = await withTx(deps.db, async (tx) => {
    const core = await findVisibleItem(tx, actor, ref, { type: "problem" });
    const row = await repo.lockProblem(tx, actor.organizationId, core.id);
    if (!row) throw notFound("Problem");
    assertVersion(row, patch.version ?? ifMatch);
    await applyToLocked(tx, actor, row, patch, null);
    return row.id;
  });
  return presentById(deps.db, actor, id);
}

/** Runs one workflow action; resolving answers with the open incidents to offer for resolution. */
export async function transitionProblem(deps: Deps, actor: Actor, ref: string, input: TProblemTransitionRequest, ifMatch?: number): Promise<TProblem> {
  assertStaff(actor);
  const id = await withTx(deps.db, async (tx) => {
    const core = await findVisibleItem(tx, actor, ref, { type: "problem" });
    const row = await repo.lockProblem(tx, actor.organizationId, core.id);
    if (!row) throw notFound("Problem");
    assertVersion(row, input.version ?? ifMatch);
    await applyToLocked(tx, actor, row, { rootCause: input.rootCause, fix: input.fix, closeCode: input.closeCode, reason: input.reason }, input.action);
    return row.id;
  });
  return presentById(deps.db, actor, id);
}

const SORTS = {
  "-createdAt": { column: "created_at", desc: true },
  createdAt: { column: "created_at", desc: false },
  "-priority": { column: "priority", desc: true },
  priority: { column: "priority", desc: false },
  "-updatedAt": { column: "updated_at", desc: true },
} as const;

/** The problems list: filtered, sorted, cursor-paged. */
export async function listProblems(deps: Deps, actor: Actor, q: TListProblemsQuery): Promise<TProblemPage> {
  assertStaff(actor);
  const sort = SORTS[q.sort];
  let after: [string | number, string] | null = null;
  if (q.cursor) {
    try {
      const v = JSON.parse(Buffer.from(q.cursor, "base64url").toString("utf8"));
      if (Array.isArray(v) && v.length === 2 && typeof v[1] === "string") after = v as [string | number, string];
    } catch {}
    if (!after) throw invalidField("query.cursor", "invalid cursor");
  }
  const states = q.state ?? (q.open === "true" ? OPEN_PROBLEM_STATES : q.open === "false" ? (["resolved", "closed"] as const) : undefined);
  const rows = await repo.listProblemPage(
    deps.db,
    {
      organizationId: actor.organizationId,
      states: states ? [...states] : undefined,
      serviceId: q.serviceId,
      knownError: q.knownError === undefined ? undefined : q.knownError === "true",
      q: q.q,
    },
    sort,
    q.limit,
    after,
  );
  const page = rows.slice(0, q.limit);
  return {
    items: page.map(presentProblemSummary),
    nextCursor: rows.length > q.limit ? Buffer.from(JSON.stringify(page[page.length - 1].cursor)).toString("base64url") : null,
  };
}
