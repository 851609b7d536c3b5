import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { createDesk, createGroup, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { fireClockThresholds, sweepBreaches } from "./sla.escalate";
import { recomputeCalendarClocks, resyncOrganization } from "./sla.recompute";

let app: App;
let deps: Deps;
beforeAll(async () => {
  deps = testDeps();
  app = await testApp();
});
afterAll(closeTestApp);

const MIN = 60_000;
type Desk = Awaited<ReturnType<typeof createDesk>>;

/** A desk with a 24×7 policy per priority band: P1/P2 tight, everything else looser. */
async function deskWithPolicies(extraTargets: unknown[] = []) {
  const d = await createDesk(deps);
  const mk = (body: unknown) => http(app, d.admin).post("/api/v1/sla/policies", body);
  const urgent = await mk({
    name: "Urgent",
    position: 1,
    conditions: [{ field: "priority", values: [1, 2] }],
    targets: [
      { metric: "response", durationMinutes: 15 },
      { metric: "resolution", durationMinutes: 240, pauseWhen: [{ field: "state", values: ["on_hold"] }] },
    ],
  });
  const normal = await mk({
    name: "Normal",
    position: 2,
    conditions: [{ field: "type", values: ["incident"] }],
    targets: [
      { metric: "response", durationMinutes: 60, thresholds: [{ percent: 50, action: "notify", recipient: "group" }] },
      { metric: "resolution", durationMinutes: 1440, pauseWhen: [{ field: "state", values: ["on_hold"] }] },
      ...extraTargets,
    ],
  });
  expect(urgent.status).toBe(201);
  expect(normal.status).toBe(201);
  return { d, urgentId: urgent.body.id as string, normalId: normal.body.id as string };
}

const newIncident = async (d: Desk, extra: Record<string, unknown> = {}) => {
  const r = await http(app, d.agent).post("/api/v1/incidents", { title: "Printer on fire", impact: "low", urgency: "low", ...extra });
  expect(r.status).toBe(201);
  return r.body;
};
const clocksOf = async (d: Desk, id: string) => {
  const r = await http(app, d.agent).get(`/api/v1/work-items/${id}/sla`);
  expect(r.status).toBe(200);
  return r.body.items as Array<Record<string, any>>;
};
const byName = (items: Array<Record<string, any>>, name: string): Record<string, any> => {
  const c = items.find((x) => x.name === name && (x.state === "running" || x.state === "paused")) ?? items.find((x) => x.name === name);
  if (!c) throw new Error(`no ${name} clock`);
  return c;
};
const timeline = async (d: Desk, id: string) =>
  (await http(app, d.agent).get(`/api/v1/incidents/${id}/timeline?limit=100`)).body.items as Array<Record<string, any>>;

describe("clocks on incidents", () => {
  it("starts the matching policy's clocks on create and puts the nearest due on the item", async () => {
    const { d, normalId } = await deskWithPolicies();
    const before = Date.now();
    const inc = await newIncident(d);
    expect(inc.slaDueAt).not.toBeNull();
    const clocks = await clocksOf(d, inc.id);
    expect(clocks.map((c) => [c.name, c.state, c.policy.id])).toEqual(
      expect.arrayContaining([
        ["Response", "running", normalId],
        ["Resolution", "running", normalId],
      ]),
    );
    const response = byName(clocks, "Response");
    expect(Date.parse(response.dueAt) - before).toBeGreaterThanOrEqual(60 * MIN - 2000);
    expect(Date.parse(response.dueAt) - before).toBeLessThanOrEqual(60 * MIN + 5000);
    expect(inc.slaDueAt).toBe(response.dueAt);
    expect(response.history.map((h: { kind: string }) => h.kind)).toEqual(["started"]);
    const tl = await timeline(d, inc.id);
    const ev = tl.find((e) => e.kind === "sla_changed");
    expect(ev).toMatchObject({ visibility: "internal", data: { reason: "created", policy: { id: normalId, name: "Normal" } } });
    // Requesters never see clocks or the internal SLA events.
    expect((await http(app, d.requester).get(`/api/v1/work-items/${inc.id}/sla`)).status).toBe(403);
  });

  it("stops the response clock at the first public agent reply (work notes and requester comments do not count)", async () => {
    const { d } = await deskWithPolicies();
    const inc = await http(app, d.requester)
      .post("/api/v1/incidents", { title: "Mail is slow", impact: "low", urgency: "low" })
      .then((r) => r.body);
    await http(app, d.requester).post(`/api/v1/incidents/${inc.id}/comments`, { body: "any news?" });
    await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/comments`, { body: "looking", visibility: "internal" });
    expect(byName(await clocksOf(d, inc.id), "Response").state).toBe("running");
    const reply = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/comments`, { body: "On it", visibility: "public" });
    expect(reply.status).toBe(201);
    const response = byName(await clocksOf(d, inc.id), "Response");
    expect(response).toMatchObject({ state: "met", breached: false, dueAt: null });
    expect(response.stoppedAt).toBe(reply.body.createdAt);
    // The item's due time is now the resolution clock's.
    const item = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}`)).body;
    expect(item.slaDueAt).toBe(byName(await clocksOf(d, inc.id), "Resolution").dueAt);
  });

  it("pauses on hold, resumes with the due time moved by the pause, stops on resolve and runs again on reopen", async () => {
    const { d } = await deskWithPolicies();
    const inc = await newIncident(d);
    const due0 = Date.parse(byName(await clocksOf(d, inc.id), "Resolution").dueAt);
    const held = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, { action: "hold", holdReason: "awaiting_caller" });
    expect(held.status).toBe(200);
    const paused = byName(await clocksOf(d, inc.id), "Resolution");
    expect(paused).toMatchObject({ state: "paused", dueAt: null });
    expect(held.body.slaDueAt).toBe(byName(await clocksOf(d, inc.id), "Response").dueAt);
    await new Promise((r) => setTimeout(r, 300));
    await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, { action: "resume" });
    const resumed = byName(await clocksOf(d, inc.id), "Resolution");
    expect(resumed.state).toBe("running");
    expect(resumed.pausedMs).toBeGreaterThanOrEqual(250);
    expect(Date.parse(resumed.dueAt) - due0).toBeGreaterThanOrEqual(250);
    expect(resumed.history.map((h: { kind: string }) => h.kind)).toEqual(["started", "paused", "resumed"]);

    await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, {
      action: "resolve",
      resolutionCode: "solved_permanently",
      resolutionNotes: "ok",
    });
    const clocks = await clocksOf(d, inc.id);
    expect(byName(clocks, "Resolution").state).toBe("met");
    expect(byName(clocks, "Response").state).toBe("met");
    expect((await http(app, d.agent).get(`/api/v1/incidents/${inc.id}`)).body.slaDueAt).toBeNull();

    const reopened = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, { action: "reopen", reason: "still broken" });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    const again = byName(await clocksOf(d, inc.id), "Resolution");
    expect(again.state).toBe("running");
    expect(again.history.map((h: { kind: string }) => h.kind)).toContain("reopened");
  });

  it("recalculates when the priority moves the item to another policy, keeping history and telling the timeline", async () => {
    const { d, urgentId } = await deskWithPolicies();
    const inc = await newIncident(d);
    const before = byName(await clocksOf(d, inc.id), "Resolution");
    const r = await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { impact: "high", urgency: "high" });
    expect(r.body.priority).toBe("P1");
    const after = byName(await clocksOf(d, inc.id), "Resolution");
    expect(after.id).toBe(before.id);
    expect(after.policy.id).toBe(urgentId);
    expect(after.targetMs).toBe(240 * MIN);
    expect(Date.parse(after.dueAt)).toBeLessThan(Date.parse(before.dueAt));
    const recalc = after.history.find((h: { kind: string }) => h.kind === "recalculated");
    expect(recalc.data).toMatchObject({ reason: "updated", fromTargetMs: 1440 * MIN, toTargetMs: 240 * MIN, fromDueAt: before.dueAt, toDueAt: after.dueAt });
    const ev = (await timeline(d, inc.id)).filter((e) => e.kind === "sla_changed").pop();
    expect(ev?.data.policy).toEqual({ id: urgentId, name: "Urgent" });
    expect(ev?.data.clocks).toEqual(expect.arrayContaining([expect.objectContaining({ name: "Resolution", event: "recalculated" })]));
    expect(r.body.slaDueAt).toBe(byName(await clocksOf(d, inc.id), "Response").dueAt);
  });

  it("cancels clocks when the item is cancelled and when no policy applies any more", async () => {
    const { d, normalId } = await deskWithPolicies();
    const inc = await newIncident(d);
    await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, { action: "cancel", reason: "duplicate call" });
    expect((await clocksOf(d, inc.id)).map((c) => c.state)).toEqual(["cancelled", "cancelled"]);

    const inc2 = await newIncident(d);
    await http(app, d.admin).delete(`/api/v1/sla/policies/${normalId}`);
    await resyncOrganization(deps, d.org.id, "policy_changed");
    expect((await clocksOf(d, inc2.id)).map((c) => c.state)).toEqual(["cancelled", "cancelled"]);
    expect((await http(app, d.agent).get(`/api/v1/incidents/${inc2.id}`)).body.slaDueAt).toBeNull();
  });

  it("runs an OLA per assignment group: handed on stops it, the new group's starts", async () => {
    const { d } = await deskWithPolicies([{ kind: "ola", metric: "resolution", durationMinutes: 120 }]);
    const network = await createGroup(deps, d.org.id, "Network");
    const inc = await newIncident(d, { assignmentGroupId: d.group.id });
    let olas = (await clocksOf(d, inc.id)).filter((c) => c.kind === "ola");
    expect(olas.map((c) => [c.group.id, c.state])).toEqual([[d.group.id, "running"]]);
    await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { assignmentGroupId: network.id });
    olas = (await clocksOf(d, inc.id)).filter((c) => c.kind === "ola");
    expect(olas.map((c) => [c.group.id, c.state]).sort()).toEqual(
      [
        [d.group.id, "met"],
        [network.id, "running"],
      ].sort(),
    );
  });
});

describe("warnings, escalations and breaches", () => {
  it("fires each threshold exactly once, also when two workers race, and re-keys the next one", async () => {
    const { d } = await deskWithPolicies();
    const inc = await newIncident(d, { assignmentGroupId: d.group.id });
    const response = byName(await clocksOf(d, inc.id), "Response");
    const job = await deps.db
      .selectFrom("graphile_worker.jobs" as never)
      .select(["run_at" as never, "key" as never])
      .where("key" as never, "=", `sla-clock:${response.id}` as never)
      .executeTakeFirst();
    // The 50 % warning of a 60-minute clock is due in ~30 minutes.
    expect(Math.abs(new Date((job as { run_at: Date }).run_at).getTime() - (Date.parse(response.startedAt) + 30 * MIN))).toBeLessThan(2000);

    const at = new Date(Date.now() + 31 * MIN);
    const [a, b] = await Promise.all([fireClockThresholds(deps, response.id, at), fireClockThresholds(deps, response.id, at)]);
    expect([...a, ...b]).toEqual(["0:50:notify"]);
    expect(await fireClockThresholds(deps, response.id, at)).toEqual([]);
    const warnings = (await timeline(d, inc.id)).filter((e) => e.kind === "sla_warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0].data).toMatchObject({ clock: "Response", percent: 50, action: "notify", recipient: "group" });
    expect(warnings[0].data.recipientIds.sort()).toEqual([d.agent.id, d.agent2.id].sort());

    const breachAt = new Date(Date.now() + 61 * MIN);
    expect(await fireClockThresholds(deps, response.id, breachAt)).toEqual(["breach"]);
    const breached = byName(await clocksOf(d, inc.id), "Response");
    expect(breached.breachedAt).toBe(response.dueAt);
    expect((await timeline(d, inc.id)).filter((e) => e.kind === "sla_breached")).toHaveLength(1);
  });

  it("escalates by raising the priority and re-assigning, then recalculates under the new policy", async () => {
    const d = await createDesk(deps);
    const escalation = await createGroup(deps, d.org.id, "Escalation");
    const lead = await createUser(deps, d.org.id, "agent", { groupIds: [escalation.id] });
    await http(app, d.admin).post("/api/v1/sla/policies", {
      name: "Urgent",
      position: 1,
      conditions: [{ field: "priority", values: [1, 2] }],
      targets: [{ metric: "resolution", durationMinutes: 60 }],
    });
    const p = await http(app, d.admin).post("/api/v1/sla/policies", {
      name: "Normal",
      position: 2,
      targets: [
        {
          metric: "resolution",
          durationMinutes: 100,
          thresholds: [
            { percent: 80, action: "raise_priority" },
            { percent: 80, action: "reassign", groupId: escalation.id },
            { percent: 80, action: "notify", recipient: "user", userId: lead.id },
          ],
        },
      ],
    });
    expect(p.status).toBe(201);
    const inc = await newIncident(d, { assignmentGroupId: d.group.id });
    const start = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}`)).body;
    const prio = Number(start.priority.slice(1));
    const clock = byName(await clocksOf(d, inc.id), "Resolution");
    const fired = await fireClockThresholds(deps, clock.id, new Date(Date.parse(clock.startedAt) + 81 * MIN));
    expect(fired.sort()).toEqual(["0:80:raise_priority", "1:80:reassign", "2:80:notify"].sort());
    const after = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}`)).body;
    expect(after.priority).toBe(`P${prio - 1}`);
    expect(after.assignmentGroup.id).toBe(escalation.id);
    expect(after.version).toBe(start.version + 2);
    const updates = (await timeline(d, inc.id)).filter((e) => e.kind === "updated" && e.data.automatic);
    expect(updates).toHaveLength(2);
  });

  it("the sweep marks running clocks past due once, through the partial index, without a second firing", async () => {
    const { d } = await deskWithPolicies();
    const inc = await newIncident(d);
    const later = new Date(Date.now() + 25 * 60 * MIN);
    const n = await sweepBreaches(deps, later);
    expect(n).toBeGreaterThanOrEqual(2);
    const clocks = await clocksOf(d, inc.id);
    expect(clocks.every((c) => c.breachedAt !== null)).toBe(true);
    expect((await timeline(d, inc.id)).filter((e) => e.kind === "sla_breached")).toHaveLength(2);
    await sweepBreaches(deps, later);
    expect((await timeline(d, inc.id)).filter((e) => e.kind === "sla_breached")).toHaveLength(2);
  });
});

describe("calendar changes, queue and reports", () => {
  it("recomputes running clocks after a calendar change: used time kept, due moved to the new hours", async () => {
    const d = await createDesk(deps);
    const hours = (start: string, end: string) => [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start, end }));
    const cal = (await http(app, d.admin).post("/api/v1/sla/calendars", { name: "Desk", timeZone: "UTC", hours: hours("00:00", "24:00") })).body;
    await http(app, d.admin).post("/api/v1/sla/policies", { name: "All", targets: [{ metric: "resolution", durationMinutes: 600, calendarId: cal.id }] });
    const inc = await newIncident(d);
    const before = byName(await clocksOf(d, inc.id), "Resolution");
    const upd = await http(app, d.admin).put(`/api/v1/sla/calendars/${cal.id}`, { name: "Desk", timeZone: "UTC", hours: hours("08:00", "12:00") });
    expect(upd.status).toBe(200);
    const jobs = await sql<{ payload: any }>`
      select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'sla.recompute-calendar'`.execute(deps.db);
    const payload = jobs.rows.map((j) => j.payload).find((p) => p.calendarId === cal.id);
    expect(payload.before.hours[0]).toEqual({ day: 1, start: "00:00", end: "24:00" });
    expect(await recomputeCalendarClocks(deps, payload)).toBe(1);
    const after = byName(await clocksOf(d, inc.id), "Resolution");
    // 10 h at 4 h a day now takes days rather than hours.
    expect(Date.parse(after.dueAt) - Date.parse(before.dueAt)).toBeGreaterThan(24 * 60 * MIN);
    expect(after.history.map((h: { kind: string }) => h.kind)).toContain("recalculated");
    expect((await http(app, d.agent).get(`/api/v1/incidents/${inc.id}`)).body.slaDueAt).toBe(after.dueAt);
    expect((await timeline(d, inc.id)).filter((e) => e.kind === "sla_changed").pop()?.data).toMatchObject({ reason: "calendar_changed", calendar: "Desk" });
  });

  it("sorts the queue by due time (none last), lists tickets at risk and reports compliance", async () => {
    const { d, urgentId } = await deskWithPolicies();
    const slow = await newIncident(d);
    const fast = await newIncident(d, { impact: "high", urgency: "high" });
    const none = await newIncident(d);
    await deps.db.updateTable("work_items").set({ sla_due_at: null }).where("id", "=", none.id).execute();
    const q = (await http(app, d.agent).get("/api/v1/incidents?sort=slaDueAt&open=true")).body.items.map((i: { id: string }) => i.id);
    expect(q).toEqual([fast.id, slow.id, none.id]);
    const page1 = await http(app, d.agent).get("/api/v1/incidents?sort=slaDueAt&open=true&limit=2");
    const page2 = await http(app, d.agent).get(`/api/v1/incidents?sort=slaDueAt&open=true&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((i: { id: string }) => i.id)).toEqual([none.id]);

    // Everything is at ≥ 0 %; the urgent one has the nearest due time.
    const risk = await http(app, d.agent).get("/api/v1/sla/at-risk?minPercent=0");
    expect(risk.status).toBe(200);
    expect(risk.body.items[0]).toMatchObject({ workItemId: fast.id, number: fast.number, clock: { name: "Response" } });
    expect((await http(app, d.agent).get("/api/v1/sla/at-risk")).body.items).toEqual([]);

    await http(app, d.agent).post(`/api/v1/incidents/${fast.id}/comments`, { body: "Working on it" });
    const report = await http(app, d.agent).get("/api/v1/sla/compliance?groupBy=policy");
    expect(report.status).toBe(200);
    expect(report.body.rows).toEqual([{ key: urgentId, label: "Urgent", met: 1, breached: 0, compliancePct: 100, openBreached: 0 }]);
    const byMetric = await http(app, d.agent).get("/api/v1/sla/compliance?groupBy=metric");
    expect(byMetric.body.rows).toEqual([expect.objectContaining({ key: "response", met: 1 })]);
    expect((await http(app, d.agent).get("/api/v1/sla/compliance?from=2026-12-01&to=2026-11-01")).status).toBe(400);
  });
});
