import { type ExpressionBuilder, sql } from "kysely";
import type { TAttributeDef } from "../../../contracts/cmdb-attributes";
import type { DbOrTx } from "../../platform/db/db";
import type { Database } from "../../platform/db/schema";
import "./cmdb.tables";

export type Change = { field: string; from: unknown; to: unknown };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (s: string) => UUID.test(s);

// ── Classes ──────────────────────────────────────────────────────────────────────────────────────

/** Built-in classes plus the organization's own, with how many CIs of the organization use each. */
export function listClasses(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("ci_classes as k")
    .select(["k.id", "k.key", "k.name", "k.description", "k.attributes", "k.organization_id"])
    .select((eb) =>
      eb
        .selectFrom("configuration_items as c")
        .select((e) => e.fn.countAll<number>().as("n"))
        .whereRef("c.class_id", "=", "k.id")
        .where("c.organization_id", "=", orgId)
        .as("ci_count"),
    )
    .where((eb) => eb.or([eb("k.organization_id", "=", orgId), eb("k.organization_id", "is", null)]))
    .orderBy("k.name")
    .execute();
}

/** One class visible to the organization, by key or id. */
export function findClass(db: DbOrTx, orgId: string, ref: string) {
  return db
    .selectFrom("ci_classes")
    .select(["id", "key", "name", "description", "attributes", "organization_id"])
    .where((eb) => eb.or([eb("organization_id", "=", orgId), eb("organization_id", "is", null)]))
    .where(isUuid(ref) ? "id" : "key", "=", ref)
    .executeTakeFirst();
}
export type ClassRow = NonNullable<Awaited<ReturnType<typeof findClass>>>;

/** Adds an organization's own class. */
export function insertClass(db: DbOrTx, v: { organizationId: string; key: string; name: string; description: string; attributes: TAttributeDef[] }) {
  return db
    .insertInto("ci_classes")
    .values({ organization_id: v.organizationId, key: v.key, name: v.name, description: v.description, attributes: JSON.stringify(v.attributes) })
    .returning(["id"])
    .executeTakeFirstOrThrow();
}

/** Changes an organization's own class. */
export async function updateClass(db: DbOrTx, id: string, v: { name?: string; description?: string; attributes?: TAttributeDef[] }) {
  await db
    .updateTable("ci_classes")
    .set({
      ...(v.name !== undefined ? { name: v.name } : {}),
      ...(v.description !== undefined ? { description: v.description } : {}),
      ...(v.attributes !== undefined ? { attributes: JSON.stringify(v.attributes) } : {}),
      updated_at: new Date(),
    })
    .where("id", "=", id)
    .execute();
}

