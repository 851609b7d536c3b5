import { createHash } from "node:crypto";
import type { TArticle, TArticleAttachment, TArticleLink, TCategory } from "../../../contracts/knowledge";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { getIncident } from "../incidents/incident.service";
import { isStaffActor } from "../work-items/work-item.policy";
import { insertTimeline, touchItem, upsertBlob } from "../work-items/work-item.repo";
import { announce, findVisibleItem } from "../work-items/work-item.service";
import * as repo from "./article.repo";
import { textToHtml } from "./article.sanitize";
import { canReadArticle, createArticle, findReadableArticle } from "./article.service";
import { presentAttachment } from "./knowledge.presenter";

/** Records the caller's "helpful / not helpful" vote (one per person, changeable). */
export async function giveFeedback(deps: Deps, actor: Actor, ref: string, helpful: boolean, comment?: string) {
  return withTx(deps.db, async (tx) => {
    const a = await findReadableArticle(tx, actor, ref);
    const r = await repo.upsertFeedback(tx, { articleId: a.id, userId: actor.userId, orgId: actor.organizationId, helpful, comment: comment ?? "" });
    return { helpfulCount: r.helpful_count, notHelpfulCount: r.not_helpful_count, myFeedback: helpful ? ("helpful" as const) : ("not_helpful" as const) };
  });
}

/** Counts one reading of the article. */
export async function recordView(deps: Deps, actor: Actor, ref: string) {
  const a = await findReadableArticle(deps.db, actor, ref);
  return { viewCount: await repo.incrementViews(deps.db, a.id) };
}

const INLINE_SAFE = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"]);

/** Stores a file or image of an article in the shared content-addressed blob store (agents). */
export async function addArticleAttachment(
  deps: Deps,
  actor: Actor,
  ref: string,
  file: { filename: string; contentType: string; content: Buffer },
): Promise<TArticleAttachment> {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can add files to articles");
  const filename = file.filename.replace(/[\u0000-\u001f\u007f/\\]/g, "_").slice(-255) || "file";
  const sha256 = createHash("sha256").update(file.content).digest("hex");
  const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(file.contentType) ? file.contentType.toLowerCase() : "application/octet-stream";
  return withTx(deps.db, async (tx) => {
    const a = await findReadableArticle(tx, actor, ref, { forUpdate: true });
    await upsertBlob(tx, sha256, file.content);
    const row = await repo.insertAttachment(tx, {
      organizationId: actor.organizationId,
      articleId: a.id,
      sha256,
      filename,
      contentType,
      size: file.content.length,
      uploadedById: actor.userId,
    });
    await repo.insertAudit(tx, {
      orgId: actor.organizationId,
      actorId: actor.userId,
      action: "kb_article.attachment_added",
      entityId: a.id,
      data: { filename, size: file.content.length },
    });
    return presentAttachment({ id: row.id, filename, content_type: contentType, size: file.content.length, created_at: row.created_at });
  });
}

/** An article file's bytes; 404 unless the caller may read the article. */
export async function downloadArticleAttachment(deps: Deps, actor: Actor, id: string) {
  const f = await repo.findAttachmentWithContent(deps.db, actor.organizationId, id);
  if (!f) throw notFound("Attachment");
  await findReadableArticle(deps.db, actor, f.article_id);
  return { filename: f.filename, contentType: f.content_type, content: f.content, inline: INLINE_SAFE.has(f.content_type) };
}

