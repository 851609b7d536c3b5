import { type RawBuilder, sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import type { ScimFilter } from "./scim.filter";
import "./sso.tables";

/** A filter that names an attribute Portico cannot filter on, or compares it with the wrong type. */
export class ScimFilterTargetError extends Error {}

interface Attr {
  col: RawBuilder<unknown>;
  type: "string" | "ci" | "bool" | "date" | "members";
}

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:";
const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:user:";
const CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:group:";

const USER_ATTRS: Record<string, Attr> = {
  id: { col: sql`u.id::text`, type: "string" },
  username: { col: sql`u.email`, type: "ci" },
  externalid: { col: sql`u.external_id`, type: "string" },
  displayname: { col: sql`u.name`, type: "ci" },
  "name.formatted": { col: sql`u.name`, type: "ci" },
  emails: { col: sql`u.email`, type: "ci" },
  "emails.value": { col: sql`u.email`, type: "ci" },
  "phonenumbers.value": { col: sql`u.phone`, type: "string" },
  active: { col: sql`u.active`, type: "bool" },
  "meta.created": { col: sql`u.created_at`, type: "date" },
  "meta.lastmodified": { col: sql`u.updated_at`, type: "date" },
  [`${ENTERPRISE}department`]: { col: sql`u.department`, type: "ci" },
  [`${ENTERPRISE}manager.value`]: { col: sql`u.manager_id::text`, type: "string" },
};

const GROUP_ATTRS: Record<string, Attr> = {
  id: { col: sql`g.id::text`, type: "string" },
  displayname: { col: sql`g.name`, type: "ci" },
  externalid: { col: sql`g.external_id`, type: "string" },
  members: { col: sql`g.id`, type: "members" },
  "members.value": { col: sql`g.id`, type: "members" },
  "meta.created": { col: sql`g.created_at`, type: "date" },
  "meta.lastmodified": { col: sql`g.updated_at`, type: "date" },
};

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function compile(f: ScimFilter, attrs: Record<string, Attr>, core: string): RawBuilder<boolean> {
  if (f.kind === "and" || f.kind === "or") {
    const join = f.kind === "and" ? sql`and` : sql`or`;
    return sql<boolean>`(${compile(f.left, attrs, core)} ${join} ${compile(f.right, attrs, core)})`;
  }
  if (f.kind === "not") return sql<boolean>`(not coalesce(${compile(f.expr, attrs, core)}, false))`;
  let name = f.attr.toLowerCase();
  if (name.startsWith(core)) name = name.slice(core.length);
  const a = attrs[name];
  if (!a) throw new ScimFilterTargetError(`Filtering on '${f.attr}' is not supported`);
  if (f.op === "pr")
    return a.type === "members" ? sql<boolean>`exists (select 1 from group_members m where m.group_id = g.id)` : sql<boolean>`(${a.col} is not null)`;
  const v = f.value;
  if (a.type === "members") {
    if (f.op !== "eq" || typeof v !== "string") throw new ScimFilterTargetError("members can only be filtered with eq and a string value");
    return sql<boolean>`exists (select 1 from group_members m where m.group_id = g.id and m.user_id::text = ${v})`;
  }
  if (a.type === "bool") {
    if (typeof v !== "boolean" || (f.op !== "eq" && f.op !== "ne")) throw new ScimFilterTargetError(`'${f.attr}' is compared with eq or ne and true or false`);
    return f.op === "eq" ? sql<boolean>`(${a.col} = ${v})` : sql<boolean>`(${a.col} <> ${v})`;
  }
  if (typeof v !== "string") throw new ScimFilterTargetError(`'${f.attr}' is compared with a string value`);
  const col = a.type === "ci" ? sql`lower(${a.col})` : a.col;
  const val = a.type === "ci" ? v.toLowerCase() : v;
  switch (f.op) {
    case "eq":
      return sql<boolean>`(${col} = ${a.type === "date" ? sql`${val}::timestamptz` : val})`;
    case "ne":
      return sql<boolean>`(${col} is distinct from ${val})`;
    case "co":
      return sql<boolean>`(${col} like ${`%${likeEscape(val)}%`})`;
    case "sw":
      return sql<boolean>`(${col} like ${`${likeEscape(val)}%`})`;
    case "ew":
      return sql<boolean>`(${col} like ${`%${likeEscape(val)}`})`;
    default: {
      const cmp = { gt: sql`>`, ge: sql`>=`, lt: sql`<`, le: sql`<=` }[f.op];
      return a.type === "date" ? sql<boolean>`(${col} ${cmp} ${val}::timestamptz)` : sql<boolean>`(${col} ${cmp} ${val})`;
    }
  }
}

const userColumns = sql`u.id, u.email, u.name, u.active, u.external_id, u.department, u.phone, u.manager_id, u.created_at, u.updated_at, u.role`;

export interface ScimUserRow {
  id: string;
  email: string;
  name: string;
  active: boolean;
  external_id: string | null;
  department: string | null;
  phone: string | null;
  manager_id: string | null;
  created_at: Date;
  updated_at: Date;
  role: "requester" | "agent" | "admin";
}

/** A page of the organization's people (not deleted through SCIM) matching a filter, with the total. */
export async function listScimUsers(db: DbOrTx, orgId: string, filter: ScimFilter | null, offset: number, limit: number) {
  const where = filter ? compile(filter, USER_ATTRS, CORE_USER) : sql<boolean>`true`;
  const base = sql`from users u where u.organization_id = ${orgId} and u.deprovisioned_at is null and ${where}`;
  const total = await sql<{ n: string }>`select count(*) as n ${base}`.execute(db);
  const rows =
    limit > 0 ? await sql<ScimUserRow>`select ${userColumns} ${base} order by u.created_at, u.id offset ${offset} limit ${limit}`.execute(db) : { rows: [] };
  return { total: Number(total.rows[0].n), rows: rows.rows };
}

/** One person of the organization as SCIM sees them (null when absent or deleted through SCIM). */
export async function findScimUser(db: DbOrTx, orgId: string, id: string, forUpdate = false): Promise<ScimUserRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const r = await sql<ScimUserRow>`select ${userColumns} from users u
    where u.organization_id = ${orgId} and u.id = ${id} and u.deprovisioned_at is null ${forUpdate ? sql`for update` : sql``}`.execute(db);
  return r.rows[0] ?? null;
}

