import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { App } from "../../platform/http/app";
import { startWorker } from "../../platform/jobs/queue";
import { createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { recurringTicketsJob } from "./automation.jobs";
import { runDueSchedules } from "./schedule.service";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

const template = { title: "Backup check {{date}}", description: "Verify last night's backups", impact: "low", urgency: "medium" };

async function itemsOf(orgId: string) {
  return (
    await sql<{ number: string; title: string }>`select number, title from work_items where organization_id = ${orgId} order by number`.execute(testDeps().db)
  ).rows;
}

describe("recurring tickets", () => {
  it("validates cron, RRULE, zone and template references with 400s naming the field; previews next occurrences", async () => {
    const d = await createDesk(testDeps());
    const a = http(app, d.admin);
    const cases = [
      [{ name: "x", cron: "0 25 * * *", template }, "body.cron"],
      [{ name: "x", rrule: "FREQ=MINUTELY", template }, "body.rrule"],
      [{ name: "x", rrule: "FREQ=WEEKLY;BYDAY=XX", template }, "body.rrule"],
      [{ name: "x", cron: "0 9 * * 1", timezone: "Europe/Nowhere", template }, "body.timezone"],
      [{ name: "x", template }, "body.cron"],
      [{ name: "x", cron: "0 9 * * 1", template: { ...template, assignmentGroupId: d.org.id } }, "body.template.assignmentGroupId"],
    ] as const;
    for (const [body, field] of cases) {
      const r = await a.post("/api/v1/automation/schedules", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.details.map((x: { field: string }) => x.field)).toContain(field);
    }
    expect((await a.get("/api/v1/automation/schedules")).body.items).toEqual([]);
    const p = await a.post("/api/v1/automation/schedules/preview", {
      rrule: "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
      timezone: "America/New_York",
    });
    expect(p.status).toBe(200);
    expect(p.body.occurrences).toHaveLength(5);
    expect(new Date(p.body.occurrences[0]).getUTCDay()).toBe(1);
    expect((await http(app, d.agent).get("/api/v1/automation/schedules")).status).toBe(403);
  });

  it("creates each occurrence exactly once with two worker runners and concurrent ticks", async () => {
    const d = await createDesk(testDeps());
    const a = http(app, d.admin);
    const s = await a.post("/api/v1/automation/schedules", {
      name: "Backups",
      cron: "*/5 * * * *",
      timezone: "Europe/Paris",
      template: { ...template, assignmentGroupId: d.group.id },
    });
    expect(s.status).toBe(201);
    expect(s.body.nextOccurrences).toHaveLength(5);
    // The worker was away for 17 minutes: occurrences at :00, :05, :10 and :15 are due.
    const start = new Date(Math.floor(Date.now() / 300_000) * 300_000 - 20 * 60_000);
    await sql`update recurring_schedules set next_run_at = ${start.toISOString()}::timestamptz + interval '5 minutes' where id = ${s.body.id}`.execute(
      testDeps().db,
    );

    // Two concurrent ticks in this process…
    await Promise.all([runDueSchedules(testDeps()), runDueSchedules(testDeps())]);
    expect((await a.get(`/api/v1/automation/schedules/${s.body.id}/occurrences`)).body.items).toHaveLength(4);
    // …then two graphile-worker runners racing over several queued ticks, for a second schedule.
    const s2 = await a.post("/api/v1/automation/schedules", {
      name: "Disks",
      cron: "*/5 * * * *",
      timezone: "UTC",
      template: { ...template, title: "Disk space {{date}}" },
    });
    await sql`update recurring_schedules set next_run_at = ${start.toISOString()}::timestamptz + interval '5 minutes' where id = ${s2.body.id}`.execute(
      testDeps().db,
    );
    const pool = new pg.Pool({ connectionString: inject("databaseUrl"), max: 4 });
    const deps = testDeps();
    const runners = await Promise.all(
      [0, 1].map(() =>
        startWorker({ pool, definitions: [{ ...recurringTicketsJob, cron: undefined }], deps, log: deps.log, metrics: deps.metrics, concurrency: 2 }),
      ),
    );
    for (let i = 0; i < 6; i++) await sql`select graphile_worker.add_job(${recurringTicketsJob.id}, '{}'::json)`.execute(deps.db);
    for (let i = 0; i < 100; i++) {
      const left = await sql<{
        n: number;
      }>`select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = ${recurringTicketsJob.id}`.execute(
        deps.db,
      );
      if (left.rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(runners.map((r) => r.stop()));
    await pool.end();

    const items = await itemsOf(d.org.id);
    const occ = (await a.get(`/api/v1/automation/schedules/${s.body.id}/occurrences`)).body.items;
    const occ2 = (await a.get(`/api/v1/automation/schedules/${s2.body.id}/occurrences`)).body.items;
    expect(occ).toHaveLength(4);
    expect(occ2).toHaveLength(4);
    expect(items).toHaveLength(8);
    expect(items.filter((i) => i.title.startsWith("Disk space"))).toHaveLength(4);
    expect(new Set([...occ, ...occ2].map((o: { workItemNumber: string }) => o.workItemNumber)).size).toBe(8);
    expect(items[0].title).toMatch(/^Backup check \d{4}-\d{2}-\d{2}$/);
    const list = (await a.get("/api/v1/automation/schedules")).body.items.find((x: { name: string }) => x.name === "Backups");
    expect(new Date(list.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    expect(list.lastOccurrence.workItemNumber).toBeTruthy();
    const tl = (await a.get(`/api/v1/incidents/${occ[0].workItemNumber}/timeline`)).body.items;
    expect(tl[0]).toMatchObject({ kind: "created", actor: null, data: { rule: { name: "Backups", kind: "schedule" } } });
  });

  it("edits and deletes a schedule (audited)", async () => {
    const d = await createDesk(testDeps());
    const a = http(app, d.admin);
    const s = (
      await a.post("/api/v1/automation/schedules", {
        name: "Patch day",
        rrule: "FREQ=MONTHLY;BYDAY=2TU;BYHOUR=10;BYMINUTE=0;BYSECOND=0",
        timezone: "UTC",
        template,
      })
    ).body;
    const u = await a.put(`/api/v1/automation/schedules/${s.id}`, { name: "Patch day", active: false, rrule: s.rrule, timezone: "UTC", template });
    expect(u.body).toMatchObject({ active: false, nextRunAt: null, nextOccurrences: [] });
    expect((await a.delete(`/api/v1/automation/schedules/${s.id}`)).status).toBe(204);
    expect((await a.delete(`/api/v1/automation/schedules/${s.id}`)).status).toBe(404);
  });
});
