import { randomBytes } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";
import type { TMfaChallenge, TMfaVerifyRequest } from "../../../contracts/sso";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, notFound } from "../../platform/http/errors";
import * as repo from "./identity.repo";
import * as mfaRepo from "./mfa.repo";
import { type OpenedSession, openSession } from "./session.service";
import { hashSecret, newSecret } from "./tokens";
import { openSecret } from "../../platform/secrets";

const CHALLENGE_MINUTES = 5;
/** Wrong codes allowed on one challenge before it is void (the person starts again with the password). */
const CHALLENGE_ATTEMPTS = 5;
/** Wrong codes per person within the window before their second factor is locked for a while. */
const MFA_MAX_FAILURES = 10;
const RECOVERY_CODES = 10;
const ISSUER = "Portico";

const isStaff = (role: string) => role === "agent" || role === "admin";

/** Recovery codes are compared case- and dash-insensitively. */
function recoveryHash(code: string): Buffer {
  return hashSecret(code.toLowerCase().replace(/[^a-z0-9]/g, ""));
}

function newRecoveryCodes(): string[] {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length: RECOVERY_CODES }, () => {
    const b = randomBytes(10);
    const s = Array.from(b, (x) => alphabet[x % alphabet.length]).join("");
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
}

/** Checks a TOTP code (±1 step of clock drift) that was not used before; returns the time step or null. */
async function checkTotp(stored: string, code: string, lastTimeStep: string | null): Promise<number | null> {
  const r = await verify({
    secret: openSecret(stored),
    token: code,
    epochTolerance: 30,
    afterTimeStep: lastTimeStep === null ? undefined : Number(lastTimeStep),
  }).catch(() => null);
  return r?.valid && "timeStep" in r ? r.timeStep : null;
}

/**
 * After a right password: the second step this person owes, if any. With TOTP enabled → `verify`;
 * without it but required by the organization for staff → `enrol`; otherwise null (open a session).
 */
export async function secondStepFor(
  deps: Deps,
  user: { id: string; organization_id: string; role: string },
  method: "password" | "ldap",
  ip: string | null,
): Promise<TMfaChallenge | null> {
  const mfa = await mfaRepo.findMfa(deps.db, user.id);
  let kind: "verify" | "enrol" | null = mfa?.enabled_at ? "verify" : null;
  if (!kind && isStaff(user.role) && (await mfaRepo.findPolicy(deps.db, user.organization_id)).require_mfa_for_staff) kind = "enrol";
  if (!kind) return null;
  const token = newSecret("mfa_");
  const expiresAt = new Date(Date.now() + CHALLENGE_MINUTES * 60_000);
  await withTx(deps.db, async (tx) => {
    await mfaRepo.insertChallenge(tx, { tokenHash: hashSecret(token), userId: user.id, organizationId: user.organization_id, kind, method, expiresAt });
    await repo.insertAudit(tx, {
      organizationId: user.organization_id,
      actorId: user.id,
      action: kind === "verify" ? "auth.mfa_challenged" : "auth.mfa_enrolment_required",
      entityType: "user",
      entityId: user.id,
      data: { method },
      ip,
    });
  });
  return { mfa: kind, challengeToken: token, expiresAt: expiresAt.toISOString() };
}

async function assertNotLocked(db: DbOrTx, userId: string): Promise<void> {
  const t = await repo.getThrottle(db, `mfa:${userId}`);
  if (t?.locked_until && new Date(t.locked_until).getTime() > Date.now()) {
    const retry = Math.ceil((new Date(t.locked_until).getTime() - Date.now()) / 1000);
    throw new AppError("TOO_MANY_LOGIN_ATTEMPTS", "Too many wrong codes; try again later", undefined, { "retry-after": String(retry) });
  }
}

const invalidChallenge = () => new AppError("UNAUTHENTICATED", "The sign-in step has expired or was already used; sign in again");

/**
 * Second step: checks a TOTP or recovery code against a pending challenge and opens the session.
 * Wrong codes are counted per challenge (void after 5) and per person (locked after 10 in 15 minutes).
 */
