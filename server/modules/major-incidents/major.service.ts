import type { z } from "zod";
import type {
  TDeclareMajorIncidentRequest,
  TMajorIncident,
  TMajorIncidentContext,
  ZResolveMajorIncidentRequest,
  ZReviewPatch,
} from "../../../contracts/major-incidents";
import { OPEN_INCIDENT_STATES } from "../../../contracts/incidents";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, type Tx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { changeIncidentInTx, createIncident } from "../incidents/incident.service";
import { isStaffActor } from "../work-items/work-item.policy";
import { findItemCore, findOrgUser, insertTimeline, touchItem } from "../work-items/work-item.repo";
import { addComment, addLink, announce, findVisibleItem } from "../work-items/work-item.service";
import * as repo from "./major.repo";

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const isOpen = (state: string) => (OPEN_INCIDENT_STATES as string[]).includes(state);
const statusOf = (state: string): "active" | "resolved" | "closed" => (isOpen(state) ? "active" : state === "resolved" ? "resolved" : "closed");

function requireStaff(actor: Actor) {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents manage major incidents");
}

/** Attaches incidents as children of a major incident (child_of), refusing other majors and closed ones. */
async function attach(deps: Deps, tx: Tx, actor: Actor, major: { id: string; number: string }, refs: string[]): Promise<string[]> {
  const attached: string[] = [];
  for (const [i, ref] of refs.entries()) {
    const field = `body.children.${i}`;
    const c = await findItemCore(tx, actor.organizationId, ref, { type: "incident" });
    if (!c) throw invalidField(field, `${ref}: no such incident in this organization`);
    if (c.id === major.id) continue;
    if (await repo.isMajor(tx, c.id)) throw new AppError("CONFLICT", `${c.number} is itself a major incident`, [{ field, message: "is a major incident" }]);
    if (!isOpen(c.state)) throw new AppError("CONFLICT", `${c.number} is already ${c.state}`, [{ field, message: `already ${c.state}` }]);
    await addLink({ ...deps, db: tx }, actor, c.id, "incident", "child_of", major.id);
    attached.push(c.number);
  }
  return attached;
}

/**
 * Declares a major incident from an incident (or a new one), raised to P1, with a manager and a
 * communication plan; the given incidents attach as its children.
 */
export async function declareMajorIncident(deps: Deps, actor: Actor, input: TDeclareMajorIncidentRequest): Promise<TMajorIncident> {
  requireStaff(actor);
  const id = await withTx(deps.db, async (tx) => {
    const manager = await findOrgUser(tx, actor.organizationId, input.managerId);
    if (!manager || manager.role === "requester") throw invalidField("body.managerId", "must be an active agent of this organization");
    let ref = input.incident;
    if (!ref) {
      const created = await createIncident(
        { ...deps, db: tx },
        actor,
        { title: input.title as string, description: "", impact: "high", urgency: "high" },
        { via: "session" },
      );
      ref = (created.body as { id: string }).id;
    }
    const item = await findVisibleItem(tx, actor, ref, { type: "incident", forUpdate: true });
    if (!isOpen(item.state)) throw new AppError("CONFLICT", `${item.number} is ${item.state}: only an open incident can become a major incident`);
    if (await repo.isMajor(tx, item.id)) throw new AppError("CONFLICT", `${item.number} is already a major incident`);
    await changeIncidentInTx(tx, actor, item.id, { impact: "high", urgency: "high" }, null);
    await repo.insertMajor(tx, {
      itemId: item.id,
      orgId: actor.organizationId,
      managerId: input.managerId,
      audience: input.audience,
      cadence: input.updateCadenceMinutes,
      declaredById: actor.userId,
    });
    const children = await attach(deps, tx, actor, item, input.children);
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: item.id,
      actorId: actor.userId,
      kind: "major_incident_declared",
      data: { managerId: manager.id, manager: manager.name, children },
    });
    const v = await touchItem(tx, item.id);
    await announce(tx, item, v, actor.userId);
    return item.id;
  });
  return getMajor(deps.db, actor, id);
}

async function getMajor(db: DbOrTx, actor: Actor, itemId: string): Promise<TMajorIncident> {
  const m = await repo.findMajor(db, actor.organizationId, itemId);
  if (!m) throw notFound("Major incident");
  const [children, updates, review] = await Promise.all([repo.listChildren(db, itemId), repo.listUpdates(db, itemId), repo.findReview(db, itemId)]);
  return {
    item: { id: m.id, number: m.number, title: m.title, state: m.state },
    status: statusOf(m.state),
    manager: m.manager as NonNullable<typeof m.manager>,
    audience: m.audience,
    updateCadenceMinutes: m.update_cadence_minutes,
    nextUpdateDueAt: isOpen(m.state) ? iso(m.next_update_due_at) : null,
    declaredAt: iso(m.declared_at) as string,
    declaredBy: m.declared_by,
    children,
    updates: updates.map((u) => ({ id: u.id, body: u.body, postedBy: u.posted_by, childrenCount: u.children_count, createdAt: iso(u.created_at) as string })),
    review: review
      ? {
          status: review.status,
          owner: review.owner,
          summary: review.summary,
          rootCause: review.root_cause,
          lessonsLearned: review.lessons_learned,
          followUpActions: review.follow_up_actions,
          createdAt: iso(review.created_at) as string,
          completedAt: iso(review.completed_at),
        }
      : null,
  };
}

