import type { TCatalogItem, TCatalogItemSummary, TCreateCatalogItemRequest, TUpdateCatalogItemRequest } from "../../../contracts/catalog";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, type Tx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { assertApprovalChain } from "../approvals/approval.service";
import { findDeskFor } from "../desks/desk.service";
import { insertAudit } from "../identity/identity.repo";
import { isStaffActor } from "../work-items/work-item.policy";
import * as repo from "./catalog.repo";

/** May this person order an item with this audience? */
function inAudience(actor: Actor, audience: repo.CatalogItemRow["audience"], isManager: boolean): boolean {
  if (audience === "everyone") return true;
  if (audience === "staff") return isStaffActor(actor);
  return isManager || actor.role === "admin";
}

function summary(r: repo.CatalogItemRow): TCatalogItemSummary {
  return {
    id: r.id,
    name: r.name,
    summary: r.summary,
    icon: r.icon,
    desk: r.desk,
    category: r.category,
    audience: r.audience,
    active: r.active,
    version: r.version,
    approvalStages: r.approvals.length,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

function present(r: repo.CatalogItemRow, actor: Actor, isManager: boolean): TCatalogItem {
  return {
    ...summary(r),
    versionId: r.current_version_id,
    description: r.description,
    form: r.form,
    approvals: r.approvals,
    fulfilment: isStaffActor(actor) ? r.fulfilment : [],
    canRequest: r.active && inAudience(actor, r.audience, isManager),
  };
}

/** The catalog as the caller may order from it (admins may ask for everything, inactive items included). */
export async function listCatalog(deps: Deps, actor: Actor, q: { desk?: string; categoryId?: string; q?: string; all?: "true" | "false"; limit: number }) {
  const everything = q.all === "true" && actor.role === "admin";
  const deskId = q.desk ? (await findDeskFor(deps.db, actor, q.desk)).id : undefined;
  let audiences: string[] | null = null;
  if (!everything) {
    audiences = ["everyone"];
    if (isStaffActor(actor)) audiences.push("staff");
    if (actor.role === "admin" || (await repo.managesSomeone(deps.db, actor.userId))) audiences.push("managers");
  }
  const rows = await repo.listItems(deps.db, actor.organizationId, {
    deskId,
    categoryId: q.categoryId,
    q: q.q,
    activeOnly: !everything,
    audiences,
    limit: q.limit,
  });
  return rows.map(summary);
}

/** One item's current version; hidden from those outside its audience unless they are admins. */
export async function getCatalogItem(deps: Deps, actor: Actor, id: string): Promise<TCatalogItem> {
  const r = await repo.findItem(deps.db, actor.organizationId, id);
  const isManager = await repo.managesSomeone(deps.db, actor.userId);
  if (!r || (actor.role !== "admin" && (!r.active || !inAudience(actor, r.audience, isManager)))) throw notFound("Catalog item");
  return present(r, actor, isManager);
}

/** The current version of an item the actor may order, for a new request (403 outside the audience, 409 if inactive). */
export async function loadOrderableItem(tx: DbOrTx, actor: Actor, id: string): Promise<repo.CatalogItemRow> {
  const r = await repo.findItem(tx, actor.organizationId, id);
  if (!r) throw invalidField("body.catalogItemId", "no such catalog item");
  if (!r.active) throw new AppError("CONFLICT", `"${r.name}" can no longer be ordered`);
  if (!inAudience(actor, r.audience, await repo.managesSomeone(tx, actor.userId))) throw new AppError("FORBIDDEN", `"${r.name}" is not available to you`);
  return r;
}

/** A version by id, with its form (to present a request's answers as they were asked). */
export async function findCatalogVersion(db: DbOrTx, orgId: string, versionId: string) {
  return repo.findVersionById(db, orgId, versionId);
}

async function assertRefs(tx: Tx, actor: Actor, input: Partial<TCreateCatalogItemRequest>, deskId: string) {
  if (input.deskId) {
    await findDeskFor(tx, actor, input.deskId).catch(() => {
      throw invalidField("body.deskId", "no such desk");
    });
  }
  if (input.categoryId) {
    const c = await repo.findCategory(tx, actor.organizationId, input.categoryId);
    if (!c) throw invalidField("body.categoryId", "no such category");
    if (c.desk_id && c.desk_id !== deskId) throw invalidField("body.categoryId", "belongs to another desk");
  }
  if (input.approvals) await assertApprovalChain(tx, actor.organizationId, input.approvals, "body.approvals");
  if (input.fulfilment?.length) {
    const groups = await repo.existingGroups(
      tx,
      actor.organizationId,
      input.fulfilment.map((t) => t.groupId),
    );
    input.fulfilment.forEach((t, i) => {
      if (!groups.has(t.groupId)) throw invalidField(`body.fulfilment.${i}.groupId`, "no such group in this organization");
    });
  }
}

/** Creates an item and its version 1 (admins). */
export async function createCatalogItem(deps: Deps, actor: Actor, input: TCreateCatalogItemRequest): Promise<TCatalogItem> {
  return withTx(deps.db, async (tx) => {
    await assertRefs(tx, actor, input, input.deskId);
    const { id } = await repo.insertItem(tx, {
      organizationId: actor.organizationId,
      deskId: input.deskId,
      categoryId: input.categoryId ?? null,
      audience: input.audience,
      active: input.active,
    });
    await repo.insertVersion(tx, { ...input, organizationId: actor.organizationId, itemId: id, version: 1, createdById: actor.userId });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "catalog_item.created",
      entityType: "catalog_item",
      entityId: id,
      data: { name: input.name, version: 1 },
      ip: actor.ip,
    });
    const row = await repo.findItem(tx, actor.organizationId, id);
    if (!row) throw notFound("Catalog item");
    return present(row, actor, false);
  });
}

