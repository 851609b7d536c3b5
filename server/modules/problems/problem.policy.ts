import type { Actor } from "../../deps";
import { AppError } from "../../platform/http/errors";
import { isStaffActor } from "../work-items/work-item.policy";

/** Problems and known-error records are the desk's own: requesters may not read or change them. */
export function assertStaff(actor: Actor, what = "problems"): void {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", `Only agents can work with ${what}`);
}
