import { createHash } from "node:crypto";
import type { TAttachment, TComment, TLink, TTimelineEvent } from "../../../contracts/work-items";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { publishLive } from "../../platform/live/live";
import { notify } from "../notifications/notify";
import { syncSlaClocks } from "../sla/sla.sync";
import { runIdempotent } from "./idempotency";
import * as repo from "./work-item.repo";
import { canSeeInternal, canView, isStaffActor, seesWholeOrganization } from "./work-item.policy";

const TYPE_LABEL: Record<string, string> = {
  incident: "Incident",
  request: "Request",
  request_task: "Task",
  problem: "Problem",
  change: "Change",
  change_task: "Change task",
};

/** Loads an item the actor may see (404 otherwise — never reveal another organization's records). */
export async function findVisibleItem(db: DbOrTx, actor: Actor, ref: string, opts: { forUpdate?: boolean; type?: string } = {}): Promise<repo.ItemCore> {
  const item = await repo.findItemCore(db, actor.organizationId, ref, opts);
  const label = TYPE_LABEL[opts.type ?? ""] ?? "Work item";
  if (!item) throw notFound(label);
  // Ask whether the caller watches only when nothing else already lets them see it.
  const watching = !seesWholeOrganization(actor) && item.requester_id !== actor.userId && (await repo.isWatcher(db, item.id, actor.userId));
  if (!canView(actor, item, watching)) throw notFound(label);
  return item;
}

/** Announces a change to every browser of the organization that may see it (on commit). */
export async function announce(
  db: DbOrTx,
  item: { id: string; organization_id: string; number: string; requester_id: string },
  version: number,
  actorId: string | null,
  type = "work_item.updated",
  knownWatchers?: string[],
) {
  const watchers = knownWatchers ?? (await repo.listWatcherIds(db, item.id));
  await publishLive(db, {
    type,
    organizationId: item.organization_id,
    id: item.id,
    number: item.number,
    version,
    actorId,
    audience: [item.requester_id, ...watchers],
  });
}

function iso(d: Date | string): string {
  return new Date(d).toISOString();
}

/** Adds a public comment or an internal work note (staff only) and records it on the timeline. */
export async function addComment(deps: Deps, actor: Actor, ref: string, type: string, body: string, visibility: "public" | "internal"): Promise<TComment> {
  if (visibility === "internal" && !canSeeInternal(actor)) throw new AppError("FORBIDDEN", "Only agents can add work notes");
  return withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { forUpdate: true, type });
    const c = await repo.insertComment(tx, { organizationId: actor.organizationId, workItemId: item.id, authorId: actor.userId, body, visibility });
    await repo.insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: item.id,
      actorId: actor.userId,
      kind: visibility === "internal" ? "work_note_added" : "comment_added",
      visibility,
      data: { commentId: c.id, body: body.slice(0, 2000) },
    });
    // The first public reply by an agent stops response clocks.
    if (visibility === "public" && isStaffActor(actor)) await syncSlaClocks(tx, item.id, { reason: "responded", actorId: actor.userId });
    const version = await repo.touchItem(tx, item.id);
    await announce(tx, item, version, actor.userId);
    // Work notes reach staff only (the dispatch drops requesters from internal events).
    await notify(tx, {
      type: "work_item.commented",
      organizationId: actor.organizationId,
      workItemId: item.id,
      actorId: actor.userId,
      commentId: c.id,
      visibility,
    });
    const author = await repo.findPersonRef(tx, actor.userId);
    return { id: c.id, body, visibility, author, createdAt: iso(c.created_at) };
  });
}

/** addComment, retry-safe: the same Idempotency-Key returns the first comment instead of adding another. */
export async function addCommentOnce(deps: Deps, actor: Actor, ref: string, type: string, body: string, visibility: "public" | "internal", key?: string) {
  return withTx(deps.db, (tx) =>
    runIdempotent(tx, actor, key, { op: "comment", ref, type, body, visibility }, async () => ({
      status: 201,
      body: await addComment({ ...deps, db: tx }, actor, ref, type, body, visibility),
    })),
  );
}

/** Comments (and, for staff, work notes) oldest first. */
export async function listComments(deps: Deps, actor: Actor, ref: string, type: string, only?: "public" | "internal"): Promise<TComment[]> {
  const item = await findVisibleItem(deps.db, actor, ref, { type });
  if (only === "internal" && !canSeeInternal(actor)) throw new AppError("FORBIDDEN", "Only agents can read work notes");
  const rows = await repo.listComments(deps.db, item.id, canSeeInternal(actor));
  return rows
    .filter((r) => !only || r.visibility === only)
    .map((r) => ({ id: r.id, body: r.body, visibility: r.visibility, author: r.author, createdAt: iso(r.created_at) }));
}

const REFERENCE_FIELDS = new Set(["assigneeId", "requesterId", "assignmentGroupId", "serviceId", "categoryId", "subcategoryId"]);

