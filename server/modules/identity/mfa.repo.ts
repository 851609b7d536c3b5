import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./sso.tables";
import { sealSecret } from "../../platform/secrets";

/** The organization's identity policy (defaults when none was saved yet). */
export async function findPolicy(db: DbOrTx, orgId: string) {
  const row = await db.selectFrom("identity_policies").selectAll().where("organization_id", "=", orgId).executeTakeFirst();
  return (
    row ?? {
      organization_id: orgId,
      require_mfa_for_staff: false,
      local_login_enabled: true,
      scim_token_hash: null,
      scim_token_prefix: null,
      scim_token_created_at: null,
      scim_default_role: "requester" as const,
      updated_at: new Date(0),
    }
  );
}

/** Creates or changes the organization's identity policy. */
export async function upsertPolicy(
  db: DbOrTx,
  orgId: string,
  set: Partial<{
    require_mfa_for_staff: boolean;
    local_login_enabled: boolean;
    scim_token_hash: Buffer | null;
    scim_token_prefix: string | null;
    scim_token_created_at: Date | null;
    scim_default_role: "requester" | "agent";
  }>,
): Promise<void> {
  await db
    .insertInto("identity_policies")
    .values({ organization_id: orgId, ...set, updated_at: new Date() })
    .onConflict((oc) => oc.column("organization_id").doUpdateSet({ ...set, updated_at: new Date() }))
    .execute();
}

/** The organization owning a SCIM token hash. */
export async function findOrgByScimToken(db: DbOrTx, tokenHash: Buffer) {
  return db.selectFrom("identity_policies").select(["organization_id", "scim_default_role"]).where("scim_token_hash", "=", tokenHash).executeTakeFirst();
}

/** A person's TOTP state (locked for update inside a transaction when asked). */
export function findMfa(db: DbOrTx, userId: string, forUpdate = false) {
  let q = db.selectFrom("user_mfa").selectAll().where("user_id", "=", userId);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Stores a new (not yet confirmed) TOTP secret for a person, replacing a pending one. */
export async function putPendingSecret(db: DbOrTx, userId: string, orgId: string, secret: string): Promise<void> {
  const sealed = sealSecret(secret);
  await db
    .insertInto("user_mfa")
    .values({ user_id: userId, organization_id: orgId, secret: sealed, enabled_at: null, last_time_step: null })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ secret: sealed, enabled_at: null, last_time_step: null, created_at: new Date() }))
    .execute();
}

/** Marks the person's TOTP as confirmed, remembering the time step used (no replay). */
export async function enableMfa(db: DbOrTx, userId: string, timeStep: number): Promise<void> {
  await db.updateTable("user_mfa").set({ enabled_at: new Date(), last_time_step: timeStep }).where("user_id", "=", userId).execute();
}

/** Records the last accepted time step, so one code is never accepted twice. */
export async function setLastTimeStep(db: DbOrTx, userId: string, timeStep: number): Promise<void> {
  await db.updateTable("user_mfa").set({ last_time_step: timeStep }).where("user_id", "=", userId).execute();
}

/** Removes a person's TOTP and recovery codes. */
export async function deleteMfa(db: DbOrTx, userId: string): Promise<boolean> {
  await db.deleteFrom("mfa_recovery_codes").where("user_id", "=", userId).execute();
  const r = await db.deleteFrom("user_mfa").where("user_id", "=", userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Replaces a person's recovery codes with new ones (hashes). */
export async function replaceRecoveryCodes(db: DbOrTx, userId: string, orgId: string, hashes: Buffer[]): Promise<void> {
  await db.deleteFrom("mfa_recovery_codes").where("user_id", "=", userId).execute();
  await db
    .insertInto("mfa_recovery_codes")
    .values(hashes.map((code_hash) => ({ user_id: userId, organization_id: orgId, code_hash })))
    .execute();
}

/** Uses up one unused recovery code; false when there is no such code. */
export async function spendRecoveryCode(db: DbOrTx, userId: string, hash: Buffer): Promise<boolean> {
  const r = await db
    .updateTable("mfa_recovery_codes")
    .set({ used_at: new Date() })
    .where("user_id", "=", userId)
    .where("code_hash", "=", hash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** How many unused recovery codes a person has left. */
export async function countRecoveryCodes(db: DbOrTx, userId: string): Promise<number> {
  const r = await db
    .selectFrom("mfa_recovery_codes")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Starts a pending second-factor step (no session yet). */
export async function insertChallenge(
  db: DbOrTx,
  c: { tokenHash: Buffer; userId: string; organizationId: string; kind: "verify" | "enrol"; method: "password" | "ldap"; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto("auth_challenges")
    .values({ token_hash: c.tokenHash, user_id: c.userId, organization_id: c.organizationId, kind: c.kind, method: c.method, expires_at: c.expiresAt })
    .execute();
}

/** A live challenge by its token hash, locked for the caller's transaction. */
export function findChallengeForUpdate(db: DbOrTx, tokenHash: Buffer) {
  return db
    .selectFrom("auth_challenges as c")
    .innerJoin("users as u", "u.id", "c.user_id")
    .select(["c.id", "c.user_id", "c.organization_id", "c.kind", "c.method", "c.attempts", "u.email", "u.active"])
    .where("c.token_hash", "=", tokenHash)
    .where("c.expires_at", ">", sql<Date>`now()`)
    .forUpdate("c")
    .executeTakeFirst();
}

/** Counts one wrong code on a challenge. */
export async function bumpChallengeAttempts(db: DbOrTx, id: string): Promise<number> {
  const r = await db
    .updateTable("auth_challenges")
    .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
    .where("id", "=", id)
    .returning("attempts")
    .executeTakeFirstOrThrow();
  return r.attempts;
}

/** Ends a challenge (used, or too many wrong codes). */
export async function deleteChallenge(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom("auth_challenges").where("id", "=", id).execute();
}

/** Drops expired challenges and login states (maintenance). */
export async function purgeExpiredChallenges(db: DbOrTx): Promise<number> {
  const a = await db.deleteFrom("auth_challenges").where("expires_at", "<", new Date()).executeTakeFirst();
  const b = await db.deleteFrom("oidc_login_states").where("expires_at", "<", new Date()).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows);
}
