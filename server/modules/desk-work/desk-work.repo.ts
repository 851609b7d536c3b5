import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";

/** Copies a duplicate's comments to the survivor, keeping author, visibility and time; text prefixed with the duplicate's number. */
export async function copyComments(db: DbOrTx, orgId: string, fromId: string, toId: string, fromNumber: string): Promise<number> {
  const r = await sql`
    insert into comments (organization_id, work_item_id, author_id, visibility, body, created_at)
    select organization_id, ${toId}::uuid, author_id, visibility, left(${`[${fromNumber}] `} || body, 100000), created_at
    from comments where work_item_id = ${fromId} and organization_id = ${orgId}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** References a duplicate's attachments from the survivor (same content-addressed blob, no byte copy). */
export async function copyAttachments(db: DbOrTx, orgId: string, fromId: string, toId: string): Promise<number> {
  const r = await sql`
    insert into attachments (organization_id, work_item_id, blob_sha256, filename, content_type, size, uploaded_by_id, created_at)
    select organization_id, ${toId}::uuid, blob_sha256, filename, content_type, size, uploaded_by_id, created_at
    from attachments a where a.work_item_id = ${fromId} and a.organization_id = ${orgId}
      and not exists (select 1 from attachments b where b.work_item_id = ${toId} and b.blob_sha256 = a.blob_sha256 and b.filename = a.filename)`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Adds the duplicate's watchers and its requester as watchers of the survivor (not its own requester). */
export async function copyWatchers(db: DbOrTx, orgId: string, fromId: string, toId: string): Promise<number> {
  const r = await sql`
    insert into watchers (work_item_id, user_id, organization_id)
    select ${toId}::uuid, u.user_id, ${orgId}::uuid from (
      select user_id from watchers where work_item_id = ${fromId}
      union select requester_id from work_items where id = ${fromId}
    ) u
    where u.user_id <> (select requester_id from work_items where id = ${toId})
    on conflict (work_item_id, user_id) do nothing`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** The links of an item, both directions. */
export function linksOf(db: DbOrTx, itemId: string) {
  return db
    .selectFrom("work_item_links")
    .select(["id", "source_id", "target_id", "kind"])
    .where((eb) => eb.or([eb("source_id", "=", itemId), eb("target_id", "=", itemId)]))
    .execute();
}

/** Re-points one end of a link; false when the same link already exists there (then the old one is dropped). */
export async function repointLink(db: DbOrTx, linkId: string, end: "source_id" | "target_id", toId: string): Promise<boolean> {
  const r = await sql<{ id: string }>`
    update work_item_links l set ${sql.ref(end)} = ${toId}
    where l.id = ${linkId} and not exists (
      select 1 from work_item_links o where o.kind = l.kind
        and o.source_id = (case when ${end} = 'source_id' then ${toId}::uuid else l.source_id end)
        and o.target_id = (case when ${end} = 'target_id' then ${toId}::uuid else l.target_id end))
    returning l.id`.execute(db);
  if (r.rows.length) return true;
  await db.deleteFrom("work_item_links").where("id", "=", linkId).execute();
  return false;
}

/** A comment of an item with its author's role (to pick the new incident's requester on split). */
export function findComment(db: DbOrTx, orgId: string, itemId: string, commentId: string) {
  return db
    .selectFrom("comments as c")
    .leftJoin("users as u", "u.id", "c.author_id")
    .select(["c.id", "c.body", "c.visibility", "c.author_id", "u.role as author_role", "u.active as author_active"])
    .where("c.organization_id", "=", orgId)
    .where("c.work_item_id", "=", itemId)
    .where("c.id", "=", commentId)
    .executeTakeFirst();
}

/** Incident fields a split copies to the new incident. */
export function findSplitSource(db: DbOrTx, itemId: string) {
  return db
    .selectFrom("work_items")
    .select(["impact", "urgency", "service_id", "category_id", "subcategory_id", "assignment_group_id", "requester_id"])
    .where("id", "=", itemId)
    .executeTakeFirstOrThrow();
}

/**
 * The connected link graph around an item, over every link kind (breadth-first, at most `maxNodes`
 * items and `maxDepth` hops), with each node's number, type, title and state.
 */
export async function linkGraph(db: DbOrTx, orgId: string, rootId: string, maxDepth: number, maxNodes: number) {
  const nodes = await sql<{ id: string; number: string; type: string; title: string; state: string; depth: number }>`
    with recursive walk(id, depth) as (
      select ${rootId}::uuid, 0
      union
      select case when l.source_id = w.id then l.target_id else l.source_id end, w.depth + 1
      from walk w join work_item_links l on (l.source_id = w.id or l.target_id = w.id)
      where w.depth < ${maxDepth} and l.organization_id = ${orgId}
    ), nearest as (select id, min(depth) as depth from walk group by id order by min(depth), id limit ${maxNodes + 1})
    select i.id, i.number, i.type, i.title, i.state, n.depth
    from nearest n join work_items i on i.id = n.id and i.organization_id = ${orgId}
    order by n.depth, i.number`.execute(db);
  const ids = nodes.rows.slice(0, maxNodes).map((n) => n.id);
  const edges = ids.length
    ? await db
        .selectFrom("work_item_links")
        .select(["source_id", "target_id", "kind"])
        .where("source_id", "in", ids)
        .where("target_id", "in", ids)
        .orderBy("created_at")
        .execute()
    : [];
  return { nodes: nodes.rows.slice(0, maxNodes), edges, truncated: nodes.rows.length > maxNodes };
}
