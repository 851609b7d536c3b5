import type { DbOrTx } from "../../platform/db/db";

/**
 * Id ↔ name lookups of one organization for configuration as code (read only: every write goes
 * through the owning module's service).
 */
export async function nameMaps(db: DbOrTx, orgId: string) {
  const [groups, services, categories, users, desks, calendars] = await Promise.all([
    db.selectFrom("groups").select(["id", "name"]).where("organization_id", "=", orgId).execute(),
    db.selectFrom("services").select(["id", "name"]).where("organization_id", "=", orgId).execute(),
    db.selectFrom("categories").select(["id", "name", "parent_id"]).where("organization_id", "=", orgId).execute(),
    db.selectFrom("users").select(["id", "email"]).where("organization_id", "=", orgId).execute(),
    db.selectFrom("desks").select(["id", "slug"]).where("organization_id", "=", orgId).execute(),
    db.selectFrom("sla_calendars").select(["id", "name"]).where("organization_id", "=", orgId).execute(),
  ]);
  const catName = new Map(categories.map((c) => [c.id, c.name]));
  const categoryPath = new Map(categories.map((c) => [c.id, c.parent_id ? `${catName.get(c.parent_id)}/${c.name}` : c.name]));
  const lower = (s: string) => s.toLowerCase();
  const byName = <T extends { id: string }>(rows: T[], key: (r: T) => string) => new Map(rows.map((r) => [lower(key(r)), r.id]));
  return {
    group: { name: new Map(groups.map((g) => [g.id, g.name])), id: byName(groups, (g) => g.name) },
    service: { name: new Map(services.map((s) => [s.id, s.name])), id: byName(services, (s) => s.name) },
    category: { name: categoryPath, id: new Map(categories.map((c) => [lower(categoryPath.get(c.id) as string), c.id])) },
    user: { name: new Map(users.map((u) => [u.id, u.email])), id: byName(users, (u) => u.email) },
    desk: { name: new Map(desks.map((d) => [d.id, d.slug])), id: byName(desks, (d) => d.slug) },
    calendar: { name: new Map(calendars.map((c) => [c.id, c.name])), id: byName(calendars, (c) => c.name) },
  };
}
export type NameMaps = Awaited<ReturnType<typeof nameMaps>>;
export type RefKind = keyof NameMaps;
