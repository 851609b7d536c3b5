import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./audit.tables";

export type AuditStream = "timeline_events" | "audit_events";
export const AUDIT_STREAMS: AuditStream[] = ["timeline_events", "audit_events"];

// Each row's fingerprint: its columns in a fixed order and format (UTC timestamps, canonical jsonb text),
// so the session's time zone or date style never changes a digest.
const NUL = "chr(30)";
const ts = (c: string) => `to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
const ROW_TEXT: Record<AuditStream, string> = {
  timeline_events: `concat_ws(chr(31), id::text, organization_id::text, work_item_id::text, coalesce(actor_id::text, ${NUL}), kind, visibility, changes::text, data::text, ${ts("created_at")})`,
  audit_events: `concat_ws(chr(31), id::text, coalesce(organization_id::text, ${NUL}), coalesce(actor_id::text, ${NUL}), action, entity_type, coalesce(entity_id, ${NUL}), data::text, coalesce(ip::text, ${NUL}), ${ts("created_at")})`,
};

/** Digest and count of a stream's rows with ids in (afterId, upToId]. */
export async function digestRange(db: DbOrTx, stream: AuditStream, afterId: number, upToId: number): Promise<{ count: number; digest: string | null }> {
  const r = await sql<{ count: number; digest: string | null }>`
    select count(*)::int as count,
      encode(sha256(convert_to(string_agg(encode(sha256(convert_to(${sql.raw(ROW_TEXT[stream])}, 'UTF8')), 'hex'), '' order by id), 'UTF8')), 'hex') as digest
    from ${sql.table(stream)} where id > ${afterId} and id <= ${upToId}`.execute(db);
  return r.rows[0] ?? { count: 0, digest: null };
}

/** The id of the n-th row after afterId (caps one seal's size), or null when fewer rows exist up to upToId. */
export async function nthIdAfter(db: DbOrTx, stream: AuditStream, afterId: number, upToId: number, n: number): Promise<number | null> {
  const r = await sql<{ id: number }>`
    select id from ${sql.table(stream)} where id > ${afterId} and id <= ${upToId} order by id offset ${n - 1} limit 1`.execute(db);
  return r.rows[0]?.id ?? null;
}

/** The highest id the stream's identity sequence has handed out (committed or not). */
export async function lastAllocatedId(db: DbOrTx, stream: AuditStream): Promise<number> {
  const r = await sql<{ v: number }>`select coalesce(max(id), 0)::bigint as v from ${sql.table(stream)}`.execute(db);
  const seq = await sql<{ last_value: number; is_called: boolean }>`
    select last_value, is_called from ${sql.raw(`${stream}_id_seq`)}`.execute(db);
  const s = seq.rows[0];
  return Math.max(Number(r.rows[0]?.v ?? 0), s?.is_called ? Number(s.last_value) : 0);
}

/** The current snapshot, as text (to wait for every transaction it saw running). */
export async function currentSnapshot(db: DbOrTx): Promise<string> {
  const r = await sql<{ s: string }>`select pg_current_snapshot()::text as s`.execute(db);
  return r.rows[0].s;
}

/** Whether every transaction running when the snapshot was taken has ended. */
export async function snapshotSettled(db: DbOrTx, snapshot: string): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`
    select pg_snapshot_xmin(pg_current_snapshot()) >= pg_snapshot_xmax(${snapshot}::pg_snapshot) as ok`.execute(db);
  return r.rows[0]?.ok === true;
}

/** Serializes sealers (two workers, or a worker and the CLI) for the rest of the transaction. */
export async function lockSealing(db: DbOrTx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('portico.audit_seal'))`.execute(db);
}

/** The newest seal of a stream. */
export function lastSeal(db: DbOrTx, stream: AuditStream) {
  return db.selectFrom("audit_seals").selectAll().where("stream", "=", stream).orderBy("last_id", "desc").limit(1).executeTakeFirst();
}

/** Every seal of a stream, oldest first. */
export function listSeals(db: DbOrTx, stream: AuditStream) {
  return db.selectFrom("audit_seals").selectAll().where("stream", "=", stream).orderBy("last_id").execute();
}

/** Appends one seal. */
export async function insertSeal(
  db: DbOrTx,
  s: { stream: AuditStream; first_id: number; last_id: number; row_count: number; digest: string; prev_hash: string | null; hash: string },
): Promise<void> {
  await db.insertInto("audit_seals").values(s).execute();
}

/** Rows of a stream above the last sealed id (not yet covered by the chain). */
export async function countAfter(db: DbOrTx, stream: AuditStream, afterId: number): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(stream)} where id > ${afterId}`.execute(db);
  return r.rows[0]?.n ?? 0;
}
