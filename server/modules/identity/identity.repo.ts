import { sql } from "kysely";
import type { Role } from "../../../contracts/identity";
import type { DbOrTx } from "../../platform/db/db";
import type { Principal } from "../../platform/http/auth";
import "./identity.tables";
import "../organizations/organization.tables";

/**
 * The caller acts in one organization at a time (the session's or token's): role and groups come from
 * their membership there; no membership, no principal. Requesters see the whole organization's items
 * when they are its organization manager or the organization (or its nearest ancestor that says) shares.
 */
const principalColumns = sql<Principal>`json_build_object(
  'userId', u.id, 'organizationId', m.organization_id, 'role', m.role, 'name', u.name, 'email', u.email,
  'requesterScope', case when m.role <> 'requester' then 'own' when m.organization_manager then 'organization'
    when (select p.requester_visibility from portico_org_chain(m.organization_id) c
      join organization_profiles p on p.organization_id = c.id and p.requester_visibility is not null
      order by c.depth limit 1) = 'organization' then 'organization' else 'own' end,
  'groupIds', coalesce((select json_agg(gm.group_id) from group_members gm where gm.user_id = u.id and gm.organization_id = m.organization_id), '[]'::json))`;

/** "own" is the default requester scope: left out, so a principal only says so when it sees more. */
function ownScopeImplied(p: Principal): Principal {
  if (p.requesterScope !== "own") return p;
  const { requesterScope: _own, ...rest } = p;
  return rest;
}

/** The signed-in person behind a session token hash, if the session is live, the person active and still a member of its organization. */
export async function findSessionPrincipal(db: DbOrTx, tokenHash: Buffer): Promise<Principal | null> {
  const r = await sql<{ p: Principal; session_id: string; csrf_token: string }>`
    select ${principalColumns} as p, s.id as session_id, s.csrf_token
    from sessions s join users u on u.id = s.user_id
    join organization_memberships m on m.user_id = s.user_id and m.organization_id = s.organization_id
    where s.token_hash = ${tokenHash} and s.expires_at > now() and u.active`.execute(db);
  const row = r.rows[0];
  if (!row) return null;
  return { ...ownScopeImplied(row.p), via: "session", sessionId: row.session_id, csrfToken: row.csrf_token };
}

/** The person behind a personal API token hash, if the token is live; it acts in the token's organization. */
export async function findTokenPrincipal(db: DbOrTx, tokenHash: Buffer): Promise<(Principal & { tokenId: string }) | null> {
  const r = await sql<{ p: Principal; token_id: string }>`
    select ${principalColumns} as p, t.id as token_id
    from api_tokens t join users u on u.id = t.user_id
    join organization_memberships m on m.user_id = t.user_id and m.organization_id = t.organization_id
    where t.token_hash = ${tokenHash} and t.revoked_at is null
      and (t.expires_at is null or t.expires_at > now()) and u.active`.execute(db);
  const row = r.rows[0];
  return row ? { ...ownScopeImplied(row.p), via: "token", tokenId: row.token_id } : null;
}

/** Records that a token was used (callers throttle how often). */
export async function touchApiToken(db: DbOrTx, tokenId: string): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: new Date() }).where("id", "=", tokenId).execute();
}

/** A person by email, with the hash needed to check a password. */
export function findUserForLogin(db: DbOrTx, email: string) {
  return db
    .selectFrom("users")
    .select(["id", "organization_id", "password_hash", "active", "role"])
    .where(sql`lower(email)`, "=", email.toLowerCase())
    .executeTakeFirst();
}

