import { sql } from "kysely";
import type { Runner } from "graphile-worker";
import { sealLegacySecrets } from "./platform/secrets";
import { buildApp, JOBS } from "./app";
import type { Deps } from "./deps";
import { createLogger, type Logger } from "./platform/logger";
import { type Config, loadConfig } from "./platform/config";
import { APP_ROLE, createDb } from "./platform/db/db";
import { applyDbSecurity } from "./platform/db/security";
import { type EmbeddedHandle, startEmbeddedPostgres } from "./platform/db/embedded";
import { migrateToLatest, pendingMigrations } from "./platform/db/migrate";
import { migrateQueue, startWorker } from "./platform/jobs/queue";
import { LiveHub } from "./platform/live/live";
import { closeTransports } from "./platform/mail/transport";
import { type SmtpIntake, startSmtpIntake } from "./modules/email-in/email-in.smtp";
import { createMetrics } from "./platform/metrics";
import type { App } from "./platform/http/app";

export type Role = "web" | "worker";

/** Where the database is: DATABASE_URL, or the embedded server started now. */
export async function resolveDatabase(config: Config, log: Logger): Promise<{ url: string; embedded: EmbeddedHandle | null }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  const embedded = await startEmbeddedPostgres(config.PORTICO_DATA_DIR, config.PORTICO_DB_PORT, log);
  await embedded.ensureDatabase("portico");
  return { url: embedded.url("portico"), embedded };
}

/** Applies Portico's migrations and the job queue's schema. */
export async function migrateAll(url: string, log: Logger): Promise<string[]> {
  const { db, pool } = createDb(url, 2);
  try {
    const applied = await migrateToLatest(db as never);
    await migrateQueue(pool);
    await applyDbSecurity(db as never);
    for (const m of applied) log.info({ migration: m }, "applied migration");
    const sealed = await sealLegacySecrets(db as never);
    if (sealed) log.info({ sealed }, "sealed stored secrets written before encryption at rest");
    return applied;
  } finally {
    await db.destroy();
  }
}

/** Whether the connecting user may act as the application role (created by `portico migrate`). */
export async function appRoleUsable(url: string): Promise<boolean> {
  const { db } = createDb(url, 1);
  try {
    const r = await sql<{
      ok: boolean;
    }>`select exists (select 1 from pg_roles where rolname = ${APP_ROLE}) and pg_has_role(current_user, ${APP_ROLE}, 'member') as ok`.execute(db);
    return r.rows[0]?.ok === true;
  } catch {
    return false;
  } finally {
    await db.destroy();
  }
}

export interface Running {
  deps: Deps;
  app: App | null;
  worker: Runner | null;
  /** The SMTP intake when the worker runs one (PORTICO_SMTP_INTAKE_PORT). */
  intake: SmtpIntake | null;
  stop(): Promise<void>;
}

/** Starts the requested roles on one database; refuses an outdated schema instead of migrating it. */
export async function startRoles(opts: {
  url: string;
  roles: Role[];
  config?: Config;
  log?: Logger;
  port?: number;
  host?: string;
  webDist?: string | null;
}): Promise<Running> {
  const config = opts.config ?? loadConfig();
  const log = opts.log ?? createLogger(config.PORTICO_LOG_LEVEL);
  const metrics = createMetrics();
  const role = config.PORTICO_DB_APP_ROLE !== "off" && (await appRoleUsable(opts.url)) ? APP_ROLE : null;
  if (!role && config.PORTICO_DB_APP_ROLE !== "off")
    log.warn(
      { role: APP_ROLE },
      "the application role is missing (run `portico migrate`); row-level security and the append-only audit grants are not in force",
    );
  const { db, pool } = createDb(opts.url, config.DATABASE_POOL_MAX, { role });
  const pending = await pendingMigrations(db as never);
  if (pending.length) {
    await db.destroy();
    throw new Error(`The database schema is out of date (${pending.length} pending migrations); run \`npm run migrate\` first`);
  }
  let shuttingDown = false;
  const live = opts.roles.includes("web") ? new LiveHub(opts.url, log) : null;
  if (live) await live.start();
  // Reporting reads go to the replica when one is configured (always in read-only transactions).
  const replica = config.DATABASE_REPLICA_URL ? createDb(config.DATABASE_REPLICA_URL, Math.max(2, Math.ceil(config.DATABASE_POOL_MAX / 2)), { role }) : null;
  const deps: Deps = { db, config, log, metrics, live, ...(replica ? { reportDb: replica.db } : {}) };
  let app: App | null = null;
  if (opts.roles.includes("web")) {
    app = await buildApp(deps, { webDist: opts.webDist, isShuttingDown: () => shuttingDown });
    await app.listen({ port: opts.port ?? config.PORT, host: opts.host ?? config.HOST });
  }
  const worker = opts.roles.includes("worker") ? await startWorker({ pool, definitions: JOBS, deps, log, metrics }) : null;
  // The SMTP intake belongs to the worker role: it writes tickets, it serves no browser.
  // A port already taken (another instance on this machine) leaves the rest of Portico running.
  const intake: SmtpIntake | null =
    worker && config.PORTICO_SMTP_INTAKE_PORT !== undefined
      ? await startSmtpIntake(deps, { port: config.PORTICO_SMTP_INTAKE_PORT, host: config.PORTICO_SMTP_INTAKE_HOST }).catch((e) => {
          log.error({ err: e, port: config.PORTICO_SMTP_INTAKE_PORT }, "SMTP intake could not start; mail intake is off");
          return null;
        })
      : null;
  return {
    deps,
    app,
    worker,
    intake,
    async stop() {
      shuttingDown = true;
      // In-flight requests finish; open event streams are cut so close() can complete.
      if (app) {
        const closing = app.close();
        app.server.closeIdleConnections?.();
        setTimeout(() => app?.server.closeAllConnections?.(), 5000).unref();
        await closing;
      }
      if (intake) await intake.close();
      if (worker) await worker.stop();
      closeTransports();
      if (live) await live.stop();
      await db.destroy();
      if (replica) await replica.db.destroy();
    },
  };
}
