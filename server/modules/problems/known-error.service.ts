import type { TKnownError } from "../../../contracts/problems";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { transitionIncident } from "../incidents/incident.service";
import { isStaffActor } from "../work-items/work-item.policy";
import { type Change, insertTimeline, touchItem } from "../work-items/work-item.repo";
import { addComment, addLink, announce, findVisibleItem } from "../work-items/work-item.service";
import * as repo from "./known-error.repo";
import { presentKnownError } from "./problem.presenter";
import { findCausedByLink, findProblem } from "./problem.repo";
import { assertStaff } from "./problem.policy";

/** Records the known error of a problem (one per problem): its workaround becomes applicable to incidents. */
export async function recordKnownError(
  deps: Deps,
  actor: Actor,
  problemRef: string,
  input: { title?: string; symptoms: string; workaround?: string; published: boolean },
): Promise<TKnownError> {
  assertStaff(actor);
  return withTx(deps.db, async (tx) => {
    const core = await findVisibleItem(tx, actor, problemRef, { type: "problem", forUpdate: true });
    if (await repo.findKnownErrorOfProblem(tx, core.id)) throw new AppError("CONFLICT", `${core.number} already has a known error; edit it instead`);
    const problem = await findProblem(tx, actor.organizationId, core.id);
    const workaround = input.workaround ?? problem?.workaround ?? null;
    if (!workaround) throw invalidField("body.workaround", "a known error needs a workaround (here or on the problem)");
    const id = await repo.insertKnownError(tx, {
      organizationId: actor.organizationId,
      problemId: core.id,
      title: input.title ?? core.title,
      symptoms: input.symptoms,
      workaround,
      published: input.published,
      createdById: actor.userId,
    });
    const ke = await repo.findKnownError(tx, actor.organizationId, id);
    if (!ke) throw notFound("Known error");
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: core.id,
      actorId: actor.userId,
      kind: "known_error_recorded",
      data: { knownErrorId: id, number: ke.number, title: ke.title },
    });
    const v = await touchItem(tx, core.id);
    await announce(tx, core, v, actor.userId);
    return presentKnownError(ke, true);
  });
}

/** Edits, publishes, retires or restores a known error; the change lands on its problem's timeline. */
export async function updateKnownError(
  deps: Deps,
  actor: Actor,
  ref: string,
  patch: { title?: string; symptoms?: string; workaround?: string; published?: boolean; retired?: boolean },
): Promise<TKnownError> {
  assertStaff(actor, "known errors");
  return withTx(deps.db, async (tx) => {
    const ke = await repo.findKnownError(tx, actor.organizationId, ref, true);
    if (!ke) throw notFound("Known error");
    const set: Parameters<typeof repo.updateKnownError>[2] = {};
    const changes: Change[] = [];
    for (const k of ["title", "symptoms", "workaround", "published"] as const) {
      const v = patch[k];
      if (v === undefined || v === ke[k]) continue;
      (set as Record<string, unknown>)[k] = v;
      changes.push({ field: `knownError.${k}`, from: ke[k], to: v });
    }
    if (patch.retired !== undefined && patch.retired !== (ke.retired_at !== null)) {
      set.retired_at = patch.retired ? new Date() : null;
      changes.push({ field: "knownError.retired", from: ke.retired_at !== null, to: patch.retired });
    }
    if (changes.length) {
      await repo.updateKnownError(tx, ke.id, set);
      await insertTimeline(tx, {
        organizationId: actor.organizationId,
        workItemId: ke.problem_id,
        actorId: actor.userId,
        kind: "known_error_updated",
        changes,
        data: { number: ke.number },
      });
    }
    const fresh = await repo.findKnownError(tx, actor.organizationId, ke.id);
    if (!fresh) throw notFound("Known error");
    return presentKnownError(fresh, true);
  });
}

/** One known error; requesters only see published, current ones (and not the problem behind). */
export async function getKnownError(deps: Deps, actor: Actor, ref: string): Promise<TKnownError> {
  const ke = await repo.findKnownError(deps.db, actor.organizationId, ref);
  const staff = isStaffActor(actor);
  if (!ke || (!staff && (!ke.published || ke.retired_at))) throw notFound("Known error");
  return presentKnownError(ke, staff);
}

/** Known errors by text (ranked) or newest first; the portal's knowledge search shows published ones. */
export async function listKnownErrors(
  deps: Deps,
  actor: Actor,
  q: { q?: string; serviceId?: string; includeRetired: "true" | "false"; limit: number },
): Promise<TKnownError[]> {
  const staff = isStaffActor(actor);
  const rows = await repo.listKnownErrors(deps.db, {
    organizationId: actor.organizationId,
    q: q.q,
    serviceId: q.serviceId,
    includeRetired: staff && q.includeRetired === "true",
    publishedOnly: !staff,
    limit: q.limit,
  });
  return rows.map((k) => presentKnownError(k, staff));
}

/**
 * Applies a known error to an incident in one step and one transaction: the workaround goes to the
 * caller as a public comment (or as the resolution), and the incident is linked to the problem.
 */
export async function applyKnownError(deps: Deps, actor: Actor, ref: string, input: { incident: string; resolve: boolean }) {
  assertStaff(actor, "known errors");
  return withTx(deps.db, async (tx) => {
    const d = { ...deps, db: tx };
    const ke = await repo.findKnownError(tx, actor.organizationId, ref);
    if (!ke) throw notFound("Known error");
    if (ke.retired_at) throw new AppError("CONFLICT", `${ke.number} is retired`);
    const inc = await findVisibleItem(tx, actor, input.incident, { type: "incident" }).catch(() => {
      throw invalidField("body.incident", "no such incident in this organization");
    });
    const text = `Known error ${ke.number} — ${ke.title}\n\nWorkaround:\n${ke.workaround}`;
    let state = inc.state;
    if (input.resolve) {
      const done = await transitionIncident(d, actor, inc.id, { action: "resolve", resolutionCode: "solved_workaround", resolutionNotes: text });
      state = done.state;
    } else {
      if (!["new", "in_progress", "on_hold"].includes(inc.state)) throw new AppError("INVALID_TRANSITION", `${inc.number} is ${inc.state}; reopen it first`);
      await addComment(d, actor, inc.id, "incident", text, "public");
    }
    const linked = !(await findCausedByLink(tx, inc.id, ke.problem_id));
    if (linked) await addLink(d, actor, inc.id, "incident", "caused_by", ke.problem_id);
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: inc.id,
      actorId: actor.userId,
      kind: "known_error_applied",
      data: { knownErrorId: ke.id, number: ke.number, problem: ke.problem_number, resolved: input.resolve },
    });
    return { incident: { id: inc.id, number: inc.number, state }, linked };
  });
}