export async function insertSession(
  db: DbOrTx,
  s: { tokenHash: Buffer; userId: string; organizationId: string; csrfToken: string; ip: string | null; userAgent: string | null; expiresAt: Date },
): Promise<string> {
  const row = await db
    .insertInto("sessions")
    .values({
      token_hash: s.tokenHash,
      user_id: s.userId,
      organization_id: s.organizationId,
      csrf_token: s.csrfToken,
      ip: s.ip,
      user_agent: s.userAgent?.slice(0, 500) ?? null,
      expires_at: s.expiresAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteSession(db: DbOrTx, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

/** Ends every session of a person (deactivation, password change). */
export async function deleteSessionsOfUser(db: DbOrTx, userId: string): Promise<void> {
  await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

/** Current throttle state for a key, locking it for update within the caller's transaction. */
export function getThrottle(db: DbOrTx, key: string) {
  return db.selectFrom("login_throttle").selectAll().where("key", "=", key).executeTakeFirst();
}

/** Counts one failed attempt; locks the key when it reaches max failures within the window. */
export async function recordFailure(db: DbOrTx, key: string, max: number, windowMinutes: number, lockMinutes: number): Promise<void> {
  await sql`
    insert into login_throttle as t (key, failures, window_started_at)
    values (${key}, 1, now())
    on conflict (key) do update set
      failures = case when t.window_started_at < now() - make_interval(mins => ${windowMinutes}) then 1 else t.failures + 1 end,
      window_started_at = case when t.window_started_at < now() - make_interval(mins => ${windowMinutes}) then now() else t.window_started_at end,
      locked_until = case when (case when t.window_started_at < now() - make_interval(mins => ${windowMinutes}) then 1 else t.failures + 1 end) >= ${max}
        then now() + make_interval(mins => ${lockMinutes}) else t.locked_until end`.execute(db);
}

/** Whether the account with this email signed in successfully from this address within the last days. */
export async function hasSignedInFrom(db: DbOrTx, email: string, ip: string, days: number): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`
    select exists (
      select 1 from audit_events a join users u on u.id = a.actor_id
      where lower(u.email) = ${email} and a.action = 'auth.login' and a.ip = ${ip}::inet
        and a.created_at > now() - make_interval(days => ${days})
    ) as ok`.execute(db);
  return r.rows[0]?.ok === true;
}

export async function clearThrottle(db: DbOrTx, key: string): Promise<void> {
  await db.deleteFrom("login_throttle").where("key", "=", key).execute();
}

/** Appends a security/admin event to the audit trail. */
export async function insertAudit(
  db: DbOrTx,
  e: {
    organizationId: string | null;
    actorId: string | null;
    action: string;
    entityType: string;
    entityId?: string | null;
    data?: Record<string, unknown>;
    ip?: string | null;
  },
): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      organization_id: e.organizationId,
      actor_id: e.actorId,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId ?? null,
      data: JSON.stringify(e.data ?? {}),
      ip: e.ip ?? null,
    })
    .execute();
}

/** A person's profile as seen in one organization they belong to (default: their home organization). */
export function findMe(db: DbOrTx, userId: string, organizationId?: string) {
  return db
    .selectFrom("users as u")
    .innerJoin("organization_memberships as m", (j) =>
      j
        .onRef("m.user_id", "=", "u.id")
        .on(organizationId ? sql<boolean>`m.organization_id = ${organizationId}` : sql<boolean>`m.organization_id = u.organization_id`),
    )
    .innerJoin("organizations as o", "o.id", "m.organization_id")
    .select([
      "u.id",
      "u.email",
      "u.name",
      "m.role",
      "u.locale",
      "u.time_zone",
      "o.id as org_id",
      "o.name as org_name",
      "o.slug as org_slug",
      sql<{ id: string; name: string }[]>`coalesce((select json_agg(json_build_object('id', g.id, 'name', g.name) order by g.name)
        from group_members gm join groups g on g.id = gm.group_id where gm.user_id = u.id and gm.organization_id = m.organization_id), '[]'::json)`.as(
        "groups",
      ),
    ])
    .where("u.id", "=", userId)
    .executeTakeFirst();
}

/** Every organization a person belongs to, home first, then by name. */
export function listMembershipsOfUser(db: DbOrTx, userId: string) {
  return db
    .selectFrom("organization_memberships as m")
    .innerJoin("organizations as o", "o.id", "m.organization_id")
    .select(["o.id", "o.name", "o.slug", "m.role", "m.organization_manager", "m.source"])
    .where("m.user_id", "=", userId)
    .orderBy(sql`m.source = 'home'`, "desc")
    .orderBy("o.name")
    .execute();
}

export async function insertApiToken(
  db: DbOrTx,
  t: { userId: string; organizationId: string; name: string; tokenHash: Buffer; prefix: string; expiresAt: Date | null },
) {
  return db
    .insertInto("api_tokens")
    .values({
      user_id: t.userId,
      organization_id: t.organizationId,
      name: t.name,
      token_hash: t.tokenHash,
      prefix: t.prefix,
      expires_at: t.expiresAt,
    })
    .returning(["id", "name", "prefix", "created_at", "last_used_at", "expires_at"])
    .executeTakeFirstOrThrow();
}

export function listApiTokens(db: DbOrTx, userId: string) {
  return db
    .selectFrom("api_tokens")
    .select(["id", "name", "prefix", "created_at", "last_used_at", "expires_at"])
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .orderBy("created_at", "desc")
    .execute();
}

export async function revokeApiToken(db: DbOrTx, userId: string, tokenId: string): Promise<boolean> {
  const r = await db
    .updateTable("api_tokens")
    .set({ revoked_at: new Date() })
    .where("id", "=", tokenId)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** People who belong to the organization (home or member), with their role there. */
export function listUsers(db: DbOrTx, orgId: string, f: { q?: string; role?: Role | "staff"; groupId?: string; limit: number }) {
  let q = db
    .selectFrom("organization_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["u.id", "u.email", "u.name", "m.role", "u.active", "u.manager_id as managerId"])
    .where("m.organization_id", "=", orgId)
    .orderBy("u.name")
    .orderBy("u.id")
    .limit(f.limit);
  if (f.role === "staff") q = q.where("m.role", "in", ["agent", "admin"]);
  else if (f.role) q = q.where("m.role", "=", f.role);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb("u.name", "ilike", like), eb("u.email", "ilike", like)]));
  }
  if (f.groupId) {
    const gid = f.groupId;
    q = q.where("u.id", "in", (eb) => eb.selectFrom("group_members").select("user_id").where("group_id", "=", gid));
  }
  return q.execute();
}

