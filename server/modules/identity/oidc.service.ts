import * as client from "openid-client";
import type { z } from "zod";
import type { Role } from "../../../contracts/identity";
import type { SsoError, ZCreateOidcProvider, ZUpdateOidcProvider } from "../../../contracts/sso";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError, notFound } from "../../platform/http/errors";
import * as repo from "./identity.repo";
import * as oidcRepo from "./oidc.repo";
import { type OpenedSession, openSession } from "./session.service";
import * as sso from "./sso.repo";
import type { ClaimMapping } from "./sso.tables";
import { hashSecret, newSecret } from "./tokens";
import { openSecret, sealNullable } from "../../platform/secrets";

const STATE_MINUTES = 10;
const CONFIG_TTL_MS = 10 * 60_000;

/** A refused OpenID sign-in: a machine code for the sign-in page and a message for the audit trail. */
export class SsoFailure extends Error {
  constructor(
    readonly code: SsoError,
    message: string,
  ) {
    super(message);
    this.name = "SsoFailure";
  }
}

/** The callback URL to register at every provider. */
export function redirectUri(baseUrl: string): string {
  return `${baseUrl.replace(/\/$/, "")}/api/v1/auth/oidc/callback`;
}

const isLoopback = (u: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);

const configs = new Map<string, { at: number; version: number; config: client.Configuration }>();

/** The provider's discovered configuration (cached ten minutes; plain HTTP only for loopback test/dev issuers). */
async function providerConfig(p: oidcRepo.OidcProviderRow): Promise<client.Configuration> {
  const version = new Date(p.updated_at).getTime();
  const hit = configs.get(p.id);
  if (hit && hit.version === version && Date.now() - hit.at < CONFIG_TTL_MS) return hit.config;
  const issuer = new URL(p.issuer);
  try {
    const config = await client.discovery(
      issuer,
      p.client_id,
      p.client_secret ? openSecret(p.client_secret) : undefined,
      p.client_secret ? undefined : client.None(),
      {
        // Non-repudiation: ID token signatures are checked against the provider's keys even on the back channel.
        execute: [client.enableNonRepudiationChecks, ...(issuer.protocol === "http:" && isLoopback(issuer) ? [client.allowInsecureRequests] : [])],
        timeout: 10,
      },
    );
    configs.set(p.id, { at: Date.now(), version, config });
    return config;
  } catch (err) {
    throw new SsoFailure("provider_unreachable", `Discovery of ${p.issuer} failed: ${(err as Error).message}`);
  }
}

function present(p: oidcRepo.OidcProviderRow, baseUrl: string) {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    issuer: p.issuer,
    clientId: p.client_id,
    hasClientSecret: Boolean(p.client_secret),
    scopes: p.scopes,
    claimMapping: p.claim_mapping,
    defaultRole: p.default_role,
    jitCreate: p.jit_create,
    enabled: p.enabled,
    redirectUri: redirectUri(baseUrl),
    createdAt: new Date(p.created_at).toISOString(),
  };
}

/** The "Sign in with …" options for the sign-in page. */
export async function listSignInOptions(deps: Deps, orgSlug?: string) {
  return (await oidcRepo.listEnabledProviders(deps.db, orgSlug)).map((p) => ({ slug: p.slug, name: p.name, startUrl: `/api/v1/auth/oidc/${p.slug}/start` }));
}

/** The organization's providers (admins; secrets never returned). */
export async function listProviders(deps: Deps, actor: Actor, baseUrl: string) {
  return (await oidcRepo.listProviders(deps.db, actor.organizationId)).map((p) => present(p, baseUrl));
}

/** Adds an OpenID provider to the admin's organization. */
export async function createProvider(deps: Deps, actor: Actor, input: z.infer<typeof ZCreateOidcProvider>, baseUrl: string) {
  return withTx(deps.db, async (tx) => {
    if (await oidcRepo.findProviderBySlug(tx, input.slug))
      throw new AppError("CONFLICT", "This slug is taken", [{ field: "body.slug", message: "already in use" }]);
    const p = await oidcRepo.insertProvider(tx, actor.organizationId, {
      slug: input.slug,
      name: input.name,
      issuer: input.issuer,
      client_id: input.clientId,
      client_secret: sealNullable(input.clientSecret) ?? null,
      scopes: input.scopes,
      claim_mapping: input.claimMapping,
      default_role: input.defaultRole,
      jit_create: input.jitCreate,
      enabled: input.enabled,
    });
    const { clientSecret: _s, ...audited } = input;
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "oidc_provider.created",
      entityType: "oidc_provider",
      entityId: p.id,
      data: audited,
      ip: actor.ip,
    });
    return present(p, baseUrl);
  });
}

