import { createHash } from "node:crypto";
import type { Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import * as repo from "./audit.repo";
import { AUDIT_STREAMS, type AuditStream } from "./audit.repo";

/** Rows per seal: verification recomputes one digest per seal. */
const SEAL_ROWS = 10_000;

/** A seal's hash: the previous seal's hash, the range and the digest of its rows. */
export function sealHash(prev: string | null, stream: AuditStream, firstId: number, lastId: number, count: number, digest: string): string {
  return createHash("sha256")
    .update(`${prev ?? "genesis"}\n${stream}\n${firstId}\n${lastId}\n${count}\n${digest}`)
    .digest("hex");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The safe horizon: an id below which no row can still appear. Ids are handed out before commit, so a row
 * with a lower id may become visible after a higher one; we read the last id handed out, give statements that
 * just took an id a moment to start writing, then wait until every transaction running at that point has
 * ended. Returns null when they do not end within waitMs (a long transaction): the next run tries again.
 */
async function safeHorizon(db: DbOrTx, stream: AuditStream, waitMs: number): Promise<number | null> {
  const allocated = await repo.lastAllocatedId(db, stream);
  await sleep(1000);
  const snapshot = await repo.currentSnapshot(db);
  const deadline = Date.now() + waitMs;
  while (!(await repo.snapshotSettled(db, snapshot))) {
    if (Date.now() > deadline) return null;
    await sleep(100);
  }
  return allocated;
}

export interface SealResult {
  stream: AuditStream;
  seals: number;
  rows: number;
  /** True when a long-running transaction kept the horizon from settling. */
  deferred: boolean;
}

/** Chains every settled audit row into seals (run every minute by a job; also by `portico audit seal`). */
export async function sealAuditTrail(deps: Pick<Deps, "db">, opts: { waitMs?: number } = {}): Promise<SealResult[]> {
  const out: SealResult[] = [];
  for (const stream of AUDIT_STREAMS) {
    const horizon = await safeHorizon(deps.db, stream, opts.waitMs ?? 10_000);
    const result: SealResult = { stream, seals: 0, rows: 0, deferred: horizon === null };
    if (horizon !== null) {
      for (;;) {
        const sealed = await withTx(deps.db, async (tx) => {
          await repo.lockSealing(tx);
          const last = await repo.lastSeal(tx, stream);
          const after = last?.last_id ?? 0;
          if (after >= horizon) return 0;
          const upTo = (await repo.nthIdAfter(tx, stream, after, horizon, SEAL_ROWS)) ?? horizon;
          const { count, digest } = await repo.digestRange(tx, stream, after, upTo);
          if (count === 0 || !digest) return 0;
          const prev = last?.hash ?? null;
          await repo.insertSeal(tx, {
            stream,
            first_id: after + 1,
            last_id: upTo,
            row_count: count,
            digest,
            prev_hash: prev,
            hash: sealHash(prev, stream, after + 1, upTo, count, digest),
          });
          return count;
        });
        if (!sealed) break;
        result.seals += 1;
        result.rows += sealed;
      }
    }
    out.push(result);
  }
  return out;
}

export interface VerifyProblem {
  stream: AuditStream;
  sealId: number;
  firstId: number;
  lastId: number;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  streams: Array<{ stream: AuditStream; seals: number; sealedRows: number; unsealedRows: number; head: string | null }>;
  problems: VerifyProblem[];
}

/** Recomputes every seal from the rows it covers: an edited, deleted or inserted row in a sealed range breaks it. */
export async function verifyAuditTrail(deps: Pick<Deps, "db">): Promise<VerifyReport> {
  const report: VerifyReport = { ok: true, streams: [], problems: [] };
  for (const stream of AUDIT_STREAMS) {
    const seals = await repo.listSeals(deps.db, stream);
    let prev: string | null = null;
    let prevLast = 0;
    let sealedRows = 0;
    for (const s of seals) {
      const at = { stream, sealId: s.id, firstId: s.first_id, lastId: s.last_id };
      const { count, digest } = await repo.digestRange(deps.db, stream, s.first_id - 1, s.last_id);
      if (s.prev_hash !== prev || s.first_id !== prevLast + 1)
        report.problems.push({ ...at, problem: "the seal does not follow the previous one (a seal was removed or altered)" });
      if (count !== s.row_count) report.problems.push({ ...at, problem: `${s.row_count} rows were sealed, ${count} are there now (rows deleted or added)` });
      else if (digest !== s.digest) report.problems.push({ ...at, problem: "the rows' contents differ from what was sealed (a row was edited)" });
      if (sealHash(s.prev_hash, stream, s.first_id, s.last_id, s.row_count, s.digest) !== s.hash)
        report.problems.push({ ...at, problem: "the seal's own hash does not match its fields (the seal was edited)" });
      prev = s.hash;
      prevLast = s.last_id;
      sealedRows += s.row_count;
    }
    report.streams.push({ stream, seals: seals.length, sealedRows, unsealedRows: await repo.countAfter(deps.db, stream, prevLast), head: prev });
  }
  report.ok = report.problems.length === 0;
  return report;
}