export function findUserInOrg(db: DbOrTx, orgId: string, userId: string) {
  return db
    .selectFrom("users")
    .select(["id", "email", "name", "role", "active", "organization_id"])
    .where("organization_id", "=", orgId)
    .where("id", "=", userId)
    .executeTakeFirst();
}

export function insertUser(
  db: DbOrTx,
  u: {
    organizationId: string;
    email: string;
    name: string;
    role: Role;
    passwordHash: string | null;
    locale?: string;
    timeZone?: string;
    managerId?: string | null;
  },
) {
  return db
    .insertInto("users")
    .values({
      organization_id: u.organizationId,
      email: u.email,
      name: u.name,
      role: u.role,
      password_hash: u.passwordHash,
      ...(u.locale ? { locale: u.locale } : {}),
      ...(u.timeZone ? { time_zone: u.timeZone } : {}),
      manager_id: u.managerId ?? null,
    })
    .returning(["id", "email", "name", "role", "active", "manager_id as managerId"])
    .executeTakeFirstOrThrow();
}

export function updateUser(
  db: DbOrTx,
  orgId: string,
  userId: string,
  set: { name?: string; role?: Role; active?: boolean; password_hash?: string; locale?: string; time_zone?: string; manager_id?: string | null },
) {
  return db
    .updateTable("users")
    .set({ ...set, updated_at: new Date() })
    .where("organization_id", "=", orgId)
    .where("id", "=", userId)
    .returning(["id", "email", "name", "role", "active", "manager_id as managerId"])
    .executeTakeFirst();
}

export function listGroups(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("groups as g")
    .select([
      "g.id",
      "g.name",
      "g.description",
      "g.email",
      sql<string[]>`coalesce((select json_agg(gm.user_id) from group_members gm where gm.group_id = g.id), '[]'::json)`.as("member_ids"),
    ])
    .where("g.organization_id", "=", orgId)
    .where("g.active", "=", true)
    .orderBy("g.name")
    .execute();
}

