import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import { isUuid } from "../work-items/work-item.repo";
import "./desk.tables";

const DESK_SELECT = [
  "d.id",
  "d.name",
  "d.slug",
  "d.branding_name",
  "d.description",
  "d.icon",
  "d.position",
  "d.active",
  sql<string[]>`coalesce((select json_agg(m.user_id order by m.created_at) from desk_members m where m.desk_id = d.id), '[]'::json)`.as("member_ids"),
  sql<string[]>`coalesce((select json_agg(g.id order by g.name) from groups g where g.desk_id = d.id), '[]'::json)`.as("group_ids"),
  sql<string[]>`coalesce((select json_agg(c.id order by c.name) from categories c where c.desk_id = d.id), '[]'::json)`.as("category_ids"),
] as const;

/** The organization's desks in portal order (inactive ones too when asked). */
export function listDesks(db: DbOrTx, orgId: string, includeInactive: boolean) {
  let q = db.selectFrom("desks as d").select(DESK_SELECT).where("d.organization_id", "=", orgId).orderBy("d.position").orderBy("d.name");
  if (!includeInactive) q = q.where("d.active", "=", true);
  return q.execute();
}
export type DeskRow = Awaited<ReturnType<typeof listDesks>>[number];

/** One desk by UUID or slug, scoped to the organization. */
export function findDesk(db: DbOrTx, orgId: string, ref: string) {
  const q = db.selectFrom("desks as d").select(DESK_SELECT).where("d.organization_id", "=", orgId);
  return (isUuid(ref) ? q.where("d.id", "=", ref) : q.where("d.slug", "=", ref.toLowerCase())).executeTakeFirst();
}

/** Is a slug taken by another desk of the organization? */
export async function slugTaken(db: DbOrTx, orgId: string, slug: string, exceptId?: string): Promise<boolean> {
  let q = db.selectFrom("desks").select("id").where("organization_id", "=", orgId).where("slug", "=", slug);
  if (exceptId) q = q.where("id", "<>", exceptId);
  return Boolean(await q.executeTakeFirst());
}

export function insertDesk(
  db: DbOrTx,
  d: { organizationId: string; name: string; slug: string; brandingName: string; description: string; icon: string; position: number; active: boolean },
) {
  return db
    .insertInto("desks")
    .values({
      organization_id: d.organizationId,
      name: d.name,
      slug: d.slug,
      branding_name: d.brandingName,
      description: d.description,
      icon: d.icon,
      position: d.position,
      active: d.active,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export async function updateDesk(
  db: DbOrTx,
  orgId: string,
  id: string,
  set: { name?: string; slug?: string; branding_name?: string; description?: string; icon?: string; position?: number; active?: boolean },
): Promise<boolean> {
  const r = await db
    .updateTable("desks")
    .set({ ...set, updated_at: new Date() })
    .where("organization_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Replaces the desk's agents. */
export async function setDeskMembers(db: DbOrTx, orgId: string, deskId: string, userIds: string[]): Promise<void> {
  await db.deleteFrom("desk_members").where("desk_id", "=", deskId).execute();
  if (userIds.length)
    await db
      .insertInto("desk_members")
      .values(userIds.map((u) => ({ desk_id: deskId, user_id: u, organization_id: orgId })))
      .execute();
}

/** Points exactly these groups (or categories) of the organization at the desk. */
export async function setDeskOf(db: DbOrTx, table: "groups" | "categories", orgId: string, deskId: string, ids: string[]): Promise<void> {
  await db.updateTable(table).set({ desk_id: null }).where("organization_id", "=", orgId).where("desk_id", "=", deskId).execute();
  if (ids.length) await db.updateTable(table).set({ desk_id: deskId }).where("organization_id", "=", orgId).where("id", "in", ids).execute();
}

/** How many of these ids are rows of the organization (staff people, groups or categories). */
export async function countOwned(db: DbOrTx, kind: "staff" | "groups" | "categories", orgId: string, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  if (kind === "staff") {
    const r = await db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", orgId)
      .where("id", "in", ids)
      .where("role", "in", ["agent", "admin"])
      .where("active", "=", true)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
  const r = await db
    .selectFrom(kind)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organization_id", "=", orgId)
    .where("id", "in", ids)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
