import { configureSecrets } from "./platform/secrets";
import { loadConfig } from "./platform/config";
import { createDb } from "./platform/db/db";
import { createLogger } from "./platform/logger";
import { createMetrics } from "./platform/metrics";
import { ensureInitialAdmin } from "./modules/identity/identity.service";
import { migrateAll, resolveDatabase, type Role, startRoles } from "./runtime";
import { DEMO_LOGINS, DEMO_PASSWORD, isEmpty, seedDemo } from "./seed/demo";

const USAGE = `portico <command>
  start              run everything in one process (embedded PostgreSQL unless DATABASE_URL is set;
                     migrates and seeds demo data on first start in embedded mode)
  serve [--roles=web,worker]   run roles against an already migrated DATABASE_URL
  migrate            apply database migrations
  seed               load demo data into an empty database
  config export [--org=<slug>]                      print the configuration as YAML
  config import <file|-> [--dry-run] [--org=<slug>] import YAML (diff shown; one transaction)`;

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

async function main(argv: string[]): Promise<void> {
  const [command = "start", ...args] = argv;
  const config = loadConfig();
  // config export writes YAML to stdout: keep the log quiet there.
  const log = createLogger(command === "config" ? "error" : config.PORTICO_LOG_LEVEL);
  if (command === "help" || command === "--help") {
    console.log(USAGE);
    return;
  }
  if (!["start", "serve", "migrate", "seed", "config"].includes(command)) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  configureSecrets({ key: config.PORTICO_SECRET_KEY, dataDir: config.PORTICO_DATA_DIR });
  const { url, embedded } = await resolveDatabase(config, log);
  // The all-in-one demo receives mail too: the SMTP intake on 2525 unless configured otherwise.
  if (command === "start" && embedded && config.PORTICO_SMTP_INTAKE_PORT === undefined) config.PORTICO_SMTP_INTAKE_PORT = 2525;
  const stopEmbedded = async () => {
    if (embedded) await embedded.stop();
  };
  try {
    if (command === "migrate") {
      const applied = await migrateAll(url, log);
      console.log(applied.length ? `Applied ${applied.length} migrations.` : "The database is up to date.");
      return stopEmbedded();
    }
    if (command === "config") {
      const { db } = createDb(url, 4);
      try {
        const { runConfigCommand } = await import("./modules/config-code/config.cli");
        process.exitCode = await runConfigCommand({ db, config, log, metrics: createMetrics(), live: null }, args);
      } finally {
        await db.destroy();
      }
      return stopEmbedded();
    }
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
    const running = await startRoles({ url, roles: command === "start" ? ["web", "worker"] : parseRoles(args), config, log });
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
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "shutting down");
      const force = setTimeout(() => process.exit(1), 20_000);
      force.unref();
      try {
        await running.stop();
        await stopEmbedded();
      } finally {
        process.exit(0);
      }
    };
    process.on("SIGTERM", () => void shutdown("SIGTERM"));
    process.on("SIGINT", () => void shutdown("SIGINT"));
  } catch (e) {
    await stopEmbedded().catch(() => {});
    throw e;
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
