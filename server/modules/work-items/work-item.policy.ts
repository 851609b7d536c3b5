import type { Actor } from "../../deps";

/** Staff = agents and admins: they see every item of their organization and its internal notes. */
export function isStaffActor(actor: Actor): boolean {
  return actor.role === "agent" || actor.role === "admin";
}

/** Requesters see the items they reported or watch; staff see all of their organization's. */
export function canView(actor: Actor, item: { requester_id: string }, watching: boolean): boolean {
  return isStaffActor(actor) || item.requester_id === actor.userId || watching;
}

/** Internal work notes and internal timeline events are for staff only. */
export function canSeeInternal(actor: Actor): boolean {
  return isStaffActor(actor);
}
