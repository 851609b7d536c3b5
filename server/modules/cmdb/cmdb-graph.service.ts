import type { TCiRef, TCiWorkItem, TCreateRelationshipRequest, TImpactResult, TRelationship, TServiceMap, TWorkItemCi } from "../../../contracts/cmdb";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { insertTimeline, touchItem } from "../work-items/work-item.repo";
import { announce, findVisibleItem } from "../work-items/work-item.service";
import { presentCiRef, presentRelationship } from "./cmdb.presenter";
import * as repo from "./cmdb.repo";
import { requireStaff } from "./cmdb.service";
import * as graph from "./cmdb-graph.repo";

/** Impact walks stop expanding after this many CIs (the answer then says truncated). */
export const IMPACT_WALK_CAP = 5000;

async function refsOf(db: DbOrTx, orgId: string, ids: string[]): Promise<Map<string, TCiRef>> {
  const rows = await repo.findCiRefs(db, orgId, [...new Set(ids)]);
  return new Map(rows.map((r) => [r.id, presentCiRef(r)]));
}

// ── Relationships ────────────────────────────────────────────────────────────────────────────────

/**
 * Adds a relationship inside the caller's transaction: both CIs must exist in the organization, the
 * same current relationship must not exist (409), and an acyclic type must not close a cycle (409).
 */
export async function createRelationshipIn(db: DbOrTx, actor: Actor, input: TCreateRelationshipRequest, via = "api"): Promise<string> {
  return withTx(db, async (tx) => {
    const type = await repo.findRelationshipType(tx, actor.organizationId, input.type);
    if (!type) throw invalidField("body.type", `no relationship type "${input.type}"`);
    if (input.sourceId === input.targetId) throw invalidField("body.targetId", "a CI cannot be related to itself");
    const refs = await refsOf(tx, actor.organizationId, [input.sourceId, input.targetId]);
    if (!refs.has(input.sourceId)) throw new AppError("NOT_FOUND", "Source CI not found", [{ field: "body.sourceId", message: "no such CI" }]);
    if (!refs.has(input.targetId)) throw new AppError("NOT_FOUND", "Target CI not found", [{ field: "body.targetId", message: "no such CI" }]);
    await graph.lockRelationshipType(tx, type.id);
    if (await graph.findCurrentRelationship(tx, input.sourceId, input.targetId, type.id))
      throw new AppError("CONFLICT", `${refs.get(input.sourceId)!.name} already ${type.name} ${refs.get(input.targetId)!.name}`, [
        { field: "body.targetId", message: "this relationship already exists", code: "duplicate" },
      ]);
    if (type.acyclic && (await graph.reaches(tx, type.id, input.targetId, input.sourceId)))
      throw new AppError(
        "CONFLICT",
        `${refs.get(input.targetId)!.name} already (indirectly) ${type.name} ${refs.get(input.sourceId)!.name}; "${type.name}" cannot form a cycle`,
        [{ field: "body.targetId", message: "would create a cycle", code: "cycle" }],
      );
    const rel = await graph.insertRelationship(tx, {
      organizationId: actor.organizationId,
      typeId: type.id,
      sourceId: input.sourceId,
      targetId: input.targetId,
      dependentEnd: type.dependent_end,
      actorId: actor.userId,
    });
    const data = { relationshipId: rel.id, type: type.key, via };
    await repo.insertHistory(tx, {
      organizationId: actor.organizationId,
      ciId: input.sourceId,
      actorId: actor.userId,
      kind: "relationship_added",
      data: { ...data, label: type.name, other: refs.get(input.targetId) },
    });
    await repo.insertHistory(tx, {
      organizationId: actor.organizationId,
      ciId: input.targetId,
      actorId: actor.userId,
      kind: "relationship_added",
      data: { ...data, label: type.reverse_name, other: refs.get(input.sourceId) },
    });
    return rel.id;
  });
}

/** Adds a relationship between two CIs. */
export async function createRelationship(deps: Deps, actor: Actor, input: TCreateRelationshipRequest): Promise<TRelationship> {
  requireStaff(actor);
  return withTx(deps.db, async (tx) => {
    const id = await createRelationshipIn(tx, actor, input);
    const row = (await graph.findRelationship(tx, actor.organizationId, id))!;
    return presentRelationship(row, await refsOf(tx, actor.organizationId, [row.source_id, row.target_id]));
  });
}

