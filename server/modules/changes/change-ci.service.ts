import type { Actor, Deps } from "../../deps";
import { impactOf, listWorkItemCis, openWorkOfCi } from "../cmdb/cmdb-graph.service";
import type { ConflictRow } from "./change.repo";
import * as repo from "./change.repo";

/**
 * The configuration items a change touches (linked as "affected" through the CMDB) and everything
 * depending on them or they depend on: its blast radius. Empty when the change names no CIs.
 */
export async function ciScope(deps: Deps, actor: Actor, changeId: string) {
  const linked = (await listWorkItemCis(deps, actor, changeId)).filter((l) => l.role === "affected");
  const ciIds = [...new Set(linked.map((l) => l.ci.id))];
  if (!ciIds.length) return { ciIds, reach: new Map<string, string>(), businessServices: 0 };
  const impact = await impactOf(deps.db, actor.organizationId, ciIds, { direction: "both", depth: 3, limit: 200 });
  const reach = new Map<string, string>(linked.map((l) => [l.ci.id, l.ci.name]));
  for (const i of impact.items) reach.set(i.id, i.name);
  return { ciIds, reach, businessServices: impact.businessServices.length };
}

/** How many CIs and business services a change can break (for the risk's blast radius). */
export async function blastRadius(deps: Deps, actor: Actor, changeId: string): Promise<number> {
  const s = await ciScope(deps, actor, changeId);
  return s.reach.size + s.businessServices;
}

/**
 * Other open changes in an overlapping window on the same CIs or on CIs that depend on each other
 * (through the CMDB's relationships), as conflicts naming the shared CIs.
 */
export async function ciConflicts(
  deps: Deps,
  actor: Actor,
  change: { id: string; planned_start: Date | null; planned_end: Date | null },
): Promise<ConflictRow[]> {
  if (!change.planned_start || !change.planned_end) return [];
  const scope = await ciScope(deps, actor, change.id);
  if (!scope.reach.size) return [];
  const shared = new Map<string, Set<string>>();
  for (const ciId of [...scope.reach.keys()].slice(0, 100)) {
    for (const w of await openWorkOfCi(deps, actor, ciId)) {
      if (w.type !== "change" || w.id === change.id) continue;
      shared.set(w.id, (shared.get(w.id) ?? new Set()).add(ciId));
    }
  }
  const out: ConflictRow[] = [];
  for (const [id, cis] of shared) {
    const other = await repo.findChange(deps.db, actor.organizationId, id);
    if (!other?.planned_start || !other.planned_end || ["closed", "cancelled"].includes(other.state)) continue;
    if (!(new Date(other.planned_start) < new Date(change.planned_end) && new Date(other.planned_end) > new Date(change.planned_start))) continue;
    out.push({
      kind: "change",
      id: other.id,
      number: other.number,
      name: other.title,
      start: other.planned_start,
      end: other.planned_end,
      services: [...cis].map((c) => ({ id: c, name: scope.reach.get(c) ?? c })),
    });
  }
  return out;
}