export async function verifyChallenge(deps: Deps, input: TMfaVerifyRequest, ip: string | null, userAgent: string | null): Promise<OpenedSession> {
  const cfg = deps.config;
  const outcome = await withTx(deps.db, async (tx) => {
    const c = await mfaRepo.findChallengeForUpdate(tx, hashSecret(input.challengeToken));
    if (c?.kind !== "verify" || !c.active) return { error: invalidChallenge() };
    await assertNotLocked(tx, c.user_id);
    const mfa = await mfaRepo.findMfa(tx, c.user_id, true);
    if (!mfa?.enabled_at) return { error: invalidChallenge() };
    let how: "totp" | "recovery" | null = null;
    if (input.code) {
      const step = await checkTotp(mfa.secret, input.code, mfa.last_time_step);
      if (step !== null) {
        await mfaRepo.setLastTimeStep(tx, c.user_id, step);
        how = "totp";
      }
    } else if (input.recoveryCode && (await mfaRepo.spendRecoveryCode(tx, c.user_id, recoveryHash(input.recoveryCode)))) how = "recovery";
    if (!how) {
      const attempts = await mfaRepo.bumpChallengeAttempts(tx, c.id);
      if (attempts >= CHALLENGE_ATTEMPTS) await mfaRepo.deleteChallenge(tx, c.id);
      await repo.recordFailure(tx, `mfa:${c.user_id}`, MFA_MAX_FAILURES, 15, cfg.PORTICO_LOGIN_LOCK_MINUTES);
      await repo.insertAudit(tx, {
        organizationId: c.organization_id,
        actorId: c.user_id,
        action: "auth.mfa_failed",
        entityType: "user",
        entityId: c.user_id,
        data: { kind: input.code ? "totp" : "recovery", attempts },
        ip,
      });
      return { error: new AppError("UNAUTHENTICATED", attempts >= CHALLENGE_ATTEMPTS ? "Too many wrong codes; sign in again" : "Wrong code") };
    }
    await mfaRepo.deleteChallenge(tx, c.id);
    await repo.clearThrottle(tx, `mfa:${c.user_id}`);
    const left = how === "recovery" ? await mfaRepo.countRecoveryCodes(tx, c.user_id) : undefined;
    const session = await openSession(
      deps,
      { id: c.user_id, organization_id: c.organization_id },
      { ip, userAgent, method: `${c.method}+${how}`, data: left === undefined ? {} : { recoveryCodesLeft: left } },
      tx,
    );
    return { session };
  });
  if ("error" in outcome) throw outcome.error;
  return outcome.session;
}

async function startSetup(tx: DbOrTx, userId: string, orgId: string, email: string) {
  const existing = await mfaRepo.findMfa(tx, userId, true);
  if (existing?.enabled_at) throw new AppError("CONFLICT", "Two-step verification is already on; turn it off first to set up a new authenticator");
  const secret = generateSecret();
  await mfaRepo.putPendingSecret(tx, userId, orgId, secret);
  return { secret, otpauthUri: generateURI({ issuer: ISSUER, label: email, secret }) };
}

async function confirmSetup(tx: DbOrTx, userId: string, orgId: string, code: string, ip: string | null): Promise<string[] | null> {
  const mfa = await mfaRepo.findMfa(tx, userId, true);
  if (!mfa) throw new AppError("CONFLICT", "Set up an authenticator first");
  if (mfa.enabled_at) throw new AppError("CONFLICT", "Two-step verification is already on");
  const step = await checkTotp(mfa.secret, code, null);
  if (step === null) return null;
  await mfaRepo.enableMfa(tx, userId, step);
  const codes = newRecoveryCodes();
  await mfaRepo.replaceRecoveryCodes(tx, userId, orgId, codes.map(recoveryHash));
  await repo.insertAudit(tx, { organizationId: orgId, actorId: userId, action: "mfa.enabled", entityType: "user", entityId: userId, ip });
  return codes;
}

/** Whether the person has two-step verification, and whether their organization requires it. */
export async function getMfaStatus(deps: Deps, actor: Actor) {
  const mfa = await mfaRepo.findMfa(deps.db, actor.userId);
  const policy = await mfaRepo.findPolicy(deps.db, actor.organizationId);
  return {
    enabled: Boolean(mfa?.enabled_at),
    pending: Boolean(mfa && !mfa.enabled_at),
    recoveryCodesLeft: mfa?.enabled_at ? await mfaRepo.countRecoveryCodes(deps.db, actor.userId) : 0,
    required: policy.require_mfa_for_staff && isStaff(actor.role),
  };
}

/** Starts setting up an authenticator for the signed-in person: a new secret and its otpauth URI. */
export async function setupMfa(deps: Deps, actor: Actor) {
  const me = await repo.findMe(deps.db, actor.userId);
  if (!me) throw notFound("Person");
  return withTx(deps.db, (tx) => startSetup(tx, actor.userId, actor.organizationId, me.email));
}

/** Confirms the new authenticator with a first code; returns the recovery codes (shown once). */
export async function activateMfa(deps: Deps, actor: Actor, code: string): Promise<string[]> {
  const codes = await withTx(deps.db, (tx) => confirmSetup(tx, actor.userId, actor.organizationId, code, actor.ip ?? null));
  if (!codes)
    throw new AppError("VALIDATION_FAILED", "That code is not right; check the time on your phone and try the next code", [
      { field: "body.code", message: "wrong code" },
    ]);
  return codes;
}

