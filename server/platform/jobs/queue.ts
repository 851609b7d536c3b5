import { Logger as GwLogger, parseCronItems, type Runner, run, runMigrations, type TaskList } from "graphile-worker";
import { sql } from "kysely";
import type pg from "pg";
import type { ZodType } from "zod";
import type { DbOrTx } from "../db/db";
import type { Logger } from "../logger";
import type { Metrics } from "../metrics";

/** A job is data plus a lazily loaded handler: id, payload schema, retry policy, optional cron. */
export interface JobDefinition<P = unknown, D = unknown> {
  id: string;
  payload: ZodType<P>;
  maxAttempts?: number;
  /** Crontab timing (five fields), run once per tick across all workers. */
  cron?: string;
  handler: () => Promise<(payload: P, deps: D) => Promise<void>>;
}

export interface EnqueueOptions {
  runAt?: Date;
  /** De-duplicates: a second job with the same key replaces the pending one. */
  jobKey?: string;
  maxAttempts?: number;
}

/** Adds a job inside the caller's transaction: it exists only if the transaction commits (outbox). */
export async function enqueueJob(db: DbOrTx, task: string, payload: unknown, opts: EnqueueOptions = {}): Promise<void> {
  await sql`select graphile_worker.add_job(
    ${task}, ${JSON.stringify(payload)}::json,
    run_at => ${opts.runAt ?? null}::timestamptz,
    job_key => ${opts.jobKey ?? null}::text,
    max_attempts => ${opts.maxAttempts ?? 10}::int)`.execute(db);
}

/** Removes a pending keyed job inside the caller's transaction (e.g. an auto-close on reopen). */
export async function removeJob(db: DbOrTx, jobKey: string): Promise<void> {
  await sql`select graphile_worker.remove_job(${jobKey})`.execute(db);
}

/** Installs or upgrades the queue's own schema (graphile_worker). */
export async function migrateQueue(pool: pg.Pool): Promise<void> {
  await runMigrations({ pgPool: pool, logger: silentLogger() });
}

function silentLogger(log?: Logger): GwLogger {
  return new GwLogger(() => (level, message, meta) => {
    if (!log) return;
    if (level === "error") log.error({ meta }, message);
    else if (level === "warning") log.warn({ meta }, message);
    else log.debug({ meta }, message);
  });
}

/** Starts the worker: picks up jobs (LISTEN-driven) and cron ticks; N workers never double-run one. */
export async function startWorker<D>(opts: {
  pool: pg.Pool;
  definitions: JobDefinition<any, D>[];
  deps: D;
  log: Logger;
  metrics: Metrics;
  concurrency?: number;
}): Promise<Runner> {
  const taskList: TaskList = {};
  for (const def of opts.definitions) {
    let loaded: ((p: unknown, d: D) => Promise<void>) | undefined;
    taskList[def.id] = async (raw) => {
      const payload = def.payload.parse(raw);
      loaded ??= (await def.handler()) as (p: unknown, d: D) => Promise<void>;
      try {
        await loaded(payload, opts.deps);
        opts.metrics.jobsCompleted.inc({ task: def.id, outcome: "ok" });
      } catch (e) {
        opts.metrics.jobsCompleted.inc({ task: def.id, outcome: "error" });
        opts.log.warn({ err: e, task: def.id }, "job failed; will retry");
        throw e;
      }
    };
  }
  const cron = opts.definitions.filter((d) => d.cron).map((d) => ({ task: d.id, match: d.cron as string, identifier: d.id, options: { backfillPeriod: 0 } }));
  return run({
    pgPool: opts.pool,
    taskList,
    parsedCronItems: parseCronItems(cron),
    concurrency: opts.concurrency ?? 2,
    noHandleSignals: true,
    pollInterval: 2000,
    logger: silentLogger(opts.log),
  });
}
