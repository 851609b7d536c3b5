// Bench part `webhooks`: end-to-end latency from a work-item event's commit to the signed POST arriving
// at a receiver on loopback, through the real queue and worker (graphile-worker, LISTEN-driven) and the
// SSRF-checked client. Runs: one event at a time (idle latency), then steady streams to 2 subscriptions
// at each rate of BENCH_WEBHOOK_RATES (events/s, default 10,25) for BENCH_WEBHOOK_SECONDS (20) each.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { JOBS } from "../server/app";
import type { Actor, Deps } from "../server/deps";
import { createIncident } from "../server/modules/incidents/incident.service";
import { addAllowedHost, createWebhook } from "../server/modules/webhooks/webhook.service";
import { loadConfig } from "../server/platform/config";
import { createDb } from "../server/platform/db/db";
import { startWorker } from "../server/platform/jobs/queue";
import { createMetrics } from "../server/platform/metrics";
import type { BenchPart, BenchPartContext } from "./parts";

const env = process.env;
const SEQUENTIAL = Number(env.BENCH_WEBHOOK_SEQUENTIAL ?? 100);
const RATES = (env.BENCH_WEBHOOK_RATES ?? "10,25")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const STREAM_SECONDS = Number(env.BENCH_WEBHOOK_SECONDS ?? 20);

function pct(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}
const ms = (n: number) => n.toFixed(1);

async function receiver() {
  const arrivals = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = performance.timeOrigin + performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { data: { workItem: { number: string } | null } };
      const key = body.data.workItem?.number ?? "";
      arrivals.set(key, [...(arrivals.get(key) ?? []), at]);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function run(ctx: BenchPartContext): Promise<string> {
  const rx = await receiver();
  const config = loadConfig({ ...env, DATABASE_URL: ctx.url });
  const { db, pool } = createDb(ctx.url, 20);
  const deps: Deps = { db, config, log: ctx.log, metrics: createMetrics(), live: null };
  const worker = await startWorker({ pool, definitions: JOBS, deps, log: ctx.log, metrics: deps.metrics, concurrency: 8 });
  try {
    const stamp = Date.now().toString(36);
    const org = await db
      .insertInto("organizations")
      .values({ name: `Webhook bench ${stamp}`, slug: `hook-bench-${stamp}`, settings: "{}" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const admin = await db
      .insertInto("users")
      .values({ organization_id: org.id, email: `admin-${stamp}@bench.example`, name: "Bench admin", role: "admin", password_hash: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    const actor: Actor = { userId: admin.id, organizationId: org.id, role: "admin", groupIds: [] };
    await addAllowedHost(deps, actor, { host: "127.0.0.1", note: "bench receiver" });
    await createWebhook(deps, actor, { name: "Bench A", url: rx.url, events: ["work_item.created"], workItemTypes: [], description: "", active: true });

    // Commit time of each event: createIncident resolves after its transaction committed.
    const committed = new Map<string, number>();
    const createOne = async (i: number) => {
      const r = await createIncident(deps, actor, { title: `Bench event ${i}`, description: "", impact: "medium", urgency: "medium" }, { via: "token" });
      committed.set((r.body as { number: string }).number, performance.timeOrigin + performance.now());
    };
    const waitFor = async (n: number, perSub: number) => {
      const deadline = Date.now() + 10 * 60_000;
      const have = () => [...rx.arrivals.values()].reduce((s, a) => s + a.length, 0);
      while (have() < n * perSub && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return have();
    };
    const latencies = (subs: number) => {
      const out: number[] = [];
      for (const [num, at] of committed) for (const a of (rx.arrivals.get(num) ?? []).slice(0, subs)) out.push(a - at);
      return out.sort((a, b) => a - b);
    };

    // 1. One event at a time: the latency an idle desk sees.
    ctx.say(`webhooks: ${SEQUENTIAL} events one at a time…`);
    for (let i = 0; i < SEQUENTIAL; i++) {
      await createOne(i);
      await waitFor(i + 1, 1);
    }
    const idle = latencies(1);
    const idleReceived = idle.length;

    // 2. Steady streams to two subscriptions.
    await createWebhook(deps, actor, { name: "Bench B", url: rx.url, events: ["work_item.created"], workItemTypes: [], description: "", active: true });
    const streams: Array<{ rate: number; events: number; got: number; seconds: number; perSecond: number; l: number[] }> = [];
    let n = SEQUENTIAL;
    for (const rate of RATES) {
      committed.clear();
      rx.arrivals.clear();
      const events = Math.round(rate * STREAM_SECONDS);
      ctx.say(`webhooks: ${events} events at ${rate}/s to 2 subscriptions…`);
      const t0 = performance.now();
      const pending: Promise<void>[] = [];
      for (let i = 0; i < events; i++) {
        const wait = t0 + (i * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        pending.push(createOne(n++));
      }
      await Promise.all(pending);
      const got = await waitFor(events, 2);
      const seconds = (performance.now() - t0) / 1000;
      streams.push({ rate, events, got, seconds, perSecond: got / seconds, l: latencies(2) });
    }
    const failed = await db
      .selectFrom("webhook_deliveries")
      .select(db.fn.countAll<number>().as("n"))
      .where("organization_id", "=", org.id)
      .where("status", "!=", "delivered")
      .executeTakeFirstOrThrow();

    const row = (name: string, l: number[], n: string) =>
      `| ${name} | ${n} | ${ms(pct(l, 50))} | ${ms(pct(l, 95))} | ${ms(pct(l, 99))} | ${ms(l[l.length - 1] ?? 0)} |`;
    return [
      "### Webhooks: event → delivered",
      "",
      "Incident created through the service (its transaction commits the event and the delivery job) → the worker's signed POST arrives at a receiver on 127.0.0.1 (allowed host), via graphile-worker (LISTEN/NOTIFY pickup, concurrency 8) and the SSRF-checked client. Latency is commit → request fully received, in milliseconds.",
      "",
      "| run | deliveries | p50 ms | p95 ms | p99 ms | max ms |",
      "|---|---|---|---|---|---|",
      row("one event at a time", idle, `${idleReceived}/${SEQUENTIAL}`),
      ...streams.map((x) =>
        row(`${x.rate} events/s × 2 subscriptions`, x.l, `${x.got}/${x.events * 2} in ${x.seconds.toFixed(1)} s (${x.perSecond.toFixed(0)}/s)`),
      ),
      "",
      "When events arrive faster than the worker drains them (each event is an events.deliver job, then one webhooks.deliver job per subscription, each a few queries plus the HTTP call), deliveries queue and latency grows with the backlog; add worker processes (or raise their concurrency) to drain more per second.",
      "",
      `Not delivered (failed/pending) at the end: ${Number(failed.n)}. The machine is shared and noisy (2 cores, other engineers' test runs): read the figures as orders of magnitude.`,
      "",
    ].join("\n");
  } finally {
    await worker.stop();
    await rx.close();
    await db.destroy();
  }
}

export const part: BenchPart = { run };
