import type { z } from "zod";
import type {
  TCreateTokenRequest,
  TLoginRequest,
  TMe,
  ZCreateGroupRequest,
  ZCreateUserRequest,
  ZUpdateGroupRequest,
  ZUpdateUserRequest,
} from "../../../contracts/identity";
import type { TMfaChallenge } from "../../../contracts/sso";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import type { Principal, PrincipalResolver } from "../../platform/http/auth";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import * as repo from "./identity.repo";
import { checkPassword } from "./ldap.service";
import { findPolicy } from "./mfa.repo";
import { secondStepFor } from "./mfa.service";
import { hashPassword } from "./password";
import { loadMe, type OpenedSession, openSession } from "./session.service";
import { API_TOKEN_PREFIX, hashSecret, newSecret } from "./tokens";

const WINDOW_MINUTES = 15;
/** A successful sign-in from an address within this many days makes it a known place for the account. */
const KNOWN_PLACE_DAYS = 30;

/** Reads the signed-in person's profile in the organization they act in (default: home). */
export async function getMe(deps: Deps, userId: string, organizationId?: string): Promise<TMe> {
  const me = await loadMe(deps.db, userId, organizationId);
  if (!me) throw new AppError("UNAUTHENTICATED", "Sign in first");
  return me;
}

/**
 * First sign-in step: checks email and password (throttled per account and per address; against the
 * person's LDAP directory when they come from one). Opens a session, or — when the person has TOTP on,
 * or their organization requires it and they have none yet — answers with a pending second step.
 */
export async function login(deps: Deps, input: TLoginRequest, ip: string | null, userAgent: string | null): Promise<OpenedSession | TMfaChallenge> {
  const cfg = deps.config;
  const email = input.email.toLowerCase();
  const emailKey = `email:${email}`;
  const ipKey = `ip:${ip ?? "unknown"}`;
  // The account's failures from this one address: an attacker elsewhere cannot lock it for the person.
  const pairKey = `email-ip:${email}|${ip ?? "unknown"}`;
  const now = Date.now();
  for (const key of [pairKey, ipKey, emailKey]) {
    const t = await repo.getThrottle(deps.db, key);
    if (t?.locked_until && new Date(t.locked_until).getTime() > now) {
      // An account under a distributed attack stays open from places the person signed in from before.
      if (key === emailKey && ip && (await repo.hasSignedInFrom(deps.db, email, ip, KNOWN_PLACE_DAYS))) continue;
      const retry = Math.ceil((new Date(t.locked_until).getTime() - now) / 1000);
      throw new AppError("TOO_MANY_LOGIN_ATTEMPTS", "Too many failed sign-ins; try again later", undefined, { "retry-after": String(retry) });
    }
  }
  const checked = await checkPassword(deps, input.email, input.password);
  const user = checked.user;
  if (!user || !checked.ok) {
    await withTx(deps.db, async (tx) => {
      await repo.recordFailure(tx, emailKey, cfg.PORTICO_LOGIN_MAX_FAILURES, WINDOW_MINUTES, cfg.PORTICO_LOGIN_LOCK_MINUTES);
      await repo.recordFailure(tx, pairKey, cfg.PORTICO_LOGIN_MAX_FAILURES, WINDOW_MINUTES, cfg.PORTICO_LOGIN_LOCK_MINUTES);
      await repo.recordFailure(tx, ipKey, cfg.PORTICO_LOGIN_MAX_FAILURES * 5, WINDOW_MINUTES, cfg.PORTICO_LOGIN_LOCK_MINUTES);
      await repo.insertAudit(tx, {
        organizationId: user?.organization_id ?? null,
        actorId: user?.id ?? null,
        action: "auth.login_failed",
        entityType: "user",
        entityId: user?.id ?? null,
        data: { email: input.email.toLowerCase().slice(0, 320), method: checked.method, ...(checked.reason ? { reason: checked.reason } : {}) },
        ip,
      });
    });
    throw new AppError(
      "UNAUTHENTICATED",
      checked.reason === "directory_unreachable" ? "The directory could not be reached; try again shortly" : "Wrong email or password",
    );
  }
  await repo.clearThrottle(deps.db, emailKey);
  await repo.clearThrottle(deps.db, pairKey);
  // Password sign-in switched off: only admins keep it, as the break-glass path (with their second factor).
  if (checked.method === "password" && user.role !== "admin" && !(await findPolicy(deps.db, user.organization_id)).local_login_enabled) {
    await repo.insertAudit(deps.db, {
      organizationId: user.organization_id,
      actorId: user.id,
      action: "auth.login_failed",
      entityType: "user",
      entityId: user.id,
      data: { method: "password", reason: "local_login_disabled" },
      ip,
    });
    throw new AppError("FORBIDDEN", "Password sign-in is switched off for your organization; use single sign-on");
  }
  const second = await secondStepFor(deps, user, checked.method, ip);
  if (second) return second;
  return openSession(deps, user, { ip, userAgent, method: checked.method });
}

