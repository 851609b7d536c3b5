import type { z } from "zod";
import type { ZPutMemberRequest, ZSwitchOrganizationResponse } from "../../../contracts/organizations";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import type { Principal } from "../../platform/http/auth";
import { AppError, notFound } from "../../platform/http/errors";
import { publishLive } from "../../platform/live/live";
import { insertAudit, insertUser } from "../identity/identity.repo";
import { hashPassword } from "../identity/password";
import { loadMe } from "../identity/session.service";
import { assertAdministers } from "./organization.service";
import * as repo from "./organization.repo";

/**
 * Moves the caller's browser session to another organization they belong to: from the next request on,
 * every query acts in that organization with their role and groups there. Audited in both organizations;
 * the session's live streams end (on every instance) so the browser reconnects to the new channel.
 */
export async function switchOrganization(
  deps: Deps,
  p: Principal,
  organizationId: string,
  ip: string | null,
): Promise<z.infer<typeof ZSwitchOrganizationResponse>> {
  if (p.via !== "session" || !p.sessionId) throw new AppError("FORBIDDEN", "An API token acts in the organization it was created in; create one there");
  const m = await repo.findMembership(deps.db, p.userId, organizationId);
  if (!m) throw notFound("Organization");
  if (organizationId !== p.organizationId) {
    await withTx(deps.db, async (tx) => {
      await repo.setSessionOrganization(tx, p.sessionId as string, organizationId);
      for (const [org, action] of [
        [p.organizationId, "session.organization_left"],
        [organizationId, "session.organization_entered"],
      ] as const) {
        await insertAudit(tx, {
          organizationId: org,
          actorId: p.userId,
          action,
          entityType: "user",
          entityId: p.userId,
          data: { from: p.organizationId, to: organizationId },
          ip,
        });
      }
      await publishLive(tx, { type: "session.switched", organizationId: p.organizationId, id: p.sessionId as string });
    });
  }
  const me = await loadMe(deps.db, p.userId, organizationId);
  if (!me) throw notFound("Organization");
  return { user: me, csrfToken: p.csrfToken ?? "" };
}

/** Where the caller could work next: per membership, counts of open items (never the items). */
export async function organizationSummary(deps: Deps, actor: Actor) {
  const rows = await repo.summaryOf(deps.db, actor.userId);
  return {
    items: rows.map((r) => ({
      organization: { id: r.id, name: r.name, slug: r.slug },
      role: r.role,
      active: r.id === actor.organizationId,
      assignedToMe: r.assigned,
      unassignedInMyGroups: r.group_unassigned,
      unassigned: r.unassigned,
      requestedByMe: r.requested,
    })),
  };
}

/** The members of an organization the caller administers. */
export async function listMembers(deps: Deps, actor: Actor, orgId: string) {
  await assertAdministers(deps.db, actor, orgId);
  return { items: await repo.listMembers(deps.db, orgId) };
}

/**
 * Adds a person to an organization with a role there (or changes their role / manager flag). An unknown
 * address creates the person with this organization as home; a known one must be at home in an
 * organization the caller administers. A home membership's role is the person's
 * own role (users.role), so it is changed there.
 */