export interface ScimGroupRow {
  id: string;
  name: string;
  external_id: string | null;
  created_at: Date;
  updated_at: Date;
  members: { id: string; name: string }[];
}

const groupColumns = sql`g.id, g.name, g.external_id, g.created_at, g.updated_at,
  coalesce((select json_agg(json_build_object('id', u.id, 'name', u.name) order by u.name)
    from group_members m join users u on u.id = m.user_id where m.group_id = g.id), '[]'::json) as members`;

/** A page of the organization's active groups matching a filter, with the total. */
export async function listScimGroups(db: DbOrTx, orgId: string, filter: ScimFilter | null, offset: number, limit: number, withMembers: boolean) {
  const where = filter ? compile(filter, GROUP_ATTRS, CORE_GROUP) : sql<boolean>`true`;
  const base = sql`from groups g where g.organization_id = ${orgId} and g.active and ${where}`;
  const total = await sql<{ n: string }>`select count(*) as n ${base}`.execute(db);
  const cols = withMembers ? groupColumns : sql`g.id, g.name, g.external_id, g.created_at, g.updated_at, '[]'::json as members`;
  const rows =
    limit > 0 ? await sql<ScimGroupRow>`select ${cols} ${base} order by g.created_at, g.id offset ${offset} limit ${limit}`.execute(db) : { rows: [] };
  return { total: Number(total.rows[0].n), rows: rows.rows };
}

/** One active group of the organization with its members. */
export async function findScimGroup(db: DbOrTx, orgId: string, id: string): Promise<ScimGroupRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const r = await sql<ScimGroupRow>`select ${groupColumns} from groups g where g.organization_id = ${orgId} and g.id = ${id} and g.active`.execute(db);
  return r.rows[0] ?? null;
}

/** Which of the given ids are people of the organization, with their role. */
export function findPeople(db: DbOrTx, orgId: string, ids: string[]) {
  const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (valid.length === 0) return Promise.resolve([]);
  return db.selectFrom("users").select(["id", "role", "active"]).where("organization_id", "=", orgId).where("id", "in", valid).execute();
}

/** Marks a person deleted through SCIM (kept for history: their tickets still name them). */
export async function markDeprovisioned(db: DbOrTx, orgId: string, id: string): Promise<void> {
  await db
    .updateTable("users")
    .set({ active: false, deprovisioned_at: new Date(), updated_at: new Date() })
    .where("organization_id", "=", orgId)
    .where("id", "=", id)
    .execute();
}

/** A person deleted through SCIM earlier, by email (re-provisioning brings them back). */
export function findDeprovisionedByEmail(db: DbOrTx, orgId: string, email: string) {
  return db
    .selectFrom("users")
    .select(["id"])
    .where("organization_id", "=", orgId)
    .where(sql`lower(email)`, "=", email.toLowerCase())
    .where("deprovisioned_at", "is not", null)
    .executeTakeFirst();
}

/** Adds people to a group (idempotent). */
export async function addMembers(db: DbOrTx, orgId: string, groupId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .insertInto("group_members")
    .values(userIds.map((user_id) => ({ group_id: groupId, user_id, organization_id: orgId })))
    .onConflict((oc) => oc.columns(["group_id", "user_id"]).doNothing())
    .execute();
}

/** Removes people from a group. */
export async function removeMembers(db: DbOrTx, groupId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db.deleteFrom("group_members").where("group_id", "=", groupId).where("user_id", "in", userIds).execute();
}

/** Changes a group's name / external id. */
export async function updateGroupFields(
  db: DbOrTx,
  orgId: string,
  id: string,
  set: { name?: string; external_id?: string | null; active?: boolean },
): Promise<void> {
  await db
    .updateTable("groups")
    .set({ ...set, updated_at: new Date() })
    .where("organization_id", "=", orgId)
    .where("id", "=", id)
    .execute();
}

/** Creates a group with an external id. */
export function insertScimGroup(db: DbOrTx, orgId: string, name: string, externalId: string | null) {
  return db
    .insertInto("groups")
    .values({ organization_id: orgId, name, description: "Provisioned by SCIM", email: null, external_id: externalId })
    .returning("id")
    .executeTakeFirstOrThrow();
}
