import { diffWords } from "diff";
import {
  ARTICLE_LANGUAGES,
  type ArticleLanguage,
  type TArticle,
  type TArticleDiff,
  type TArticlePage,
  type TArticleTransitionRequest,
  type TArticleVersion,
  type TCreateArticleRequest,
  type TListArticlesQuery,
  type TUpdateArticleRequest,
} from "../../../contracts/knowledge";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { isStaffActor } from "../work-items/work-item.policy";
import * as repo from "./article.repo";
import { htmlToText, sanitizeArticleHtml } from "./article.sanitize";
import { ARTICLE_TRANSITIONS, availableArticleActions, isEditable, mayRun } from "./article.workflow";
import { presentArticle, presentArticleSummary } from "./knowledge.presenter";
import { cleanQuery } from "./search.query";

/** Requesters read published public articles only; staff read every article of their organization. */
export function canReadArticle(actor: Actor, a: { state: string; audience: string }): boolean {
  return isStaffActor(actor) || (a.state === "published" && a.audience === "public");
}

/** Loads an article the actor may read (404 otherwise, also across organizations). */
export async function findReadableArticle(db: DbOrTx, actor: Actor, ref: string, opts: { forUpdate?: boolean } = {}): Promise<repo.ArticleCore> {
  const a = await repo.findArticleCore(db, actor.organizationId, ref, opts);
  if (!a || !canReadArticle(actor, a)) throw notFound("Article");
  return a;
}

function requireStaff(actor: Actor, what: string): void {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", `Only agents can ${what}`);
}

function checkVersion(current: number, given: number | undefined): void {
  if (given !== undefined && given !== current) {
    throw new AppError("VERSION_CONFLICT", `The article changed since you read it (version ${given}, now ${current}); reload and try again`, [
      { field: "version", message: `current version is ${current}` },
    ]);
  }
}

/** The text search configuration for an article language. */
export function tsConfigOf(language: string): string {
  return ARTICLE_LANGUAGES[language as ArticleLanguage] ?? "simple";
}

function who(actor: Actor, a: { author_id: string | null; reviewer_id: string | null }) {
  return {
    isStaff: isStaffActor(actor),
    isAdmin: actor.role === "admin",
    isAuthor: a.author_id === actor.userId,
    isReviewer: a.reviewer_id === actor.userId,
  };
}

/** The article as the caller may see it (body, files, their vote, open actions). */
export async function presentById(db: DbOrTx, actor: Actor, id: string): Promise<TArticle> {
  const [row, attachments, mine] = await Promise.all([
    repo.findArticle(db, actor.organizationId, id),
    repo.listAttachments(db, id),
    repo.findMyFeedback(db, id, actor.userId),
  ]);
  if (!row) throw notFound("Article");
  const staff = isStaffActor(actor);
  return presentArticle(row, {
    staff,
    actions: availableArticleActions(row.state, who(actor, row)),
    canEdit: staff && isEditable(row.state),
    myFeedback: mine,
    attachments,
  });
}

/** One article by UUID or KB number. */
export async function getArticle(deps: Deps, actor: Actor, ref: string): Promise<TArticle> {
  const a = await findReadableArticle(deps.db, actor, ref);
  return presentById(deps.db, actor, a.id);
}

function encodeCursor(r: { updated_at_raw: string; id: string }): string {
  return Buffer.from(JSON.stringify([r.updated_at_raw, r.id])).toString("base64url");
}
function decodeCursor(c: string): { updatedAt: string; id: string } {
  try {
    const [updatedAt, id] = JSON.parse(Buffer.from(c, "base64url").toString("utf8"));
    if (typeof updatedAt === "string" && typeof id === "string" && /^[0-9a-f-]{36}$/i.test(id) && !Number.isNaN(Date.parse(updatedAt)))
      return { updatedAt, id };
  } catch {}
  throw invalidField("query.cursor", "invalid cursor");
}

/** The knowledge list: filters, text, cursor pages; requesters get published public articles only. */
export async function listArticles(deps: Deps, actor: Actor, q: TListArticlesQuery): Promise<TArticlePage> {
  const staff = isStaffActor(actor);
  const text = cleanQuery(q.q ?? "") || undefined;
  const rows = await repo.listArticles(deps.db, actor.organizationId, {
    states: staff ? q.state : ["published"],
    audience: staff ? q.audience : "public",
    language: q.language,
    categoryId: q.categoryId,
    reviewDue: staff && q.reviewDue === "true",
    reviewerId: staff ? q.reviewerId : undefined,
    q: text,
    tsConfigs: text ? await repo.usedTsConfigs(deps.db, actor.organizationId) : undefined,
    after: q.cursor ? decodeCursor(q.cursor) : undefined,
    limit: q.limit,
  });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => {
      const s = presentArticleSummary(r);
      return staff ? s : { ...s, reviewer: null };
    }),
    nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]) : null,
  };
}

async function assertCategory(db: DbOrTx, orgId: string, categoryId: string | null | undefined): Promise<void> {
  if (categoryId && !(await repo.findCategory(db, orgId, categoryId))) throw invalidField("body.categoryId", "no such knowledge category");
}