/** Whether an incident is a major incident or attached to one (for the banner). */
export async function majorContext(deps: Deps, actor: Actor, ref: string): Promise<TMajorIncidentContext> {
  requireStaff(actor);
  const item = await findVisibleItem(deps.db, actor, ref, { type: "incident" });
  if (await repo.isMajor(deps.db, item.id)) return { major: await getMajor(deps.db, actor, item.id), parentMajor: null };
  const p = await repo.findParentMajor(deps.db, actor.organizationId, item.id);
  return { major: null, parentMajor: p ? { id: p.id, number: p.number, title: p.title, state: p.state, status: statusOf(p.state) } : null };
}

async function lockMajor(tx: Tx, actor: Actor, ref: string) {
  const item = await findVisibleItem(tx, actor, ref, { type: "incident", forUpdate: true });
  const m = await repo.findMajor(tx, actor.organizationId, item.id);
  if (!m) throw notFound("Major incident");
  return { item, m };
}

/** Attaches more incidents to an active major incident. */
export async function attachChildren(deps: Deps, actor: Actor, ref: string, children: string[]) {
  requireStaff(actor);
  const id = await withTx(deps.db, async (tx) => {
    const { item } = await lockMajor(tx, actor, ref);
    if (!isOpen(item.state)) throw new AppError("CONFLICT", `${item.number} is ${item.state}`);
    await attach(deps, tx, actor, item, children);
    return item.id;
  });
  return getMajor(deps.db, actor, id);
}

/**
 * Posts a status update: a public comment on the major incident and on every open child, so their
 * requesters and watchers are told through the notifications module (work_item.commented).
 */
export async function postStatusUpdate(deps: Deps, actor: Actor, ref: string, body: string) {
  requireStaff(actor);
  const id = await withTx(deps.db, async (tx) => {
    const { item, m } = await lockMajor(tx, actor, ref);
    const d = { ...deps, db: tx };
    await addComment(d, actor, item.id, "incident", `Status update on ${item.number}: ${body}`, "public");
    const open = (await repo.listChildren(tx, item.id)).filter((c) => isOpen(c.state));
    for (const c of open) await addComment(d, actor, c.id, "incident", `Status update from major incident ${item.number}: ${body}`, "public");
    await repo.insertUpdate(tx, {
      orgId: actor.organizationId,
      itemId: item.id,
      body,
      postedById: actor.userId,
      childrenCount: open.length,
      cadence: m.update_cadence_minutes,
    });
    return item.id;
  });
  return getMajor(deps.db, actor, id);
}

/** Resolves the major incident and, with it, every open child; opens the post-incident review. */
export async function resolveMajorIncident(deps: Deps, actor: Actor, ref: string, input: z.infer<typeof ZResolveMajorIncidentRequest>) {
  requireStaff(actor);
  const id = await withTx(deps.db, async (tx) => {
    const { item, m } = await lockMajor(tx, actor, ref);
    await changeIncidentInTx(tx, actor, item.id, { ...input, resolveChildren: true }, "resolve");
    await repo.setStatus(tx, item.id, "resolved");
    await repo.ensureReview(tx, actor.organizationId, item.id, m.manager?.id ?? actor.userId);
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: item.id,
      actorId: actor.userId,
      kind: "post_incident_review_opened",
      visibility: "internal",
      data: {},
    });
    return item.id;
  });
  return getMajor(deps.db, actor, id);
}

/** Edits the post-incident review (opened when the major incident is resolved). */
export async function updateReview(deps: Deps, actor: Actor, ref: string, p: z.infer<typeof ZReviewPatch>) {
  requireStaff(actor);
  const id = await withTx(deps.db, async (tx) => {
    const { item, m } = await lockMajor(tx, actor, ref);
    if (isOpen(item.state)) throw new AppError("CONFLICT", "The review opens once the major incident is resolved");
    // A major incident resolved through the ordinary transition gets its review on first edit.
    await repo.ensureReview(tx, actor.organizationId, item.id, m.manager?.id ?? actor.userId);
    await repo.updateReview(tx, item.id, {
      summary: p.summary,
      root_cause: p.rootCause,
      lessons_learned: p.lessonsLearned,
      follow_up_actions: p.followUpActions,
      status: p.status,
      ...(p.status ? { completed_at: p.status === "completed" ? new Date() : null } : {}),
    });
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: item.id,
      actorId: actor.userId,
      kind: "post_incident_review_updated",
      visibility: "internal",
      data: { fields: Object.keys(p) },
    });
    return item.id;
  });
  return getMajor(deps.db, actor, id);
}
