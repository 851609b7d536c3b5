import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk, type createUser as CU } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

type Caller = Awaited<ReturnType<typeof CU>>;
const create = async (who: Caller) =>
  (await http(app, who).post("/api/v1/incidents", { title: "Mail slow", description: "", impact: "low", urgency: "low" })).body as {
    id: string;
    number: string;
  };
const month = new Date().toISOString().slice(0, 7);
const contract = { name: "Gold support", startsOn: `${month}-01`, monthlyHours: 2, thresholds: [80, 100] };

describe("time entries", () => {
  it("logs manual time and refuses negative, zero, absurd or future durations with 400", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent);
    const ok = await http(app, d.agent).post(`/api/v1/work-items/${inc.number}/time-entries`, { minutes: 30, activity: "fix", note: "Rebuilt profile" });
    expect(ok.status).toBe(201);
    expect(ok.body.entry).toMatchObject({ minutes: 30, activity: "fix", billable: false, source: "manual", contract: null, user: { id: d.agent.id } });
    for (const bad of [
      { minutes: -5 },
      { minutes: 0 },
      { minutes: 1441 },
      { minutes: 2.5 },
      { minutes: 10, workDate: "2999-01-01" },
      { minutes: 10, workDate: "2026-02-30" },
    ]) {
      const r = await http(app, d.agent).post(`/api/v1/work-items/${inc.id}/time-entries`, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    const sheet = (await http(app, d.agent).get(`/api/v1/work-items/${inc.id}/time-entries`)).body;
    expect(sheet).toMatchObject({ totalMinutes: 30, billableMinutes: 0, timer: null, contract: null });
    const tl = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/timeline`)).body.items;
    expect(tl.at(-1)).toMatchObject({ kind: "time_logged", visibility: "internal", data: { minutes: 30 } });
    expect((await http(app, d.requester).get(`/api/v1/work-items/${inc.id}/time-entries`)).status).toBe(403);
    const foreign = await createDesk(testDeps());
    expect((await http(app, foreign.agent).post(`/api/v1/work-items/${inc.id}/time-entries`, { minutes: 5 })).status).toBe(404);
  });

  it("runs a start/stop timer per agent", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent);
    const started = await http(app, d.agent).post(`/api/v1/work-items/${inc.id}/timer`);
    expect(started.status).toBe(200);
    expect(started.body.timer.startedAt).toBeTruthy();
    expect((await http(app, d.agent).post(`/api/v1/work-items/${inc.id}/timer`)).status).toBe(409);
    // The colleague's timer is their own.
    expect((await http(app, d.agent2).get(`/api/v1/work-items/${inc.id}/time-entries`)).body.timer).toBeNull();
    await testDeps()
      .db.updateTable("time_timers")
      .set({ started_at: new Date(Date.now() - 25 * 60_000) })
      .where("user_id", "=", d.agent.id)
      .execute();
    const stopped = await http(app, d.agent).post(`/api/v1/work-items/${inc.id}/timer/stop`, { activity: "communication" });
    expect(stopped.status).toBe(201);
    expect(stopped.body.entry).toMatchObject({ minutes: 25, source: "timer", activity: "communication" });
    expect((await http(app, d.agent).post(`/api/v1/work-items/${inc.id}/timer/stop`, {})).status).toBe(404);
    await http(app, d.agent).post(`/api/v1/work-items/${inc.id}/timer`);
    await testDeps()
      .db.updateTable("time_timers")
      .set({ started_at: new Date(Date.now() - 25 * 3600_000) })
      .where("user_id", "=", d.agent.id)
      .execute();
    expect((await http(app, d.agent).post(`/api/v1/work-items/${inc.id}/timer/stop`, {})).status).toBe(400);
    expect((await http(app, d.agent).delete(`/api/v1/work-items/${inc.id}/timer`)).status).toBe(204);
  });

  it("lets agents delete only their own entries", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent);
    const e = (await http(app, d.agent).post(`/api/v1/work-items/${inc.id}/time-entries`, { minutes: 15 })).body.entry;
    expect((await http(app, d.agent2).delete(`/api/v1/work-items/${inc.id}/time-entries/${e.id}`)).status).toBe(403);
    expect((await http(app, d.admin).delete(`/api/v1/work-items/${inc.id}/time-entries/${e.id}`)).status).toBe(204);
    expect((await http(app, d.agent).get(`/api/v1/work-items/${inc.id}/time-entries`)).body.items).toEqual([]);
  });
});

describe("support contracts", () => {
  it("billable time draws the monthly budget down and records each threshold once", async () => {
    const d = await createDesk(testDeps());
    expect((await http(app, d.agent).post("/api/v1/support-contracts", contract)).status).toBe(403);
    const c = await http(app, d.admin).post("/api/v1/support-contracts", contract);
    expect(c.status).toBe(201);
    expect(c.body.current).toMatchObject({ includedHours: 2, billableHours: 0, remainingHours: 2 });
    expect((await http(app, d.admin).post("/api/v1/support-contracts", { ...contract, name: "Overlap" })).status).toBe(409);
    expect((await http(app, d.admin).post("/api/v1/support-contracts", { ...contract, endsOn: "2000-01-01" })).status).toBe(400);

    const inc = await create(d.agent);
    const log = (minutes: number, billable = true) => http(app, d.agent).post(`/api/v1/work-items/${inc.id}/time-entries`, { minutes, billable });
    expect((await log(60)).body.warnings).toEqual([]);
    expect((await log(60, false)).body.warnings).toEqual([]);
    const at80 = await log(40);
    expect(at80.body.entry.contract).toMatchObject({ name: "Gold support" });
    expect(at80.body.warnings.map((w: { threshold: number }) => w.threshold)).toEqual([80]);
    expect((await log(10)).body.warnings).toEqual([]);
    expect((await log(20)).body.warnings.map((w: { threshold: number }) => w.threshold)).toEqual([100]);
    expect((await log(30)).body.warnings).toEqual([]);

    const sheet = (await http(app, d.agent).get(`/api/v1/work-items/${inc.id}/time-entries`)).body;
    expect(sheet.contract).toMatchObject({ includedHours: 2, billableHours: 2.67, remainingHours: -0.67, percentUsed: 133 });
    const alerts = await testDeps().db.selectFrom("support_contract_alerts").selectAll().where("contract_id", "=", c.body.id).execute();
    expect(alerts.map((a) => a.threshold).sort((a, b) => a - b)).toEqual([80, 100]);

    const report = await http(app, d.agent).get(`/api/v1/support-contracts/report?from=${month}&to=${month}`);
    expect(report.status).toBe(200);
    expect(report.body.rows).toEqual([
      expect.objectContaining({ month, includedHours: 2, billableHours: 2.67, nonBillableHours: 1, percentUsed: 133, warnings: [80, 100] }),
    ]);
    expect((await http(app, d.agent).get("/api/v1/support-contracts/report?from=2026-13&to=2026-01")).status).toBe(400);
    expect((await http(app, d.agent).get("/api/v1/support-contracts/report?from=2024-01&to=2026-11")).status).toBe(400);
    // Another organization sees none of it.
    const foreign = await createDesk(testDeps());
    expect((await http(app, foreign.agent).get(`/api/v1/support-contracts/report?from=${month}&to=${month}`)).body.rows).toEqual([]);
  });

  it("concurrent billable entries cross a threshold exactly once", async () => {
    const d = await createDesk(testDeps());
    await http(app, d.admin).post("/api/v1/support-contracts", { ...contract, monthlyHours: 1, thresholds: [50] });
    const inc = await create(d.agent);
    const rs = await Promise.all(
      Array.from({ length: 6 }, () => http(app, d.agent).post(`/api/v1/work-items/${inc.id}/time-entries`, { minutes: 10, billable: true })),
    );
    expect(rs.every((r) => r.status === 201)).toBe(true);
    expect(rs.flatMap((r) => r.body.warnings)).toHaveLength(1);
  });
});
