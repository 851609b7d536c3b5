import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "kysely";
import { APP_ROLE, createDb } from "./db";
import { applyDbSecurity } from "./security";

const run = promisify(execFile);

/** pg_dump / pg_restore to use: PORTICO_PG_BIN_DIR/<tool>, else the one on PATH. */
function tool(name: "pg_dump" | "pg_restore"): string {
  const dir = process.env.PORTICO_PG_BIN_DIR;
  return dir ? `${dir.replace(/\/$/, "")}/${name}` : name;
}

async function serverMajor(url: string): Promise<number> {
  const { db } = createDb(url, 1);
  try {
    const r = await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(db);
    return Math.floor(Number(r.rows[0].v) / 10000);
  } finally {
    await db.destroy();
  }
}

async function toolMajor(name: "pg_dump" | "pg_restore"): Promise<number> {
  try {
    const { stdout } = await run(tool(name), ["--version"]);
    return Number(/(\d+)(\.\d+)?/.exec(stdout)?.[1] ?? 0);
  } catch {
    throw new Error(`${name} was not found; install the PostgreSQL client tools or set PORTICO_PG_BIN_DIR`);
  }
}

/** pg_dump refuses servers newer than itself: say so before it does, with the fix. */
export async function checkTools(url: string): Promise<void> {
  const [server, dump] = await Promise.all([serverMajor(url), toolMajor("pg_dump")]);
  if (dump < server)
    throw new Error(
      `pg_dump ${dump} cannot back up a PostgreSQL ${server} server; install postgresql-client-${server} (or newer) and set PORTICO_PG_BIN_DIR to its bin folder`,
    );
}

/**
 * `portico backup <file>`: one consistent pg_dump (custom format) of the whole database — work items,
 * timelines, audit seals and attachments (stored in PostgreSQL as blobs) — without owners or grants, so it
 * restores into any server. The queue's pending jobs are included.
 */
export async function backupDatabase(url: string, file: string): Promise<void> {
  await checkTools(url);
  await run(tool("pg_dump"), ["--format=custom", "--no-owner", "--no-privileges", `--file=${file}`, `--dbname=${url}`], { maxBuffer: 64 * 1024 * 1024 });
}

/**
 * `portico restore <file>`: into an empty database (refuses one that has tables). Creates the application
 * role first (the row-level security policies name it), restores, then re-applies grants and policies.
 */
export async function restoreDatabase(url: string, file: string): Promise<void> {
  await checkTools(url);
  const { db } = createDb(url, 1);
  try {
    const r = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = 'public'`.execute(db);
    if (r.rows[0].n > 0) throw new Error("The target database is not empty; restore into a new, empty database");
    await sql
      .raw(`do $$ begin
        if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
          begin create role ${APP_ROLE} nologin; exception when duplicate_object or unique_violation then null; end;
        end if; end $$`)
      .execute(db);
  } finally {
    await db.destroy();
  }
  await run(tool("pg_restore"), ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", `--dbname=${url}`, file], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const { db: after } = createDb(url, 1);
  try {
    await applyDbSecurity(after);
  } finally {
    await after.destroy();
  }
}