/** Checks a current TOTP or unused recovery code of the signed-in person (for sensitive changes). */
async function assertSecondFactor(tx: DbOrTx, userId: string, input: { code?: string; recoveryCode?: string }): Promise<void> {
  await assertNotLocked(tx, userId);
  const mfa = await mfaRepo.findMfa(tx, userId, true);
  if (!mfa?.enabled_at) throw new AppError("CONFLICT", "Two-step verification is not on");
  if (input.code) {
    const step = await checkTotp(mfa.secret, input.code, mfa.last_time_step);
    if (step !== null) return mfaRepo.setLastTimeStep(tx, userId, step);
  } else if (input.recoveryCode && (await mfaRepo.spendRecoveryCode(tx, userId, recoveryHash(input.recoveryCode)))) return;
  throw new AppError("VALIDATION_FAILED", "Wrong code", [{ field: input.code ? "body.code" : "body.recoveryCode", message: "wrong code" }]);
}

/** New recovery codes (the old ones stop working); needs a current code. */
export async function regenerateRecoveryCodes(deps: Deps, actor: Actor, input: { code?: string; recoveryCode?: string }): Promise<string[]> {
  return withTx(deps.db, async (tx) => {
    await assertSecondFactor(tx, actor.userId, input);
    const codes = newRecoveryCodes();
    await mfaRepo.replaceRecoveryCodes(tx, actor.userId, actor.organizationId, codes.map(recoveryHash));
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "mfa.recovery_codes_regenerated",
      entityType: "user",
      entityId: actor.userId,
      ip: actor.ip,
    });
    return codes;
  });
}

/** Turns two-step verification off for the signed-in person (needs a code; refused when the organization requires it). */
export async function disableMfa(deps: Deps, actor: Actor, input: { code?: string; recoveryCode?: string }): Promise<void> {
  const policy = await mfaRepo.findPolicy(deps.db, actor.organizationId);
  if (policy.require_mfa_for_staff && isStaff(actor.role)) throw new AppError("CONFLICT", "Your organization requires two-step verification");
  await withTx(deps.db, async (tx) => {
    await assertSecondFactor(tx, actor.userId, input);
    await mfaRepo.deleteMfa(tx, actor.userId);
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "mfa.disabled",
      entityType: "user",
      entityId: actor.userId,
      ip: actor.ip,
    });
  });
}

/** An admin removes a person's authenticator (lost phone): they sign in with the password and set it up again. */
export async function resetMfa(deps: Deps, actor: Actor, userId: string): Promise<void> {
  await withTx(deps.db, async (tx) => {
    if (!(await repo.findUserInOrg(tx, actor.organizationId, userId))) throw notFound("Person");
    if (!(await mfaRepo.deleteMfa(tx, userId))) throw new AppError("CONFLICT", "This person has no two-step verification");
    await repo.deleteSessionsOfUser(tx, userId);
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "mfa.reset",
      entityType: "user",
      entityId: userId,
      ip: actor.ip,
    });
  });
}

function enrolChallenge(tx: DbOrTx, token: string) {
  return mfaRepo.findChallengeForUpdate(tx, hashSecret(token)).then((c) => {
    if (c?.kind !== "enrol" || !c.active) throw invalidChallenge();
    return c;
  });
}

/** Enrolment during sign-in (organization requires MFA): a secret for the pending person. */
export async function setupMfaDuringSignIn(deps: Deps, challengeToken: string) {
  return withTx(deps.db, async (tx) => {
    const c = await enrolChallenge(tx, challengeToken);
    return startSetup(tx, c.user_id, c.organization_id, c.email);
  });
}

/** Enrolment during sign-in: confirms the authenticator, opens the session and returns recovery codes. */
export async function activateMfaDuringSignIn(
  deps: Deps,
  input: { challengeToken: string; code: string },
  ip: string | null,
  userAgent: string | null,
): Promise<{ session: OpenedSession; recoveryCodes: string[] }> {
  const outcome = await withTx(deps.db, async (tx) => {
    const c = await enrolChallenge(tx, input.challengeToken);
    await assertNotLocked(tx, c.user_id);
    const codes = await confirmSetup(tx, c.user_id, c.organization_id, input.code, ip);
    if (!codes) {
      const attempts = await mfaRepo.bumpChallengeAttempts(tx, c.id);
      if (attempts >= CHALLENGE_ATTEMPTS) await mfaRepo.deleteChallenge(tx, c.id);
      await repo.recordFailure(tx, `mfa:${c.user_id}`, MFA_MAX_FAILURES, 15, deps.config.PORTICO_LOGIN_LOCK_MINUTES);
      return null;
    }
    await mfaRepo.deleteChallenge(tx, c.id);
    const session = await openSession(
      deps,
      { id: c.user_id, organization_id: c.organization_id },
      { ip, userAgent, method: `${c.method}+totp`, data: { enrolled: true } },
      tx,
    );
    return { session, recoveryCodes: codes };
  });
  if (!outcome) throw new AppError("VALIDATION_FAILED", "That code is not right", [{ field: "body.code", message: "wrong code" }]);
  return outcome;
}
