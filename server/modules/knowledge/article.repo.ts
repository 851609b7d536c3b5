import { sql, type Updateable } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import type { ArticleAudience, ArticleState, KbArticlesTable } from "./knowledge.tables";
import "./knowledge.tables";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An article's own row by UUID or number, scoped to the organization; optionally locked. */
export async function findArticleCore(db: DbOrTx, orgId: string, ref: string, opts: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom("kb_articles").selectAll().where("organization_id", "=", orgId);
  q = UUID.test(ref) ? q.where("id", "=", ref) : q.where("number", "=", ref.toUpperCase());
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}
export type ArticleCore = NonNullable<Awaited<ReturnType<typeof findArticleCore>>>;

const personJson = (alias: string) =>
  sql<{
    id: string;
    name: string;
    email: string;
  } | null>`case when ${sql.ref(`${alias}.id`)} is null then null else json_build_object('id', ${sql.ref(`${alias}.id`)}, 'name', ${sql.ref(`${alias}.name`)}, 'email', ${sql.ref(`${alias}.email`)}) end`;

function articleRows(db: DbOrTx) {
  return db
    .selectFrom("kb_articles as a")
    .leftJoin("kb_categories as c", "c.id", "a.category_id")
    .leftJoin("users as au", "au.id", "a.author_id")
    .leftJoin("users as rv", "rv.id", "a.reviewer_id")
    .select([
      "a.id",
      "a.organization_id",
      "a.desk_id",
      "a.number",
      "a.title",
      "a.summary",
      "a.state",
      "a.audience",
      "a.language",
      "a.revision",
      "a.version",
      "a.view_count",
      "a.helpful_count",
      "a.not_helpful_count",
      sql<string | null>`a.review_at::text`.as("review_at"),
      sql<string | null>`a.expires_at::text`.as("expires_at"),
      "a.published_at",
      "a.updated_at",
      "a.created_at",
      "a.author_id",
      "a.reviewer_id",
      "a.source_work_item_id",
      sql<{ id: string; name: string } | null>`case when c.id is null then null else json_build_object('id', c.id, 'name', c.name) end`.as("category"),
      personJson("au").as("author"),
      personJson("rv").as("reviewer"),
    ]);
}
export type ArticleSummaryRow = Awaited<ReturnType<ReturnType<typeof articleRows>["execute"]>>[number];

/** One article with its category, author, reviewer, body and source work item. */
export function findArticle(db: DbOrTx, orgId: string, id: string) {
  return articleRows(db)
    .leftJoin("work_items as w", "w.id", "a.source_work_item_id")
    .select([
      "a.body_html",
      sql<{
        id: string;
        number: string;
        title: string;
      } | null>`case when w.id is null then null else json_build_object('id', w.id, 'number', w.number, 'title', w.title) end`.as("source"),
    ])
    .where("a.organization_id", "=", orgId)
    .where("a.id", "=", id)
    .executeTakeFirst();
}
export type ArticleRow = NonNullable<Awaited<ReturnType<typeof findArticle>>>;

export interface ArticleFilters {
  states?: ArticleState[];
  audience?: ArticleAudience;
  language?: string;
  categoryId?: string;
  reviewDue?: boolean;
  reviewerId?: string;
  tsConfigs?: string[];
  q?: string;
  after?: { updatedAt: string; id: string };
  limit: number;
}

