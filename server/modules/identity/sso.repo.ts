import { sql } from "kysely";
import type { Role } from "../../../contracts/identity";
import type { DbOrTx } from "../../platform/db/db";
import "./sso.tables";

/** The Portico person linked to an external identity (OIDC subject or LDAP entry). */
export function findLinkedUser(db: DbOrTx, sourceId: string, subject: string) {
  return db
    .selectFrom("external_identities as x")
    .innerJoin("users as u", "u.id", "x.user_id")
    .select(["u.id", "u.organization_id", "u.email", "u.name", "u.role", "u.active", "u.manager_id", "u.department", "u.phone", "x.id as link_id"])
    .where("x.source_id", "=", sourceId)
    .where("x.subject", "=", subject)
    .executeTakeFirst();
}

/** Links a person to an external identity (idempotent). */
export async function linkIdentity(
  db: DbOrTx,
  l: { organizationId: string; userId: string; source: "oidc" | "ldap"; sourceId: string; subject: string },
): Promise<void> {
  await db
    .insertInto("external_identities")
    .values({ organization_id: l.organizationId, user_id: l.userId, source: l.source, source_id: l.sourceId, subject: l.subject })
    .onConflict((oc) => oc.columns(["source_id", "subject"]).doUpdateSet({ user_id: l.userId }))
    .execute();
}

/** Records a sign-in through an external identity. */
export async function touchIdentity(db: DbOrTx, linkId: string): Promise<void> {
  await db.updateTable("external_identities").set({ last_login_at: new Date() }).where("id", "=", linkId).execute();
}

/** A person by email with organization and state (JIT matching). */
export function findUserByEmail(db: DbOrTx, email: string) {
  return db
    .selectFrom("users")
    .select(["id", "organization_id", "email", "name", "role", "active", "password_hash"])
    .where(sql`lower(email)`, "=", email.toLowerCase())
    .executeTakeFirst();
}

/** Creates a person provisioned from outside (no local password). */
export function insertProvisionedUser(
  db: DbOrTx,
  u: {
    organizationId: string;
    email: string;
    name: string;
    role: Role;
    externalId?: string | null;
    department?: string | null;
    phone?: string | null;
    active?: boolean;
  },
) {
  return db
    .insertInto("users")
    .values({
      organization_id: u.organizationId,
      email: u.email,
      name: u.name,
      role: u.role,
      password_hash: null,
      external_id: u.externalId ?? null,
      department: u.department ?? null,
      phone: u.phone ?? null,
      active: u.active ?? true,
    })
    .returning(["id", "organization_id", "email", "name", "role", "active"])
    .executeTakeFirstOrThrow();
}

/** Changes directory-owned fields of a person of the organization. */
export function updateProvisionedUser(
  db: DbOrTx,
  orgId: string,
  userId: string,
  set: Partial<{
    email: string;
    name: string;
    role: Role;
    active: boolean;
    external_id: string | null;
    department: string | null;
    phone: string | null;
    manager_id: string | null;
    deprovisioned_at: Date | null;
  }>,
) {
  return db
    .updateTable("users")
    .set({ ...set, updated_at: new Date() })
    .where("organization_id", "=", orgId)
    .where("id", "=", userId)
    .returning(["id", "organization_id", "email", "name", "role", "active"])
    .executeTakeFirst();
}

/** Groups of the organization by name (case-insensitive), for claim/directory group mapping. */
export function findGroupsByNames(db: DbOrTx, orgId: string, names: string[]) {
  if (names.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("groups")
    .select(["id", "name", "external_id"])
    .where("organization_id", "=", orgId)
    .where("active", "=", true)
    .where(
      sql<string>`lower(name)`,
      "in",
      names.map((n) => n.toLowerCase()),
    )
    .execute();
}

/** Sets which of the given groups a person belongs to: joins `keep`, leaves the others of `managed`. */
export async function syncMemberships(db: DbOrTx, orgId: string, userId: string, keep: string[], managed: string[]): Promise<void> {
  const leave = managed.filter((g) => !keep.includes(g));
  if (leave.length) await db.deleteFrom("group_members").where("user_id", "=", userId).where("group_id", "in", leave).execute();
  if (keep.length)
    await db
      .insertInto("group_members")
      .values(keep.map((group_id) => ({ group_id, user_id: userId, organization_id: orgId })))
      .onConflict((oc) => oc.columns(["group_id", "user_id"]).doNothing())
      .execute();
}