/** Ends the caller's session. */
export async function logout(deps: Deps, p: Principal, ip: string | null): Promise<void> {
  await withTx(deps.db, async (tx) => {
    if (p.sessionId) await repo.deleteSession(tx, p.sessionId);
    await repo.insertAudit(tx, { organizationId: p.organizationId, actorId: p.userId, action: "auth.logout", entityType: "user", entityId: p.userId, ip });
  });
}

/**
 * Resolves sessions and API tokens to principals; records token use at most once a minute per process.
 * Concurrent requests carrying the same secret share one lookup while it is in flight, and nothing is
 * kept once it answers: a revocation (or deactivation, or expiry) is seen by every lookup that starts
 * after it commits, so the only requests that can still pass are those that arrived during the one
 * query that was already running (about a millisecond).
 */
export function createPrincipalResolver(deps: Deps): PrincipalResolver {
  const touched = new Map<string, number>();
  const sessions = new Map<string, Promise<Principal | null>>();
  const tokens = new Map<string, Promise<(Principal & { tokenId: string }) | null>>();
  /** One query per secret at a time; every caller gets its own copy of the answer. */
  function shared<T extends Principal>(inFlight: Map<string, Promise<T | null>>, hash: Buffer, lookup: (h: Buffer) => Promise<T | null>): Promise<T | null> {
    const key = hash.toString("base64");
    let pending = inFlight.get(key);
    if (!pending) {
      pending = lookup(hash).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending.then((p) => (p ? { ...p, groupIds: [...p.groupIds] } : null));
  }
  return {
    fromSession: (token) => shared(sessions, hashSecret(token), (h) => repo.findSessionPrincipal(deps.db, h)),
    async fromApiToken(token) {
      if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return null;
      const p = await shared(tokens, hashSecret(token), (h) => repo.findTokenPrincipal(deps.db, h));
      if (!p) return null;
      const last = touched.get(p.tokenId) ?? 0;
      if (Date.now() - last > 60_000) {
        touched.set(p.tokenId, Date.now());
        repo.touchApiToken(deps.db, p.tokenId).catch(() => {});
      }
      const { tokenId: _t, ...principal } = p;
      return principal;
    },
  };
}

function presentToken(t: { id: string; name: string; prefix: string; created_at: Date; last_used_at: Date | null; expires_at: Date | null }) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.created_at.toISOString(),
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
    expiresAt: t.expires_at?.toISOString() ?? null,
  };
}

/** Issues a personal API token; the secret is returned once and stored only hashed. */
export async function createApiToken(deps: Deps, actor: Actor, input: TCreateTokenRequest) {
  const token = newSecret(API_TOKEN_PREFIX);
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86400_000) : null;
  const row = await withTx(deps.db, async (tx) => {
    const r = await repo.insertApiToken(tx, {
      userId: actor.userId,
      organizationId: actor.organizationId,
      name: input.name,
      tokenHash: hashSecret(token),
      prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
      expiresAt,
    });
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "token.created",
      entityType: "api_token",
      entityId: r.id,
      data: { name: input.name },
      ip: actor.ip,
    });
    return r;
  });
  return { ...presentToken(row), token };
}

export async function listApiTokens(deps: Deps, actor: Actor) {
  return (await repo.listApiTokens(deps.db, actor.userId)).map(presentToken);
}

/** Revokes one of the caller's tokens. */
export async function revokeApiToken(deps: Deps, actor: Actor, tokenId: string): Promise<void> {
  await withTx(deps.db, async (tx) => {
    if (!(await repo.revokeApiToken(tx, actor.userId, tokenId))) throw notFound("Token");
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "token.revoked",
      entityType: "api_token",
      entityId: tokenId,
      ip: actor.ip,
    });
  });
}

/** Lists people of the caller's organization (pickers, admin). */
export async function listUsers(deps: Deps, actor: Actor, f: Parameters<typeof repo.listUsers>[2]) {
  return repo.listUsers(deps.db, actor.organizationId, f);
}

/** Refuses a manager who is not an active person of the organization, or who would close a loop. */
async function assertManager(tx: Parameters<typeof repo.findUserInOrg>[0], orgId: string, userId: string | null, managerId: string | null | undefined) {
  if (!managerId) return;
  const m = await repo.findUserInOrg(tx, orgId, managerId);
  if (!m?.active) throw invalidField("body.managerId", "no such active person in this organization");
  if (userId && (managerId === userId || (await repo.managerChain(tx, orgId, managerId)).includes(userId)))
    throw invalidField("body.managerId", "a person cannot manage themselves, directly or through others");
}

