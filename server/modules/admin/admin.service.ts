import { DEFAULT_PRIORITY_MATRIX, LEVELS, type PriorityMatrix } from "../../../contracts/priority";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { insertAudit } from "../identity/identity.repo";
import * as repo from "./admin.repo";

export const DEFAULT_SETTINGS = { reopenWindowDays: 7 } as const;

/** Effective settings: stored values over defaults. */
export async function effectiveSettings(db: DbOrTx, orgId: string): Promise<{ reopenWindowDays: number }> {
  const stored = await repo.getOrgSettings(db, orgId);
  // Only known keys: the settings document may hold keys of later features.
  return { reopenWindowDays: typeof stored.reopenWindowDays === "number" ? stored.reopenWindowDays : DEFAULT_SETTINGS.reopenWindowDays };
}

export async function updateSettings(deps: Deps, actor: Actor, patch: { reopenWindowDays?: number }) {
  return withTx(deps.db, async (tx) => {
    await repo.mergeOrgSettings(tx, actor.organizationId, patch);
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "settings.updated",
      entityType: "organization",
      entityId: actor.organizationId,
      data: patch,
      ip: actor.ip,
    });
    return effectiveSettings(tx, actor.organizationId);
  });
}

/** The organization's impact × urgency matrix (defaults where not configured). */
export async function getPriorityMatrix(db: DbOrTx, orgId: string): Promise<PriorityMatrix> {
  const m = structuredClone(DEFAULT_PRIORITY_MATRIX);
  for (const r of await repo.getPriorityRows(db, orgId)) {
    (m as Record<string, Record<string, number>>)[r.impact][r.urgency] = r.priority;
  }
  return m;
}

/** Replaces the matrix; new priorities apply to incidents created or re-rated from now on. */
export async function setPriorityMatrix(deps: Deps, actor: Actor, matrix: PriorityMatrix): Promise<PriorityMatrix> {
  return withTx(deps.db, async (tx) => {
    const rows = LEVELS.flatMap((impact) => LEVELS.map((urgency) => ({ impact, urgency, priority: matrix[impact][urgency] })));
    await repo.replacePriorityRows(tx, actor.organizationId, rows);
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "priority_matrix.updated",
      entityType: "organization",
      entityId: actor.organizationId,
      data: { matrix },
      ip: actor.ip,
    });
    return getPriorityMatrix(tx, actor.organizationId);
  });
}
