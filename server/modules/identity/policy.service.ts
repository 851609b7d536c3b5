import type { z } from "zod";
import type { ZUpdateIdentityPolicy } from "../../../contracts/sso";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError } from "../../platform/http/errors";
import * as repo from "./identity.repo";
import * as mfaRepo from "./mfa.repo";
import { hashSecret, newSecret } from "./tokens";

export const SCIM_TOKEN_PREFIX = "pscim_";

function present(p: Awaited<ReturnType<typeof mfaRepo.findPolicy>>) {
  return {
    requireMfaForStaff: p.require_mfa_for_staff,
    localLoginEnabled: p.local_login_enabled,
    scimDefaultRole: p.scim_default_role,
    scimToken:
      p.scim_token_prefix && p.scim_token_created_at ? { prefix: p.scim_token_prefix, createdAt: new Date(p.scim_token_created_at).toISOString() } : null,
  };
}

/** The organization's identity policy (MFA for staff, password sign-in, SCIM). */
export async function getIdentityPolicy(deps: Deps, actor: Actor) {
  return present(await mfaRepo.findPolicy(deps.db, actor.organizationId));
}

/** Changes the identity policy; switching password sign-in off needs an SSO route in (a provider or directory) — admins keep theirs. */
export async function updateIdentityPolicy(deps: Deps, actor: Actor, input: z.infer<typeof ZUpdateIdentityPolicy>) {
  return withTx(deps.db, async (tx) => {
    if (input.localLoginEnabled === false) {
      const routes = await tx
        .selectFrom("oidc_providers")
        .select("id")
        .where("organization_id", "=", actor.organizationId)
        .where("enabled", "=", true)
        .union(tx.selectFrom("ldap_directories").select("id").where("organization_id", "=", actor.organizationId).where("login_enabled", "=", true))
        .execute();
      if (routes.length === 0) throw new AppError("CONFLICT", "Add an identity provider or directory before switching password sign-in off");
    }
    await mfaRepo.upsertPolicy(tx, actor.organizationId, {
      require_mfa_for_staff: input.requireMfaForStaff,
      local_login_enabled: input.localLoginEnabled,
      scim_default_role: input.scimDefaultRole,
    });
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "identity_policy.updated",
      entityType: "organization",
      entityId: actor.organizationId,
      data: input,
      ip: actor.ip,
    });
    return present(await mfaRepo.findPolicy(tx, actor.organizationId));
  });
}

/** Issues a new SCIM bearer token for the organization (the previous one stops working); shown once. */
export async function rotateScimToken(deps: Deps, actor: Actor) {
  const token = newSecret(SCIM_TOKEN_PREFIX);
  const prefix = token.slice(0, SCIM_TOKEN_PREFIX.length + 6);
  await withTx(deps.db, async (tx) => {
    await mfaRepo.upsertPolicy(tx, actor.organizationId, { scim_token_hash: hashSecret(token), scim_token_prefix: prefix, scim_token_created_at: new Date() });
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "scim_token.created",
      entityType: "organization",
      entityId: actor.organizationId,
      data: { prefix },
      ip: actor.ip,
    });
  });
  return { token, prefix };
}

/** Revokes the organization's SCIM token. */
export async function revokeScimToken(deps: Deps, actor: Actor): Promise<void> {
  await withTx(deps.db, async (tx) => {
    await mfaRepo.upsertPolicy(tx, actor.organizationId, { scim_token_hash: null, scim_token_prefix: null, scim_token_created_at: null });
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "scim_token.revoked",
      entityType: "organization",
      entityId: actor.organizationId,
      ip: actor.ip,
    });
  });
}