/** JSON with sorted keys: jsonb reorders keys, so compare definitions by content. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );
}

const VERSIONED = ["name", "summary", "description", "icon", "form", "approvals", "fulfilment"] as const;

/**
 * Changes an item (admins). Settings (desk, category, audience, active) change in place; any change to
 * the definition adds a new version, so requests already made keep pointing at the one they ordered.
 */
export async function updateCatalogItem(deps: Deps, actor: Actor, id: string, input: TUpdateCatalogItemRequest): Promise<TCatalogItem> {
  return withTx(deps.db, async (tx) => {
    const cur = await repo.findItem(tx, actor.organizationId, id, { forUpdate: true });
    if (!cur) throw notFound("Catalog item");
    if (input.version !== undefined && input.version !== cur.version)
      throw new AppError(
        "VERSION_CONFLICT",
        `The item changed since you read it (your version ${input.version}, current ${cur.version}); reload and try again`,
        [{ field: "body.version", message: `current version is ${cur.version}` }],
      );
    const deskId = input.deskId ?? cur.desk_id;
    await assertRefs(tx, actor, { ...input, categoryId: input.categoryId ?? (input.deskId ? cur.category_id : undefined) } as never, deskId);
    const changedDefinition = VERSIONED.filter((k) => input[k] !== undefined && canonical(input[k]) !== canonical(cur[k]));
    let version = cur.version;
    if (changedDefinition.length) {
      version = cur.version + 1;
      await repo.insertVersion(tx, {
        organizationId: actor.organizationId,
        itemId: id,
        version,
        name: input.name ?? cur.name,
        summary: input.summary ?? cur.summary,
        description: input.description ?? cur.description,
        icon: input.icon ?? cur.icon,
        form: input.form ?? cur.form,
        approvals: input.approvals ?? cur.approvals,
        fulfilment: input.fulfilment ?? cur.fulfilment,
        createdById: actor.userId,
      });
    }
    await repo.updateItemRow(tx, id, { desk_id: input.deskId, category_id: input.categoryId, audience: input.audience, active: input.active });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "catalog_item.updated",
      entityType: "catalog_item",
      entityId: id,
      data: { changed: [...changedDefinition, ...(["deskId", "categoryId", "audience", "active"] as const).filter((k) => input[k] !== undefined)], version },
      ip: actor.ip,
    });
    const row = await repo.findItem(tx, actor.organizationId, id);
    if (!row) throw notFound("Catalog item");
    return present(row, actor, false);
  });
}

/** Every version of an item, newest first (admins). */
export async function listCatalogVersions(deps: Deps, actor: Actor, id: string) {
  if (!(await repo.findItem(deps.db, actor.organizationId, id))) throw notFound("Catalog item");
  const rows = await repo.listVersions(deps.db, actor.organizationId, id);
  return rows.map((v) => ({
    id: v.id,
    version: v.version,
    name: v.name,
    createdAt: new Date(v.created_at).toISOString(),
    createdBy: v.user_id ? { id: v.user_id, name: v.user_name ?? "", email: v.user_email ?? "" } : null,
  }));
}

/** One past or current version in full (admins): what a request ordered. */
export async function getCatalogVersion(deps: Deps, actor: Actor, id: string, version: number) {
  const v = await repo.findVersionByNumber(deps.db, actor.organizationId, id, version);
  if (!v) throw notFound("Catalog item version");
  return {
    id: v.id,
    version: v.version,
    name: v.name,
    summary: v.summary,
    description: v.description,
    icon: v.icon,
    form: v.form,
    approvals: v.approvals,
    fulfilment: v.fulfilment,
    createdAt: new Date(v.created_at).toISOString(),
  };
}
