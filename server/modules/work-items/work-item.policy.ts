import type { Actor } from "../../deps";

/** Staff = agents and admins: they see every item of their organization and its internal notes. */
export function isStaffActor(actor: Actor): boolean {
  return actor.role === "agent" || actor.role === "admin";
}

/** Does a requester see every item of the organization (its manager, or the organization shares)? */
export function seesWholeOrganization(actor: Actor): boolean {
  return isStaffActor(actor) || actor.requesterScope === "organization";
}

/**
 * Requesters see the items they reported or watch — or all of the organization's when they are its
 * organization manager or it shares tickets among requesters; staff see all of their organization's.
 */
export function canView(actor: Actor, item: { requester_id: string }, watching: boolean): boolean {
  return seesWholeOrganization(actor) || item.requester_id === actor.userId || watching;
}

/** Internal work notes and internal timeline events are for staff only. */
export function canSeeInternal(actor: Actor): boolean {
  return isStaffActor(actor);
}
