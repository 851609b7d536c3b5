import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./cmdb.tables";

/** Work-item states after which the item no longer counts as open work on a CI. */
export const CLOSED_WORK_STATES = ["resolved", "closed", "cancelled", "completed", "rejected", "fulfilled", "withdrawn"];

// ── Relationships ────────────────────────────────────────────────────────────────────────────────

/** Serialises relationship writes of one type (the cycle check reads what concurrent writes change). */
export async function lockRelationshipType(db: DbOrTx, typeId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`ci-rel:${typeId}`}, 0))`.execute(db);
}

/** The current relationship of this type between the two CIs, if any. */
export function findCurrentRelationship(db: DbOrTx, sourceId: string, targetId: string, typeId: string) {
  return db
    .selectFrom("ci_relationships")
    .select("id")
    .where("source_id", "=", sourceId)
    .where("target_id", "=", targetId)
    .where("type_id", "=", typeId)
    .where("valid_to", "is", null)
    .executeTakeFirst();
}

/** Would source → target close a cycle of this type (can target already reach source)? Cycle-safe walk. */
export async function reaches(db: DbOrTx, typeId: string, fromId: string, toId: string): Promise<boolean> {
  const r = await sql<{ found: number }>`
    with recursive walk(id) as (
      select target_id from ci_relationships where source_id = ${fromId} and type_id = ${typeId} and valid_to is null
      union
      select r.target_id from ci_relationships r join walk w on r.source_id = w.id
      where r.type_id = ${typeId} and r.valid_to is null
    )
    select 1 as found from walk where id = ${toId} limit 1`.execute(db);
  return r.rows.length > 0;
}

/** Inserts a current relationship. */
export function insertRelationship(
  db: DbOrTx,
  v: { organizationId: string; typeId: string; sourceId: string; targetId: string; dependentEnd: "source" | "target"; actorId: string | null },
) {
  const [dependent, dependency] = v.dependentEnd === "source" ? [v.sourceId, v.targetId] : [v.targetId, v.sourceId];
  return db
    .insertInto("ci_relationships")
    .values({
      organization_id: v.organizationId,
      type_id: v.typeId,
      source_id: v.sourceId,
      target_id: v.targetId,
      dependent_id: dependent,
      dependency_id: dependency,
      created_by_id: v.actorId,
    })
    .returning(["id", "valid_from"])
    .executeTakeFirstOrThrow();
}

/** Ends a current relationship now (it stays for "as of" maps and history). */
export async function endRelationship(db: DbOrTx, id: string, actorId: string | null): Promise<boolean> {
  const r = await db
    .updateTable("ci_relationships")
    .set({ valid_to: sql`greatest(now(), valid_from)`, ended_by_id: actorId })
    .where("id", "=", id)
    .where("valid_to", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

const relationshipSelect = (db: DbOrTx) =>
  db
    .selectFrom("ci_relationships as r")
    .innerJoin("ci_relationship_types as t", "t.id", "r.type_id")
    .select([
      "r.id",
      "r.source_id",
      "r.target_id",
      "r.valid_from",
      "r.valid_to",
      "r.organization_id",
      "t.id as type_id",
      "t.key as type_key",
      "t.name as type_name",
      "t.reverse_name as type_reverse_name",
    ]);

/** One relationship of the organization. */
export function findRelationship(db: DbOrTx, orgId: string, id: string) {
  return relationshipSelect(db).where("r.organization_id", "=", orgId).where("r.id", "=", id).executeTakeFirst();
}
export type RelationshipRow = NonNullable<Awaited<ReturnType<typeof findRelationship>>>;

/** Relationships touching a CI: current ones, or those valid at an instant, or all (history). */
export function listRelationshipsOf(db: DbOrTx, orgId: string, ciId: string, at: Date | "all" | null) {
  let q = relationshipSelect(db)
    .where("r.organization_id", "=", orgId)
    .where((eb) => eb.or([eb("r.source_id", "=", ciId), eb("r.target_id", "=", ciId)]));
  if (at === null) q = q.where("r.valid_to", "is", null);
  else if (at !== "all") q = q.where("r.valid_from", "<=", at).where((eb) => eb.or([eb("r.valid_to", "is", null), eb("r.valid_to", ">", at)]));
  return q.orderBy("t.name").orderBy("r.valid_from").limit(2000).execute();
}

// ── Impact ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Everything that depends on the CIs (upstream: breaks with them) or that they need (downstream), up
 * to `depth` hops over current relationships. One recursive query walks level by level: each row holds
 * the frontier and every CI seen so far, and the next frontier is the neighbours minus those seen, so
 * every CI is expanded once (cycles end by themselves) and reported at its smallest distance. The walk
 * stops expanding once `cap` CIs were seen (a core switch reaches most of an estate): `capped` says so.
 */
export async function walkImpact(db: DbOrTx, orgId: string, ciIds: string[], direction: "upstream" | "downstream", depth: number, cap: number) {
  const [from, to] = direction === "upstream" ? (["dependency_id", "dependent_id"] as const) : (["dependent_id", "dependency_id"] as const);
  const r = await sql<{ id: string; depth: number; name: string; status: string; class_key: string; class_name: string; capped: boolean }>`
    with recursive walk(frontier, seen, depth) as (
      select ${ciIds}::uuid[], ${ciIds}::uuid[], 0
      union all
      select nxt.ids, w.seen || nxt.ids, w.depth + 1
      from walk w
      cross join lateral (
        select array_agg(id) as ids from (
          select r.${sql.ref(to)} as id from ci_relationships r
          where r.${sql.ref(from)} = any(w.frontier) and r.valid_to is null
          except
          select unnest(w.seen)
        ) n
      ) nxt
      where w.depth < ${depth} and nxt.ids is not null and cardinality(w.seen) < ${cap}
    ), found as (
      select x.id, w.depth, (select max(cardinality(seen)) from walk) >= ${cap} as capped
      from walk w cross join unnest(w.frontier) as x(id)
      where w.depth > 0
    )
    select f.id, f.depth, f.capped, c.name, c.status, k.key as class_key, k.name as class_name
    from found f
    join configuration_items c on c.id = f.id and c.organization_id = ${orgId}
    join ci_classes k on k.id = c.class_id
    order by f.depth, (k.key = 'business_service' and k.organization_id is null) desc, c.name`.execute(db);
  return r.rows;
}

// ── Service map ──────────────────────────────────────────────────────────────────────────────────

/** The CIs within `depth` hops of a CI (either direction) and the relationships among them, as of an instant. */
export async function mapAround(db: DbOrTx, orgId: string, ciId: string, depth: number, at: Date, maxNodes: number) {
  const nodes = await sql<{ id: string; name: string; status: string; class_key: string; class_name: string }>`
    with recursive edges as (
      select source_id, target_id from ci_relationships
      where organization_id = ${orgId} and valid_from <= ${at} and (valid_to is null or valid_to > ${at})
    ), walk(id, depth) as (
      select ${ciId}::uuid, 0
      union
      select case when e.source_id = w.id then e.target_id else e.source_id end, w.depth + 1
      from walk w join edges e on e.source_id = w.id or e.target_id = w.id
      where w.depth < ${depth}
    ), nearest as (select id, min(depth) as depth from walk group by id order by 2 limit ${maxNodes + 1})
    select c.id, c.name, c.status, k.key as class_key, k.name as class_name
    from nearest n join configuration_items c on c.id = n.id and c.organization_id = ${orgId}
    join ci_classes k on k.id = c.class_id
    order by n.depth, c.name`.execute(db);
  const ids = nodes.rows.slice(0, maxNodes).map((n) => n.id);
  const edges = await relationshipSelect(db)
    .where("r.organization_id", "=", orgId)
    .where("r.source_id", "in", ids)
    .where("r.target_id", "in", ids)
    .where("r.valid_from", "<=", at)
    .where((eb) => eb.or([eb("r.valid_to", "is", null), eb("r.valid_to", ">", at)]))
    .execute();
  return { nodes: nodes.rows.slice(0, maxNodes), edges, truncated: nodes.rows.length > maxNodes };
}

// ── Work items ↔ CIs ─────────────────────────────────────────────────────────────────────────────

/** Links a CI to a work item in a role; false when it already was. */
export async function linkCi(db: DbOrTx, v: { organizationId: string; workItemId: string; ciId: string; role: "affected" | "caused_by"; actorId: string }) {
  const r = await db
    .insertInto("work_item_cis")
    .values({ organization_id: v.organizationId, work_item_id: v.workItemId, ci_id: v.ciId, role: v.role, created_by_id: v.actorId })
    .onConflict((oc) => oc.doNothing())
    .returning("ci_id")
    .executeTakeFirst();
  return Boolean(r);
}

/** Removes a CI link; false when there was none. */
export async function unlinkCi(db: DbOrTx, workItemId: string, ciId: string, role: string): Promise<boolean> {
  const r = await db
    .deleteFrom("work_item_cis")
    .where("work_item_id", "=", workItemId)
    .where("ci_id", "=", ciId)
    .where("role", "=", role as never)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The CIs linked to a work item. */
export function listWorkItemCis(db: DbOrTx, workItemId: string) {
  return db
    .selectFrom("work_item_cis as l")
    .innerJoin("configuration_items as c", "c.id", "l.ci_id")
    .innerJoin("ci_classes as k", "k.id", "c.class_id")
    .select(["l.role", "l.created_at", "c.id", "c.name", "c.status", "k.key as class_key", "k.name as class_name"])
    .where("l.work_item_id", "=", workItemId)
    .orderBy("l.created_at")
    .execute();
}

/** Open work items (any practice) linked to a CI, newest first. */
export function openWorkOfCi(db: DbOrTx, orgId: string, ciId: string) {
  return db
    .selectFrom("work_item_cis as l")
    .innerJoin("work_items as w", "w.id", "l.work_item_id")
    .select(["w.id", "w.type", "w.number", "w.title", "w.state", "w.priority", "l.role"])
    .where("l.ci_id", "=", ciId)
    .where("w.organization_id", "=", orgId)
    .where("w.state", "not in", CLOSED_WORK_STATES)
    .orderBy("w.priority")
    .orderBy("w.created_at", "desc")
    .limit(200)
    .execute();
}

/** Counts of open incidents, changes and problems per CI. */
export async function openWorkCounts(db: DbOrTx, orgId: string, ciIds: string[]) {
  if (!ciIds.length) return new Map<string, { incident: number; change: number; problem: number }>();
  const rows = await db
    .selectFrom("work_item_cis as l")
    .innerJoin("work_items as w", "w.id", "l.work_item_id")
    .select(["l.ci_id", "w.type"])
    .select((eb) => eb.fn.count<number>(sql`distinct w.id`).as("n"))
    .where("l.ci_id", "in", ciIds)
    .where("w.organization_id", "=", orgId)
    .where("w.state", "not in", CLOSED_WORK_STATES)
    .groupBy(["l.ci_id", "w.type"])
    .execute();
  const out = new Map<string, { incident: number; change: number; problem: number }>();
  for (const r of rows) {
    const c = out.get(r.ci_id) ?? { incident: 0, change: 0, problem: 0 };
    if (r.type === "incident" || r.type === "change" || r.type === "problem") c[r.type] += Number(r.n);
    out.set(r.ci_id, c);
  }
  return out;
}