function presentLinks(rows: Awaited<ReturnType<typeof repo.listLinks>>): TArticleLink[] {
  return rows.map((r) => ({
    article: { id: r.a_id, number: r.a_number, title: r.a_title, state: r.a_state },
    workItem: { id: r.w_id, number: r.w_number, title: r.w_title, type: r.w_type, state: r.w_state },
    kind: r.kind,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Links an article to a work item ("resolved with KB0001002"), on the item's timeline (agents). */
export async function linkArticle(deps: Deps, actor: Actor, ref: string, workItemRef: string, kind: "resolved_with" | "related_to" | "created_from") {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can link articles to work items");
  return withTx(deps.db, async (tx) => {
    const a = await findReadableArticle(tx, actor, ref);
    const item = await findVisibleItem(tx, actor, workItemRef, { forUpdate: true }).catch(() => {
      throw invalidField("body.workItem", "no such work item in this organization");
    });
    if (await repo.insertLink(tx, { articleId: a.id, workItemId: item.id, orgId: actor.organizationId, kind, userId: actor.userId })) {
      // Requesters see the link on their ticket only when they could open the article.
      const visibility = canReadArticle({ ...actor, role: "requester" }, a) ? "public" : "internal";
      await insertTimeline(tx, {
        organizationId: actor.organizationId,
        workItemId: item.id,
        actorId: actor.userId,
        kind: "article_linked",
        visibility,
        data: { articleId: a.id, number: a.number, title: a.title, kind },
      });
      await announce(tx, item, await touchItem(tx, item.id), actor.userId);
      await repo.insertAudit(tx, {
        orgId: actor.organizationId,
        actorId: actor.userId,
        action: "kb_article.linked",
        entityId: a.id,
        data: { number: item.number, kind },
      });
    }
    return { items: presentLinks(await repo.listLinks(tx, actor.organizationId, { articleId: a.id })) };
  });
}

/** Removes an article's link to a work item (agents). */
export async function unlinkArticle(deps: Deps, actor: Actor, ref: string, workItemId: string) {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can unlink articles");
  return withTx(deps.db, async (tx) => {
    const a = await findReadableArticle(tx, actor, ref);
    if (!(await repo.deleteLink(tx, a.id, workItemId))) throw notFound("Link");
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId,
      actorId: actor.userId,
      kind: "article_unlinked",
      visibility: "internal",
      data: { articleId: a.id, number: a.number },
    });
    await repo.insertAudit(tx, { orgId: actor.organizationId, actorId: actor.userId, action: "kb_article.unlinked", entityId: a.id, data: { workItemId } });
    return { items: presentLinks(await repo.listLinks(tx, actor.organizationId, { articleId: a.id })) };
  });
}

/** Work items an article is linked to (agents). */
export async function listArticleLinks(deps: Deps, actor: Actor, ref: string) {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can see an article's tickets");
  const a = await findReadableArticle(deps.db, actor, ref);
  return { items: presentLinks(await repo.listLinks(deps.db, actor.organizationId, { articleId: a.id })) };
}

/** Articles linked to a work item; requesters see only those they could open. */
export async function listItemArticles(deps: Deps, actor: Actor, workItemRef: string) {
  const item = await findVisibleItem(deps.db, actor, workItemRef);
  const rows = await repo.listLinks(deps.db, actor.organizationId, { workItemId: item.id });
  return { items: presentLinks(rows.filter((r) => canReadArticle(actor, { state: r.a_state, audience: r.a_audience }))) };
}

/**
 * One step from a resolved incident to a draft article: the symptoms from its description, the fix
 * from its resolution notes, linked back to the incident. (A problem's known error joins here once
 * problems land on the shared work-item core.)
 */
export async function createArticleFromWorkItem(
  deps: Deps,
  actor: Actor,
  input: { workItem: string; audience: "public" | "internal"; language: TArticle["language"]; categoryId?: string | null },
): Promise<TArticle> {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can write articles");
  return withTx(deps.db, async (tx) => {
    const txDeps = { ...deps, db: tx };
    const core = await findVisibleItem(tx, actor, input.workItem).catch(() => {
      throw invalidField("body.workItem", "no such work item in this organization");
    });
    if (core.type !== "incident") throw invalidField("body.workItem", "articles can be made from incidents (problems: once problem management lands)");
    const inc = await getIncident(txDeps, actor, core.id);
    if (inc.state !== "resolved" && inc.state !== "closed") throw invalidField("body.workItem", "the incident must be resolved first");
    const body = `<h2>Symptoms</h2>${textToHtml(inc.description) || "<p></p>"}<h2>Resolution</h2>${textToHtml(inc.resolutionNotes ?? "") || "<p></p>"}`;
    const article = await createArticle(
      txDeps,
      actor,
      {
        title: inc.title,
        summary: (inc.resolutionNotes ?? "").replace(/\s+/g, " ").trim().slice(0, 300),
        bodyHtml: body,
        audience: input.audience,
        language: input.language as never,
        categoryId: input.categoryId ?? null,
      },
      { sourceWorkItemId: core.id, note: `Created from ${core.number}` },
    );
    await linkArticle(txDeps, actor, article.id, core.id, "created_from");
    return article;
  });
}

/** Knowledge categories with their article counts (requesters count what they can read). */
export async function listCategories(deps: Deps, actor: Actor): Promise<{ items: TCategory[] }> {
  const rows = await repo.listCategories(deps.db, actor.organizationId, !isStaffActor(actor));
  return { items: rows.map((r) => ({ id: r.id, name: r.name, description: r.description, parentId: r.parent_id, articleCount: r.article_count })) };
}

/** Adds a category (agents). */
export async function createCategory(deps: Deps, actor: Actor, input: { name: string; description: string; parentId?: string | null }): Promise<TCategory> {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can add knowledge categories");
  return withTx(deps.db, async (tx) => {
    if (input.parentId && !(await repo.findCategory(tx, actor.organizationId, input.parentId))) throw invalidField("body.parentId", "no such category");
    const r = await repo.insertCategory(tx, {
      orgId: actor.organizationId,
      name: input.name,
      description: input.description,
      parentId: input.parentId ?? null,
    });
    if (!r) throw new AppError("CONFLICT", `A category named "${input.name}" already exists here`);
    await repo.insertAudit(tx, {
      orgId: actor.organizationId,
      actorId: actor.userId,
      action: "kb_category.created",
      entityId: r.id,
      entityType: "kb_category",
      data: { name: r.name },
    });
    return { id: r.id, name: r.name, description: r.description, parentId: r.parent_id, articleCount: 0 };
  });
}
