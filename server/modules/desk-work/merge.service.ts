import type { TMergeRequest, TMergeResult } from "../../../contracts/desk-work";
import { OPEN_INCIDENT_STATES } from "../../../contracts/incidents";
import type { Actor, Deps } from "../../deps";
import { type Tx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { changeIncidentInTx, createIncident } from "../incidents/incident.service";
import { isStaffActor } from "../work-items/work-item.policy";
import * as core from "../work-items/work-item.repo";
import { addComment, announce, findVisibleItem } from "../work-items/work-item.service";
import * as repo from "./desk-work.repo";

const isOpen = (state: string) => (OPEN_INCIDENT_STATES as string[]).includes(state);

function requireStaff(actor: Actor, what: string) {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", `Only agents can ${what}`);
}

/** Moves a duplicate's links to the survivor; a link to the survivor itself is dropped, a loop is left in place. */
async function moveLinks(tx: Tx, dupId: string, survivorId: string): Promise<number> {
  let moved = 0;
  for (const l of await repo.linksOf(tx, dupId)) {
    const end = l.source_id === dupId ? "source_id" : "target_id";
    const other = end === "source_id" ? l.target_id : l.source_id;
    if (other === survivorId) {
      await core.deleteLink(tx, l.id);
      continue;
    }
    if (l.kind === "child_of") {
      const [child, parent] = end === "source_id" ? [survivorId, other] : [other, survivorId];
      if (await core.wouldCreateCycle(tx, child, parent)) continue;
    }
    if (await repo.repointLink(tx, l.id, end, survivorId)) moved++;
  }
  return moved;
}

/**
 * Merges duplicates into a survivor, all or nothing: comments are copied (prefixed with the
 * duplicate's number), attachments referenced (same stored bytes), watchers and the duplicate's
 * requester added as watchers, links moved; each duplicate gets a public comment for its requester,
 * a duplicate_of link to the survivor and is resolved (code "duplicate") and closed.
 */
export async function mergeIncidents(deps: Deps, actor: Actor, survivorRef: string, input: TMergeRequest): Promise<TMergeResult> {
  requireStaff(actor, "merge incidents");
  return withTx(deps.db, async (tx) => {
    const survivor = await findVisibleItem(tx, actor, survivorRef, { type: "incident", forUpdate: true });
    if (!isOpen(survivor.state)) throw new AppError("CONFLICT", `${survivor.number} is ${survivor.state}: merge into an open incident`);
    const seen = new Set<string>();
    const dups: core.ItemCore[] = [];
    for (const [i, ref] of input.duplicates.entries()) {
      const field = `body.duplicates.${i}`;
      const d = await core.findItemCore(tx, actor.organizationId, ref, { forUpdate: true });
      // Another organization's ticket is indistinguishable from a missing one.
      if (!d) throw invalidField(field, `${ref}: no such incident in this organization`);
      if (d.id === survivor.id) throw invalidField(field, "an incident cannot be merged into itself");
      if (d.type !== "incident") throw invalidField(field, `${d.number} is not an incident`);
      if (seen.has(d.id)) throw invalidField(field, `${d.number} is listed twice`);
      if (!isOpen(d.state)) throw new AppError("CONFLICT", `${d.number} is already ${d.state}`, [{ field, message: `already ${d.state}` }]);
      seen.add(d.id);
      dups.push(d);
    }
    const merged: TMergeResult["merged"] = [];
    for (const d of dups) {
      const commentsCopied = await repo.copyComments(tx, actor.organizationId, d.id, survivor.id, d.number);
      const attachmentsCopied = await repo.copyAttachments(tx, actor.organizationId, d.id, survivor.id);
      const watchersAdded = await repo.copyWatchers(tx, actor.organizationId, d.id, survivor.id);
      const linksMoved = await moveLinks(tx, d.id, survivor.id);
      await core.insertLink(tx, {
        organizationId: actor.organizationId,
        sourceId: d.id,
        targetId: survivor.id,
        kind: "duplicate_of",
        createdById: actor.userId,
      });
      const body =
        input.message ??
        `This ticket duplicates ${survivor.number} ("${survivor.title}") and has been merged into it. Work continues there; you have been added as a watcher of ${survivor.number} and will be kept informed.`;
      await addComment({ ...deps, db: tx }, actor, d.id, "incident", body, "public");
      await core.insertTimeline(tx, {
        organizationId: actor.organizationId,
        workItemId: d.id,
        actorId: actor.userId,
        kind: "merged_into",
        data: { id: survivor.id, number: survivor.number },
      });
      await changeIncidentInTx(tx, actor, d.id, { resolutionCode: "duplicate", resolutionNotes: `Duplicate of ${survivor.number}` }, "resolve");
      await changeIncidentInTx(tx, actor, d.id, {}, "close");
      merged.push({ id: d.id, number: d.number, commentsCopied, attachmentsCopied, watchersAdded, linksMoved });
    }
    await core.insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: survivor.id,
      actorId: actor.userId,
      kind: "merged",
      data: { duplicates: merged },
    });
    const v = await core.touchItem(tx, survivor.id);
    await announce(tx, survivor, v, actor.userId);
    return { survivor: { id: survivor.id, number: survivor.number }, merged };
  });
}

/**
 * Splits one comment into a new incident, related_to the original; the new incident copies impact,
 * urgency, service, category and group. A public comment becomes the description (its author, when a
 * requester, becomes the requester); an internal note stays internal, as a work note on the new one.
 */
export async function splitComment(deps: Deps, actor: Actor, ref: string, input: { commentId: string; title: string }) {
  requireStaff(actor, "split tickets");
  return withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { type: "incident", forUpdate: true });
    const c = await repo.findComment(tx, actor.organizationId, item.id, input.commentId);
    if (!c) throw notFound("Comment");
    const src = await repo.findSplitSource(tx, item.id);
    const internal = c.visibility === "internal";
    const requesterId = !internal && c.author_id && c.author_role === "requester" && c.author_active ? c.author_id : src.requester_id;
    const created = await createIncident(
      { ...deps, db: tx },
      actor,
      {
        title: input.title,
        description: internal ? "" : c.body,
        impact: src.impact as "low",
        urgency: src.urgency as "low",
        serviceId: src.service_id,
        categoryId: src.category_id,
        subcategoryId: src.subcategory_id,
        assignmentGroupId: src.assignment_group_id,
        requesterId,
      },
      { via: "session" },
    );
    const fresh = created.body as { id: string; number: string };
    if (internal) await addComment({ ...deps, db: tx }, actor, fresh.id, "incident", c.body, "internal");
    await core.insertLink(tx, { organizationId: actor.organizationId, sourceId: fresh.id, targetId: item.id, kind: "related_to", createdById: actor.userId });
    for (const [at, data] of [
      [item.id, { commentId: c.id, number: fresh.number, id: fresh.id }],
      [fresh.id, { commentId: c.id, number: item.number, id: item.id, from: true }],
    ] as const) {
      await core.insertTimeline(tx, {
        organizationId: actor.organizationId,
        workItemId: at,
        actorId: actor.userId,
        kind: at === item.id ? "split" : "split_from",
        visibility: internal ? "internal" : "public",
        data,
      });
    }
    const v = await core.touchItem(tx, item.id);
    await announce(tx, item, v, actor.userId);
    return { id: fresh.id, number: fresh.number };
  });
}