/** Writes a draft article (agents), numbered KB…, with its first version. */
export async function createArticle(
  deps: Deps,
  actor: Actor,
  input: TCreateArticleRequest,
  extra: { sourceWorkItemId?: string | null; note?: string } = {},
): Promise<TArticle> {
  requireStaff(actor, "write articles");
  return withTx(deps.db, async (tx) => {
    await assertCategory(tx, actor.organizationId, input.categoryId);
    const bodyHtml = sanitizeArticleHtml(input.bodyHtml);
    const row = await repo.insertArticle(tx, {
      organization_id: actor.organizationId,
      desk_id: null,
      category_id: input.categoryId ?? null,
      title: input.title,
      summary: input.summary,
      body_html: bodyHtml,
      body_text: htmlToText(bodyHtml),
      audience: input.audience,
      language: input.language,
      ts_config: tsConfigOf(input.language),
      state: "draft",
      author_id: actor.userId,
      reviewer_id: null,
      review_at: input.reviewAt ?? null,
      expires_at: input.expiresAt ?? null,
      source_work_item_id: extra.sourceWorkItemId ?? null,
      note: extra.note ?? "Created",
    });
    await repo.insertAudit(tx, {
      orgId: actor.organizationId,
      actorId: actor.userId,
      action: "kb_article.created",
      entityId: row.id,
      data: { number: row.number },
    });
    return presentById(tx, actor, row.id);
  });
}

const CONTENT_FIELDS = ["title", "summary", "bodyHtml"] as const;

/** Edits an article; a change to its text makes a new version (with an optional note). */
export async function updateArticle(deps: Deps, actor: Actor, ref: string, input: TUpdateArticleRequest): Promise<TArticle> {
  requireStaff(actor, "edit articles");
  return withTx(deps.db, async (tx) => {
    const a = await findReadableArticle(tx, actor, ref, { forUpdate: true });
    checkVersion(a.version, input.version);
    if (!isEditable(a.state)) throw new AppError("CONFLICT", "A retired article cannot be edited; redraft it first");
    await assertCategory(tx, actor.organizationId, input.categoryId);
    const set: repo.ArticleUpdate = {};
    const changes: Array<{ field: string; from: unknown; to: unknown }> = [];
    const put = (field: string, col: keyof repo.ArticleUpdate, from: unknown, to: string | null | undefined) => {
      if (to === undefined || to === from) return;
      (set as Record<string, unknown>)[col] = to;
      changes.push({ field, from, to });
    };
    const bodyHtml = input.bodyHtml === undefined ? undefined : sanitizeArticleHtml(input.bodyHtml);
    put("title", "title", a.title, input.title);
    put("summary", "summary", a.summary, input.summary);
    put("bodyHtml", "body_html", a.body_html, bodyHtml);
    put("audience", "audience", a.audience, input.audience);
    put("language", "language", a.language, input.language);
    put("categoryId", "category_id", a.category_id, input.categoryId);
    put("reviewAt", "review_at", dayOf(a.review_at), input.reviewAt);
    put("expiresAt", "expires_at", dayOf(a.expires_at), input.expiresAt);
    if (changes.length === 0) return presentById(tx, actor, a.id);
    if (typeof set.body_html === "string") set.body_text = htmlToText(set.body_html);
    if (typeof set.language === "string") {
      set.ts_config = tsConfigOf(set.language);
      repo.forgetTsConfigs(actor.organizationId);
    }
    if (set.review_at !== undefined) set.review_reminded_at = null;
    const contentChanged = changes.some((c) => (CONTENT_FIELDS as readonly string[]).includes(c.field));
    if (contentChanged) {
      set.revision = a.revision + 1;
      await repo.insertVersion(tx, {
        article_id: a.id,
        revision: a.revision + 1,
        organization_id: a.organization_id,
        title: (set.title as string | undefined) ?? a.title,
        summary: (set.summary as string | undefined) ?? a.summary,
        body_html: (set.body_html as string | undefined) ?? a.body_html,
        author_id: actor.userId,
        note: input.note ?? "",
      });
    }
    await repo.updateArticle(tx, a.id, set);
    await repo.insertAudit(tx, {
      orgId: actor.organizationId,
      actorId: actor.userId,
      action: "kb_article.updated",
      entityId: a.id,
      // The body is in the version; the audit names the change without copying it.
      data: { changes: changes.map((c) => (c.field === "bodyHtml" ? { field: c.field } : c)), revision: set.revision ?? a.revision },
    });
    return presentById(tx, actor, a.id);
  });
}

function dayOf(d: unknown): string | null {
  if (d === null || d === undefined) return null;
  if (d instanceof Date) return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  return String(d).slice(0, 10);
}

