import "../desk-work/saved-views.tables";
import type { DbOrTx } from "../../platform/db/db";

export function listServices(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("services")
    .select(["id", "name", "description", "support_group_id", "active"])
    .where("organization_id", "=", orgId)
    .orderBy("name")
    .execute();
}

export function insertService(db: DbOrTx, s: { organizationId: string; name: string; description: string; supportGroupId: string | null }) {
  return db
    .insertInto("services")
    .values({ organization_id: s.organizationId, name: s.name, description: s.description, support_group_id: s.supportGroupId })
    .returning(["id", "name", "description", "support_group_id", "active"])
    .executeTakeFirstOrThrow();
}

export function listCategories(db: DbOrTx, orgId: string) {
  return db.selectFrom("categories").select(["id", "name", "parent_id", "active"]).where("organization_id", "=", orgId).orderBy("name").execute();
}

export function findCategory(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("categories").select(["id", "parent_id"]).where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

export function insertCategory(db: DbOrTx, c: { organizationId: string; name: string; parentId: string | null }) {
  return db
    .insertInto("categories")
    .values({ organization_id: c.organizationId, name: c.name, parent_id: c.parentId })
    .returning(["id", "name", "parent_id", "active"])
    .executeTakeFirstOrThrow();
}

/** The person's own views and the organization's shared ones. */
export function listViews(db: DbOrTx, orgId: string, userId: string) {
  return db
    .selectFrom("saved_views")
    .select(["id", "name", "filters", "sort", "owner_id", "columns", "shared"])
    .where("organization_id", "=", orgId)
    .where((eb) => eb.or([eb("owner_id", "=", userId), eb("owner_id", "is", null), eb("shared", "=", true)]))
    .orderBy("name")
    .execute();
}

export function insertView(
  db: DbOrTx,
  v: { organizationId: string; ownerId: string | null; name: string; filters: unknown; sort: string; columns?: string[] | null; shared?: boolean },
) {
  return db
    .insertInto("saved_views")
    .values({
      organization_id: v.organizationId,
      owner_id: v.ownerId,
      name: v.name,
      filters: JSON.stringify(v.filters),
      sort: v.sort,
      columns: v.columns ?? null,
      shared: v.shared ?? false,
    })
    .returning(["id", "name", "filters", "sort", "owner_id", "columns", "shared"])
    .executeTakeFirstOrThrow();
}

export function findView(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("saved_views").select(["id", "owner_id", "shared"]).where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

export async function deleteView(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom("saved_views").where("id", "=", id).execute();
}
