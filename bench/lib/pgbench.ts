import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { withClient } from "./database";

const run = promisify(execFile);

export interface PgbenchResult {
  clients: number;
  threads: number;
  seconds: number;
  tps: number;
  latencyAvgMs: number | null;
  failed: number;
  pgbenchVersion: string;
}

/** The script: one single-row INSERT per transaction, autocommit, into a scratch table. */
const SCRIPT = "insert into bench_pgbench_insert (payload) values ('pgbench single-row insert');\n";

/** Creates the scratch table pgbench inserts into (dropped after the run). */
export async function preparePgbench(url: string): Promise<void> {
  await withClient(url, (c) =>
    c.query(`drop table if exists bench_pgbench_insert;
      create table bench_pgbench_insert (id bigint generated always as identity primary key, payload text not null, created_at timestamptz not null default now())`),
  );
}

export async function dropPgbenchTable(url: string): Promise<void> {
  await withClient(url, (c) => c.query("drop table if exists bench_pgbench_insert"));
}

/**
 * PostgreSQL's ceiling on this machine in this run: `pgbench -n -f insert.sql -c N -j J -T S`,
 * the same server and database Portico uses, TPS excluding connection set-up.
 */
export async function runPgbench(url: string, clients: number, threads: number, seconds: number): Promise<PgbenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-pgbench-"));
  const file = path.join(dir, "insert.sql");
  fs.writeFileSync(file, SCRIPT);
  try {
    const { stdout: ver } = await run("pgbench", ["--version"]);
    const { stdout } = await run("pgbench", ["-n", "-f", file, "-c", String(clients), "-j", String(threads), "-T", String(seconds), url], {
      maxBuffer: 10 * 1024 * 1024,
    }).catch(async (e: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`pgbench failed: ${e.stderr || e.message}`);
    });
    const tps = /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(stdout);
    if (!tps) throw new Error(`could not read pgbench output:\n${stdout}`);
    const lat = /latency average = ([\d.]+) ms/.exec(stdout);
    const failed = /number of failed transactions: (\d+)/.exec(stdout);
    return {
      clients,
      threads,
      seconds,
      tps: Number(tps[1]),
      latencyAvgMs: lat ? Number(lat[1]) : null,
      failed: failed ? Number(failed[1]) : 0,
      pgbenchVersion: ver.trim(),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
