import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./change.tables";

export interface FreezeRow {
  id: string;
  name: string;
  reason: string;
  starts_at: Date;
  ends_at: Date;
  service: { id: string; name: string } | null;
  created_at: Date;
}

const FREEZE = sql`f.id, f.name, f.reason, f.starts_at, f.ends_at, f.created_at,
  (select json_build_object('id', s.id, 'name', s.name) from services s where s.id = f.service_id) as service`;

/** Freeze windows overlapping [from, to) (all of them when no range), earliest first. */
export async function listFreezeWindows(db: DbOrTx, orgId: string, range: { from?: string | Date; to?: string | Date; serviceId?: string } = {}) {
  const conds = [sql`f.organization_id = ${orgId}`];
  if (range.from && range.to) conds.push(sql`f.starts_at < ${range.to} and f.ends_at > ${range.from}`);
  if (range.serviceId) conds.push(sql`(f.service_id is null or f.service_id = ${range.serviceId})`);
  const r = await sql<FreezeRow>`select ${FREEZE} from freeze_windows f where ${sql.join(conds, sql` and `)} order by f.starts_at`.execute(db);
  return r.rows;
}

/** Adds a freeze window. */
export async function insertFreezeWindow(
  db: DbOrTx,
  f: { organizationId: string; name: string; reason: string; startsAt: string; endsAt: string; serviceId: string | null; createdById: string },
): Promise<FreezeRow> {
  const r = await sql<FreezeRow>`with f as (insert into freeze_windows (organization_id, name, reason, starts_at, ends_at, service_id, created_by_id)
      values (${f.organizationId}, ${f.name}, ${f.reason}, ${f.startsAt}, ${f.endsAt}, ${f.serviceId}, ${f.createdById}) returning *)
    select ${FREEZE} from f`.execute(db);
  return r.rows[0];
}

/** Removes a freeze window of the organization; false when there was none. */
export async function deleteFreezeWindow(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom("freeze_windows").where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Stores a new feed (only the token's hash). */
export function insertFeed(
  db: DbOrTx,
  f: { organizationId: string; ownerId: string; name: string; tokenHash: Buffer; prefix: string; serviceId: string | null },
) {
  return db
    .insertInto("calendar_feeds")
    .values({ organization_id: f.organizationId, owner_id: f.ownerId, name: f.name, token_hash: f.tokenHash, prefix: f.prefix, service_id: f.serviceId })
    .returning(["id", "created_at"])
    .executeTakeFirstOrThrow();
}

/** The caller's live feeds. */
export async function listFeeds(db: DbOrTx, ownerId: string) {
  const r = await sql<{ id: string; name: string; prefix: string; created_at: Date; last_used_at: Date | null; service: { id: string; name: string } | null }>`
    select f.id, f.name, f.prefix, f.created_at, f.last_used_at,
      (select json_build_object('id', s.id, 'name', s.name) from services s where s.id = f.service_id) as service
    from calendar_feeds f where f.owner_id = ${ownerId} and f.revoked_at is null order by f.created_at`.execute(db);
  return r.rows;
}

/** Revokes one of the owner's feeds; false when there was none. */
export async function revokeFeed(db: DbOrTx, ownerId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable("calendar_feeds")
    .set({ revoked_at: new Date() })
    .where("owner_id", "=", ownerId)
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A live feed by its token's hash, if its owner is still an active agent; marks it used. */
export async function claimFeed(db: DbOrTx, tokenHash: Buffer) {
  const r = await sql<{ id: string; organization_id: string; name: string; service_id: string | null }>`
    update calendar_feeds f set last_used_at = now()
    from users u
    where f.token_hash = ${tokenHash} and f.revoked_at is null and u.id = f.owner_id and u.active and u.role in ('agent', 'admin')
    returning f.id, f.organization_id, f.name, f.service_id`.execute(db);
  return r.rows[0];
}
