import fs from "node:fs";
import type { CreateResult, QueueResult } from "./http-bench";
import type { LoadReport } from "./load";
import type { MachineFacts } from "./machine";
import type { PgbenchResult } from "./pgbench";

export const CREATE_AIM = 1500;
export const QUEUE_P95_AIM_MS = 50;

export interface RunReport {
  label: string;
  facts: MachineFacts;
  server: string;
  pgVersion: string;
  pgSettings: Record<string, string>;
  parts: string[];
  reusedDb: boolean;
  pgbench: PgbenchResult[];
  creates: CreateResult[];
  commitsPerCreate: number | null;
  queue: Array<{ scale: number; totalRows: number; load: LoadReport | null; results: QueueResult[] }>;
  seconds: number;
  notes: string[];
}

const f0 = (n: number) => Math.round(n).toLocaleString("en");
const f1 = (n: number) => n.toFixed(1);

/** Portico's best create rate as a share of the pgbench ceiling at the same client count. */
export function ceilingRatio(r: RunReport, connections: number): { rps: number; tps: number; ratio: number } | null {
  const c = r.creates.find((x) => x.connections === connections);
  const p = r.pgbench.find((x) => x.clients === connections) ?? r.pgbench.at(-1);
  if (!c || !p) return null;
  return { rps: c.rps, tps: p.tps, ratio: c.rps / p.tps };
}

/** The dated Markdown section appended to bench/RESULTS.md. */
export function renderSection(r: RunReport): string {
  const L: string[] = [];
  L.push(`## ${r.facts.date.slice(0, 16).replace("T", " ")} UTC — ${r.label}`, "");
  L.push(
    `- Machine: \`nproc\` = ${r.facts.nproc}, ${r.facts.cpuModel}, ${r.facts.memory}, load average at start ${r.facts.loadAvg} (shared, noisy host)`,
    `- Node ${r.facts.node}; ${r.pgVersion}`,
    `- Server measured: ${r.server}${r.reusedDb ? " (scratch database reused from an earlier run: BENCH_REUSE_DB=1)" : ", scratch database `portico_bench` recreated"}`,
    `- PostgreSQL settings: ${Object.entries(r.pgSettings)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
    `- Portico: commit ${r.facts.gitCommit}, one process \`node bin/portico.mjs serve --roles=web\` (pool max 20 unless DATABASE_POOL_MAX), load generator in the bench process`,
    `- Parts run: ${r.parts.join(", ")}; whole run ${f0(r.seconds)} s`,
  );
  for (const n of r.notes) L.push(`- ${n}`);
  L.push("");
  if (r.pgbench.length) {
    L.push("### PostgreSQL ceiling (pgbench, single-row INSERT into a scratch table, `-n -f insert.sql`)", "");
    L.push("| clients | threads | seconds | TPS | avg latency (ms) | failed |", "|---:|---:|---:|---:|---:|---:|");
    for (const p of r.pgbench) L.push(`| ${p.clients} | ${p.threads} | ${p.seconds} | ${f0(p.tps)} | ${p.latencyAvgMs ?? "–"} | ${p.failed} |`);
    L.push("");
  }
  if (r.creates.length) {
    L.push("### Incident creation (POST /api/v1/incidents, bearer token, autocannon)", "");
    L.push(
      "| connections | seconds | creates/s | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | non-2xx | errors | share of pgbench ceiling |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const c of r.creates) {
      const ratio = ceilingRatio(r, c.connections);
      L.push(
        `| ${c.connections} | ${c.seconds} | **${f0(c.rps)}** | ${c.p50} | ${c.p90} | ${c.p99} | ${c.max} | ${c.non2xx} | ${c.errors + c.timeouts} | ${ratio ? `${(ratio.ratio * 100).toFixed(1)}% of ${f0(ratio.tps)} TPS` : "–"} |`,
      );
    }
    if (r.commitsPerCreate !== null)
      L.push("", `Database commits per create at 32 connections (pg_stat_database.xact_commit delta ÷ creates): ${r.commitsPerCreate.toFixed(2)}.`);
    const c32 = r.creates.find((c) => c.connections === 32);
    if (c32) L.push("", `Aim ≥ ${f0(CREATE_AIM)} creates/s at 32 connections: **${c32.rps >= CREATE_AIM ? "met" : "not met"}** (${f0(c32.rps)}/s).`);
    L.push("");
  }
  for (const q of r.queue) {
    L.push(`### Queue first page at ${f0(q.scale)} incidents in the organization (${f0(q.totalRows)} work items in the table)`, "");
    if (q.load) {
      L.push(
        `Loaded ${f0(q.load.rows)} rows in ${f0(q.load.seconds)} s (of which index rebuild ${f0(q.load.indexSeconds)} s, VACUUM ANALYZE + checkpoint ${f0(q.load.vacuumSeconds)} s${q.load.fkChecksSkipped ? "; FK triggers skipped during the load" : ""}).`,
        "",
      );
    }
    L.push("| shape | query | requests | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | total on page 1 |", "|---|---|---:|---:|---:|---:|---:|---:|");
    for (const x of q.results) {
      L.push(
        `| ${x.name} | \`${x.query}\` | ${x.requests} | ${f1(x.p50)} | **${f1(x.p95)}** | ${f1(x.p99)} | ${f1(x.max)} | ${x.total === null ? "–" : `${f0(x.total)}${x.totalCapped ? "+" : ""}`} |`,
      );
    }
    if (q.scale >= 1_000_000) {
      const worst = Math.max(...q.results.map((x) => x.p95));
      L.push("", `Aim p95 ≤ ${QUEUE_P95_AIM_MS} ms at 1M: **${worst <= QUEUE_P95_AIM_MS ? "met" : "not met"}** (worst shape p95 ${f1(worst)} ms).`);
    }
    L.push("");
  }
  return L.join("\n");
}

