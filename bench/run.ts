// `npm run bench`: PostgreSQL's ceiling, incident creates over HTTP and the queue's first page at
// 100k and 1M incidents, appended to bench/RESULTS.md. See the header of that file for what and how.
import path from "node:path";
import { createLogger } from "../server/platform/logger";
import { migrateAll } from "../server/runtime";
import { type BenchDatabase, openBenchDatabase, withClient } from "./lib/database";
import { benchCreates, benchQueue, type CreateResult, type QueueResult, type QueueShape } from "./lib/http-bench";
import { loadTo, readMeta, setupOrgs } from "./lib/load";
import { machineFacts } from "./lib/machine";
import { dropPgbenchTable, preparePgbench, runPgbench } from "./lib/pgbench";
import { appendResults, type RunReport, renderSection, renderSummary } from "./lib/report";
import { killAllServers, type PorticoServer, startPortico } from "./lib/server";
import { BENCH_PARTS } from "./parts";

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 15);
const QUEUE_N = Number(env.BENCH_QUEUE_REQUESTS ?? 200);
const QUEUE_WARMUP = 20;
const SCALES = (env.BENCH_SCALES ?? "100000,1000000")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const FOUNDATION_PARTS = ["pgbench", "creates", "queue"];
const PARTS = (env.BENCH_PARTS ?? FOUNDATION_PARTS.join(","))
  .split(",")
  .map((s) => s.trim())
  .flatMap((p) => (p === "all" ? [...FOUNDATION_PARTS, ...Object.keys(BENCH_PARTS)] : [p]));
const OTHER_ORGS = 4;
const OTHER_ORG_ROWS = 12_500;
const RESULTS = path.resolve(env.BENCH_RESULTS ?? "bench/RESULTS.md");

const say = (m: string) => process.stderr.write(`[bench] ${m}\n`);

