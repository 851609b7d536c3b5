import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrg, createUser } from "../test/factories";
import { startSmtpSink } from "../test/mail";
import { api, PorticoProcess, prepare, sleep, TestPostgres } from "./support";

/** Concurrency across real processes sharing one PostgreSQL: numbers, optimistic locking, jobs, shutdown. */

const pg = new TestPostgres(54411);
let deps: Awaited<ReturnType<typeof prepare>>;
let orgId: string;
let agents: Awaited<ReturnType<typeof createUser>>[];
const servers: PorticoProcess[] = [];

beforeAll(async () => {
  await pg.start();
  deps = await prepare(pg.url);
  orgId = (await createOrg(deps)).id;
  agents = [await createUser(deps, orgId, "agent"), await createUser(deps, orgId, "agent")];
  for (let i = 0; i < 2; i++) {
    const s = new PorticoProcess(pg.url, "web");
    await s.start();
    servers.push(s);
  }
}, 120_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  await Promise.race([deps?.close(), sleep(5000)]);
  await pg.destroy();
});

describe("two web processes on one database", () => {
  it("50 concurrent creators across both processes get unique, gap-tolerant numbers and every ticket once", async () => {
    const made: Array<{ id: string; number: string }> = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const s = servers[i % 2];
        for (let k = 0; k < 6; k++) {
          const r = await api(s.base, agents[i % 2].token, "POST", "/api/v1/incidents", {
            title: `n ${i}-${k}`,
            description: "x",
            impact: "low",
            urgency: "low",
          });
          expect(r.status).toBe(201);
          made.push({ id: r.body.id, number: r.body.number });
        }
      }),
    );
    expect(made.length).toBe(300);
    expect(new Set(made.map((m) => m.number)).size).toBe(300);
    expect(new Set(made.map((m) => m.id)).size).toBe(300);
    const inDb = await sql<{ n: number; numbers: number }>`select count(*)::int as n, count(distinct number)::int as numbers
      from work_items where organization_id = ${orgId} and title like 'n %'`.execute(deps.db);
    expect(inDb.rows[0]).toEqual({ n: 300, numbers: 300 });
  }, 180_000);

  it("two agents updating one ticket 1,000 times concurrently: every write is either applied or a 409, none is lost", async () => {
    const created = await api(servers[0].base, agents[0].token, "POST", "/api/v1/incidents", {
      title: "contended",
      description: "x",
      impact: "low",
      urgency: "low",
    });
    const id = created.body.id as string;
    const applied: Array<{ version: number; title: string }> = [];
    let conflicts = 0;
    const agentLoop = async (who: number) => {
      const s = servers[who];
      let version = created.body.version as number;
      for (let i = 0; i < 500; i++) {
        const title = `agent ${who} write ${i}`;
        const r = await api(s.base, agents[who].token, "PATCH", `/api/v1/incidents/${id}`, { title }, { "if-match": `"${version}"` });
        if (r.status === 200) {
          applied.push({ version: r.body.version, title });
          version = r.body.version;
        } else {
          expect(r.status, JSON.stringify(r.body)).toBe(409);
          conflicts++;
          // Re-read, as the UI does, then try the next write on the fresh version.
          version = (await api(s.base, agents[who].token, "GET", `/api/v1/incidents/${id}`)).body.version;
        }
      }
    };
    await Promise.all([agentLoop(0), agentLoop(1)]);
    expect(applied.length + conflicts).toBe(1000);
    expect(conflicts).toBeGreaterThan(0);
    // Each applied write made exactly one new version, and the last one is what is stored.
    const versions = applied.map((a) => a.version).sort((x, y) => x - y);
    expect(new Set(versions).size).toBe(applied.length);
    const final = await api(servers[1].base, agents[1].token, "GET", `/api/v1/incidents/${id}`);
    expect(final.body.version).toBe(created.body.version + applied.length);
    expect(final.body.title).toBe(applied.find((a) => a.version === final.body.version)?.title);
    const timeline = await sql<{ n: number }>`select count(*)::int as n from timeline_events where work_item_id = ${id} and kind = 'updated'`.execute(deps.db);
    expect(timeline.rows[0].n).toBe(applied.length);
  }, 180_000);
});