const HEADER = `# Portico benchmark results

Produced by \`npm run bench\` (bench/run.ts); each run appends a dated section. Numbers come from a
shared 2-core machine whose load varies: compare medians and repeat a run before drawing conclusions.

What is measured, in the same run and on the same PostgreSQL server:

1. **PostgreSQL ceiling**: pgbench with a custom one-statement script (a single-row INSERT into a
   scratch table, autocommit), at 8 and 32 clients. Portico's creates/s are quoted as a share of it.
2. **Incident creation** through the HTTP API: autocannon (programmatic) POSTs
   \`/api/v1/incidents\` with a personal API token at 1 and 32 connections, a distinct title per
   request, after a warm-up. A create is a full use case: token lookup, validation, a transaction
   that numbers the incident, writes the work item, its incident row and the timeline event, and
   publishes a live-update NOTIFY.
3. **The queue's first page** (\`GET /api/v1/incidents\`, limit 50, with the capped total count):
   sequential requests after a warm-up, at 100k and 1M incidents in one organization plus other
   organizations' rows. The data is loaded with INSERT … SELECT generate_series: ~70% closed or
   resolved, the rest new / in progress / on hold; priorities skewed to P3–P4; 8 groups (skewed
   towards the first), 40 agents, 2,000 requesters; created_at over two years (open items lean
   recent); titles and descriptions from word lists.

Options (environment): \`BENCH_SECONDS\` (load duration, default 15), \`BENCH_QUEUE_REQUESTS\` (200),
\`BENCH_SCALES\` (\`100000,1000000\`), \`BENCH_PARTS\` (\`pgbench,creates,queue\`), \`BENCH_LABEL\`,
\`BENCH_REUSE_DB=1\` (keep an already loaded scratch database; for iterating on indexes),
\`BENCH_CPU_PROF=<dir>\` (run the server under \`node --cpu-prof\`), \`DATABASE_URL\` (measure that
server instead of the embedded one).
`;

/** Appends the section, creating the file with its explanation on first use. */
export function appendResults(file: string, section: string): void {
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${HEADER}\n`);
  fs.appendFileSync(file, `\n${section}\n`);
}

/** The short console summary. */
export function renderSummary(r: RunReport): string {
  const L: string[] = ["", `Portico bench — ${r.label}`];
  for (const p of r.pgbench) L.push(`  pgbench single-row INSERT, ${p.clients} clients: ${f0(p.tps)} TPS`);
  for (const c of r.creates) {
    const ratio = ceilingRatio(r, c.connections);
    L.push(
      `  creates, ${String(c.connections).padStart(2)} conn: ${f0(c.rps)}/s  p50 ${c.p50} ms  p99 ${c.p99} ms  non-2xx ${c.non2xx}${ratio ? `  (${(ratio.ratio * 100).toFixed(1)}% of pgbench)` : ""}`,
    );
  }
  for (const q of r.queue) {
    L.push(`  queue at ${f0(q.scale)}:`);
    for (const x of q.results) L.push(`    ${x.name.padEnd(22)} p50 ${f1(x.p50).padStart(7)} ms  p95 ${f1(x.p95).padStart(7)} ms`);
  }
  return L.join("\n");
}
