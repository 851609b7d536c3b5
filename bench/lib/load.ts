import pg from "pg";
import { type BenchOrgs, type Cast, createOrgs, dropSecondaryIndexes, insertIncidents, recreateIndexes } from "./dataset";
import { withClient } from "./database";

const CHUNK = 100_000;

interface Meta {
  orgs: BenchOrgs;
  /** Rows loaded per organization id. */
  loaded: Record<string, number>;
}

/** What an earlier run left in a reused scratch database (BENCH_REUSE_DB=1), if anything. */
export async function readMeta(url: string): Promise<Meta | null> {
  return withClient(url, async (c) => {
    const t = await c.query("select to_regclass('bench_meta') is not null as ok");
    if (!t.rows[0].ok) return null;
    const r = await c.query<{ value: Meta }>("select value from bench_meta where key = 'meta'");
    return r.rows[0]?.value ?? null;
  });
}

async function writeMeta(c: pg.Client, meta: Meta): Promise<void> {
  await c.query("create table if not exists bench_meta (key text primary key, value jsonb not null)");
  await c.query("insert into bench_meta (key, value) values ('meta', $1) on conflict (key) do update set value = excluded.value", [JSON.stringify(meta)]);
}

/** Creates the organizations, people and tokens of the dataset. */
export async function setupOrgs(url: string, otherOrgs: number): Promise<Meta> {
  return withClient(url, async (c) => {
    const orgs = await createOrgs(c, otherOrgs);
    const meta: Meta = { orgs, loaded: {} };
    await writeMeta(c, meta);
    return meta;
  });
}

async function tryQuery(c: pg.Client, text: string): Promise<boolean> {
  try {
    await c.query(text);
    return true;
  } catch {
    return false;
  }
}

export interface LoadReport {
  rows: number;
  seconds: number;
  indexSeconds: number;
  vacuumSeconds: number;
  fkChecksSkipped: boolean;
}

/**
 * Brings each organization up to its target row count with INSERT … SELECT generate_series on two
 * connections at once, secondary indexes dropped during the load and rebuilt after (as a restore
 * would), numbers continuing the incident sequence; then VACUUM ANALYZE and a checkpoint.
 */
export async function loadTo(url: string, meta: Meta, targets: Array<{ cast: Cast; rows: number }>, log: (m: string) => void): Promise<LoadReport> {
  const work: Array<{ cast: Cast; from: number; to: number }> = [];
  const t0 = Date.now();
  let total = 0;
  let fkChecksSkipped = false;
  let indexSeconds = 0;
  let vacuumSeconds = 0;
  await withClient(url, async (c) => {
    const seq = await c.query<{ last_value: number; is_called: boolean }>("select last_value, is_called from work_item_number_incident");
    let next = seq.rows[0].is_called ? Number(seq.rows[0].last_value) + 1 : Number(seq.rows[0].last_value);
    for (const t of targets) {
      const have = meta.loaded[t.cast.orgId] ?? 0;
      let need = t.rows - have;
      while (need > 0) {
        const n = Math.min(CHUNK, need);
        work.push({ cast: t.cast, from: next, to: next + n - 1 });
        next += n;
        need -= n;
        total += n;
      }
    }
    if (total === 0) return;
    log(`loading ${total.toLocaleString("en")} incidents (indexes dropped during the load)…`);
    const defs = await dropSecondaryIndexes(c, ["work_items", "incidents"]);
    const lanes = [0, 1].map(async (lane) => {
      const lc = new pg.Client({ connectionString: url });
      lc.on("error", () => {});
      await lc.connect();
      try {
        // Superusers may skip the foreign-key triggers: every id comes from rows made above.
        if (await tryQuery(lc, "set session_replication_role = replica")) fkChecksSkipped = true;
        await lc.query("set synchronous_commit = off");
        for (let i = lane; i < work.length; i += 2) {
          const w = work[i];
          await insertIncidents(lc, w.cast, w.from, w.to);
        }
      } finally {
        await lc.end();
      }
    });
    await Promise.all(lanes);
    await c.query("select setval('work_item_number_incident', $1, true)", [next - 1]);
    for (const t of targets) meta.loaded[t.cast.orgId] = Math.max(meta.loaded[t.cast.orgId] ?? 0, t.rows);
    await writeMeta(c, meta);
    const tIdx = Date.now();
    log(`  rows in ${((tIdx - t0) / 1000).toFixed(0)} s; rebuilding ${defs.length} indexes…`);
    await recreateIndexes(c, defs);
    const tVac = Date.now();
    indexSeconds = (tVac - tIdx) / 1000;
    await c.query("vacuum analyze");
    await tryQuery(c, "checkpoint");
    vacuumSeconds = (Date.now() - tVac) / 1000;
    log(`  indexes ${indexSeconds.toFixed(0)} s, vacuum analyze ${vacuumSeconds.toFixed(0)} s`);
  });
  return { rows: total, seconds: (Date.now() - t0) / 1000, indexSeconds, vacuumSeconds, fkChecksSkipped };
}
