import type { DbOrTx } from "../../platform/db/db";
import type { LdapAttributeMap } from "./sso.tables";
import "./sso.tables";

const columns = [
  "id",
  "organization_id",
  "name",
  "url",
  "bind_dn",
  "bind_password",
  "base_dn",
  "user_filter",
  "group_base_dn",
  "group_filter",
  "disabled_filter",
  "attribute_map",
  "default_role",
  "login_enabled",
  "sync_enabled",
  "last_sync_at",
  "last_sync_result",
  "created_at",
  "updated_at",
] as const;

export type LdapDirectoryRow = Awaited<ReturnType<typeof findDirectory>> & {};

/** One directory of the organization. */
export function findDirectory(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("ldap_directories").select(columns).where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

/** Every directory of the organization. */
export function listDirectories(db: DbOrTx, orgId: string) {
  return db.selectFrom("ldap_directories").select(columns).where("organization_id", "=", orgId).orderBy("name").execute();
}

/** Directories whose scheduled sync is on (all organizations; the cron job). */
export function listSyncedDirectories(db: DbOrTx) {
  return db.selectFrom("ldap_directories").select(["id", "organization_id"]).where("sync_enabled", "=", true).execute();
}

/** The directory a person was synced from, when it may check their password. */
export function findLoginDirectoryOfUser(db: DbOrTx, userId: string) {
  return db
    .selectFrom("external_identities as x")
    .innerJoin("ldap_directories as d", "d.id", "x.source_id")
    .select([...columns.map((c) => `d.${c}` as const), "x.subject", "x.id as link_id"])
    .where("x.user_id", "=", userId)
    .where("x.source", "=", "ldap")
    .where("d.login_enabled", "=", true)
    .executeTakeFirst();
}

export interface DirectoryValues {
  name: string;
  url: string;
  bind_dn: string;
  bind_password?: string | null;
  base_dn: string;
  user_filter: string;
  group_base_dn: string | null;
  group_filter: string;
  disabled_filter: string | null;
  attribute_map: LdapAttributeMap;
  default_role: "requester" | "agent" | "admin";
  login_enabled: boolean;
  sync_enabled: boolean;
}

/** Creates a directory. */
export function insertDirectory(db: DbOrTx, orgId: string, v: DirectoryValues) {
  return db
    .insertInto("ldap_directories")
    .values({ ...v, organization_id: orgId, attribute_map: JSON.stringify(v.attribute_map) })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

/** Changes a directory (a missing bind_password keeps the stored one). */
export function updateDirectory(db: DbOrTx, orgId: string, id: string, v: Partial<DirectoryValues>) {
  const { attribute_map, ...rest } = v;
  return db
    .updateTable("ldap_directories")
    .set({ ...rest, ...(attribute_map ? { attribute_map: JSON.stringify(attribute_map) } : {}), updated_at: new Date() })
    .where("organization_id", "=", orgId)
    .where("id", "=", id)
    .returning(columns)
    .executeTakeFirst();
}

/** Removes a directory and its links (people stay). */
export async function deleteDirectory(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  await db.deleteFrom("external_identities").where("source_id", "=", id).where("organization_id", "=", orgId).execute();
  const r = await db.deleteFrom("ldap_directories").where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Records the outcome of a sync. */
export async function recordSync(db: DbOrTx, id: string, result: Record<string, unknown>): Promise<void> {
  await db
    .updateTable("ldap_directories")
    .set({ last_sync_at: new Date(), last_sync_result: JSON.stringify(result) })
    .where("id", "=", id)
    .execute();
}

/** People linked to a directory: subject (entry DN) → person. */
export function listLinkedPeople(db: DbOrTx, directoryId: string) {
  return db
    .selectFrom("external_identities as x")
    .innerJoin("users as u", "u.id", "x.user_id")
    .select(["x.subject", "u.id", "u.email", "u.name", "u.role", "u.active", "u.department", "u.phone", "u.manager_id"])
    .where("x.source_id", "=", directoryId)
    .execute();
}
