import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";

export interface OrgSettings {
  reopenWindowDays?: number;
}

/** The organization's settings document. */
export async function getOrgSettings(db: DbOrTx, orgId: string): Promise<OrgSettings> {
  const r = await db.selectFrom("organizations").select("settings").where("id", "=", orgId).executeTakeFirst();
  return (r?.settings ?? {}) as OrgSettings;
}

/** Merges keys into the settings document. */
export async function mergeOrgSettings(db: DbOrTx, orgId: string, patch: OrgSettings): Promise<OrgSettings> {
  const r = await sql<{ settings: OrgSettings }>`update organizations set settings = settings || ${JSON.stringify(patch)}::jsonb, updated_at = now()
    where id = ${orgId} returning settings`.execute(db);
  return r.rows[0]?.settings ?? {};
}

export function getPriorityRows(db: DbOrTx, orgId: string) {
  return db.selectFrom("priority_matrix").select(["impact", "urgency", "priority"]).where("organization_id", "=", orgId).execute();
}

/** Replaces the organization's priority matrix. */
export async function replacePriorityRows(db: DbOrTx, orgId: string, rows: Array<{ impact: string; urgency: string; priority: number }>): Promise<void> {
  await db.deleteFrom("priority_matrix").where("organization_id", "=", orgId).execute();
  if (rows.length)
    await db
      .insertInto("priority_matrix")
      .values(rows.map((r) => ({ ...r, organization_id: orgId })))
      .execute();
}