/** Changes a provider (the secret only when sent). */
export async function updateProvider(deps: Deps, actor: Actor, id: string, input: z.infer<typeof ZUpdateOidcProvider>, baseUrl: string) {
  return withTx(deps.db, async (tx) => {
    const p = await oidcRepo.updateProvider(tx, actor.organizationId, id, {
      name: input.name,
      issuer: input.issuer,
      client_id: input.clientId,
      client_secret: sealNullable(input.clientSecret),
      scopes: input.scopes,
      claim_mapping: input.claimMapping,
      default_role: input.defaultRole,
      jit_create: input.jitCreate,
      enabled: input.enabled,
    });
    if (!p) throw notFound("Identity provider");
    const { clientSecret, ...audited } = input;
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "oidc_provider.updated",
      entityType: "oidc_provider",
      entityId: id,
      data: { ...audited, secretChanged: clientSecret !== undefined },
      ip: actor.ip,
    });
    return present(p, baseUrl);
  });
}

/** Removes a provider (people it created stay, with their other sign-in routes). */
export async function deleteProvider(deps: Deps, actor: Actor, id: string): Promise<void> {
  await withTx(deps.db, async (tx) => {
    if (!(await oidcRepo.deleteProvider(tx, actor.organizationId, id))) throw notFound("Identity provider");
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "oidc_provider.deleted",
      entityType: "oidc_provider",
      entityId: id,
      ip: actor.ip,
    });
  });
}

/**
 * Starts an authorization-code sign-in with PKCE, state and nonce: remembers them under the state
 * (bound to this browser by a cookie secret) and returns the provider's authorization URL.
 */
export async function startSignIn(deps: Deps, slug: string, returnTo: string, baseUrl: string): Promise<{ url: string; browserSecret: string }> {
  const p = await oidcRepo.findProviderBySlug(deps.db, slug);
  if (!p?.enabled) throw notFound("Identity provider");
  const config = await providerConfig(p);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const browserSecret = newSecret();
  await oidcRepo.insertLoginState(deps.db, {
    stateHash: hashSecret(state),
    providerId: p.id,
    browserHash: hashSecret(browserSecret),
    codeVerifier,
    nonce,
    returnTo,
    expiresAt: new Date(Date.now() + STATE_MINUTES * 60_000),
  });
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(baseUrl),
    scope: p.scopes,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
  });
  return { url: url.href, browserSecret };
}

/** A readable reason from openid-client's errors, down the cause chain (which claim, what was wrong). */
function describeError(err: unknown): string {
  const parts: string[] = [];
  let e = err as { message?: string; cause?: unknown; error?: string; error_description?: string } | undefined;
  for (let i = 0; e && i < 4; i++) {
    const msg = e.message ?? (e.error ? `${e.error}${e.error_description ? `: ${e.error_description}` : ""}` : "");
    if (msg && !parts.includes(msg)) parts.push(msg);
    e = e.cause as typeof e;
  }
  return parts.join(": ") || "The provider's answer was refused";
}

function claimStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x) => typeof x === "string" || typeof x === "number").map(String);
  if (typeof v === "string") return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** The role the claims grant, or null when the mapping says nothing about roles. */
export function roleFromClaims(m: ClaimMapping, claims: Record<string, unknown>): Role | null {
  if (!m.adminValues?.length && !m.agentValues?.length) return null;
  const values = new Set([...claimStrings(m.role ? claims[m.role] : undefined), ...claimStrings(m.groups ? claims[m.groups] : undefined)]);
  if (m.adminValues?.some((v) => values.has(v))) return "admin";
  if (m.agentValues?.some((v) => values.has(v))) return "agent";
  return "requester";
}

/**
 * Finishes a sign-in at the callback: checks state (once, same browser), redeems the code with the
 * PKCE verifier, validates the ID token (issuer, audience, signature, nonce, expiry — openid-client),
 * then finds, links or creates the person from the claims and opens a session.
 */
export async function finishSignIn(
  deps: Deps,
  query: { state?: string; error?: string; error_description?: string },
  currentUrl: URL,
  browserSecret: string | undefined,
  baseUrl: string,
  ctx: { ip: string | null; userAgent: string | null },
): Promise<{ session: OpenedSession; returnTo: string }> {
  if (!query.state) throw new SsoFailure("state_invalid", "The callback carries no state");
  const st = await oidcRepo.takeLoginState(deps.db, hashSecret(query.state));
  if (!st || new Date(st.expires_at).getTime() < Date.now()) throw new SsoFailure("state_invalid", "Unknown, used or expired sign-in state");
  if (!browserSecret || !hashSecret(browserSecret).equals(st.browser_hash))
    throw new SsoFailure("state_mismatch", "The sign-in was started in another browser");
  const p = await deps.db.selectFrom("oidc_providers").selectAll().where("id", "=", st.provider_id).executeTakeFirst();
  if (!p?.enabled) throw new SsoFailure("state_invalid", "The identity provider is gone or switched off");
  const fail = async (code: SsoError, message: string): Promise<never> => {
    await repo.insertAudit(deps.db, {
      organizationId: p.organization_id,
      actorId: null,
      action: "auth.login_failed",
      entityType: "oidc_provider",
      entityId: p.id,
      data: { method: "oidc", provider: p.slug, reason: code, message: message.slice(0, 500) },
      ip: ctx.ip,
    });
    throw new SsoFailure(code, message);
  };
  if (query.error) return fail("provider_error", `${query.error}: ${query.error_description ?? ""}`.trim());
  const config = await providerConfig(p);
  let claims: Record<string, unknown>;
  try {
    const tokens = await client.authorizationCodeGrant(
      config,
      currentUrl,
      { pkceCodeVerifier: st.code_verifier, expectedState: query.state, expectedNonce: st.nonce, idTokenExpected: true },
      { redirect_uri: redirectUri(baseUrl) },
    );
    claims = { ...(tokens.claims() ?? {}) };
    const m = p.claim_mapping as ClaimMapping;
    if (!claims[m.email ?? "email"] && tokens.access_token) {
      const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
      claims = { ...info, ...claims };
    }
  } catch (err) {
    return fail("token_rejected", describeError(err));
  }
  try {
    const user = await provisionFromClaims(deps, p, claims, ctx.ip);
    const session = await openSession(deps, user, { ip: ctx.ip, userAgent: ctx.userAgent, method: "oidc", data: { provider: p.slug } });
    return { session, returnTo: st.return_to };
  } catch (err) {
    if (err instanceof SsoFailure) return fail(err.code, err.message);
    throw err;
  }
}