/** Creates a person in the admin's organization. */
export async function createUser(deps: Deps, actor: Actor, input: z.infer<typeof ZCreateUserRequest>) {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return withTx(deps.db, async (tx) => {
    if (await repo.findUserForLogin(tx, input.email))
      throw new AppError("CONFLICT", "A person with this email already exists", [{ field: "body.email", message: "already in use" }]);
    await assertManager(tx, actor.organizationId, null, input.managerId);
    const u = await repo.insertUser(tx, {
      organizationId: actor.organizationId,
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash,
      locale: input.locale,
      timeZone: input.timeZone,
      managerId: input.managerId ?? null,
    });
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "user.created",
      entityType: "user",
      entityId: u.id,
      data: { email: u.email, role: u.role },
      ip: actor.ip,
    });
    return u;
  });
}

/** Changes a person; deactivation or a new password ends their sessions at once. */
export async function updateUser(deps: Deps, actor: Actor, userId: string, input: z.infer<typeof ZUpdateUserRequest>) {
  const password_hash = input.password ? await hashPassword(input.password) : undefined;
  return withTx(deps.db, async (tx) => {
    if (userId === actor.userId && (input.active === false || (input.role && input.role !== "admin"))) {
      throw new AppError("CONFLICT", "You cannot deactivate or demote yourself");
    }
    await assertManager(tx, actor.organizationId, userId, input.managerId);
    const u = await repo.updateUser(tx, actor.organizationId, userId, {
      name: input.name,
      role: input.role,
      active: input.active,
      password_hash,
      locale: input.locale,
      time_zone: input.timeZone,
      manager_id: input.managerId,
    });
    if (!u) throw notFound("Person");
    if (input.active === false || password_hash) await repo.deleteSessionsOfUser(tx, userId);
    // A requester is no one's assignee: leave the assignment groups too.
    if (input.role === "requester") await repo.removeFromAllGroups(tx, userId);
    const { password: _p, ...audited } = input;
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "user.updated",
      entityType: "user",
      entityId: userId,
      data: { ...audited, passwordChanged: Boolean(password_hash) },
      ip: actor.ip,
    });
    return u;
  });
}

export async function listGroups(deps: Deps, actor: Actor) {
  return (await repo.listGroups(deps.db, actor.organizationId)).map(presentGroup);
}

function presentGroup(g: { id: string; name: string; description: string; email: string | null; member_ids: string[] }) {
  return { id: g.id, name: g.name, description: g.description, email: g.email, memberIds: g.member_ids };
}

async function assertMembers(tx: Parameters<typeof repo.countStaffInOrg>[0], orgId: string, ids: string[]) {
  const unique = [...new Set(ids)];
  if ((await repo.countStaffInOrg(tx, orgId, unique)) !== unique.length) {
    throw invalidField("body.memberIds", "every member must be an active agent or admin of this organization");
  }
  return unique;
}

/** Creates an assignment group with its members. */
export async function createGroup(deps: Deps, actor: Actor, input: z.infer<typeof ZCreateGroupRequest>) {
  return withTx(deps.db, async (tx) => {
    const members = await assertMembers(tx, actor.organizationId, input.memberIds);
    const g = await repo.insertGroup(tx, {
      organizationId: actor.organizationId,
      name: input.name,
      description: input.description,
      email: input.email ?? null,
    });
    await repo.setGroupMembers(tx, actor.organizationId, g.id, members);
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "group.created",
      entityType: "group",
      entityId: g.id,
      data: { name: g.name, memberIds: members },
      ip: actor.ip,
    });
    return presentGroup({ ...g, member_ids: members });
  });
}

/** Renames a group or replaces its members. */
export async function updateGroup(deps: Deps, actor: Actor, groupId: string, input: z.infer<typeof ZUpdateGroupRequest>) {
  return withTx(deps.db, async (tx) => {
    const g = await repo.updateGroup(tx, actor.organizationId, groupId, { name: input.name, description: input.description, email: input.email });
    if (!g) throw notFound("Group");
    if (input.memberIds) await repo.setGroupMembers(tx, actor.organizationId, groupId, await assertMembers(tx, actor.organizationId, input.memberIds));
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "group.updated",
      entityType: "group",
      entityId: groupId,
      data: input,
      ip: actor.ip,
    });
    const all = await repo.listGroups(tx, actor.organizationId);
    return presentGroup(all.find((x) => x.id === groupId) ?? { ...g, member_ids: [] });
  });
}

/** Creates the initial administrator from PORTICO_ADMIN_EMAIL / PASSWORD when no such person exists yet. */
export async function ensureInitialAdmin(deps: Deps, email: string, password: string): Promise<boolean> {
  if (await repo.findUserForLogin(deps.db, email)) return false;
  const passwordHash = await hashPassword(password);
  return withTx(deps.db, async (tx) => {
    const org = { id: (await repo.findFirstOrganizationId(tx)) ?? (await repo.insertOrganization(tx, { name: "Default organization", slug: "default" })) };
    const u = await repo.insertUser(tx, { organizationId: org.id, email, name: "Administrator", role: "admin", passwordHash });
    await repo.insertAudit(tx, {
      organizationId: org.id,
      actorId: null,
      action: "user.created",
      entityType: "user",
      entityId: u.id,
      data: { email, role: "admin", source: "PORTICO_ADMIN_EMAIL" },
    });
    return true;
  });
}
