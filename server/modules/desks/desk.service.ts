import type { TCreateDeskRequest, TDesk, TUpdateDeskRequest } from "../../../contracts/desks";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { insertAudit } from "../identity/identity.repo";
import { isStaffActor } from "../work-items/work-item.policy";
import * as repo from "./desk.repo";

function present(d: repo.DeskRow, staff: boolean): TDesk {
  return {
    id: d.id,
    name: d.name,
    slug: d.slug,
    brandingName: d.branding_name,
    description: d.description,
    icon: d.icon,
    position: d.position,
    active: d.active,
    memberIds: staff ? d.member_ids : [],
    groupIds: staff ? d.group_ids : [],
    categoryIds: d.category_ids,
  };
}

/** The organization's desks in portal order; staff also see inactive ones when asking for all. */
export async function listDesks(deps: Deps, actor: Actor, opts: { all?: boolean } = {}): Promise<TDesk[]> {
  const staff = isStaffActor(actor);
  return (await repo.listDesks(deps.db, actor.organizationId, staff && Boolean(opts.all))).map((d) => present(d, staff));
}

/** One desk by id or slug (inactive desks only for staff). */
export async function getDesk(deps: Deps, actor: Actor, ref: string): Promise<TDesk> {
  return present(await findDeskFor(deps.db, actor, ref), isStaffActor(actor));
}

/** The desk as the actor may see it (404 otherwise); for other modules checking a desk reference. */
export async function findDeskFor(db: DbOrTx, actor: Actor, ref: string): Promise<repo.DeskRow> {
  const d = await repo.findDesk(db, actor.organizationId, ref);
  if (!d || (!d.active && !isStaffActor(actor))) throw notFound("Desk");
  return d;
}

async function assertOwned(db: DbOrTx, orgId: string, input: { memberIds?: string[]; groupIds?: string[]; categoryIds?: string[] }) {
  const checks = [
    ["memberIds", "staff", "every member must be an active agent or admin of this organization"],
    ["groupIds", "groups", "no such group in this organization"],
    ["categoryIds", "categories", "no such category in this organization"],
  ] as const;
  for (const [field, kind, message] of checks) {
    const ids = input[field];
    if (ids && (await repo.countOwned(db, kind, orgId, [...new Set(ids)])) !== new Set(ids).size) throw invalidField(`body.${field}`, message);
  }
}

/** Creates a desk with its agents, groups and categories (admins). */
export async function createDesk(deps: Deps, actor: Actor, input: TCreateDeskRequest): Promise<TDesk> {
  return withTx(deps.db, async (tx) => {
    if (await repo.slugTaken(tx, actor.organizationId, input.slug))
      throw new AppError("CONFLICT", "Another desk already uses this URL name", [{ field: "body.slug", message: "already in use" }]);
    await assertOwned(tx, actor.organizationId, input);
    const { id } = await repo.insertDesk(tx, { ...input, brandingName: input.brandingName ?? input.name, organizationId: actor.organizationId });
    await repo.setDeskMembers(tx, actor.organizationId, id, [...new Set(input.memberIds)]);
    await repo.setDeskOf(tx, "groups", actor.organizationId, id, input.groupIds);
    await repo.setDeskOf(tx, "categories", actor.organizationId, id, input.categoryIds);
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "desk.created",
      entityType: "desk",
      entityId: id,
      data: { ...input },
      ip: actor.ip,
    });
    return getDesk({ ...deps, db: tx }, actor, id);
  });
}

/** Changes a desk, its agents, groups or categories (admins). */
export async function updateDesk(deps: Deps, actor: Actor, ref: string, input: TUpdateDeskRequest): Promise<TDesk> {
  return withTx(deps.db, async (tx) => {
    const d = await repo.findDesk(tx, actor.organizationId, ref);
    if (!d) throw notFound("Desk");
    if (input.slug && (await repo.slugTaken(tx, actor.organizationId, input.slug, d.id)))
      throw new AppError("CONFLICT", "Another desk already uses this URL name", [{ field: "body.slug", message: "already in use" }]);
    await assertOwned(tx, actor.organizationId, input);
    await repo.updateDesk(tx, actor.organizationId, d.id, {
      name: input.name,
      slug: input.slug,
      branding_name: input.brandingName,
      description: input.description,
      icon: input.icon,
      position: input.position,
      active: input.active,
    });
    if (input.memberIds) await repo.setDeskMembers(tx, actor.organizationId, d.id, [...new Set(input.memberIds)]);
    if (input.groupIds) await repo.setDeskOf(tx, "groups", actor.organizationId, d.id, input.groupIds);
    if (input.categoryIds) await repo.setDeskOf(tx, "categories", actor.organizationId, d.id, input.categoryIds);
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "desk.updated",
      entityType: "desk",
      entityId: d.id,
      data: { ...input },
      ip: actor.ip,
    });
    return getDesk({ ...deps, db: tx }, actor, d.id);
  });
}