/** The timeline, oldest first, paged by event id; references in changes come with their names. */
export async function getTimeline(
  deps: Deps,
  actor: Actor,
  ref: string,
  type: string,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: TTimelineEvent[]; nextCursor: string | null }> {
  const item = await findVisibleItem(deps.db, actor, ref, { type });
  const after = cursor ? Number(cursor) : null;
  if (after !== null && !Number.isSafeInteger(after)) throw invalidField("query.cursor", "invalid cursor");
  const rows = await repo.listTimeline(deps.db, item.id, canSeeInternal(actor), after, limit);
  const page = rows.slice(0, limit);
  const ids = new Set<string>();
  for (const r of page)
    for (const c of r.changes) if (REFERENCE_FIELDS.has(c.field)) for (const v of [c.from, c.to]) if (typeof v === "string" && repo.isUuid(v)) ids.add(v);
  const names = ids.size ? await repo.namesOf(deps.db, actor.organizationId, [...ids]) : new Map<string, string>();
  const label = (v: unknown) => (typeof v === "string" ? (names.get(v) ?? null) : null);
  return {
    items: page.map((r) => ({
      id: String(r.id),
      kind: r.kind,
      actor: r.actor,
      visibility: r.visibility,
      changes: r.changes.map((c) => (REFERENCE_FIELDS.has(c.field) ? { ...c, fromLabel: label(c.from), toLabel: label(c.to) } : c)),
      data: r.data,
      createdAt: iso(r.created_at),
    })),
    nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
  };
}

const INLINE_SAFE = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"]);

/** Stores an uploaded file (content-addressed, so the same bytes are kept once) and records it. */
export async function addAttachment(
  deps: Deps,
  actor: Actor,
  ref: string,
  type: string,
  file: { filename: string; contentType: string; content: Buffer },
): Promise<TAttachment> {
  const filename = file.filename.replace(/[\u0000-\u001f\u007f/\\]/g, "_").slice(-255) || "file";
  const sha256 = createHash("sha256").update(file.content).digest("hex");
  const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(file.contentType) ? file.contentType.toLowerCase() : "application/octet-stream";
  return withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { forUpdate: true, type });
    await repo.upsertBlob(tx, sha256, file.content);
    const a = await repo.insertAttachment(tx, {
      organizationId: actor.organizationId,
      workItemId: item.id,
      sha256,
      filename,
      contentType,
      size: file.content.length,
      uploadedById: actor.userId,
    });
    await repo.insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: item.id,
      actorId: actor.userId,
      kind: "attachment_added",
      data: { attachmentId: a.id, filename, size: file.content.length },
    });
    const version = await repo.touchItem(tx, item.id);
    await announce(tx, item, version, actor.userId);
    const who = await repo.findPersonRef(tx, actor.userId);
    return {
      id: a.id,
      filename,
      contentType,
      size: file.content.length,
      sha256,
      uploadedBy: who,
      createdAt: iso(a.created_at),
      downloadUrl: `/api/v1/attachments/${a.id}/content`,
    };
  });
}

export async function listAttachments(deps: Deps, actor: Actor, ref: string, type: string): Promise<TAttachment[]> {
  const item = await findVisibleItem(deps.db, actor, ref, { type });
  return (await repo.listAttachments(deps.db, item.id)).map((a) => ({
    id: a.id,
    filename: a.filename,
    contentType: a.content_type,
    size: Number(a.size),
    sha256: a.blob_sha256,
    uploadedBy: a.uploaded_by,
    createdAt: iso(a.created_at),
    downloadUrl: `/api/v1/attachments/${a.id}/content`,
  }));
}

/** An attachment's bytes with how to serve them safely; 404 unless the caller may see its item. */
export async function downloadAttachment(deps: Deps, actor: Actor, attachmentId: string) {
  const a = await repo.findAttachmentWithContent(deps.db, actor.organizationId, attachmentId);
  if (!a) throw notFound("Attachment");
  await findVisibleItem(deps.db, actor, a.work_item_id);
  return { filename: a.filename, contentType: a.content_type, content: a.content, inline: INLINE_SAFE.has(a.content_type) };
}

/** Adds a watcher (requesters may only watch themselves). */
export async function addWatcher(deps: Deps, actor: Actor, ref: string, type: string, userId: string) {
  if (!isStaffActor(actor) && userId !== actor.userId) throw new AppError("FORBIDDEN", "You can only add yourself as a watcher");
  return withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { forUpdate: true, type });
    const user = await repo.findOrgUser(tx, actor.organizationId, userId);
    if (!user) throw invalidField("body.userId", "no such active person in this organization");
    if (await repo.addWatcher(tx, actor.organizationId, item.id, userId)) {
      await repo.insertTimeline(tx, {
        organizationId: actor.organizationId,
        workItemId: item.id,
        actorId: actor.userId,
        kind: "watcher_added",
        data: { userId, name: user.name },
      });
      const version = await repo.touchItem(tx, item.id);
      await announce(tx, item, version, actor.userId);
    }
    return repo.listWatchers(tx, item.id);
  });
}