export async function putMember(deps: Deps, actor: Actor, orgId: string, input: z.infer<typeof ZPutMemberRequest>, outer?: DbOrTx) {
  if (!outer) await assertAdministers(deps.db, actor, orgId);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return withTx(outer ?? deps.db, async (tx) => {
    let user = await repo.findUserByEmail(tx, input.email);
    // Only people whose home the caller administers: a customer's admin cannot pull in (or learn the
    // name of) someone of another customer; the provider's admin, above both, can.
    if (user && !(await repo.orgChain(tx, user.organization_id)).includes(actor.organizationId))
      throw new AppError("CONFLICT", "This address belongs to a person outside the organizations you administer", [
        { field: "body.email", message: "belongs to another organization" },
      ]);
    let created = false;
    if (!user) {
      if (!input.name) throw new AppError("VALIDATION_FAILED", "A new person needs a name", [{ field: "body.name", message: "required for a new person" }]);
      const u = await insertUser(tx, { organizationId: orgId, email: input.email, name: input.name, role: input.role, passwordHash });
      user = { id: u.id, organization_id: orgId, name: u.name, email: u.email, role: u.role, active: true };
      created = true;
    }
    if (user.organization_id === orgId) {
      if (!created && user.role !== input.role) {
        await tx.updateTable("users").set({ role: input.role, updated_at: new Date() }).where("id", "=", user.id).execute();
        if (input.role === "requester") await repo.removeFromGroupsOfOrg(tx, user.id, orgId);
      }
      await repo.setOrganizationManager(tx, user.id, orgId, input.organizationManager);
    } else {
      await repo.upsertDirectMembership(tx, { userId: user.id, orgId, role: input.role, organizationManager: input.organizationManager });
      if (input.role === "requester") await repo.removeFromGroupsOfOrg(tx, user.id, orgId);
    }
    await insertAudit(tx, {
      organizationId: orgId,
      actorId: actor.userId,
      action: created ? "membership.created_with_user" : "membership.updated",
      entityType: "user",
      entityId: user.id,
      data: { role: input.role, organizationManager: input.organizationManager, by_organization: actor.organizationId },
      ip: actor.ip,
    });
    const m = (await repo.listMembers(tx, orgId)).find((x) => x.userId === user.id);
    if (!m) throw new Error("membership vanished");
    return m;
  });
}

/** Ends a direct membership (and the person's group memberships there); home and derived ones are not removed here. */
export async function removeMember(deps: Deps, actor: Actor, orgId: string, userId: string) {
  await assertAdministers(deps.db, actor, orgId);
  await withTx(deps.db, async (tx) => {
    const m = await repo.findMembership(tx, userId, orgId);
    if (!m) throw notFound("Member");
    if (m.source === "home") throw new AppError("CONFLICT", "This is the person's home organization; deactivate the person instead");
    if (m.source === "derived") throw new AppError("CONFLICT", "This membership comes from a serving group; take the person out of that group");
    await repo.removeFromGroupsOfOrg(tx, userId, orgId);
    await repo.deleteDirectMembership(tx, userId, orgId);
    await insertAudit(tx, {
      organizationId: orgId,
      actorId: actor.userId,
      action: "membership.removed",
      entityType: "user",
      entityId: userId,
      data: { by_organization: actor.organizationId },
      ip: actor.ip,
    });
  });
}

/** The organizations a group of the caller's organization serves. */
export async function getServed(deps: Deps, actor: Actor, groupId: string) {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Administrators only");
  if (!(await repo.findGroup(deps.db, actor.organizationId, groupId))) throw notFound("Group");
  return { organizationIds: await repo.listServed(deps.db, groupId) };
}

/**
 * Sets which organizations a provider group serves: its agents (and admins) get agent membership there,
 * recomputed by the database whenever the group, its members or this list change. Only organizations
 * below the caller's may be served.
 */
export async function setServed(deps: Deps, actor: Actor, groupId: string, organizationIds: string[]) {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Administrators only");
  const ids = [...new Set(organizationIds)];
  return withTx(deps.db, async (tx) => {
    if (!(await repo.findGroup(tx, actor.organizationId, groupId))) throw notFound("Group");
    for (const id of ids) {
      const chain = await repo.orgChain(tx, id);
      if (id === actor.organizationId || !chain.includes(actor.organizationId))
        throw new AppError("VALIDATION_FAILED", "A group can serve only organizations below yours", [{ field: "body.organizationIds", message: id }]);
    }
    const before = await repo.listServed(tx, groupId);
    await repo.setServed(tx, actor.organizationId, groupId, ids);
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "group.served_organizations_changed",
      entityType: "group",
      entityId: groupId,
      data: { before, after: ids },
      ip: actor.ip,
    });
    return { organizationIds: await repo.listServed(tx, groupId) };
  });
}