/** Moves an article through Draft → Review → Published → Retired (and back to Draft). */
export async function transitionArticle(deps: Deps, actor: Actor, ref: string, input: TArticleTransitionRequest): Promise<TArticle> {
  requireStaff(actor, "change an article's state");
  return withTx(deps.db, async (tx) => {
    const a = await findReadableArticle(tx, actor, ref, { forUpdate: true });
    checkVersion(a.version, input.version);
    const t = ARTICLE_TRANSITIONS[input.action];
    if (!t.from.includes(a.state)) {
      throw new AppError("INVALID_TRANSITION", `Cannot ${input.action} an article that is ${a.state}`);
    }
    if (!mayRun(input.action, who(actor, a))) {
      const why =
        input.action === "publish"
          ? "Only admins can publish without a review"
          : a.author_id === actor.userId && actor.role !== "admin"
            ? "Authors cannot approve or reject their own article"
            : "Only the article's reviewer (or an admin) can decide on this review";
      throw new AppError("FORBIDDEN", why);
    }
    const set: repo.ArticleUpdate = { state: t.to };
    if (input.action === "submit") {
      if (!input.reviewerId) throw invalidField("body.reviewerId", "required to submit for review");
      if (!(await repo.findStaffUser(tx, actor.organizationId, input.reviewerId)))
        throw invalidField("body.reviewerId", "must be an active agent of this organization");
      if (input.reviewerId === a.author_id && actor.role !== "admin") throw invalidField("body.reviewerId", "must be someone other than the author");
      set.reviewer_id = input.reviewerId;
    }
    if (input.action === "reject" && !input.comment) throw invalidField("body.comment", "say what should change");
    if (t.to === "published") {
      set.published_at = new Date();
      set.retired_at = null;
      set.review_reminded_at = null;
    }
    if (t.to === "retired") set.retired_at = new Date();
    await repo.updateArticle(tx, a.id, set);
    await repo.insertAudit(tx, {
      orgId: actor.organizationId,
      actorId: actor.userId,
      action: `kb_article.${input.action}`,
      entityId: a.id,
      data: { from: a.state, to: t.to, reviewerId: set.reviewer_id ?? a.reviewer_id, comment: input.comment ?? null },
    });
    return presentById(tx, actor, a.id);
  });
}

/** The article's versions, newest first (staff). */
export async function listVersions(deps: Deps, actor: Actor, ref: string) {
  requireStaff(actor, "see versions");
  const a = await findReadableArticle(deps.db, actor, ref);
  const rows = await repo.listVersions(deps.db, a.id);
  return {
    items: rows.map((v) => ({
      revision: v.revision,
      title: v.title,
      summary: v.summary,
      note: v.note,
      author: v.author,
      createdAt: new Date(v.created_at).toISOString(),
    })),
  };
}

async function versionOf(db: DbOrTx, articleId: string, revision: number) {
  const v = await repo.findVersion(db, articleId, revision);
  if (!v) throw notFound(`Version ${revision}`);
  return v;
}

/** One version's full text (staff). */
export async function getVersion(deps: Deps, actor: Actor, ref: string, revision: number): Promise<TArticleVersion> {
  requireStaff(actor, "see versions");
  const a = await findReadableArticle(deps.db, actor, ref);
  const v = await versionOf(deps.db, a.id, revision);
  return {
    revision: v.revision,
    title: v.title,
    summary: v.summary,
    bodyHtml: v.body_html,
    note: v.note,
    author: v.author,
    createdAt: new Date(v.created_at).toISOString(),
  };
}

const parts = (a: string, b: string) => diffWords(a, b).map((p) => ({ value: p.value, added: Boolean(p.added), removed: Boolean(p.removed) }));

/** Word differences between two versions (title, summary, body text). */
export async function diffVersions(deps: Deps, actor: Actor, ref: string, from: number, to: number): Promise<TArticleDiff> {
  requireStaff(actor, "compare versions");
  const a = await findReadableArticle(deps.db, actor, ref);
  const [x, y] = await Promise.all([versionOf(deps.db, a.id, from), versionOf(deps.db, a.id, to)]);
  return { from, to, title: parts(x.title, y.title), summary: parts(x.summary, y.summary), body: parts(htmlToText(x.body_html), htmlToText(y.body_html)) };
}

/** Brings back an old version's text as a new version (history is never rewritten). */
export async function restoreVersion(deps: Deps, actor: Actor, ref: string, revision: number, version?: number): Promise<TArticle> {
  requireStaff(actor, "restore versions");
  return withTx(deps.db, async (tx) => {
    const a = await findReadableArticle(tx, actor, ref, { forUpdate: true });
    const v = await versionOf(tx, a.id, revision);
    if (revision === a.revision) throw new AppError("CONFLICT", `Version ${revision} is already the current one`);
    return updateArticle({ ...deps, db: tx }, actor, a.id, {
      title: v.title,
      summary: v.summary,
      bodyHtml: v.body_html,
      note: `Restored version ${revision}`,
      version: version ?? a.version,
    });
  });
}

/** The article's audit trail (staff). */
export async function getHistory(deps: Deps, actor: Actor, ref: string) {
  requireStaff(actor, "see an article's history");
  const a = await findReadableArticle(deps.db, actor, ref);
  const rows = await repo.listAudit(deps.db, actor.organizationId, a.id);
  return { items: rows.map((r) => ({ id: String(r.id), action: r.action, actor: r.actor, data: r.data, createdAt: new Date(r.created_at).toISOString() })) };
}
