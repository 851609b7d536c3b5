import type { z } from "zod";
import { INCIDENT_SORTS } from "../../../contracts/incidents";
import type { ZCreateCategoryRequest, ZCreateSavedViewRequest, ZCreateServiceRequest } from "../../../contracts/reference";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { insertAudit } from "../identity/identity.repo";
import { findGroupInOrg } from "../identity/identity.repo";
import * as repo from "./reference.repo";

/** Services people report incidents against. */
export async function listServices(deps: Deps, actor: Actor) {
  return (await repo.listServices(deps.db, actor.organizationId)).map((s) => ({
    id: s.id,
    name: s.name,
    description: s.description,
    supportGroupId: s.support_group_id,
    active: s.active,
  }));
}

export async function createService(deps: Deps, actor: Actor, input: z.infer<typeof ZCreateServiceRequest>) {
  return withTx(deps.db, async (tx) => {
    if (input.supportGroupId && !(await findGroupInOrg(tx, actor.organizationId, input.supportGroupId)))
      throw invalidField("body.supportGroupId", "no such group");
    const s = await repo.insertService(tx, {
      organizationId: actor.organizationId,
      name: input.name,
      description: input.description,
      supportGroupId: input.supportGroupId ?? null,
    });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "service.created",
      entityType: "service",
      entityId: s.id,
      data: { name: s.name },
      ip: actor.ip,
    });
    return { id: s.id, name: s.name, description: s.description, supportGroupId: s.support_group_id, active: s.active };
  });
}

export async function listCategories(deps: Deps, actor: Actor) {
  return (await repo.listCategories(deps.db, actor.organizationId)).map((c) => ({ id: c.id, name: c.name, parentId: c.parent_id, active: c.active }));
}

/** Adds a category or (with a parent) a subcategory; two levels only. */
export async function createCategory(deps: Deps, actor: Actor, input: z.infer<typeof ZCreateCategoryRequest>) {
  return withTx(deps.db, async (tx) => {
    if (input.parentId) {
      const parent = await repo.findCategory(tx, actor.organizationId, input.parentId);
      if (!parent) throw invalidField("body.parentId", "no such category");
      if (parent.parent_id) throw invalidField("body.parentId", "subcategories cannot have subcategories");
    }
    const c = await repo.insertCategory(tx, { organizationId: actor.organizationId, name: input.name, parentId: input.parentId ?? null });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "category.created",
      entityType: "category",
      entityId: c.id,
      data: { name: c.name },
      ip: actor.ip,
    });
    return { id: c.id, name: c.name, parentId: c.parent_id, active: c.active };
  });
}

/** Views every agent has without saving anything. */
export const BUILT_IN_VIEWS = [
  { id: "builtin:my-open", name: "My open", filters: { assigneeId: "me", open: "true" as const }, sort: "priority", builtIn: true, shared: true },
  {
    id: "builtin:unassigned-my-groups",
    name: "Unassigned in my groups",
    filters: { assignmentGroupId: ["mine"], assigneeId: "none", open: "true" as const },
    sort: "priority",
    builtIn: true,
    shared: true,
  },
  { id: "builtin:all-open", name: "All open", filters: { open: "true" as const }, sort: "-createdAt", builtIn: true, shared: true },
  { id: "builtin:recently-resolved", name: "Recently resolved", filters: { state: ["resolved"] }, sort: "-updatedAt", builtIn: true, shared: true },
];

export async function listViews(deps: Deps, actor: Actor) {
  const own = await repo.listViews(deps.db, actor.organizationId, actor.userId);
  return [...BUILT_IN_VIEWS, ...own.map((v) => presentView(v, actor.userId))];
}

function presentView(
  v: { id: string; name: string; filters: Record<string, unknown>; sort: string; owner_id: string | null; columns: string[] | null; shared: boolean },
  userId: string,
) {
  return {
    id: v.id,
    name: v.name,
    filters: v.filters,
    sort: v.sort,
    builtIn: false,
    shared: v.owner_id === null || v.shared,
    mine: v.owner_id === userId,
    columns: v.columns as never,
  };
}

/** Saves a queue view for oneself, optionally shared with every agent (no administrator needed). */
export async function createView(deps: Deps, actor: Actor, input: z.infer<typeof ZCreateSavedViewRequest>) {
  if (!(INCIDENT_SORTS as readonly string[]).includes(input.sort)) throw invalidField("body.sort", `must be one of ${INCIDENT_SORTS.join(", ")}`);
  // Agents share their own views: the owner stays, so they (or an administrator) can delete it.
  const v = await repo.insertView(deps.db, {
    organizationId: actor.organizationId,
    ownerId: actor.userId,
    name: input.name,
    filters: input.filters,
    sort: input.sort,
    columns: input.columns ?? null,
    shared: input.shared,
  });
  return presentView(v, actor.userId);
}

export async function deleteView(deps: Deps, actor: Actor, id: string) {
  const v = await repo.findView(deps.db, actor.organizationId, id);
  // Someone else's private view does not exist for the caller.
  if (!v || (v.owner_id !== null && v.owner_id !== actor.userId && !v.shared)) throw notFound("View");
  if (v.owner_id !== actor.userId && actor.role !== "admin") throw new AppError("FORBIDDEN", "You can delete only your own views");
  await repo.deleteView(deps.db, id);
}