/** Ends a relationship (kept for "as of" maps); recorded in both CIs' history. */
export async function deleteRelationship(deps: Deps, actor: Actor, id: string): Promise<void> {
  requireStaff(actor);
  await withTx(deps.db, async (tx) => {
    const row = await graph.findRelationship(tx, actor.organizationId, id);
    if (!row || row.valid_to) throw notFound("Relationship");
    if (!(await graph.endRelationship(tx, id, actor.userId))) throw notFound("Relationship");
    const refs = await refsOf(tx, actor.organizationId, [row.source_id, row.target_id]);
    for (const [ci, label, other] of [
      [row.source_id, row.type_name, row.target_id],
      [row.target_id, row.type_reverse_name, row.source_id],
    ] as const) {
      await repo.insertHistory(tx, {
        organizationId: actor.organizationId,
        ciId: ci,
        actorId: actor.userId,
        kind: "relationship_removed",
        data: { relationshipId: id, type: row.type_key, label, other: refs.get(other) },
      });
    }
  });
}

/** Relationships of a CI: current, as of an instant, or all ever (with validity). */
export async function listRelationships(deps: Deps, actor: Actor, ciId: string, at: Date | "all" | null): Promise<TRelationship[]> {
  requireStaff(actor);
  if (!(await repo.findCiRefs(deps.db, actor.organizationId, [ciId])).length) throw notFound("Configuration item");
  const rows = await graph.listRelationshipsOf(deps.db, actor.organizationId, ciId, at);
  const refs = await refsOf(
    deps.db,
    actor.organizationId,
    rows.flatMap((r) => [r.source_id, r.target_id]),
  );
  return rows.map((r) => presentRelationship(r, refs));
}

// ── Impact ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Impact analysis for a set of CIs: upstream (what depends on them and breaks with them), downstream
 * (what they need), and the business services affected. For colleagues' modules (changes, problems).
 */
export async function impactOf(
  db: DbOrTx,
  orgId: string,
  ciIds: string[],
  opts: { direction?: "upstream" | "downstream" | "both"; depth?: number; limit?: number } = {},
): Promise<TImpactResult> {
  const direction = opts.direction ?? "both";
  const depth = opts.depth ?? 6;
  const limit = opts.limit ?? 500;
  if (!ciIds.length) return { items: [], businessServices: [], truncated: false };
  const cap = Math.max(IMPACT_WALK_CAP, limit);
  const [up, down] = await Promise.all([
    direction === "downstream" ? null : graph.walkImpact(db, orgId, ciIds, "upstream", depth, cap),
    direction === "upstream" ? null : graph.walkImpact(db, orgId, ciIds, "downstream", depth, cap),
  ]);
  const items = [
    ...(up ?? []).slice(0, limit).map((r) => ({ ...presentCiRef(r), depth: r.depth, direction: "upstream" as const })),
    ...(down ?? []).slice(0, limit).map((r) => ({ ...presentCiRef(r), depth: r.depth, direction: "downstream" as const })),
  ];
  const truncated = [up, down].some((w) => !!w && (w.length > limit || w.some((r) => r.capped)));
  // Business services: the starting CIs that are one, and everything upstream that is.
  const upstream = up ?? (await graph.walkImpact(db, orgId, ciIds, "upstream", depth, cap));
  const starts = await repo.findCiRefs(db, orgId, ciIds);
  const services = [...starts, ...upstream].filter((r) => r.class_key === "business_service");
  const unique = [...new Map(services.map((s) => [s.id, s])).values()].sort((a, b) => a.name.localeCompare(b.name));
  return { items, businessServices: unique.map(presentCiRef), truncated };
}

/** Impact of one or more CIs of the caller's organization (404 for unknown ones). */
export async function analyseImpact(
  deps: Deps,
  actor: Actor,
  ciIds: string[],
  opts: { direction?: "upstream" | "downstream" | "both"; depth?: number; limit?: number },
): Promise<TImpactResult> {
  requireStaff(actor);
  const found = await repo.findCiRefs(deps.db, actor.organizationId, [...new Set(ciIds)]);
  if (found.length !== new Set(ciIds).size) throw notFound("Configuration item");
  return impactOf(deps.db, actor.organizationId, ciIds, opts);
}