async function countCommits(url: string): Promise<number> {
  return withClient(url, async (c) =>
    Number((await c.query("select xact_commit from pg_stat_database where datname = current_database()")).rows[0].xact_commit),
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = createLogger("warn");
  const facts = machineFacts();
  let db: BenchDatabase | null = null;
  let server: PorticoServer | null = null;
  const cleanup = async () => {
    await server?.stop().catch(() => {});
    server = null;
    await db?.stop().catch(() => {});
    db = null;
  };
  process.on("exit", killAllServers);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      say(`${sig}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    const reuse = env.BENCH_REUSE_DB === "1";
    const opened = await openBenchDatabase(log, { reuse });
    db = opened;
    say(`database: ${opened.server}`);
    await migrateAll(opened.url, log);
    const pgSettings = await withClient(opened.url, async (c) => {
      const r = await c.query<{ name: string; setting: string; unit: string | null }>(
        "select name, setting, unit from pg_settings where name in ('shared_buffers', 'max_connections', 'synchronous_commit', 'wal_level', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit') order by name",
      );
      return Object.fromEntries(r.rows.map((x) => [x.name, x.unit === "8kB" ? `${(Number(x.setting) * 8) / 1024}MB` : `${x.setting}${x.unit ?? ""}`]));
    });
    const report: RunReport = {
      label: env.BENCH_LABEL ?? "npm run bench",
      facts,
      server: opened.server,
      pgVersion: opened.version.split(",")[0],
      pgSettings,
      parts: PARTS,
      reusedDb: opened.reused,
      pgbench: [],
      creates: [],
      commitsPerCreate: null,
      queue: [],
      seconds: 0,
      notes: [],
    };

    if (PARTS.includes("pgbench")) {
      await preparePgbench(opened.url);
      for (const clients of [8, 32]) {
        say(`pgbench -c ${clients} -j 2 -T ${SECONDS}…`);
        report.pgbench.push(await runPgbench(opened.url, clients, 2, SECONDS));
      }
      await dropPgbenchTable(opened.url);
    }

    const unknown = PARTS.filter((p) => !FOUNDATION_PARTS.includes(p) && !(p in BENCH_PARTS));
    if (unknown.length > 0)
      throw new Error(`unknown bench part(s): ${unknown.join(", ")} (known: ${[...FOUNDATION_PARTS, ...Object.keys(BENCH_PARTS)].join(", ")})`);
    const extraSections: string[] = [];
    for (const name of PARTS.filter((p) => p in BENCH_PARTS)) {
      say(`part ${name}…`);
      const part = await BENCH_PARTS[name]();
      extraSections.push(await part.run({ url: opened.url, say, log, seconds: SECONDS }));
    }
    if (!PARTS.includes("creates") && !PARTS.includes("queue")) {
      report.seconds = (Date.now() - started) / 1000;
      const section = [renderSection(report), ...extraSections].join("\n");
      appendResults(RESULTS, section);
      console.log(extraSections.join("\n"));
      console.log(`\nAppended to ${path.relative(process.cwd(), RESULTS)}.`);
      return;
    }

    let meta = opened.reused ? await readMeta(opened.url) : null;
    if (!meta) {
      meta = await setupOrgs(opened.url, OTHER_ORGS);
      say("loading other organizations' incidents…");
      await loadTo(
        opened.url,
        meta,
        meta.orgs.others.map((cast) => ({ cast, rows: OTHER_ORG_ROWS })),
        say,
      );
    }
    const orgs = meta.orgs;
    server = await startPortico(opened.url, { cpuProfDir: env.BENCH_CPU_PROF ? path.resolve(env.BENCH_CPU_PROF) : undefined });
    say(`Portico on ${server.baseUrl} (pid ${server.pid})`);

    const shapes: QueueShape[] = [
      { name: "open by priority", query: "open=true&sort=priority&limit=50" },
      { name: "group open newest", query: `assignmentGroupId=${orgs.queueAgent.groupId}&open=true&sort=-createdAt&limit=50` },
      { name: "mine open", query: "assigneeId=me&open=true&limit=50" },
      { name: "text search", query: "q=printer&limit=50" },
    ];

    const runCreates = async () => {
      const s = server as PorticoServer;
      say("creates: warm-up 5 s at 32 connections…");
      await benchCreates(s.baseUrl, orgs.creator.token, 32, 5);
      const results: CreateResult[] = [];
      for (const [i, conns] of [1, 32].entries()) {
        say(`creates: ${conns} connection(s), ${SECONDS} s…`);
        const before = await countCommits(opened.url);
        const r = await benchCreates(s.baseUrl, orgs.creator.token, conns, SECONDS, i);
        const after = await countCommits(opened.url);
        if (r.ok === 0) throw new Error(`no create succeeded at ${conns} connections: ${JSON.stringify(r)}`);
        if (conns === 32 && r.ok > 0) report.commitsPerCreate = (after - before) / r.ok;
        if (r.non2xx > 0) report.notes.push(`**${r.non2xx} non-2xx responses at ${conns} connections** (status codes: ${JSON.stringify(r.statusCodes)}).`);
        results.push(r);
      }
      report.creates = results;
    };

    let createsDone = !PARTS.includes("creates");
    if (PARTS.includes("queue")) {
      for (const scale of SCALES) {
        const have = meta.loaded[orgs.main.orgId] ?? 0;
        if (have > scale) {
          report.notes.push(`Scale ${scale.toLocaleString("en")} skipped: the reused database already holds ${have.toLocaleString("en")}.`);
          continue;
        }
        const load = await loadTo(opened.url, meta, [{ cast: orgs.main, rows: scale }], say);
        const totalRows = await withClient(opened.url, async (c) => Number((await c.query("select count(*) as n from work_items")).rows[0].n));
        const results: QueueResult[] = [];
        for (const shape of shapes) {
          say(`queue at ${scale.toLocaleString("en")}: ${shape.name}…`);
          results.push(await benchQueue(server.baseUrl, orgs.queueAgent.token, shape, QUEUE_N, QUEUE_WARMUP));
        }
        report.queue.push({ scale, totalRows, load: load.rows > 0 ? load : null, results });
        // Creates run once, on the smaller table, into their own organization.
        if (!createsDone) {
          await runCreates();
          createsDone = true;
        }
      }
    }
    if (!createsDone) await runCreates();

    await server.stop();
    server = null;
    report.seconds = (Date.now() - started) / 1000;
    appendResults(RESULTS, [renderSection(report), ...extraSections].join("\n"));
    console.log(renderSummary(report));
    console.log(`\nAppended to ${path.relative(process.cwd(), RESULTS)}.`);
  } finally {
    await cleanup();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
