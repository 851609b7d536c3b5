import type { DbOrTx } from "../../platform/db/db";
import type { ClaimMapping } from "./sso.tables";
import "./sso.tables";

const columns = [
  "id",
  "organization_id",
  "slug",
  "name",
  "issuer",
  "client_id",
  "client_secret",
  "scopes",
  "claim_mapping",
  "default_role",
  "jit_create",
  "enabled",
  "created_at",
  "updated_at",
] as const;

export type OidcProviderRow = NonNullable<Awaited<ReturnType<typeof findProviderBySlug>>>;

/** A provider by its URL slug (any organization: the sign-in page knows no organization yet). */
export function findProviderBySlug(db: DbOrTx, slug: string) {
  return db.selectFrom("oidc_providers").select(columns).where("slug", "=", slug).executeTakeFirst();
}

/** One provider of the organization. */
export function findProvider(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("oidc_providers").select(columns).where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

/** The organization's providers. */
export function listProviders(db: DbOrTx, orgId: string) {
  return db.selectFrom("oidc_providers").select(columns).where("organization_id", "=", orgId).orderBy("name").execute();
}

/** Enabled providers for the sign-in page, optionally of one organization (by slug). */
export function listEnabledProviders(db: DbOrTx, orgSlug?: string) {
  let q = db
    .selectFrom("oidc_providers as p")
    .innerJoin("organizations as o", "o.id", "p.organization_id")
    .select(["p.slug", "p.name"])
    .where("p.enabled", "=", true)
    .orderBy("p.name")
    .limit(20);
  if (orgSlug) q = q.where("o.slug", "=", orgSlug);
  return q.execute();
}

export interface ProviderValues {
  slug: string;
  name: string;
  issuer: string;
  client_id: string;
  client_secret?: string | null;
  scopes: string;
  claim_mapping: ClaimMapping;
  default_role: "requester" | "agent" | "admin";
  jit_create: boolean;
  enabled: boolean;
}

/** Creates a provider. */
export function insertProvider(db: DbOrTx, orgId: string, v: ProviderValues) {
  return db
    .insertInto("oidc_providers")
    .values({ ...v, organization_id: orgId, claim_mapping: JSON.stringify(v.claim_mapping) })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

/** Changes a provider. */
export function updateProvider(db: DbOrTx, orgId: string, id: string, v: Partial<Omit<ProviderValues, "slug">>) {
  const { claim_mapping, ...rest } = v;
  return db
    .updateTable("oidc_providers")
    .set({ ...rest, ...(claim_mapping ? { claim_mapping: JSON.stringify(claim_mapping) } : {}), updated_at: new Date() })
    .where("organization_id", "=", orgId)
    .where("id", "=", id)
    .returning(columns)
    .executeTakeFirst();
}

/** Removes a provider and its links (people stay). */
export async function deleteProvider(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  await db.deleteFrom("external_identities").where("source_id", "=", id).where("organization_id", "=", orgId).execute();
  const r = await db.deleteFrom("oidc_providers").where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Remembers a started sign-in (PKCE verifier, nonce) under its state. */
export async function insertLoginState(
  db: DbOrTx,
  s: { stateHash: Buffer; providerId: string; browserHash: Buffer; codeVerifier: string; nonce: string; returnTo: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto("oidc_login_states")
    .values({
      state_hash: s.stateHash,
      provider_id: s.providerId,
      browser_hash: s.browserHash,
      code_verifier: s.codeVerifier,
      nonce: s.nonce,
      return_to: s.returnTo,
      expires_at: s.expiresAt,
    })
    .execute();
}

/** Takes a started sign-in by its state: it can be used exactly once. */
export function takeLoginState(db: DbOrTx, stateHash: Buffer) {
  return db.deleteFrom("oidc_login_states").where("state_hash", "=", stateHash).returningAll().executeTakeFirst();
}
