import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import type { Database } from "./schema";

// bigint columns (identity ids, counts) come back as strings unless told otherwise; counts fit in a JS number.
pg.types.setTypeParser(20, (v: string) => Number(v));

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the pool-backed handle or an open transaction: every repo function takes one. */
export type DbOrTx = Kysely<Database>;

/** Opens a pool and the Kysely handle on it. */
export function createDb(connectionString: string, max = 20): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    application_name: "portico",
  });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}

/** Runs fn in a transaction, or inside the caller's when it already holds one. */
export async function withTx<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Tx);
  return db.transaction().execute(fn);
}

/**
 * Runs fn in a read-only transaction (reporting reads, possibly on a replica): any write through it
 * fails with PostgreSQL's 25006, and a runaway query is stopped after `timeoutMs`.
 */
export async function withReadOnlyTx<T>(db: Db, fn: (tx: Tx) => Promise<T>, timeoutMs = 30_000): Promise<T> {
  return db
    .transaction()
    .setAccessMode("read only")
    .execute(async (tx) => {
      await sql`select set_config('statement_timeout', ${String(timeoutMs)}, true)`.execute(tx);
      return fn(tx);
    });
}