/** Finds the person behind the claims (link, then email), creates them when allowed, and brings name, role and groups up to date. */
async function provisionFromClaims(deps: Deps, p: oidcRepo.OidcProviderRow, claims: Record<string, unknown>, ip: string | null) {
  const m = p.claim_mapping as ClaimMapping;
  const sub = typeof claims.sub === "string" ? claims.sub : null;
  const email = claims[m.email ?? "email"];
  if (!sub || typeof email !== "string" || !email.includes("@"))
    throw new SsoFailure("claim_missing", `The provider sent no usable ${sub ? (m.email ?? "email") : "sub"} claim`);
  if (m.organizationClaim && String(claims[m.organizationClaim] ?? "") !== (m.organizationValue ?? "")) {
    throw new SsoFailure("wrong_organization", `Claim ${m.organizationClaim} does not match this organization`);
  }
  const nameClaim = claims[m.name ?? "name"];
  const name = (typeof nameClaim === "string" && nameClaim.trim() ? nameClaim.trim() : email).slice(0, 200);
  const role = roleFromClaims(m, claims);
  const orgId = p.organization_id;
  return withTx(deps.db, async (tx) => {
    const audit = (action: string, userId: string, data: Record<string, unknown>) =>
      repo.insertAudit(tx, {
        organizationId: orgId,
        actorId: userId,
        action,
        entityType: "user",
        entityId: userId,
        data: { source: "oidc", provider: p.slug, ...data },
        ip,
      });
    let user = await sso.findLinkedUser(tx, p.id, sub);
    if (!user) {
      const byEmail = await sso.findUserByEmail(tx, email);
      if (byEmail && byEmail.organization_id !== orgId) throw new SsoFailure("wrong_organization", "This email belongs to another organization");
      if (byEmail || p.jit_create) {
        // Linking an existing account by email, or creating one, trusts the address: the provider must have verified it.
        if (claims.email_verified === false) throw new SsoFailure("email_unverified", "The provider has not verified this email address");
      }
      if (byEmail) {
        await sso.linkIdentity(tx, { organizationId: orgId, userId: byEmail.id, source: "oidc", sourceId: p.id, subject: sub });
        await audit("user.linked", byEmail.id, { email });
      } else if (p.jit_create) {
        const created = await sso.insertProvisionedUser(tx, { organizationId: orgId, email, name, role: role ?? p.default_role });
        await sso.linkIdentity(tx, { organizationId: orgId, userId: created.id, source: "oidc", sourceId: p.id, subject: sub });
        await audit("user.provisioned", created.id, { email, role: created.role });
      } else throw new SsoFailure("no_account", "No Portico account for this person, and the provider does not create them");
      user = await sso.findLinkedUser(tx, p.id, sub);
      if (!user) throw new Error("link vanished");
    }
    if (!user.active) throw new SsoFailure("account_disabled", "This Portico account is deactivated");
    const changes: Record<string, unknown> = {};
    if (user.name !== name) changes.name = name;
    if (user.email.toLowerCase() !== email.toLowerCase() && !(await sso.findUserByEmail(tx, email))) changes.email = email;
    if (role && role !== user.role) changes.role = role;
    if (Object.keys(changes).length) {
      await sso.updateProvisionedUser(tx, orgId, user.id, changes);
      if (changes.role === "requester") await repo.removeFromAllGroups(tx, user.id);
      await audit("user.synced", user.id, changes);
    }
    const finalRole = (changes.role as Role | undefined) ?? user.role;
    if (m.groups && finalRole !== "requester") {
      const all = await repo.listGroups(tx, orgId);
      const keep = (await sso.findGroupsByNames(tx, orgId, claimStrings(claims[m.groups]))).map((g) => g.id);
      await sso.syncMemberships(
        tx,
        orgId,
        user.id,
        keep,
        all.map((g) => g.id),
      );
    }
    await sso.touchIdentity(tx, user.link_id);
    return { id: user.id, organization_id: orgId };
  });
}
