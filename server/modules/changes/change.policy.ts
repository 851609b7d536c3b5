import type { Actor } from "../../deps";
import type { DbOrTx } from "../../platform/db/db";
import { AppError } from "../../platform/http/errors";
import { isStaffActor } from "../work-items/work-item.policy";
import * as repo from "./change.repo";

/** Changes are the desk's records: requesters may not read or change them. */
export function assertStaff(actor: Actor): void {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can work with changes");
}

/** Change managers: admins, and members of the organization's change-manager group. */
export async function isChangeManager(db: DbOrTx, actor: Actor): Promise<boolean> {
  if (actor.role === "admin") return true;
  if (actor.role !== "agent") return false;
  const s = await repo.findSettings(db, actor.organizationId);
  return repo.isMember(db, s?.manager_group_id ?? null, actor.userId);
}

/** Refuses anyone but a change manager. */
export async function assertChangeManager(db: DbOrTx, actor: Actor, what: string): Promise<void> {
  if (!(await isChangeManager(db, actor))) throw new AppError("FORBIDDEN", `Only a change manager can ${what}`);
}
