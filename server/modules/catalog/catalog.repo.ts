import { sql } from "kysely";
import type { TApprovalStageDefinition } from "../../../contracts/approvals";
import type { TFulfilmentTask } from "../../../contracts/catalog";
import type { TCatalogForm } from "../../../contracts/catalog-form";
import type { DbOrTx } from "../../platform/db/db";
import "./catalog.tables";

const ITEM_SELECT = sql`
  i.id, i.organization_id, i.desk_id, i.category_id, i.audience, i.active, i.position, i.updated_at, i.current_version_id,
  v.version, v.name, v.summary, v.description, v.icon, v.form, v.approvals, v.fulfilment,
  json_build_object('id', d.id, 'name', d.name, 'slug', d.slug) as desk,
  (select json_build_object('id', c.id, 'name', c.name) from categories c where c.id = i.category_id) as category`;

export interface CatalogItemRow {
  id: string;
  organization_id: string;
  desk_id: string;
  category_id: string | null;
  audience: "everyone" | "staff" | "managers";
  active: boolean;
  position: number;
  updated_at: Date;
  current_version_id: string;
  version: number;
  name: string;
  summary: string;
  description: string;
  icon: string;
  form: TCatalogForm;
  approvals: TApprovalStageDefinition[];
  fulfilment: TFulfilmentTask[];
  desk: { id: string; name: string; slug: string };
  category: { id: string; name: string } | null;
}

/** One item with its current version, scoped to the organization; optionally locked. */
export async function findItem(db: DbOrTx, orgId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<CatalogItemRow | undefined> {
  const r = await sql<CatalogItemRow>`select ${ITEM_SELECT}
    from catalog_items i join catalog_item_versions v on v.id = i.current_version_id join desks d on d.id = i.desk_id
    where i.organization_id = ${orgId} and i.id = ${id} ${opts.forUpdate ? sql`for update of i` : sql``}`.execute(db);
  return r.rows[0];
}

/** Items of the organization with their current versions, filtered, in catalog order. */
export async function listItems(
  db: DbOrTx,
  orgId: string,
  f: { deskId?: string; categoryId?: string; q?: string; activeOnly: boolean; audiences: string[] | null; limit: number },
): Promise<CatalogItemRow[]> {
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const r = await sql<CatalogItemRow>`select ${ITEM_SELECT}
    from catalog_items i join catalog_item_versions v on v.id = i.current_version_id join desks d on d.id = i.desk_id
    where i.organization_id = ${orgId}
      ${f.deskId ? sql`and i.desk_id = ${f.deskId}` : sql``}
      ${f.categoryId ? sql`and i.category_id = ${f.categoryId}` : sql``}
      ${f.activeOnly ? sql`and i.active and d.active` : sql``}
      ${f.audiences ? sql`and i.audience = any(${f.audiences})` : sql``}
      ${like ? sql`and (v.name ilike ${like} or v.summary ilike ${like} or d.name ilike ${like})` : sql``}
    order by d.position, d.name, i.position, v.name, i.id
    limit ${f.limit}`.execute(db);
  return r.rows;
}

/** Creates the item row (its first version is added next). */
export function insertItem(db: DbOrTx, i: { organizationId: string; deskId: string; categoryId: string | null; audience: string; active: boolean }) {
  return db
    .insertInto("catalog_items")
    .values({
      organization_id: i.organizationId,
      desk_id: i.deskId,
      category_id: i.categoryId,
      audience: i.audience as "everyone",
      active: i.active,
      current_version_id: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export interface VersionInput {
  organizationId: string;
  itemId: string;
  version: number;
  name: string;
  summary: string;
  description: string;
  icon: string;
  form: TCatalogForm;
  approvals: TApprovalStageDefinition[];
  fulfilment: TFulfilmentTask[];
  createdById: string;
}

/** Adds an immutable version and makes it the item's current one. */
export async function insertVersion(db: DbOrTx, v: VersionInput): Promise<string> {
  const row = await db
    .insertInto("catalog_item_versions")
    .values({
      organization_id: v.organizationId,
      catalog_item_id: v.itemId,
      version: v.version,
      name: v.name,
      summary: v.summary,
      description: v.description,
      icon: v.icon,
      form: JSON.stringify(v.form),
      approvals: JSON.stringify(v.approvals),
      fulfilment: JSON.stringify(v.fulfilment),
      created_by_id: v.createdById,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.updateTable("catalog_items").set({ current_version_id: row.id, updated_at: new Date() }).where("id", "=", v.itemId).execute();
  return row.id;
}

/** Changes the item's unversioned settings. */
export async function updateItemRow(
  db: DbOrTx,
  id: string,
  set: { desk_id?: string; category_id?: string | null; audience?: "everyone" | "staff" | "managers"; active?: boolean },
): Promise<void> {
  await db
    .updateTable("catalog_items")
    .set({ ...set, updated_at: new Date() })
    .where("id", "=", id)
    .execute();
}

/** Every version of an item, newest first. */
export function listVersions(db: DbOrTx, orgId: string, itemId: string) {
  return db
    .selectFrom("catalog_item_versions as v")
    .leftJoin("users as u", "u.id", "v.created_by_id")
    .select(["v.id", "v.version", "v.name", "v.created_at", "u.id as user_id", "u.name as user_name", "u.email as user_email"])
    .where("v.organization_id", "=", orgId)
    .where("v.catalog_item_id", "=", itemId)
    .orderBy("v.version", "desc")
    .execute();
}

/** One version by id (what a request points at). */
export function findVersionById(db: DbOrTx, orgId: string, versionId: string) {
  return db.selectFrom("catalog_item_versions").selectAll().where("organization_id", "=", orgId).where("id", "=", versionId).executeTakeFirst();
}

/** One version by number. */
export function findVersionByNumber(db: DbOrTx, orgId: string, itemId: string, version: number) {
  return db
    .selectFrom("catalog_item_versions")
    .selectAll()
    .where("organization_id", "=", orgId)
    .where("catalog_item_id", "=", itemId)
    .where("version", "=", version)
    .executeTakeFirst();
}

/** Does the person manage anyone (audience "managers")? */
export async function managesSomeone(db: DbOrTx, userId: string): Promise<boolean> {
  return Boolean(await db.selectFrom("users").select("id").where("manager_id", "=", userId).where("active", "=", true).executeTakeFirst());
}

/** A category of the organization, with its desk. */
export function findCategory(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("categories").select(["id", "desk_id"]).where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

/** Active groups of the organization among these ids. */
export async function existingGroups(db: DbOrTx, orgId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom("groups").select("id").where("organization_id", "=", orgId).where("id", "in", ids).where("active", "=", true).execute();
  return new Set(rows.map((r) => r.id));
}
