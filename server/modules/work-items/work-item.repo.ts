import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import type { WorkItemType } from "../../platform/db/schema";
import "../organizations/organization.tables";

export type Change = { field: string; from: unknown; to: unknown };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Is the reference a UUID (else a human number)? */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** Core fields of a work item by UUID or number, scoped to the organization; optionally locked for update. */
export async function findItemCore(db: DbOrTx, orgId: string, ref: string, opts: { forUpdate?: boolean; type?: string } = {}) {
  let q = db
    .selectFrom("work_items")
    .select(["id", "organization_id", "type", "number", "title", "state", "requester_id", "assignee_id", "assignment_group_id", "version"])
    .where("organization_id", "=", orgId);
  q = isUuid(ref) ? q.where("id", "=", ref) : q.where("number", "=", ref.toUpperCase());
  if (opts.type) q = q.where("type", "=", opts.type as WorkItemType);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}
export type ItemCore = NonNullable<Awaited<ReturnType<typeof findItemCore>>>;

/** Is the person a watcher of the item? */
export async function isWatcher(db: DbOrTx, itemId: string, userId: string): Promise<boolean> {
  const r = await db.selectFrom("watchers").select("user_id").where("work_item_id", "=", itemId).where("user_id", "=", userId).executeTakeFirst();
  return Boolean(r);
}

