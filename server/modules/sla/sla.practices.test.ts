import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

// Service levels are not only for incidents and requests: a policy on type "problem" or "change" starts,
// stops and cancels clocks on those practices' items through the same engine.

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

async function deskWithPolicy(type: "problem" | "change", minutes: number) {
  const d = await createDesk(testDeps());
  const r = await http(app, d.admin).post("/api/v1/sla/policies", {
    name: `${type} resolution`,
    position: 1,
    conditions: [{ field: "type", values: [type] }],
    targets: [{ metric: "resolution", durationMinutes: minutes }],
  });
  expect(r.status).toBe(201);
  return d;
}
type Desk = Awaited<ReturnType<typeof deskWithPolicy>>;
const clocksOf = async (d: Desk, ref: string) => {
  const r = await http(app, d.agent).get(`/api/v1/work-items/${ref}/sla`);
  expect(r.status).toBe(200);
  return r.body.items as Array<{ name: string; state: string; dueAt: string }>;
};

describe("clocks on problems and changes", () => {
  it("starts a problem's resolution clock on create and stops it (met) when the problem is resolved", async () => {
    const d = await deskWithPolicy("problem", 7 * 24 * 60);
    const created = await http(app, d.agent).post("/api/v1/problems", { title: "Mail queue stalls every Monday" });
    expect(created.status).toBe(201);
    const p = created.body;
    const [clock] = await clocksOf(d, p.number);
    expect(clock).toMatchObject({ name: "Resolution", state: "running" });
    expect(Date.parse(clock.dueAt) - Date.parse(p.createdAt)).toBeGreaterThanOrEqual(7 * 24 * 3600_000 - 1000);

    const step = async (body: Record<string, unknown>) => {
      const r = await http(app, d.agent).post(`/api/v1/problems/${p.id}/transitions`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    await step({ action: "assess" });
    await step({ action: "investigate" });
    expect((await http(app, d.agent).patch(`/api/v1/problems/${p.id}`, { rootCause: "A cron job locks the queue table" })).status).toBe(200);
    await step({ action: "start_fix" });
    expect((await http(app, d.agent).patch(`/api/v1/problems/${p.id}`, { fix: "Moved the job to Sunday night" })).status).toBe(200);
    await step({ action: "resolve" });
    expect((await clocksOf(d, p.number)).map((c) => c.state)).toEqual(["met"]);
  });

  it("starts a change's clock on create and cancels it with the change", async () => {
    const d = await deskWithPolicy("change", 3 * 24 * 60);
    const created = await http(app, d.agent).post("/api/v1/changes", { type: "normal", title: "Upgrade the mail relay" });
    expect(created.status).toBe(201);
    expect((await clocksOf(d, created.body.number)).map((c) => c.state)).toEqual(["running"]);
    const cancelled = await http(app, d.agent).post(`/api/v1/changes/${created.body.id}/transitions`, { action: "cancel", reason: "superseded" });
    expect(cancelled.status).toBe(200);
    expect((await clocksOf(d, created.body.number)).map((c) => c.state)).toEqual(["cancelled"]);
  });
});