/** How many CIs of the class have no value for the attribute (before making it required). */
export async function countCisMissingAttribute(db: DbOrTx, orgId: string, classId: string, key: string): Promise<number> {
  const r = await db
    .selectFrom("configuration_items")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organization_id", "=", orgId)
    .where("class_id", "=", classId)
    .where(sql<boolean>`coalesce(attributes->>${key}, '') = ''`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ── Relationship types ───────────────────────────────────────────────────────────────────────────

/** Built-in relationship types plus the organization's own. */
export function listRelationshipTypes(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("ci_relationship_types")
    .select(["id", "key", "name", "reverse_name", "dependent_end", "acyclic", "organization_id"])
    .where((eb) => eb.or([eb("organization_id", "=", orgId), eb("organization_id", "is", null)]))
    .orderBy("name")
    .execute();
}

/** One relationship type visible to the organization, by key or id. */
export function findRelationshipType(db: DbOrTx, orgId: string, ref: string) {
  return db
    .selectFrom("ci_relationship_types")
    .select(["id", "key", "name", "reverse_name", "dependent_end", "acyclic", "organization_id"])
    .where((eb) => eb.or([eb("organization_id", "=", orgId), eb("organization_id", "is", null)]))
    .where(isUuid(ref) ? "id" : "key", "=", ref)
    .executeTakeFirst();
}
export type RelationshipTypeRow = NonNullable<Awaited<ReturnType<typeof findRelationshipType>>>;

/** Adds an organization's own relationship type. */
export function insertRelationshipType(
  db: DbOrTx,
  v: { organizationId: string; key: string; name: string; reverseName: string; dependentEnd: "source" | "target"; acyclic: boolean },
) {
  return db
    .insertInto("ci_relationship_types")
    .values({ organization_id: v.organizationId, key: v.key, name: v.name, reverse_name: v.reverseName, dependent_end: v.dependentEnd, acyclic: v.acyclic })
    .returning(["id"])
    .executeTakeFirstOrThrow();
}

// ── Configuration items ──────────────────────────────────────────────────────────────────────────

const person = (eb: ExpressionBuilder<Database & { c: Database["configuration_items"] }, "c">) =>
  eb
    .selectFrom("users as o")
    .select(sql<{ id: string; name: string; email: string }>`json_build_object('id', o.id, 'name', o.name, 'email', o.email)`.as("p"))
    .whereRef("o.id", "=", "c.owner_id");

/** The columns every CI read returns (summary and detail). */
function ciSelect(db: DbOrTx) {
  return db
    .selectFrom("configuration_items as c")
    .innerJoin("ci_classes as k", "k.id", "c.class_id")
    .select([
      "c.id",
      "c.organization_id",
      "c.class_id",
      "k.key as class_key",
      "k.name as class_name",
      "c.name",
      "c.description",
      "c.status",
      "c.owner_id",
      "c.support_group_id",
      "c.location",
      "c.serial_number",
      "c.asset_tag",
      "c.attributes",
      "c.version",
      "c.created_at",
      "c.updated_at",
    ])
    .select((eb) => [
      person(eb).as("owner"),
      eb
        .selectFrom("groups as g")
        .select(sql<{ id: string; name: string }>`json_build_object('id', g.id, 'name', g.name)`.as("g"))
        .whereRef("g.id", "=", "c.support_group_id")
        .as("support_group"),
    ]);
}

/** One CI of the organization, optionally locked for update. */
export function findCi(db: DbOrTx, orgId: string, id: string, opts: { forUpdate?: boolean } = {}) {
  let q = ciSelect(db).where("c.organization_id", "=", orgId).where("c.id", "=", id);
  if (opts.forUpdate) q = q.forUpdate("c");
  return q.executeTakeFirst();
}
export type CiRow = NonNullable<Awaited<ReturnType<typeof findCi>>>;

/** The organization's CIs by name, keyset-paged on (lower(name), id). */
export function listCis(
  db: DbOrTx,
  orgId: string,
  f: { classIds?: string[]; statuses?: string[]; q?: string; supportGroupId?: string; after?: { name: string; id: string }; limit: number },
) {
  let q = ciSelect(db).where("c.organization_id", "=", orgId);
  if (f.classIds) q = q.where("c.class_id", "in", f.classIds);
  if (f.statuses) q = q.where("c.status", "in", f.statuses);
  if (f.supportGroupId) q = q.where("c.support_group_id", "=", f.supportGroupId);
  if (f.q) {
    const text = f.q;
    q = q.where((eb) =>
      eb.or([eb("c.name", "ilike", `%${escapeLike(text)}%`), eb("c.serial_number", "=", text), eb(sql`lower(c.asset_tag)`, "=", text.toLowerCase())]),
    );
  }
  if (f.after) q = q.where(sql<boolean>`(lower(c.name), c.id) > (${f.after.name}, ${f.after.id}::uuid)`);
  return q
    .orderBy(sql`lower(c.name)`)
    .orderBy("c.id")
    .limit(f.limit + 1)
    .execute();
}

/** Escapes LIKE wildcards in user input. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/**
 * Typeahead in two index walks: names starting with the text (b-tree on lower(name), in name order),
 * then — when those do not fill the list — names containing it (trigram index), by name; an
 * exact serial number or asset tag also matches.
 */
export async function searchCis(db: DbOrTx, orgId: string, text: string, classKeys: string[] | undefined, limit: number) {
  const lower = text.toLowerCase();
  const like = escapeLike(lower);
  const base = () => {
    let q = db
      .selectFrom("configuration_items as c")
      .innerJoin("ci_classes as k", "k.id", "c.class_id")
      .select(["c.id", "c.name", "c.status", "k.key as class_key", "k.name as class_name"])
      .where("c.organization_id", "=", orgId);
    if (classKeys) q = q.where("k.key", "in", classKeys);
    return q;
  };
  const [prefix, exact] = await Promise.all([
    base()
      .where(sql<boolean>`lower(c.name) like ${`${like}%`}`)
      .orderBy(sql`lower(c.name)`)
      .limit(limit)
      .execute(),
    base()
      .where((eb) => eb.or([eb("c.serial_number", "=", text), eb(sql`lower(c.asset_tag)`, "=", lower)]))
      .limit(limit)
      .execute(),
  ]);
  const out = new Map([...exact, ...prefix].map((r) => [r.id, r]));
  if (out.size < limit) {
    const contains = await base()
      .where("c.name", "ilike", `%${like}%`)
      .where(sql<boolean>`lower(c.name) not like ${`${like}%`}`)
      .orderBy(sql`lower(c.name)`)
      .limit(limit)
      .execute();
    for (const r of contains) if (out.size < limit) out.set(r.id, r);
  }
  return [...out.values()].slice(0, limit);
}

/** Minimal references (id, name, class, status) for CIs of the organization. */
export function findCiRefs(db: DbOrTx, orgId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom("configuration_items as c")
    .innerJoin("ci_classes as k", "k.id", "c.class_id")
    .select(["c.id", "c.name", "c.status", "k.key as class_key", "k.name as class_name"])
    .where("c.organization_id", "=", orgId)
    .where("c.id", "in", ids)
    .execute();
}
export type CiRefRow = Awaited<ReturnType<typeof findCiRefs>>[number];

export interface CiValues {
  name: string;
  description: string;
  status: string;
  owner_id: string | null;
  support_group_id: string | null;
  location: string | null;
  serial_number: string | null;
  asset_tag: string | null;
  attributes: Record<string, unknown>;
}

/** Inserts a CI. */
export function insertCi(db: DbOrTx, orgId: string, classId: string, v: CiValues, actorId: string | null) {
  return db
    .insertInto("configuration_items")
    .values({ organization_id: orgId, class_id: classId, ...v, attributes: JSON.stringify(v.attributes), created_by_id: actorId })
    .returning(["id"])
    .executeTakeFirstOrThrow();
}

/** Writes changed CI fields and bumps the version. */
export async function updateCi(db: DbOrTx, id: string, v: Partial<CiValues>): Promise<void> {
  const { attributes, ...rest } = v;
  await db
    .updateTable("configuration_items")
    .set({
      ...rest,
      ...(attributes !== undefined ? { attributes: JSON.stringify(attributes) } : {}),
      version: sql`version + 1`,
      updated_at: new Date(),
    })
    .where("id", "=", id)
    .execute();
}

/** Is a unique attribute value already used by another CI of the class? */
export async function attributeValueTaken(db: DbOrTx, orgId: string, classId: string, key: string, value: unknown, exceptId: string | null): Promise<boolean> {
  let q = db
    .selectFrom("configuration_items")
    .select("id")
    .where("organization_id", "=", orgId)
    .where("class_id", "=", classId)
    .where(sql<boolean>`attributes->${key} = ${JSON.stringify(value)}::jsonb`);
  if (exceptId) q = q.where("id", "<>", exceptId);
  return Boolean(await q.limit(1).executeTakeFirst());
}

/** Serialises writes of one unique attribute of one class (so two inserts cannot both pass the check). */
export async function lockAttribute(db: DbOrTx, classId: string, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`ci-attr:${classId}:${key}`}, 0))`.execute(db);
}

/** Does the person / group belong to the organization (active)? */
export async function checkCiReferences(db: DbOrTx, orgId: string, r: { ownerId?: string | null; supportGroupId?: string | null }) {
  const row = await db
    .selectNoFrom((eb) => [
      r.ownerId
        ? eb.exists(eb.selectFrom("users").select("id").where("id", "=", r.ownerId).where("organization_id", "=", orgId).where("active", "=", true)).as("owner")
        : sql<boolean>`true`.as("owner"),
      r.supportGroupId
        ? eb
            .exists(eb.selectFrom("groups").select("id").where("id", "=", r.supportGroupId).where("organization_id", "=", orgId).where("active", "=", true))
            .as("group")
        : sql<boolean>`true`.as("group"),
    ])
    .executeTakeFirstOrThrow();
  return { owner: Boolean(row.owner), group: Boolean(row.group) };
}

// ── History ──────────────────────────────────────────────────────────────────────────────────────

/** Appends one event to a CI's history. */
export async function insertHistory(
  db: DbOrTx,
  e: { organizationId: string; ciId: string; actorId: string | null; kind: string; changes?: Change[]; data?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto("ci_history")
    .values({
      organization_id: e.organizationId,
      ci_id: e.ciId,
      actor_id: e.actorId,
      kind: e.kind,
      changes: JSON.stringify(e.changes ?? []),
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

/** A CI's history, newest first, paged by event id. */
export function listHistory(db: DbOrTx, ciId: string, beforeId: number | null, limit: number) {
  let q = db
    .selectFrom("ci_history as h")
    .leftJoin("users as a", "a.id", "h.actor_id")
    .select(["h.id", "h.kind", "h.changes", "h.data", "h.created_at"])
    .select(
      sql<{
        id: string;
        name: string;
        email: string;
      } | null>`case when a.id is null then null else json_build_object('id', a.id, 'name', a.name, 'email', a.email) end`.as("actor"),
    )
    .where("h.ci_id", "=", ciId);
  if (beforeId !== null) q = q.where("h.id", "<", String(beforeId));
  return q
    .orderBy("h.id", "desc")
    .limit(limit + 1)
    .execute();
}

/** Work items of the organization by exact title (demo seeding links incidents to CIs). */
export async function findIncidentIdsByTitle(db: DbOrTx, orgId: string, titles: string[]): Promise<Map<string, string>> {
  const rows = await db.selectFrom("work_items").select(["id", "title"]).where("organization_id", "=", orgId).where("title", "in", titles).execute();
  return new Map(rows.map((r) => [r.title, r.id]));
}

// ── Import / export ──────────────────────────────────────────────────────────────────────────────

/** An active person by email and a group by name, in the organization (import rows name them). */
export async function findPeopleAndGroups(db: DbOrTx, orgId: string, email: string | null, groupName: string | null) {
  const [owner, group] = await Promise.all([
    email
      ? db
          .selectFrom("users")
          .select("id")
          .where("organization_id", "=", orgId)
          .where(sql<boolean>`lower(email) = ${email.toLowerCase()}`)
          .where("active", "=", true)
          .executeTakeFirst()
      : undefined,
    groupName
      ? db
          .selectFrom("groups")
          .select("id")
          .where("organization_id", "=", orgId)
          .where(sql<boolean>`lower(name) = ${groupName.toLowerCase()}`)
          .where("active", "=", true)
          .executeTakeFirst()
      : undefined,
  ]);
  return { ownerId: owner?.id ?? null, groupId: group?.id ?? null };
}

/** The CI an import row means: by serial number, asset tag (organization-wide) or name (within the class). */
export async function matchCi(db: DbOrTx, orgId: string, key: "name" | "serial_number" | "asset_tag", value: string, classId: string): Promise<string | null> {
  let q = db.selectFrom("configuration_items").select("id").where("organization_id", "=", orgId);
  if (key === "name") q = q.where("class_id", "=", classId).where(sql<boolean>`lower(name) = ${value.toLowerCase()}`);
  else if (key === "serial_number") q = q.where("serial_number", "=", value);
  else q = q.where(sql<boolean>`lower(asset_tag) = ${value.toLowerCase()}`);
  return (await q.executeTakeFirst())?.id ?? null;
}

/** CIs with this name (case-insensitive), optionally of one class. */
export async function findCisByName(db: DbOrTx, orgId: string, name: string, classId: string | null): Promise<string[]> {
  let q = db.selectFrom("configuration_items").select("id").where("organization_id", "=", orgId).where(sql<boolean>`lower(name) = ${name.toLowerCase()}`);
  if (classId) q = q.where("class_id", "=", classId);
  return (await q.limit(5).execute()).map((r) => r.id);
}

/** Every current relationship with both ends' names and classes (export). */
export function listAllRelationships(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("ci_relationships as r")
    .innerJoin("ci_relationship_types as t", "t.id", "r.type_id")
    .innerJoin("configuration_items as s", "s.id", "r.source_id")
    .innerJoin("ci_classes as sk", "sk.id", "s.class_id")
    .innerJoin("configuration_items as g", "g.id", "r.target_id")
    .innerJoin("ci_classes as gk", "gk.id", "g.class_id")
    .select(["t.key as type_key", "sk.key as source_class", "s.name as source_name", "gk.key as target_class", "g.name as target_name"])
    .where("r.organization_id", "=", orgId)
    .where("r.valid_to", "is", null)
    .orderBy("s.name")
    .orderBy("t.key")
    .orderBy("g.name")
    .limit(1_000_000)
    .execute();
}
