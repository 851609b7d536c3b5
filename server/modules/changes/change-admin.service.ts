import type { TChangeSettings } from "../../../contracts/changes";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError, invalidField } from "../../platform/http/errors";
import { insertAudit } from "../identity/identity.repo";
import * as templates from "./change-template.repo";
import { assertChangeManager, assertStaff } from "./change.policy";
import * as repo from "./change.repo";

/** The organization's CAB and change-manager settings (defaults when not set). */
export async function getChangeSettings(deps: Deps, actor: Actor): Promise<TChangeSettings> {
  assertStaff(actor);
  const s = await repo.findSettings(deps.db, actor.organizationId);
  return { cabGroupId: s?.cab_group_id ?? null, cabRule: s?.cab_rule ?? "all", cabQuorum: s?.cab_quorum ?? null, managerGroupId: s?.manager_group_id ?? null };
}

/** Sets who the CAB and the change managers are (admins only). */
export async function setChangeSettings(deps: Deps, actor: Actor, input: TChangeSettings): Promise<TChangeSettings> {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only admins can change the change settings");
  if (input.cabRule === "quorum" && !input.cabQuorum) throw invalidField("body.cabQuorum", "a quorum rule needs cabQuorum");
  return withTx(deps.db, async (tx) => {
    const groups = await repo.existingGroupIds(
      tx,
      actor.organizationId,
      [input.cabGroupId, input.managerGroupId].filter((x): x is string => Boolean(x)),
    );
    if (input.cabGroupId && !groups.has(input.cabGroupId)) throw invalidField("body.cabGroupId", "no such group");
    if (input.managerGroupId && !groups.has(input.managerGroupId)) throw invalidField("body.managerGroupId", "no such group");
    await repo.upsertSettings(tx, actor.organizationId, {
      cab_group_id: input.cabGroupId,
      cab_rule: input.cabRule,
      cab_quorum: input.cabRule === "quorum" ? input.cabQuorum : null,
      manager_group_id: input.managerGroupId,
    });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "change_settings.updated",
      entityType: "organization",
      entityId: actor.organizationId,
      data: input,
      ip: actor.ip,
    });
    return getChangeSettings({ ...deps, db: tx }, actor);
  });
}

/** Standard-change templates with the success rate of the changes made from them. */
export async function listChangeTemplates(deps: Deps, actor: Actor) {
  assertStaff(actor);
  return (await templates.listTemplates(deps.db, actor.organizationId)).map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    implementationPlan: t.implementation_plan,
    backoutPlan: t.backout_plan,
    testPlan: t.test_plan,
    service: t.service,
    uses: t.uses,
    successRate: t.closed ? Math.round(((t.closed - t.failed) / t.closed) * 100) / 100 : null,
  }));
}

/** Adds a pre-approved standard-change template (change managers). */
export async function createChangeTemplate(
  deps: Deps,
  actor: Actor,
  input: { name: string; description: string; implementationPlan: string; backoutPlan: string; testPlan: string; serviceId: string | null },
) {
  assertStaff(actor);
  return withTx(deps.db, async (tx) => {
    await assertChangeManager(tx, actor, "add standard change templates");
    if (input.serviceId && !(await repo.existingServiceIds(tx, actor.organizationId, [input.serviceId])).size)
      throw invalidField("body.serviceId", "no such service");
    const row = await templates.insertTemplate(tx, { organizationId: actor.organizationId, ...input });
    if (!row) throw new AppError("CONFLICT", `A template named "${input.name}" already exists`);
    const all = await listChangeTemplates({ ...deps, db: tx }, actor);
    const t = all.find((x) => x.id === row.id);
    if (!t) throw new AppError("INTERNAL", "template vanished");
    return t;
  });
}