export function findGroupInOrg(db: DbOrTx, orgId: string, groupId: string) {
  return db.selectFrom("groups").select(["id", "name"]).where("organization_id", "=", orgId).where("id", "=", groupId).executeTakeFirst();
}

export function insertGroup(db: DbOrTx, g: { organizationId: string; name: string; description: string; email: string | null }) {
  return db
    .insertInto("groups")
    .values({ organization_id: g.organizationId, name: g.name, description: g.description, email: g.email })
    .returning(["id", "name", "description", "email"])
    .executeTakeFirstOrThrow();
}

export function updateGroup(db: DbOrTx, orgId: string, groupId: string, set: { name?: string; description?: string; email?: string | null }) {
  return db
    .updateTable("groups")
    .set({ ...set, updated_at: new Date() })
    .where("organization_id", "=", orgId)
    .where("id", "=", groupId)
    .returning(["id", "name", "description", "email"])
    .executeTakeFirst();
}

/** Replaces a group's members with the given people (all of the same organization). */
export async function setGroupMembers(db: DbOrTx, orgId: string, groupId: string, userIds: string[]): Promise<void> {
  await db.deleteFrom("group_members").where("group_id", "=", groupId).execute();
  if (userIds.length === 0) return;
  await db
    .insertInto("group_members")
    .values(userIds.map((user_id) => ({ group_id: groupId, user_id, organization_id: orgId })))
    .execute();
}

/** How many of the given people are active staff of the organization (by membership: serving agents count). */
export async function countStaffInOrg(db: DbOrTx, orgId: string, userIds: string[]): Promise<number> {
  if (userIds.length === 0) return 0;
  const r = await db
    .selectFrom("organization_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("m.organization_id", "=", orgId)
    .where("m.user_id", "in", userIds)
    .where("m.role", "in", ["agent", "admin"])
    .where("u.active", "=", true)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Drops expired sessions and old idempotency records (maintenance). */
export async function purgeExpired(db: DbOrTx): Promise<{ sessions: number; keys: number; throttles: number }> {
  const s = await db.deleteFrom("sessions").where("expires_at", "<", new Date()).executeTakeFirst();
  const k = await db.deleteFrom("idempotency_keys").where(sql<boolean>`created_at < now() - interval '24 hours'`).executeTakeFirst();
  const t = await db
    .deleteFrom("login_throttle")
    .where(sql<boolean>`window_started_at < now() - interval '1 day' and (locked_until is null or locked_until < now())`)
    .executeTakeFirst();
  return { sessions: Number(s.numDeletedRows), keys: Number(k.numDeletedRows), throttles: Number(t.numDeletedRows) };
}

/** Takes a person out of every group (e.g. demoted to requester). */
export async function removeFromAllGroups(db: DbOrTx, userId: string): Promise<void> {
  await db.deleteFrom("group_members").where("user_id", "=", userId).execute();
}

/** Creates an organization (tenant) and returns its id. */
export async function insertOrganization(db: DbOrTx, o: { name: string; slug: string }): Promise<string> {
  const r = await db.insertInto("organizations").values({ name: o.name, slug: o.slug, settings: "{}" }).returning("id").executeTakeFirstOrThrow();
  return r.id;
}

/** The oldest organization, if any (where a lone installation's first admin belongs). */
export async function findFirstOrganizationId(db: DbOrTx): Promise<string | undefined> {
  const r = await db.selectFrom("organizations").select("id").orderBy("created_at").limit(1).executeTakeFirst();
  return r?.id;
}

/** The chain of managers above a person (nearest first, at most 50): to refuse a management loop. */
export async function managerChain(db: DbOrTx, orgId: string, userId: string): Promise<string[]> {
  const r = await sql<{ id: string }>`
    with recursive up(id, depth) as (
      select manager_id, 1 from users where id = ${userId} and organization_id = ${orgId} and manager_id is not null
      union all
      select u.manager_id, up.depth + 1 from users u join up on u.id = up.id where u.manager_id is not null and up.depth < 50
    )
    select id from up`.execute(db);
  return r.rows.map((x) => x.id);
}