/** Appends one event to the item's timeline (the activity feed and audit trail). */
export async function insertTimeline(
  db: DbOrTx,
  e: {
    organizationId: string;
    workItemId: string;
    actorId: string | null;
    kind: string;
    changes?: Change[];
    data?: Record<string, unknown>;
    visibility?: "public" | "internal";
  },
): Promise<void> {
  await db
    .insertInto("timeline_events")
    .values({
      organization_id: e.organizationId,
      work_item_id: e.workItemId,
      actor_id: e.actorId,
      kind: e.kind,
      visibility: e.visibility ?? "public",
      changes: JSON.stringify(e.changes ?? []),
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

/**
 * Marks an item updated when its children changed (comment, attachment, link…). The version is the
 * item's own fields' version, so a comment does not make a colleague's pending field edit stale.
 */
export async function touchItem(db: DbOrTx, itemId: string): Promise<number> {
  const r = await db.updateTable("work_items").set({ updated_at: new Date() }).where("id", "=", itemId).returning("version").executeTakeFirstOrThrow();
  return r.version;
}

const person = (alias: string) =>
  sql<{
    id: string;
    name: string;
    email: string;
  } | null>`case when ${sql.ref(`${alias}.id`)} is null then null else json_build_object('id', ${sql.ref(`${alias}.id`)}, 'name', ${sql.ref(`${alias}.name`)}, 'email', ${sql.ref(`${alias}.email`)}) end`;

/** The timeline, oldest first, hiding internal events from those who may not see them. */
export function listTimeline(db: DbOrTx, itemId: string, includeInternal: boolean, afterId: number | null, limit: number) {
  let q = db
    .selectFrom("timeline_events as t")
    .leftJoin("users as a", "a.id", "t.actor_id")
    .select(["t.id", "t.kind", "t.visibility", "t.changes", "t.data", "t.created_at", person("a").as("actor")])
    .where("t.work_item_id", "=", itemId)
    .orderBy("t.id")
    .limit(limit + 1);
  if (!includeInternal) q = q.where("t.visibility", "=", "public");
  if (afterId !== null) q = q.where("t.id", ">", String(afterId));
  return q.execute();
}

export async function insertComment(
  db: DbOrTx,
  c: { organizationId: string; workItemId: string; authorId: string; body: string; visibility: "public" | "internal" },
) {
  return db
    .insertInto("comments")
    .values({ organization_id: c.organizationId, work_item_id: c.workItemId, author_id: c.authorId, body: c.body, visibility: c.visibility })
    .returning(["id", "created_at"])
    .executeTakeFirstOrThrow();
}

export function listComments(db: DbOrTx, itemId: string, includeInternal: boolean) {
  let q = db
    .selectFrom("comments as c")
    .leftJoin("users as a", "a.id", "c.author_id")
    .select(["c.id", "c.body", "c.visibility", "c.created_at", person("a").as("author")])
    .where("c.work_item_id", "=", itemId)
    .orderBy("c.created_at")
    .orderBy("c.id");
  if (!includeInternal) q = q.where("c.visibility", "=", "public");
  return q.execute();
}

/** Stores file content once per SHA-256 (content-addressed). */
export async function upsertBlob(db: DbOrTx, sha256: string, content: Buffer): Promise<void> {
  await db
    .insertInto("blobs")
    .values({ sha256, size: content.length, content })
    .onConflict((oc) => oc.column("sha256").doNothing())
    .execute();
}

export function insertAttachment(
  db: DbOrTx,
  a: { organizationId: string; workItemId: string; sha256: string; filename: string; contentType: string; size: number; uploadedById: string },
) {
  return db
    .insertInto("attachments")
    .values({
      organization_id: a.organizationId,
      work_item_id: a.workItemId,
      blob_sha256: a.sha256,
      filename: a.filename,
      content_type: a.contentType,
      size: a.size,
      uploaded_by_id: a.uploadedById,
    })
    .returning(["id", "created_at"])
    .executeTakeFirstOrThrow();
}

export function listAttachments(db: DbOrTx, itemId: string) {
  return db
    .selectFrom("attachments as f")
    .leftJoin("users as u", "u.id", "f.uploaded_by_id")
    .select(["f.id", "f.filename", "f.content_type", "f.size", "f.blob_sha256", "f.created_at", person("u").as("uploaded_by")])
    .where("f.work_item_id", "=", itemId)
    .orderBy("f.created_at")
    .execute();
}

/** An attachment's metadata and content, scoped to the organization. */
export function findAttachmentWithContent(db: DbOrTx, orgId: string, attachmentId: string) {
  return db
    .selectFrom("attachments as f")
    .innerJoin("blobs as b", "b.sha256", "f.blob_sha256")
    .select(["f.id", "f.work_item_id", "f.filename", "f.content_type", "f.size", "b.content"])
    .where("f.organization_id", "=", orgId)
    .where("f.id", "=", attachmentId)
    .executeTakeFirst();
}

export async function addWatcher(db: DbOrTx, orgId: string, itemId: string, userId: string): Promise<boolean> {
  const r = await db
    .insertInto("watchers")
    .values({ organization_id: orgId, work_item_id: itemId, user_id: userId })
    .onConflict((oc) => oc.columns(["work_item_id", "user_id"]).doNothing())
    .returning("user_id")
    .executeTakeFirst();
  return Boolean(r);
}

export async function removeWatcher(db: DbOrTx, itemId: string, userId: string): Promise<boolean> {
  const r = await db.deleteFrom("watchers").where("work_item_id", "=", itemId).where("user_id", "=", userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export function listWatchers(db: DbOrTx, itemId: string) {
  return db
    .selectFrom("watchers as w")
    .innerJoin("users as u", "u.id", "w.user_id")
    .select(["u.id", "u.name", "u.email", "w.created_at"])
    .where("w.work_item_id", "=", itemId)
    .orderBy("u.name")
    .execute();
}

/** A person's reference (id, name, email) as responses show authors. */
export function findPersonRef(db: DbOrTx, userId: string) {
  return db.selectFrom("users").select(["id", "name", "email"]).where("id", "=", userId).executeTakeFirstOrThrow();
}

/** The ids of an item's watchers. */
export async function listWatcherIds(db: DbOrTx, itemId: string): Promise<string[]> {
  const rows = await db.selectFrom("watchers").select("user_id").where("work_item_id", "=", itemId).execute();
  return rows.map((r) => r.user_id);
}

/** Is this person an active member of the organization (for watchers, requesters)? Role = their role there. */
export function findOrgUser(db: DbOrTx, orgId: string, userId: string) {
  return db
    .selectFrom("organization_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["u.id", "m.role", "u.name"])
    .where("m.organization_id", "=", orgId)
    .where("m.user_id", "=", userId)
    .where("u.active", "=", true)
    .executeTakeFirst();
}

export async function insertLink(
  db: DbOrTx,
  l: { organizationId: string; sourceId: string; targetId: string; kind: "child_of" | "duplicate_of" | "related_to" | "caused_by"; createdById: string },
) {
  return db
    .insertInto("work_item_links")
    .values({ organization_id: l.organizationId, source_id: l.sourceId, target_id: l.targetId, kind: l.kind, created_by_id: l.createdById })
    .onConflict((oc) => oc.columns(["source_id", "target_id", "kind"]).doNothing())
    .returning(["id"])
    .executeTakeFirst();
}

/** Links touching an item, from either side. */
export function listLinks(db: DbOrTx, itemId: string) {
  return db
    .selectFrom("work_item_links as l")
    .innerJoin("work_items as s", "s.id", "l.source_id")
    .innerJoin("work_items as t", "t.id", "l.target_id")
    .select([
      "l.id",
      "l.kind",
      "l.source_id",
      "l.target_id",
      "l.created_at",
      "s.number as s_number",
      "s.title as s_title",
      "s.state as s_state",
      "s.type as s_type",
      "s.requester_id as s_requester_id",
      "t.number as t_number",
      "t.title as t_title",
      "t.state as t_state",
      "t.type as t_type",
      "t.requester_id as t_requester_id",
    ])
    .where((eb) => eb.or([eb("l.source_id", "=", itemId), eb("l.target_id", "=", itemId)]))
    .orderBy("l.created_at")
    .execute();
}

export function findLink(db: DbOrTx, orgId: string, linkId: string) {
  return db.selectFrom("work_item_links").selectAll().where("organization_id", "=", orgId).where("id", "=", linkId).executeTakeFirst();
}

export async function deleteLink(db: DbOrTx, linkId: string): Promise<void> {
  await db.deleteFrom("work_item_links").where("id", "=", linkId).execute();
}

/** Would making `childId` a child of `parentId` close a loop? (walks up from the parent) */
export async function wouldCreateCycle(db: DbOrTx, childId: string, parentId: string): Promise<boolean> {
  const r = await sql<{ found: boolean }>`
    with recursive up(id, depth) as (
      select ${parentId}::uuid, 0
      union
      select l.target_id, up.depth + 1 from work_item_links l join up on l.source_id = up.id
      where l.kind = 'child_of' and up.depth < 50
    )
    select exists(select 1 from up where id = ${childId}::uuid) as found`.execute(db);
  return r.rows[0]?.found ?? false;
}

/** Reserves an idempotency key for the caller; returns the stored response when one exists. */
export async function claimIdempotencyKey(
  db: DbOrTx,
  k: { userId: string; organizationId: string; key: string; requestHash: string },
): Promise<{ claimed: true } | { claimed: false; requestHash: string; statusCode: number | null; response: unknown }> {
  const ins = await sql<{ key: string }>`
    insert into idempotency_keys (user_id, key, organization_id, request_hash)
    values (${k.userId}, ${k.key}, ${k.organizationId}, ${k.requestHash})
    on conflict (user_id, key) do nothing returning key`.execute(db);
  if (ins.rows.length > 0) return { claimed: true };
  const row = await db
    .selectFrom("idempotency_keys")
    .select(["request_hash", "status_code", "response"])
    .where("user_id", "=", k.userId)
    .where("key", "=", k.key)
    .executeTakeFirstOrThrow();
  return { claimed: false, requestHash: row.request_hash, statusCode: row.status_code, response: row.response };
}

export async function storeIdempotentResponse(db: DbOrTx, userId: string, key: string, statusCode: number, response: unknown): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({ status_code: statusCode, response: JSON.stringify(response) })
    .where("user_id", "=", userId)
    .where("key", "=", key)
    .execute();
}

/** Display names of people, groups, services or categories of the organization, by id. */
export async function namesOf(db: DbOrTx, orgId: string, ids: string[]): Promise<Map<string, string>> {
  const r = await sql<{ id: string; name: string }>`
    select id, name from users where organization_id = ${orgId} and id = any(${ids}::uuid[])
    union all select id, name from groups where organization_id = ${orgId} and id = any(${ids}::uuid[])
    union all select id, name from services where organization_id = ${orgId} and id = any(${ids}::uuid[])
    union all select id, name from categories where organization_id = ${orgId} and id = any(${ids}::uuid[])`.execute(db);
  return new Map(r.rows.map((x) => [x.id, x.name]));
}

/** Direct children (child_of links pointing at the item) that are not finished yet, in any practice. */
export function listOpenChildren(db: DbOrTx, parentId: string, doneStates: readonly string[]) {
  return db
    .selectFrom("work_item_links as l")
    .innerJoin("work_items as c", "c.id", "l.source_id")
    .select(["c.id", "c.number", "c.type", "c.state"])
    .where("l.target_id", "=", parentId)
    .where("l.kind", "=", "child_of")
    .where("c.state", "not in", [...doneStates])
    .orderBy("c.number")
    .execute();
}