/** A page of articles, most recently changed first (keyset on updated_at, id). */
export function listArticles(db: DbOrTx, orgId: string, f: ArticleFilters) {
  let q = articleRows(db).where("a.organization_id", "=", orgId);
  if (f.states?.length) q = q.where("a.state", "in", f.states);
  if (f.audience) q = q.where("a.audience", "=", f.audience);
  if (f.language) q = q.where("a.language", "=", f.language);
  if (f.categoryId) q = q.where("a.category_id", "=", f.categoryId);
  if (f.reviewerId) q = q.where("a.reviewer_id", "=", f.reviewerId);
  if (f.reviewDue) q = q.where("a.state", "=", "published").where("a.review_at", "<=", sql<string>`current_date`);
  if (f.q) {
    const text = f.q;
    const configs = f.tsConfigs ?? ["simple"];
    q = q.where((eb) =>
      eb.or([
        ...configs.map((c) => sql<boolean>`(a.ts_config = ${c}::regconfig and a.search @@ websearch_to_tsquery(${c}::regconfig, ${text}))`),
        sql<boolean>`a.title ilike ${`%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`,
        sql<boolean>`a.number = ${text.toUpperCase()}`,
      ]),
    );
  }
  if (f.after) {
    const { updatedAt, id } = f.after;
    q = q.where(sql<boolean>`(a.updated_at, a.id) < (${updatedAt}::timestamptz, ${id}::uuid)`);
  }
  return q
    .select(sql<string>`a.updated_at::text`.as("updated_at_raw"))
    .orderBy("a.updated_at", "desc")
    .orderBy("a.id", "desc")
    .limit(f.limit + 1)
    .execute();
}

/** Inserts an article numbered KB + 7 digits from the sequence, and its first version. */
export interface NewArticle {
  organization_id: string;
  desk_id: string | null;
  category_id: string | null;
  title: string;
  summary: string;
  body_html: string;
  body_text: string;
  audience: ArticleAudience;
  language: string;
  ts_config: string;
  state: ArticleState;
  author_id: string | null;
  reviewer_id: string | null;
  review_at: string | null;
  expires_at: string | null;
  source_work_item_id: string | null;
  note?: string;
}

export async function insertArticle(db: DbOrTx, a: NewArticle) {
  const { note, ...values } = a;
  const row = await db
    .insertInto("kb_articles")
    .values({ ...values, number: sql<string>`'KB' || lpad(nextval('kb_article_number')::text, 7, '0')` })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
  await insertVersion(db, {
    article_id: row.id,
    revision: 1,
    organization_id: a.organization_id,
    title: a.title,
    summary: a.summary,
    body_html: a.body_html,
    author_id: a.author_id,
    note: note ?? "",
  });
  return row;
}

export type ArticleUpdate = Omit<Updateable<KbArticlesTable>, "id" | "organization_id" | "number">;

/** Applies changed fields; bumps the optimistic-concurrency version. */
export async function updateArticle(db: DbOrTx, id: string, set: ArticleUpdate) {
  return db
    .updateTable("kb_articles")
    .set({ ...set, version: sql<number>`version + 1`, updated_at: new Date() })
    .where("id", "=", id)
    .returning(["version", "revision"])
    .executeTakeFirstOrThrow();
}

export async function insertVersion(
  db: DbOrTx,
  v: {
    article_id: string;
    revision: number;
    organization_id: string;
    title: string;
    summary: string;
    body_html: string;
    author_id: string | null;
    note: string;
  },
) {
  await db.insertInto("kb_article_versions").values(v).execute();
}

/** Versions, newest first, without bodies. */
export function listVersions(db: DbOrTx, articleId: string) {
  return db
    .selectFrom("kb_article_versions as v")
    .leftJoin("users as u", "u.id", "v.author_id")
    .select(["v.revision", "v.title", "v.summary", "v.note", "v.created_at", personJson("u").as("author")])
    .where("v.article_id", "=", articleId)
    .orderBy("v.revision", "desc")
    .execute();
}

export function findVersion(db: DbOrTx, articleId: string, revision: number) {
  return db
    .selectFrom("kb_article_versions as v")
    .leftJoin("users as u", "u.id", "v.author_id")
    .select(["v.revision", "v.title", "v.summary", "v.body_html", "v.note", "v.created_at", personJson("u").as("author")])
    .where("v.article_id", "=", articleId)
    .where("v.revision", "=", revision)
    .executeTakeFirst();
}

/** Records (or changes) one person's vote and returns the article's recounted totals. */
export async function upsertFeedback(db: DbOrTx, f: { articleId: string; userId: string; orgId: string; helpful: boolean; comment: string }) {
  await db
    .insertInto("kb_feedback")
    .values({ article_id: f.articleId, user_id: f.userId, organization_id: f.orgId, helpful: f.helpful, comment: f.comment })
    .onConflict((oc) => oc.columns(["article_id", "user_id"]).doUpdateSet({ helpful: f.helpful, comment: f.comment, updated_at: new Date() }))
    .execute();
  // Counters are kept on the article so lists and suggestions never aggregate feedback rows.
  return db
    .updateTable("kb_articles")
    .set({
      helpful_count: sql<number>`(select count(*) from kb_feedback where article_id = ${f.articleId} and helpful)`,
      not_helpful_count: sql<number>`(select count(*) from kb_feedback where article_id = ${f.articleId} and not helpful)`,
    })
    .where("id", "=", f.articleId)
    .returning(["helpful_count", "not_helpful_count"])
    .executeTakeFirstOrThrow();
}

export async function findMyFeedback(db: DbOrTx, articleId: string, userId: string) {
  const r = await db.selectFrom("kb_feedback").select("helpful").where("article_id", "=", articleId).where("user_id", "=", userId).executeTakeFirst();
  return r ? (r.helpful ? "helpful" : "not_helpful") : null;
}

/** Counts one view (no version bump: reading is not a change). */
export async function incrementViews(db: DbOrTx, articleId: string): Promise<number> {
  const r = await db
    .updateTable("kb_articles")
    .set({ view_count: sql<number>`view_count + 1` })
    .where("id", "=", articleId)
    .returning("view_count")
    .executeTakeFirstOrThrow();
  return Number(r.view_count);
}

export function insertAttachment(
  db: DbOrTx,
  a: { organizationId: string; articleId: string; sha256: string; filename: string; contentType: string; size: number; uploadedById: string },
) {
  return db
    .insertInto("kb_article_attachments")
    .values({
      organization_id: a.organizationId,
      article_id: a.articleId,
      blob_sha256: a.sha256,
      filename: a.filename,
      content_type: a.contentType,
      size: a.size,
      uploaded_by_id: a.uploadedById,
    })
    .returning(["id", "created_at"])
    .executeTakeFirstOrThrow();
}

export function listAttachments(db: DbOrTx, articleId: string) {
  return db
    .selectFrom("kb_article_attachments")
    .select(["id", "filename", "content_type", "size", "created_at"])
    .where("article_id", "=", articleId)
    .orderBy("created_at")
    .execute();
}

/** An article attachment's metadata and bytes, scoped to the organization. */
export function findAttachmentWithContent(db: DbOrTx, orgId: string, id: string) {
  return db
    .selectFrom("kb_article_attachments as f")
    .innerJoin("blobs as b", "b.sha256", "f.blob_sha256")
    .select(["f.id", "f.article_id", "f.filename", "f.content_type", "b.content"])
    .where("f.organization_id", "=", orgId)
    .where("f.id", "=", id)
    .executeTakeFirst();
}

export async function insertLink(
  db: DbOrTx,
  l: { articleId: string; workItemId: string; orgId: string; kind: "resolved_with" | "related_to" | "created_from"; userId: string },
) {
  const r = await db
    .insertInto("kb_article_links")
    .values({ article_id: l.articleId, work_item_id: l.workItemId, organization_id: l.orgId, kind: l.kind, created_by_id: l.userId })
    .onConflict((oc) => oc.columns(["article_id", "work_item_id"]).doNothing())
    .returning("article_id")
    .executeTakeFirst();
  return Boolean(r);
}

export async function deleteLink(db: DbOrTx, articleId: string, workItemId: string): Promise<boolean> {
  const r = await db.deleteFrom("kb_article_links").where("article_id", "=", articleId).where("work_item_id", "=", workItemId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Links of one article or of one work item (both sides named). */
export function listLinks(db: DbOrTx, orgId: string, by: { articleId?: string; workItemId?: string }) {
  let q = db
    .selectFrom("kb_article_links as l")
    .innerJoin("kb_articles as a", "a.id", "l.article_id")
    .innerJoin("work_items as w", "w.id", "l.work_item_id")
    .select([
      "l.kind",
      "l.created_at",
      "a.id as a_id",
      "a.number as a_number",
      "a.title as a_title",
      "a.state as a_state",
      "a.audience as a_audience",
      "w.id as w_id",
      "w.number as w_number",
      "w.title as w_title",
      "w.type as w_type",
      "w.state as w_state",
      "w.requester_id as w_requester_id",
    ])
    .where("l.organization_id", "=", orgId)
    .orderBy("l.created_at");
  if (by.articleId) q = q.where("l.article_id", "=", by.articleId);
  if (by.workItemId) q = q.where("l.work_item_id", "=", by.workItemId);
  return q.execute();
}

/** Categories with the number of articles in each. */
export function listCategories(db: DbOrTx, orgId: string, publishedPublicOnly: boolean) {
  return db
    .selectFrom("kb_categories as c")
    .select([
      "c.id",
      "c.name",
      "c.description",
      "c.parent_id",
      sql<number>`(select count(*)::int from kb_articles a where a.category_id = c.id ${publishedPublicOnly ? sql`and a.state = 'published' and a.audience = 'public'` : sql``})`.as(
        "article_count",
      ),
    ])
    .where("c.organization_id", "=", orgId)
    .orderBy("c.name")
    .execute();
}

export function findCategory(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("kb_categories").select(["id", "name"]).where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

export function insertCategory(db: DbOrTx, c: { orgId: string; name: string; description: string; parentId: string | null }) {
  return db
    .insertInto("kb_categories")
    .values({ organization_id: c.orgId, name: c.name, description: c.description, parent_id: c.parentId })
    .onConflict((oc) => oc.doNothing())
    .returning(["id", "name", "description", "parent_id"])
    .executeTakeFirst();
}

/** Published articles whose review date has come and whose owner was not reminded yet. */
export function listDueForReview(db: DbOrTx, limit: number) {
  return db
    .selectFrom("kb_articles")
    .select(["id", "organization_id", "number", "title", "author_id", sql<string>`review_at::text`.as("review_at")])
    .where("state", "=", "published")
    .where("review_reminded_at", "is", null)
    .where("review_at", "<=", sql<string>`current_date`)
    .orderBy("review_at")
    .limit(limit)
    .execute();
}

/** Published articles past their expiry date. */
export function listExpired(db: DbOrTx, limit: number) {
  return db
    .selectFrom("kb_articles")
    .select(["id", "organization_id", "number"])
    .where("state", "=", "published")
    .where("expires_at", "<=", sql<string>`current_date`)
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Marks review reminders as sent (so the daily job sends each once per review date). */
export async function markReminded(db: DbOrTx, ids: string[]): Promise<void> {
  if (ids.length) await db.updateTable("kb_articles").set({ review_reminded_at: new Date() }).where("id", "in", ids).execute();
}

/** Writes one entry of the audit trail for a knowledge record. */
export async function insertAudit(
  db: DbOrTx,
  e: { orgId: string; actorId: string | null; action: string; entityId: string; data?: Record<string, unknown>; entityType?: string },
): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      organization_id: e.orgId,
      actor_id: e.actorId,
      action: e.action,
      entity_type: e.entityType ?? "kb_article",
      entity_id: e.entityId,
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

/** The audit trail of one article, newest first. */
export function listAudit(db: DbOrTx, orgId: string, articleId: string) {
  return db
    .selectFrom("audit_events as e")
    .leftJoin("users as u", "u.id", "e.actor_id")
    .select(["e.id", "e.action", "e.data", "e.created_at", personJson("u").as("actor")])
    .where("e.organization_id", "=", orgId)
    .where("e.entity_type", "=", "kb_article")
    .where("e.entity_id", "=", articleId)
    .orderBy("e.created_at", "desc")
    .limit(200)
    .execute();
}

/** Is this person an active agent or admin of the organization (a possible reviewer)? */
export function findStaffUser(db: DbOrTx, orgId: string, userId: string) {
  return db
    .selectFrom("users")
    .select(["id", "name"])
    .where("organization_id", "=", orgId)
    .where("id", "=", userId)
    .where("active", "=", true)
    .where("role", "in", ["agent", "admin"])
    .executeTakeFirst();
}

const configCache = new Map<string, { at: number; configs: string[] }>();
const CONFIG_TTL_MS = 30_000;

/**
 * Languages in use by the organization's articles (to search each with its own stemming). Kept for
 * 30 s per process (forgotten at once by a write in this process), so an organization's first article
 * in a new language may take that long to be found through another web process.
 */
export async function usedTsConfigs(db: DbOrTx, orgId: string): Promise<string[]> {
  const hit = configCache.get(orgId);
  if (hit && Date.now() - hit.at < CONFIG_TTL_MS && !db.isTransaction) return hit.configs;
  const r = await sql<{ ts_config: string }>`select distinct ts_config::text as ts_config from kb_articles where organization_id = ${orgId}`.execute(db);
  const configs = r.rows.map((x) => x.ts_config);
  if (!db.isTransaction) configCache.set(orgId, { at: Date.now(), configs });
  return configs;
}

/** Forgets the cached languages of an organization (after an article's language was set). */
export function forgetTsConfigs(orgId: string): void {
  configCache.delete(orgId);
}
