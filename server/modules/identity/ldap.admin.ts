import type { z } from "zod";
import type { ZCreateLdapDirectory, ZUpdateLdapDirectory } from "../../../contracts/sso";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError, notFound } from "../../platform/http/errors";
import * as repo from "./identity.repo";
import * as ldapRepo from "./ldap.repo";
import { type SyncResult, syncDirectory, testDirectory } from "./ldap.service";
import { sealNullable } from "../../platform/secrets";

type Row = NonNullable<Awaited<ReturnType<typeof ldapRepo.findDirectory>>>;

function present(d: Row) {
  return {
    id: d.id,
    name: d.name,
    url: d.url,
    bindDn: d.bind_dn,
    hasBindPassword: Boolean(d.bind_password),
    baseDn: d.base_dn,
    userFilter: d.user_filter,
    groupBaseDn: d.group_base_dn,
    groupFilter: d.group_filter,
    disabledFilter: d.disabled_filter,
    attributeMap: d.attribute_map,
    defaultRole: d.default_role,
    loginEnabled: d.login_enabled,
    syncEnabled: d.sync_enabled,
    lastSyncAt: d.last_sync_at ? new Date(d.last_sync_at).toISOString() : null,
    lastSyncResult: (d.last_sync_result as Record<string, unknown> | null) ?? null,
  };
}

/** The organization's directories (admins; bind passwords never returned). */
export async function listDirectories(deps: Deps, actor: Actor) {
  return (await ldapRepo.listDirectories(deps.db, actor.organizationId)).map(present);
}

/** Adds an LDAP / Active Directory connection. */
export async function createDirectory(deps: Deps, actor: Actor, input: z.infer<typeof ZCreateLdapDirectory>) {
  return withTx(deps.db, async (tx) => {
    const d = await ldapRepo.insertDirectory(tx, actor.organizationId, {
      name: input.name,
      url: input.url,
      bind_dn: input.bindDn,
      bind_password: sealNullable(input.bindPassword) ?? null,
      base_dn: input.baseDn,
      user_filter: input.userFilter,
      group_base_dn: input.groupBaseDn || null,
      group_filter: input.groupFilter,
      disabled_filter: input.disabledFilter,
      attribute_map: input.attributeMap,
      default_role: input.defaultRole,
      login_enabled: input.loginEnabled,
      sync_enabled: input.syncEnabled,
    });
    const { bindPassword: _p, ...audited } = input;
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "directory.created",
      entityType: "ldap_directory",
      entityId: d.id,
      data: audited,
      ip: actor.ip,
    });
    return present(d);
  });
}

/** Changes a directory connection (the bind password only when sent). */
export async function updateDirectory(deps: Deps, actor: Actor, id: string, input: z.infer<typeof ZUpdateLdapDirectory>) {
  return withTx(deps.db, async (tx) => {
    const d = await ldapRepo.updateDirectory(tx, actor.organizationId, id, {
      name: input.name,
      url: input.url,
      bind_dn: input.bindDn,
      bind_password: sealNullable(input.bindPassword),
      base_dn: input.baseDn,
      user_filter: input.userFilter,
      group_base_dn: input.groupBaseDn === "" ? null : input.groupBaseDn,
      group_filter: input.groupFilter,
      disabled_filter: input.disabledFilter,
      attribute_map: input.attributeMap,
      default_role: input.defaultRole,
      login_enabled: input.loginEnabled,
      sync_enabled: input.syncEnabled,
    });
    if (!d) throw notFound("Directory");
    const { bindPassword, ...audited } = input;
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "directory.updated",
      entityType: "ldap_directory",
      entityId: id,
      data: { ...audited, passwordChanged: bindPassword !== undefined },
      ip: actor.ip,
    });
    return present(d);
  });
}

/** Removes a directory (its people stay, as local accounts without a password). */
export async function deleteDirectory(deps: Deps, actor: Actor, id: string): Promise<void> {
  await withTx(deps.db, async (tx) => {
    if (!(await ldapRepo.deleteDirectory(tx, actor.organizationId, id))) throw notFound("Directory");
    await repo.insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "directory.deleted",
      entityType: "ldap_directory",
      entityId: id,
      ip: actor.ip,
    });
  });
}

/** Binds and counts the people the filter matches (the admin's "test connection"). */
export async function testDirectoryConnection(deps: Deps, actor: Actor, id: string) {
  const d = await ldapRepo.findDirectory(deps.db, actor.organizationId, id);
  if (!d) throw notFound("Directory");
  return testDirectory(d);
}

/** Runs a sync now and answers with its counts (the schedule does the same every 15 minutes). */
export async function syncDirectoryNow(deps: Deps, actor: Actor, id: string): Promise<SyncResult> {
  if (!(await ldapRepo.findDirectory(deps.db, actor.organizationId, id))) throw notFound("Directory");
  try {
    return await syncDirectory(deps, actor.organizationId, id, actor.userId);
  } catch (err) {
    throw new AppError("SERVICE_UNAVAILABLE", `The directory could not be read: ${(err as Error).message}`);
  }
}
