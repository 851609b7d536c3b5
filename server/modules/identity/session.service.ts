import { randomBytes } from "node:crypto";
import type { TMe } from "../../../contracts/identity";
import type { Deps } from "../../deps";
import { asSystem, type DbOrTx, withTx } from "../../platform/db/db";
import * as repo from "./identity.repo";
import { hashSecret, newSecret } from "./tokens";

/** A freshly opened browser session: the cookie secret, its CSRF token and who it belongs to. */
export interface OpenedSession {
  sessionToken: string;
  csrfToken: string;
  me: TMe;
  expiresAt: Date;
}

/** How a person proved who they are (recorded on the sign-in event). */
export type SignInMethod = "password" | "ldap" | "oidc" | "password+totp" | "password+recovery" | "ldap+totp" | "ldap+recovery";

/**
 * Opens a session for a person whose every required factor has been checked, and records the sign-in
 * as a security event. The single place sessions are created (password, LDAP, OIDC, after MFA).
 */
export async function openSession(
  deps: Deps,
  user: { id: string; organization_id: string },
  ctx: { ip: string | null; userAgent: string | null; method: SignInMethod; data?: Record<string, unknown> },
  outer?: DbOrTx,
): Promise<OpenedSession> {
  const sessionToken = newSecret();
  const csrfToken = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Date.now() + deps.config.PORTICO_SESSION_HOURS * 3600_000);
  await withTx(outer ?? deps.db, async (tx) => {
    await repo.insertSession(tx, {
      tokenHash: hashSecret(sessionToken),
      userId: user.id,
      organizationId: user.organization_id,
      csrfToken,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      expiresAt,
    });
    await repo.insertAudit(tx, {
      organizationId: user.organization_id,
      actorId: user.id,
      action: "auth.login",
      entityType: "user",
      entityId: user.id,
      data: { method: ctx.method, ...ctx.data },
      ip: ctx.ip,
    });
  });
  const me = await loadMe(outer ?? deps.db, user.id, user.organization_id);
  if (!me) throw new Error("person vanished while signing in");
  return { sessionToken, csrfToken, me, expiresAt };
}

/** The person's profile as seen in the organization they act in, with all their memberships. */
export async function loadMe(db: DbOrTx, userId: string, organizationId?: string): Promise<TMe | null> {
  // The caller's own profile and memberships span their organizations: read in the system context.
  const [row, memberships] = await asSystem(() => Promise.all([repo.findMe(db, userId, organizationId), repo.listMembershipsOfUser(db, userId)]));
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    locale: row.locale,
    timeZone: row.time_zone,
    organization: { id: row.org_id, name: row.org_name, slug: row.org_slug },
    groups: row.groups,
    memberships: memberships.map((m) => ({
      organization: { id: m.id, name: m.name, slug: m.slug },
      role: m.role,
      organizationManager: m.organization_manager,
      source: m.source,
    })),
  };
}
