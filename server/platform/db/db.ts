import { AsyncLocalStorage } from "node:async_hooks";
import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import type { Database } from "./schema";

// bigint columns (identity ids, counts) come back as strings unless told otherwise; counts fit in a JS number.
pg.types.setTypeParser(20, (v: string) => Number(v));

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the pool-backed handle or an open transaction: every repo function takes one. */
export type DbOrTx = Kysely<Database>;

/** The non-superuser role the application's queries run as (row-level security and append-only grants apply to it). */
export const APP_ROLE = "portico_app";
/** The tenant context value that row-level security policies read as "every organization" (jobs, sign-in, CLI). */
export const SYSTEM_CONTEXT = "*";

/** The organization a piece of work acts in; absent = system context (spans organizations). */
interface TenantStore {
  orgId: string | null;
}
const tenantContext = new AsyncLocalStorage<TenantStore>();

/** Runs fn with its database work limited (by row-level security) to one organization, or to none with null = system. */
export function runInTenantContext<T>(orgId: string | null, fn: () => T): T {
  return tenantContext.run({ orgId }, fn);
}

/** Narrows the current context (opened by runInTenantContext) to an organization, e.g. once a request's caller is known. */
export function enterTenant(orgId: string | null): void {
  const store = tenantContext.getStore();
  if (store) store.orgId = orgId;
}

/** Runs fn in the system context (work that legitimately spans organizations), whatever the caller's context. */
export function asSystem<T>(fn: () => T): T {
  return tenantContext.run({ orgId: null }, fn);
}

/** The value of portico.org_id that the current async context wants on its connections. */
function wantedTenant(): string {
  return tenantContext.getStore()?.orgId ?? SYSTEM_CONTEXT;
}

/**
 * Opens a pool and the Kysely handle on it. With `role`, every connection runs as that role (SET ROLE via
 * the startup options) and, each time it is reserved, carries the caller's tenant in `portico.org_id`
 * (set only when it differs from what the connection last carried, so a pooled connection never keeps
 * one request's organization for another).
 */
export function createDb(connectionString: string, max = 20, opts: { role?: string | null } = {}): { db: Db; pool: pg.Pool } {
  const open = (size: number) => {
    const p = new pg.Pool({
      connectionString,
      max: size,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
      application_name: "portico",
      ...(opts.role ? { options: `-c role=${opts.role}` } : {}),
    });
    // A dropped idle connection must not crash the process; the pool replaces it.
    p.on("error", () => {});
    p.on("connect", (client) => client.on("error", () => {}));
    return p;
  };
  // The system pool: jobs, the queue, sign-in and each request's authentication (always the system context).
  const pool = open(opts.role ? Math.max(2, Math.ceil(max / 2)) : max);
  if (!opts.role) return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
  // Work inside a request goes to a pool of its own, so its connections flip context only between
  // organizations, not twice per request (authentication in the system context, then the request's work).
  const orgPool = open(max);
  const carried = new WeakMap<pg.PoolClient, string>();
  // Kysely reserves connections through pool.connect(): the tenant is set there, on the raw client, so a
  // failure can destroy the client instead of leaking it.
  const tenantPool = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === "end") return async () => void (await Promise.all([target.end(), orgPool.end()]));
      if (prop !== "connect") return Reflect.get(target, prop, receiver);
      return async () => {
        const want = wantedTenant();
        const client = await (want === SYSTEM_CONTEXT ? target : orgPool).connect();
        if (carried.get(client) === want) return client;
        try {
          carried.delete(client);
          await client.query("select set_config('portico.org_id', $1, false)", [want]);
          carried.set(client, want);
          return client;
        } catch (e) {
          client.release(e as Error);
          throw e;
        }
      };
    },
  });
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: tenantPool }) }), pool };
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
