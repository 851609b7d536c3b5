import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrg, createUser } from "../test/factories";
import { api, PorticoProcess, prepare, sleep, TestPostgres } from "./support";

/**
 * Crashes under load, against real processes and a PostgreSQL of the test's own:
 * kill -9 of the server during creates, and PostgreSQL stopped (immediate) and started again.
 */

const pg = new TestPostgres(54410);
let deps: Awaited<ReturnType<typeof prepare>>;
let agent: Awaited<ReturnType<typeof createUser>>;
let orgId: string;

beforeAll(async () => {
  await pg.start();
  deps = await prepare(pg.url);
  orgId = (await createOrg(deps)).id;
  agent = await createUser(deps, orgId, "agent");
}, 120_000);

afterAll(async () => {
  await Promise.race([deps?.close(), new Promise((r) => setTimeout(r, 5000))]);
  await pg.destroy();
});

const body = (key: string) => ({ title: `crash ${key}`, description: "load", impact: "low", urgency: "low" });

describe("kill -9 during a steady load of creates", () => {
  it("every acknowledged ticket exists exactly once with its timeline row; retries of unanswered keys create nothing twice", async () => {
    const first = new PorticoProcess(pg.url, "web");
    await first.start();
    const acknowledged = new Map<string, string>();
    const unanswered = new Set<string>();
    let stop = false;
    const loop = async (base: string) => {
      while (!stop) {
        const key = randomUUID();
        try {
          const r = await api(base, agent.token, "POST", "/api/v1/incidents", body(key), { "idempotency-key": key }, 10_000);
          if (r.status === 201) acknowledged.set(key, r.body.id);
          else unanswered.add(key);
        } catch {
          unanswered.add(key);
          await sleep(20);
        }
      }
    };
    const loops = Array.from({ length: 8 }, () => loop(first.base));
    await sleep(2500);
    first.kill("SIGKILL");
    await first.waitExit(10_000);
    stop = true;
    await Promise.all(loops);
    expect(acknowledged.size).toBeGreaterThan(10);

    // A new process on the same database; clients retry what got no answer, with the same keys.
    const second = new PorticoProcess(pg.url, "web");
    await second.start();
    try {
      for (const key of unanswered) {
        const r = await api(second.base, agent.token, "POST", "/api/v1/incidents", body(key), { "idempotency-key": key });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        acknowledged.set(key, r.body.id);
      }
      // Acknowledged before the crash and retried: the same ticket, replayed.
      const sample = [...acknowledged.entries()].slice(0, 5);
      for (const [key, id] of sample) {
        const r = await api(second.base, agent.token, "POST", "/api/v1/incidents", body(key), { "idempotency-key": key });
        expect(r.body.id).toBe(id);
      }
    } finally {
      await second.stop();
    }
    const rows = await sql<{ title: string; n: number; created: number }>`
      select w.title, count(*)::int as n,
        (select count(*)::int from timeline_events t where t.work_item_id = min(w.id::text)::uuid and t.kind = 'created') as created
      from work_items w where w.organization_id = ${orgId} group by w.title`.execute(deps.db);
    const byTitle = new Map(rows.rows.map((r) => [r.title, r]));
    for (const [key, id] of acknowledged) {
      const row = byTitle.get(`crash ${key}`);
      expect(row?.n, key).toBe(1);
      expect(row?.created, key).toBe(1);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    // Nothing half-written: no ticket without its timeline row, no ticket nobody asked for.
    expect(rows.rows.length).toBe(acknowledged.size);
    const orphans = await sql<{ n: number }>`select count(*)::int as n from work_items w where w.organization_id = ${orgId}
      and not exists (select 1 from timeline_events t where t.work_item_id = w.id)`.execute(deps.db);
    expect(orphans.rows[0].n).toBe(0);
  }, 180_000);
});

describe("PostgreSQL stopped mid-load (immediate shutdown) and started again", () => {
  it("answers 503 with Retry-After while it is down (never 500, never a hang) and recovers without a Portico restart", async () => {
    const server = new PorticoProcess(pg.url, "web");
    await server.start();
    try {
      let stop = false;
      const statuses: number[] = [];
      const loop = async () => {
        while (!stop) {
          const key = randomUUID();
          const t = Date.now();
          try {
            const r = await api(server.base, agent.token, "POST", "/api/v1/incidents", body(key), { "idempotency-key": key }, 15_000);
            statuses.push(r.status);
            if (r.status === 503) expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
          } catch (e) {
            statuses.push(-1);
            throw new Error(`request failed after ${Date.now() - t} ms: ${(e as Error).message}`);
          }
        }
      };
      const loops = Array.from({ length: 4 }, loop);
      await sleep(1500);
      pg.stopImmediately();
      await pg.waitDown();
      // While down: every answer is a prompt 503 with Retry-After, reads and writes alike.
      const downAnswers: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t = Date.now();
        const read = await api(server.base, agent.token, "GET", "/api/v1/incidents?limit=5", undefined, {}, 15_000);
        expect(Date.now() - t).toBeLessThan(10_000);
        downAnswers.push(read.status);
        expect(read.headers.get("retry-after")).toMatch(/^\d+$/);
        expect(read.body.error.code).toBe("SERVICE_UNAVAILABLE");
      }
      expect(new Set(downAnswers)).toEqual(new Set([503]));
      expect((await fetch(`${server.base}/readyz`, { signal: AbortSignal.timeout(10_000) })).status).toBe(503);
      await pg.start();
      // Recovers on its own (the pool drops dead connections and opens new ones).
      let recovered = false;
      for (let i = 0; i < 100 && !recovered; i++) {
        const r = await api(server.base, agent.token, "GET", "/api/v1/incidents?limit=5").catch(() => null);
        recovered = r?.status === 200;
        if (!recovered) await sleep(200);
      }
      expect(recovered).toBe(true);
      await sleep(1000);
      stop = true;
      await Promise.all(loops);
      expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
      expect(statuses).toContain(201);
      expect(server.exitCode).toBeNull();
    } catch (e) {
      (await import("node:fs")).writeFileSync("/tmp/secure-rel-server.log", server.output);
      throw e;
    } finally {
      await server.stop();
    }
  }, 180_000);
});