describe("jobs across two worker processes", () => {
  it("every queued mail is sent exactly once while two workers compete for the jobs", async () => {
    const sink = await startSmtpSink();
    const workers = [0, 1].map(() => new PorticoProcess(pg.url, "worker", { PORTICO_SMTP_URL: `smtp://127.0.0.1:${sink.port}` }));
    try {
      const ids: string[] = [];
      for (let i = 0; i < 120; i++) {
        const r = await sql<{
          id: string;
        }>`insert into mail_deliveries (organization_id, event_id, event, to_address, message_id, subject, text_body, html_body, headers)
          values (${orgId}, gen_random_uuid(), 'test', ${`r${i}@example.test`}, ${`<${randomUUID()}@portico.test>`}, ${`once ${i}`}, 'x', '<p>x</p>', '{"from":"desk@example.test"}')
          returning id`.execute(deps.db);
        ids.push(r.rows[0].id);
        await sql`select graphile_worker.add_job('mail.send', ${JSON.stringify({ deliveryId: r.rows[0].id, organizationId: orgId })}::json)`.execute(deps.db);
      }
      await Promise.all(workers.map((w) => w.start()));
      const until = Date.now() + 90_000;
      let sent = 0;
      while (Date.now() < until) {
        sent = (await sql<{ n: number }>`select count(*)::int as n from mail_deliveries where id = any(${ids}::uuid[]) and status = 'sent'`.execute(deps.db))
          .rows[0].n;
        if (sent === ids.length) break;
        await sleep(250);
      }
      expect(sent).toBe(ids.length);
      await sleep(500);
      const subjects = sink.messages.map((m) => m.parsed.subject).filter((s) => s?.startsWith("once "));
      expect(subjects.length).toBe(ids.length);
      expect(new Set(subjects).size).toBe(ids.length);
      const attempts = await sql<{ a: number }>`select max(attempts)::int as a from mail_deliveries where id = any(${ids}::uuid[])`.execute(deps.db);
      expect(attempts.rows[0].a).toBe(1);
    } finally {
      for (const w of workers) await w.stop();
      await sink.close();
    }
  }, 180_000);
});

describe("graceful shutdown on SIGTERM", () => {
  it("finishes the requests in flight, refuses new ones, releases its jobs and exits 0", async () => {
    const s = new PorticoProcess(pg.url, "web,worker");
    await s.start();
    const results = await (async () => {
      const calls = Array.from({ length: 30 }, (_, i) =>
        api(s.base, agents[0].token, "POST", "/api/v1/incidents", { title: `term ${i}`, description: "x", impact: "low", urgency: "low" }).then(
          (r) => ({ status: r.status, id: r.body?.id as string | undefined, error: null as string | null }),
          (e: Error & { cause?: { code?: string } }) => ({ status: 0, id: undefined, error: e.cause?.code ?? e.message }),
        ),
      );
      await sleep(30);
      s.kill("SIGTERM");
      return Promise.all(calls);
    })();
    expect(await s.waitExit(25_000)).toBe(0);
    // Accepted requests were answered (201), never cut off; requests after the signal are refused: 503
    // with Retry-After while the server drains, or the connection once it has closed.
    for (const r of results) expect([201, 503, 0]).toContain(r.status);
    for (const r of results) if (r.status === 0) expect(r.error).toMatch(/ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET/);
    const answered = results.filter((r) => r.status === 201).map((r) => r.id as string);
    expect(answered.length).toBeGreaterThan(0);
    const rows = await sql<{ n: number }>`select count(*)::int as n from work_items where id = any(${answered}::uuid[])`.execute(deps.db);
    expect(rows.rows[0].n).toBe(answered.length);
    const locked = await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs where locked_by is not null`.execute(deps.db);
    expect(locked.rows[0].n).toBe(0);
  }, 120_000);
});
