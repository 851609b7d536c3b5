import type { TLinkTree } from "../../../contracts/desk-work";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../platform/http/errors";
import { isStaffActor } from "../work-items/work-item.policy";
import { findVisibleItem } from "../work-items/work-item.service";
import { linkGraph } from "./desk-work.repo";

export const TREE_MAX_DEPTH = 6;
export const TREE_MAX_NODES = 200;

/**
 * The link graph around any work item (incident → problem → change and whatever other practices
 * link): generic over work_item_links, so new practices and link kinds appear without changes here.
 */
export async function getLinkTree(deps: Deps, actor: Actor, ref: string): Promise<TLinkTree> {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can see the link tree");
  const item = await findVisibleItem(deps.db, actor, ref);
  const g = await linkGraph(deps.db, actor.organizationId, item.id, TREE_MAX_DEPTH, TREE_MAX_NODES);
  return {
    rootId: item.id,
    nodes: g.nodes.map(({ depth: _d, ...n }) => n),
    edges: g.edges.map((e) => ({ sourceId: e.source_id, targetId: e.target_id, kind: e.kind })),
    truncated: g.truncated,
  };
}
