import { sql } from "kysely";
import { DONE_STATES } from "../../../contracts/work-items";
import type { DbOrTx } from "../../platform/db/db";
import "./organization.tables";

/** One person's membership in one organization, if any. */
export function findMembership(db: DbOrTx, userId: string, orgId: string) {
  return db
    .selectFrom("organization_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["m.user_id", "m.organization_id", "m.role", "m.organization_manager", "m.source", "u.active"])
    .where("m.user_id", "=", userId)
    .where("m.organization_id", "=", orgId)
    .executeTakeFirst();
}

/** Moves a session to another organization (the caller checked the membership). */
export async function setSessionOrganization(db: DbOrTx, sessionId: string, orgId: string): Promise<void> {
  await db.updateTable("sessions").set({ organization_id: orgId, last_seen_at: new Date() }).where("id", "=", sessionId).execute();
}

/** An organization's name and slug. */
export function findOrganization(db: DbOrTx, orgId: string) {
  return db.selectFrom("organizations").select(["id", "name", "slug", "parent_id"]).where("id", "=", orgId).executeTakeFirst();
}

/** The organization and its ancestors, nearest first (depth 0 = itself). */
export async function orgChain(db: DbOrTx, orgId: string): Promise<string[]> {
  const r = await sql<{ id: string }>`select id from portico_org_chain(${orgId}) order by depth`.execute(db);
  return r.rows.map((x) => x.id);
}

/** The organization and everything below it in tree order (each under its parent, siblings by name), depth relative to it. */
export async function subtree(db: DbOrTx, rootId: string) {
  const r = await sql<{ id: string; name: string; slug: string; parent_id: string | null; depth: number; member_count: number; portal_host: string | null }>`
    with recursive down(id, depth, path) as (
      select o.id, 0, array[lower(o.name) || '/' || o.id] from organizations o where o.id = ${rootId}::uuid
      union all
      select o.id, down.depth + 1, down.path || (lower(o.name) || '/' || o.id) from organizations o join down on o.parent_id = down.id where down.depth < 8
    )
    select o.id, o.name, o.slug, o.parent_id, d.depth,
      (select count(*)::int from organization_memberships m where m.organization_id = o.id) as member_count,
      p.portal_host
    from down d join organizations o on o.id = d.id left join organization_profiles p on p.organization_id = o.id
    order by d.path`.execute(db);
  return r.rows;
}

/** Height of the tree below an organization (0 = no children). */
export async function heightBelow(db: DbOrTx, orgId: string): Promise<number> {
  const r = await sql<{ h: number }>`
    with recursive down(id, depth) as (
      select ${orgId}::uuid, 0
      union all
      select o.id, down.depth + 1 from organizations o join down on o.parent_id = down.id where down.depth < 10
    ) select max(depth)::int as h from down`.execute(db);
  return r.rows[0]?.h ?? 0;
}

/** Profiles of the given organizations (missing = nothing set). */
export function profilesOf(db: DbOrTx, orgIds: string[]) {
  if (orgIds.length === 0) return Promise.resolve([]);
  return db.selectFrom("organization_profiles").selectAll().where("organization_id", "in", orgIds).execute();
}

export type ProfileColumns = Partial<{
  display_name: string | null;
  primary_color: string | null;
  portal_host: string | null;
  portal_locale: string | null;
  requester_visibility: "own" | "organization" | null;
  default_calendar_id: string | null;
  logo_sha256: string | null;
  logo_content_type: string | null;
}>;

/** Writes the given profile columns (creating the profile row when needed). */
export async function upsertProfile(db: DbOrTx, orgId: string, set: ProfileColumns): Promise<void> {
  await db
    .insertInto("organization_profiles")
    .values({ organization_id: orgId, ...set })
    .onConflict((oc) => oc.column("organization_id").doUpdateSet({ ...set, updated_at: new Date() }))
    .execute();
}

/** Which organization owns a portal host name. */
export async function findOrgByHost(db: DbOrTx, host: string): Promise<string | undefined> {
  const r = await db.selectFrom("organization_profiles").select("organization_id").where("portal_host", "=", host).executeTakeFirst();
  return r?.organization_id;
}

export async function updateOrganization(db: DbOrTx, orgId: string, set: { name?: string; parent_id?: string }): Promise<void> {
  await db
    .updateTable("organizations")
    .set({ ...set, updated_at: new Date() })
    .where("id", "=", orgId)
    .execute();
}

export async function insertOrganization(db: DbOrTx, o: { name: string; slug: string; parentId: string }): Promise<string> {
  const r = await db
    .insertInto("organizations")
    .values({ name: o.name, slug: o.slug, parent_id: o.parentId, settings: "{}" })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export function slugTaken(db: DbOrTx, slug: string) {
  return db.selectFrom("organizations").select("id").where("slug", "=", slug).executeTakeFirst();
}

/** The members of an organization with their role there. */
export function listMembers(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("organization_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["u.id as userId", "u.name", "u.email", "m.role", "m.organization_manager as organizationManager", "m.source", "u.active"])
    .where("m.organization_id", "=", orgId)
    .orderBy("u.name")
    .orderBy("u.id")
    .limit(2000)
    .execute();
}

export function findUserByEmail(db: DbOrTx, email: string) {
  return db
    .selectFrom("users")
    .select(["id", "organization_id", "name", "email", "role", "active"])
    .where(sql`lower(email)`, "=", email.toLowerCase())
    .executeTakeFirst();
}

/** Adds or changes a direct membership (a home membership keeps its source; its role lives on users). */
export async function upsertDirectMembership(db: DbOrTx, m: { userId: string; orgId: string; role: string; organizationManager: boolean }): Promise<void> {
  await sql`
    insert into organization_memberships (user_id, organization_id, role, organization_manager, source)
    values (${m.userId}, ${m.orgId}, ${m.role}, ${m.organizationManager}, 'direct')
    on conflict (user_id, organization_id) do update set role = excluded.role, organization_manager = excluded.organization_manager,
      source = case when organization_memberships.source = 'home' then 'home' else 'direct' end, updated_at = now()`.execute(db);
}

export async function setOrganizationManager(db: DbOrTx, userId: string, orgId: string, flag: boolean): Promise<void> {
  await db
    .updateTable("organization_memberships")
    .set({ organization_manager: flag, updated_at: new Date() })
    .where("user_id", "=", userId)
    .where("organization_id", "=", orgId)
    .execute();
}

/** Removes a direct membership; a serving group may grant it again as derived. */
export async function deleteDirectMembership(db: DbOrTx, userId: string, orgId: string): Promise<boolean> {
  const r = await db
    .deleteFrom("organization_memberships")
    .where("user_id", "=", userId)
    .where("organization_id", "=", orgId)
    .where("source", "=", "direct")
    .executeTakeFirst();
  await sql`select portico_recompute_derived_memberships(${userId}::uuid)`.execute(db);
  return Number(r.numDeletedRows) > 0;
}

/** Takes a person out of an organization's groups (when their membership there ends). */
export async function removeFromGroupsOfOrg(db: DbOrTx, userId: string, orgId: string): Promise<void> {
  await db.deleteFrom("group_members").where("user_id", "=", userId).where("organization_id", "=", orgId).execute();
}

export function findGroup(db: DbOrTx, orgId: string, groupId: string) {
  return db.selectFrom("groups").select(["id", "name"]).where("organization_id", "=", orgId).where("id", "=", groupId).executeTakeFirst();
}

export async function listServed(db: DbOrTx, groupId: string): Promise<string[]> {
  const r = await db.selectFrom("group_served_organizations").select("served_organization_id").where("group_id", "=", groupId).execute();
  return r.map((x) => x.served_organization_id);
}

/** Replaces the organizations a group serves (triggers recompute its members' derived memberships). */
export async function setServed(db: DbOrTx, orgId: string, groupId: string, servedIds: string[]): Promise<void> {
  const now = await listServed(db, groupId);
  const drop = now.filter((id) => !servedIds.includes(id));
  const add = servedIds.filter((id) => !now.includes(id));
  if (drop.length) await db.deleteFrom("group_served_organizations").where("group_id", "=", groupId).where("served_organization_id", "in", drop).execute();
  if (add.length)
    await db
      .insertInto("group_served_organizations")
      .values(add.map((id) => ({ group_id: groupId, served_organization_id: id, organization_id: orgId })))
      .execute();
}

/**
 * Per membership: open items assigned to the person, open unassigned items of their groups there, and
 * open items they requested — counts only, each computed inside its own organization.
 */
export async function summaryOf(db: DbOrTx, userId: string) {
  const r = await sql<{
    id: string;
    name: string;
    slug: string;
    role: "requester" | "agent" | "admin";
    assigned: number;
    group_unassigned: number;
    unassigned: number;
    requested: number;
  }>`
    select o.id, o.name, o.slug, m.role,
      case when m.role in ('agent', 'admin') then (select count(*)::int from work_items w
        where w.organization_id = m.organization_id and w.assignee_id = m.user_id and not (w.state = any(${[...DONE_STATES]}::text[]))) else 0 end as assigned,
      case when m.role in ('agent', 'admin') then (select count(*)::int from work_items w
        where w.organization_id = m.organization_id and w.assignee_id is null and not (w.state = any(${[...DONE_STATES]}::text[]))
          and w.assignment_group_id in (select gm.group_id from group_members gm where gm.user_id = m.user_id and gm.organization_id = m.organization_id)) else 0 end as group_unassigned,
      case when m.role in ('agent', 'admin') then (select count(*)::int from work_items w
        where w.organization_id = m.organization_id and w.assignee_id is null and not (w.state = any(${[...DONE_STATES]}::text[]))) else 0 end as unassigned,
      (select count(*)::int from work_items w
        where w.organization_id = m.organization_id and w.requester_id = m.user_id and not (w.state = any(${[...DONE_STATES]}::text[]))) as requested
    from organization_memberships m join organizations o on o.id = m.organization_id
    where m.user_id = ${userId}
    order by m.source = 'home' desc, o.name`.execute(db);
  return r.rows;
}

/** A blob that some organization uses as its logo. */
export function findLogo(db: DbOrTx, sha: string) {
  return db
    .selectFrom("organization_profiles as p")
    .innerJoin("blobs as b", "b.sha256", "p.logo_sha256")
    .select(["b.content", "p.logo_content_type"])
    .where("p.logo_sha256", "=", sha)
    .limit(1)
    .executeTakeFirst();
}