export async function removeWatcher(deps: Deps, actor: Actor, ref: string, type: string, userId: string) {
  if (!isStaffActor(actor) && userId !== actor.userId) throw new AppError("FORBIDDEN", "You can only remove yourself");
  return withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { forUpdate: true, type });
    if (!(await repo.removeWatcher(tx, item.id, userId))) throw notFound("Watcher");
    await repo.insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: item.id,
      actorId: actor.userId,
      kind: "watcher_removed",
      data: { userId },
    });
    const version = await repo.touchItem(tx, item.id);
    await announce(tx, item, version, actor.userId);
    return repo.listWatchers(tx, item.id);
  });
}

export async function listWatchers(deps: Deps, actor: Actor, ref: string, type: string) {
  const item = await findVisibleItem(deps.db, actor, ref, { type });
  return repo.listWatchers(deps.db, item.id);
}

type ApiLinkKind = TLink["kind"];
type StoredLinkKind = "child_of" | "duplicate_of" | "related_to" | "caused_by";
/** How a stored link reads from its target's side. */
const REVERSE_KIND: Record<string, ApiLinkKind> = { child_of: "parent_of", duplicate_of: "duplicated_by", related_to: "related_to", caused_by: "causes" };
/** Links are stored in one direction: the reverse kinds swap source and target. */
const STORED_OF: Partial<Record<ApiLinkKind, StoredLinkKind>> = { parent_of: "child_of", duplicated_by: "duplicate_of", causes: "caused_by" };

function presentLinks(itemId: string, rows: Awaited<ReturnType<typeof repo.listLinks>>): TLink[] {
  return rows.map((r) => {
    const outgoing = r.source_id === itemId;
    const kind: ApiLinkKind = outgoing ? r.kind : (REVERSE_KIND[r.kind] ?? "related_to");
    const t = outgoing
      ? { id: r.target_id, number: r.t_number, title: r.t_title, state: r.t_state, type: r.t_type }
      : { id: r.source_id, number: r.s_number, title: r.s_title, state: r.s_state, type: r.s_type };
    return { id: r.id, kind, target: t, createdAt: iso(r.created_at) };
  });
}

/** Links an item to another of the same organization (staff only); parent/child loops are refused. */
export async function addLink(deps: Deps, actor: Actor, ref: string, type: string, kind: ApiLinkKind, targetRef: string): Promise<TLink[]> {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can link work items");
  return withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { forUpdate: true, type });
    const target = await repo.findItemCore(tx, actor.organizationId, targetRef);
    if (!target) throw invalidField("body.target", "no such work item in this organization");
    if (target.id === item.id) throw invalidField("body.target", "an item cannot be linked to itself");
    // Store in one canonical direction: source <kind> target.
    const reversed = STORED_OF[kind];
    const [source, dest, stored] = reversed ? [target, item, reversed] : [item, target, kind as StoredLinkKind];
    if (stored === "child_of" && (await repo.wouldCreateCycle(tx, source.id, dest.id))) {
      throw new AppError("CONFLICT", "That link would make an item its own ancestor");
    }
    const link = await repo.insertLink(tx, {
      organizationId: actor.organizationId,
      sourceId: source.id,
      targetId: dest.id,
      kind: stored,
      createdById: actor.userId,
    });
    if (link) {
      for (const [a, b, k] of [
        [item, target, kind],
        [target, item, "linked_from"],
      ] as const) {
        await repo.insertTimeline(tx, {
          organizationId: actor.organizationId,
          workItemId: a.id,
          actorId: actor.userId,
          kind: "link_added",
          data: { linkId: link.id, kind: k, number: b.number },
        });
        const v = await repo.touchItem(tx, a.id);
        await announce(tx, a, v, actor.userId);
      }
    }
    return presentLinks(item.id, await repo.listLinks(tx, item.id));
  });
}

export async function removeLink(deps: Deps, actor: Actor, ref: string, type: string, linkId: string): Promise<TLink[]> {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can unlink work items");
  return withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { forUpdate: true, type });
    const link = await repo.findLink(tx, actor.organizationId, linkId);
    if (!link || (link.source_id !== item.id && link.target_id !== item.id)) throw notFound("Link");
    await repo.deleteLink(tx, linkId);
    for (const id of [link.source_id, link.target_id]) {
      const it = await repo.findItemCore(tx, actor.organizationId, id);
      if (!it) continue;
      await repo.insertTimeline(tx, {
        organizationId: actor.organizationId,
        workItemId: id,
        actorId: actor.userId,
        kind: "link_removed",
        data: { linkId, kind: link.kind },
      });
      const v = await repo.touchItem(tx, id);
      await announce(tx, it, v, actor.userId);
    }
    return presentLinks(item.id, await repo.listLinks(tx, item.id));
  });
}

export async function listLinks(deps: Deps, actor: Actor, ref: string, type: string): Promise<TLink[]> {
  const item = await findVisibleItem(deps.db, actor, ref, { type });
  let rows = await repo.listLinks(deps.db, item.id);
  // Requesters see a link only when they may see the other side too.
  if (!seesWholeOrganization(actor)) rows = rows.filter((r) => (r.source_id === item.id ? r.t_requester_id : r.s_requester_id) === actor.userId);
  return presentLinks(item.id, rows);
}
