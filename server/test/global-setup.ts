import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { createLogger } from "../platform/logger";
import { type EmbeddedHandle, startEmbeddedPostgres } from "../platform/db/embedded";
import { migrateAll } from "../runtime";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

let embedded: EmbeddedHandle | null = null;
let adminUrl = "";
let dbName = "";

/**
 * Once per run: a fresh database on the machine's PostgreSQL (DATABASE_URL) or on an embedded one,
 * migrated once. Tests isolate by organization, so nothing is truncated between them.
 */
export async function setup(project: TestProject): Promise<void> {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? "warn");
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    embedded = await startEmbeddedPostgres(path.resolve(".tmp/test-db"), Number(process.env.PORTICO_TEST_DB_PORT ?? 54339), log);
    adminUrl = embedded.url("postgres");
  }
  dbName = `portico_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  await migrateAll(url.toString(), log);
  project.provide("databaseUrl", url.toString());
}

export async function teardown(): Promise<void> {
  if (dbName && process.env.PORTICO_KEEP_TEST_DB !== "1") {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
    await admin.end();
  }
  if (embedded) await embedded.stop();
}