/** The service map around a CI as of an instant, with open incidents/changes/problems on each node. */
export async function serviceMap(deps: Deps, actor: Actor, ciId: string, depth: number, asOf?: string): Promise<TServiceMap> {
  requireStaff(actor);
  if (!(await repo.findCiRefs(deps.db, actor.organizationId, [ciId])).length) throw notFound("Configuration item");
  const at = asOf ? new Date(asOf) : new Date();
  const m = await graph.mapAround(deps.db, actor.organizationId, ciId, depth, at, 150);
  const counts = await graph.openWorkCounts(
    deps.db,
    actor.organizationId,
    m.nodes.map((n) => n.id),
  );
  return {
    nodes: m.nodes.map((n) => {
      const c = counts.get(n.id);
      return { ...presentCiRef(n), openIncidents: c?.incident ?? 0, openChanges: c?.change ?? 0, openProblems: c?.problem ?? 0 };
    }),
    edges: m.edges.map((e) => ({ id: e.id, source: e.source_id, target: e.target_id, typeKey: e.type_key, label: e.type_name })),
    asOf: at.toISOString(),
    truncated: m.truncated,
  };
}

/** Open incidents, problems and changes linked to a CI. */
export async function openWorkOfCi(deps: Deps, actor: Actor, ciId: string): Promise<TCiWorkItem[]> {
  requireStaff(actor);
  if (!(await repo.findCiRefs(deps.db, actor.organizationId, [ciId])).length) throw notFound("Configuration item");
  return (await graph.openWorkOfCi(deps.db, actor.organizationId, ciId)).map((r) => ({ ...r, priority: Number(r.priority) }));
}

// ── Work items ↔ CIs ─────────────────────────────────────────────────────────────────────────────

/** The CIs an incident, problem or change is linked to. */
export async function listWorkItemCis(deps: Deps, actor: Actor, ref: string): Promise<TWorkItemCi[]> {
  requireStaff(actor);
  const item = await findVisibleItem(deps.db, actor, ref);
  return (await graph.listWorkItemCis(deps.db, item.id)).map((r) => ({ ci: presentCiRef(r), role: r.role, createdAt: new Date(r.created_at).toISOString() }));
}

/** Links a CI to a work item (affected or caused-by), on its timeline and the CI's history. */
export async function linkWorkItemCi(deps: Deps, actor: Actor, ref: string, ciId: string, role: "affected" | "caused_by"): Promise<TWorkItemCi[]> {
  requireStaff(actor);
  await withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { forUpdate: true });
    const [ci] = await repo.findCiRefs(tx, actor.organizationId, [ciId]);
    if (!ci) throw new AppError("NOT_FOUND", "Configuration item not found", [{ field: "body.ciId", message: "no such CI" }]);
    if (!(await graph.linkCi(tx, { organizationId: actor.organizationId, workItemId: item.id, ciId, role, actorId: actor.userId }))) return;
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: item.id,
      actorId: actor.userId,
      kind: "ci_linked",
      visibility: "internal",
      data: { ciId, name: ci.name, className: ci.class_name, role },
    });
    await repo.insertHistory(tx, {
      organizationId: actor.organizationId,
      ciId,
      actorId: actor.userId,
      kind: "work_item_linked",
      data: { workItemId: item.id, number: item.number, title: item.title, role },
    });
    await announce(tx, item, await touchItem(tx, item.id), actor.userId);
  });
  return listWorkItemCis(deps, actor, ref);
}

/** Removes a CI link from a work item. */
export async function unlinkWorkItemCi(deps: Deps, actor: Actor, ref: string, ciId: string, role: "affected" | "caused_by"): Promise<void> {
  requireStaff(actor);
  await withTx(deps.db, async (tx) => {
    const item = await findVisibleItem(tx, actor, ref, { forUpdate: true });
    if (!(await graph.unlinkCi(tx, item.id, ciId, role))) throw notFound("CI link");
    const [ci] = await repo.findCiRefs(tx, actor.organizationId, [ciId]);
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: item.id,
      actorId: actor.userId,
      kind: "ci_unlinked",
      visibility: "internal",
      data: { ciId, name: ci?.name, role },
    });
    await repo.insertHistory(tx, {
      organizationId: actor.organizationId,
      ciId,
      actorId: actor.userId,
      kind: "work_item_unlinked",
      data: { workItemId: item.id, number: item.number, role },
    });
    await announce(tx, item, await touchItem(tx, item.id), actor.userId);
  });
}

/** Affected business services (and everything impacted) of a work item, from its linked CIs. */
export async function workItemImpact(deps: Deps, actor: Actor, ref: string): Promise<TImpactResult> {
  requireStaff(actor);
  const item = await findVisibleItem(deps.db, actor, ref);
  const cis = await graph.listWorkItemCis(deps.db, item.id);
  return impactOf(deps.db, actor.organizationId, [...new Set(cis.map((c) => c.id))], { direction: "upstream" });
}
