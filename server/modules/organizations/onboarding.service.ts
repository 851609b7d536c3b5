import type { z } from "zod";
import type { TOnboardOrganizationRequest, ZOnboardOrganizationResponse } from "../../../contracts/organizations";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError } from "../../platform/http/errors";
import { importConfig } from "../config-code/config.import";
import { createMailbox } from "../email-in/email-in.service";
import { insertAudit } from "../identity/identity.repo";
import { putMailSettings } from "../notifications/notification.service";
import { putMember } from "./membership.service";
import * as copy from "./onboarding.repo";
import * as repo from "./organization.repo";
import { assertParent, getOrganization, writeProfile } from "./organization.service";

/**
 * Onboards a customer organization in one transaction: the organization below a parent the caller
 * administers (default: the organization they act in), its profile (branding, portal host, sender),
 * an inbound mailbox, its first people, a copy of chosen parts of the parent's configuration, and the
 * provider groups that serve it. Any failure leaves nothing behind.
 */
export async function onboardOrganization(deps: Deps, actor: Actor, input: TOnboardOrganizationRequest): Promise<z.infer<typeof ZOnboardOrganizationResponse>> {
  const parentId = input.parentId ?? actor.organizationId;
  return withTx(deps.db, async (tx) => {
    await assertParent(tx, actor, null, parentId);
    if (await repo.slugTaken(tx, input.slug))
      throw new AppError("CONFLICT", "Another organization uses this short name", [{ field: "body.slug", message: "taken" }]);
    const orgId = await repo.insertOrganization(tx, { name: input.name, slug: input.slug, parentId });
    if (input.profile) await writeProfile(tx, orgId, input.profile);

    const ids: copy.IdMap = new Map();
    const copied: Record<string, number> = {};
    const parts = new Set(input.copyFromParent);
    // Order matters: services and SLA targets refer to groups, calendars and categories copied before them.
    if (parts.has("groups")) copied.groups = await copy.copyGroups(tx, parentId, orgId, ids);
    if (parts.has("categories")) copied.categories = await copy.copyCategories(tx, parentId, orgId, ids);
    if (parts.has("services")) copied.services = await copy.copyServices(tx, parentId, orgId, ids);
    if (parts.has("priorityMatrix")) copied.priorityMatrix = await copy.copyPriorityMatrix(tx, parentId, orgId);
    if (parts.has("calendars") || parts.has("slaPolicies")) copied.calendars = await copy.copyCalendars(tx, parentId, orgId, ids);
    if (parts.has("slaPolicies")) copied.slaPolicies = await copy.copySlaPolicies(tx, parentId, orgId, ids);

    // Acting as the new organization's administrator for the module services that create its rows.
    const inNew: Actor = { ...actor, organizationId: orgId, role: "admin", groupIds: [] };
    const txDeps: Deps = { ...deps, db: tx };
    if (input.mail) await putMailSettings(txDeps, inNew, input.mail);
    if (input.configuration) {
      const r = await importConfig(txDeps, inNew, input.configuration, false);
      copied.configuration = r.summary.added + r.summary.changed;
    }
    let mailboxId: string | null = null;
    if (input.mailbox) {
      const mb = await createMailbox(txDeps, inNew, {
        name: input.mailbox.name ?? input.name,
        address: input.mailbox.address,
        kind: "smtp",
        active: true,
        defaultGroupId: null,
        acceptUnknownSenders: true,
      });
      mailboxId = mb.id;
    }
    const users = [];
    for (const u of input.users) users.push(await putMember(txDeps, actor, orgId, u, tx));

    if (input.servingGroupIds.length) {
      for (const gid of input.servingGroupIds) {
        if (!(await repo.findGroup(tx, actor.organizationId, gid)))
          throw new AppError("VALIDATION_FAILED", "Serving groups must be groups of your organization", [{ field: "body.servingGroupIds", message: gid }]);
        await repo.setServed(tx, actor.organizationId, gid, [...new Set([...(await repo.listServed(tx, gid)), orgId])]);
      }
    }
    await insertAudit(tx, {
      organizationId: orgId,
      actorId: actor.userId,
      action: "organization.onboarded",
      entityType: "organization",
      entityId: orgId,
      data: {
        name: input.name,
        slug: input.slug,
        parentId,
        copied,
        users: users.length,
        mailbox: input.mailbox?.address ?? null,
        by_organization: actor.organizationId,
      },
      ip: actor.ip,
    });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "organization.created",
      entityType: "organization",
      entityId: orgId,
      data: { name: input.name, slug: input.slug, parentId },
      ip: actor.ip,
    });
    return { organization: await getOrganization(txDeps, actor, orgId, tx), users, mailboxId, copied };
  });
}
