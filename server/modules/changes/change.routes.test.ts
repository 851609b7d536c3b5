import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { addMember, createDesk, createGroup, createService, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

type Caller = Parameters<typeof http>[1];
const day = 86400_000;
const at = (days: number, hours = 0) => new Date(Date.UTC(2031, 0, 1) + days * day + hours * 3600_000).toISOString();
const plans = { implementationPlan: "Patch the relay", backoutPlan: "Restore the snapshot", testPlan: "Send a test mail" };
const calm = { userImpact: "few", downtime: "none", tested: "yes", backout: "tested", experience: "routine", complexity: "simple" };

/** A desk with a CAB of two (quorum or all) and a change manager group. */
async function cabDesk(rule: "all" | "quorum" = "all") {
  const deps = testDeps();
  const d = await createDesk(deps);
  const cab = await createGroup(deps, d.org.id, "CAB");
  const managers = await createGroup(deps, d.org.id, "Change managers");
  const cab1 = await createUser(deps, d.org.id, "agent", { groupIds: [cab.id] });
  const cab2 = await createUser(deps, d.org.id, "agent", { groupIds: [cab.id] });
  const manager = await createUser(deps, d.org.id, "agent", { groupIds: [managers.id] });
  const svc = await createService(deps, d.org.id, "Mail");
  const res = await http(app, d.admin).put("/api/v1/change-settings", {
    cabGroupId: cab.id,
    cabRule: rule,
    cabQuorum: rule === "quorum" ? 1 : null,
    managerGroupId: managers.id,
  });
  expect(res.status).toBe(200);
  return { ...d, cab, managers, cab1, cab2, manager, svc };
}

async function change(caller: Caller, body: Record<string, unknown>) {
  const res = await http(app, caller).post("/api/v1/changes", { title: "Upgrade mail relay", ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; number: string; version: number; state: string };
}

const act = (caller: Caller, id: string, body: Record<string, unknown>) => http(app, caller).post(`/api/v1/changes/${id}/transitions`, body);

/** The caller's pending approval on a change. */
async function myApproval(caller: Caller, number: string) {
  const res = await http(app, caller).get("/api/v1/approvals");
  return (res.body.items as Array<{ id: string; item: { number: string } }>).find((a) => a.item.number === number);
}

describe("changes", () => {
  it("raises a normal change with a CHG number, risk and links it to the problem it fixes", async () => {
    const d = await cabDesk();
    const prb = (await http(app, d.agent).post("/api/v1/problems", { title: "Relay disk fills" })).body;
    const c = await change(d.agent, { type: "normal", serviceIds: [d.svc.id], riskAnswers: calm, problem: prb.number });
    expect(c.number).toMatch(/^CHG\d{7,}$/);
    const got = (await http(app, d.agent).get(`/api/v1/changes/${c.number}`)).body;
    expect(got).toMatchObject({
      type: "normal",
      state: "new",
      risk: "low",
      riskScore: 1,
      path: ["new", "assess", "authorize", "scheduled", "implement", "review", "closed"],
    });
    const links = (await http(app, d.agent).get(`/api/v1/changes/${c.id}/links`)).body.items;
    expect(links).toEqual([expect.objectContaining({ kind: "caused_by", target: expect.objectContaining({ number: prb.number }) })]);
    expect((await http(app, d.requester).get(`/api/v1/changes/${c.id}`)).status).toBe(403);
  });

  it("refuses bad input with 4xx and writes nothing", async () => {
    const d = await cabDesk();
    const count = async () =>
      (await testDeps().db.selectFrom("work_items").select("id").where("organization_id", "=", d.org.id).where("type", "=", "change").execute()).length;
    for (const [body, field] of [
      [{ type: "normal", plannedStart: at(2), plannedEnd: at(1) }, "body.plannedEnd"],
      [{ type: "normal", plannedStart: at(2) }, "body.plannedEnd"],
      [{ type: "standard" }, "body.templateId"],
      [{ type: "normal", serviceIds: ["00000000-0000-4000-8000-000000000000"] }, "body.serviceIds.0"],
      [{ type: "normal", plannedStart: "tomorrow", plannedEnd: at(1) }, "body.plannedStart"],
    ] as const) {
      const res = await http(app, d.agent).post("/api/v1/changes", { title: "x", ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.map((x: { field: string }) => x.field)).toContain(field);
    }
    expect(await count()).toBe(0);
    const fw = await http(app, d.manager).post("/api/v1/freeze-windows", { name: "Bad", startsAt: at(3), endsAt: at(2) });
    expect(fw.status).toBe(400);
  });

  it("standard change: from a pre-approved template, straight to Scheduled without CAB", async () => {
    const d = await cabDesk();
    const tpl = await http(app, d.manager).post("/api/v1/change-templates", { name: "Restart mail relay", ...plans, serviceId: d.svc.id });
    expect(tpl.status).toBe(201);
    expect((await http(app, d.agent).post("/api/v1/change-templates", { name: "Nope" })).status).toBe(403);
    const c = await change(d.agent, { type: "standard", templateId: tpl.body.id, title: undefined, plannedStart: at(1), plannedEnd: at(1, 1) });
    const s = await act(d.agent, c.id, { action: "submit" });
    expect(s.body).toMatchObject({ state: "scheduled", title: "Restart mail relay", services: [{ name: "Mail" }], implementationPlan: "Patch the relay" });
    expect(s.body.approvals).toEqual([]);
    expect((await act(d.agent, c.id, { action: "implement" })).body.state).toBe("implement");
    const noOutcome = await act(d.agent, c.id, { action: "review" });
    expect(noOutcome.status).toBe(400);
    expect((await act(d.agent, c.id, { action: "review", outcome: "successful" })).body.state).toBe("review");
    expect((await act(d.agent, c.id, { action: "close" })).body.state).toBe("closed");
    const list = await http(app, d.agent).get("/api/v1/change-templates");
    expect(list.body.items[0]).toMatchObject({ uses: 1, successRate: 1 });
  });

  it("normal change: CAB (all) then change manager approve; scheduling before approval and deciding twice are refused", async () => {
    const d = await cabDesk("all");
    const c = await change(d.agent, { type: "normal", serviceIds: [d.svc.id], plannedStart: at(5), plannedEnd: at(5, 2), ...plans });
    expect((await act(d.agent, c.id, { action: "submit" })).body.state).toBe("assess");
    const noRisk = await act(d.agent, c.id, { action: "request_approval" });
    expect(noRisk.status).toBe(409);
    expect(noRisk.body.error.message).toMatch(/risk/i);
    await http(app, d.agent).post(`/api/v1/changes/${c.id}/risk`, { answers: calm });
    const asked = await act(d.agent, c.id, { action: "request_approval" });
    expect(asked.body.state).toBe("authorize");
    const early = await act(d.agent, c.id, { action: "schedule" });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/without approval/);
    expect((await http(app, d.agent).get(`/api/v1/changes/${c.id}`)).body.state).toBe("authorize");

    const a1 = await myApproval(d.cab1, c.number);
    if (!a1) throw new Error("cab1 has no approval");
    expect((await http(app, d.cab1).post(`/api/v1/approvals/${a1.id}/decision`, { decision: "approve", comment: "ok" })).status).toBe(200);
    const twice = await http(app, d.cab1).post(`/api/v1/approvals/${a1.id}/decision`, { decision: "approve" });
    expect(twice.status).toBeGreaterThanOrEqual(400);
    expect(twice.status).toBeLessThan(500);
    expect((await http(app, d.agent).get(`/api/v1/changes/${c.id}`)).body.state).toBe("authorize");
    const a2 = await myApproval(d.cab2, c.number);
    if (!a2) throw new Error("cab2 has no approval");
    await http(app, d.cab2).post(`/api/v1/approvals/${a2.id}/decision`, { decision: "approve" });
    // The CAB passed: the change manager's stage is next.
    const m = await myApproval(d.manager, c.number);
    if (!m) throw new Error("manager has no approval");
    await http(app, d.manager).post(`/api/v1/approvals/${m.id}/decision`, { decision: "approve" });
    const done = (await http(app, d.agent).get(`/api/v1/changes/${c.id}`)).body;
    expect(done).toMatchObject({ state: "scheduled" });
    expect(done.approvedAt).not.toBeNull();
    const kinds = (await http(app, d.agent).get(`/api/v1/changes/${c.id}/timeline`)).body.items.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["approval_requested", "approval_decided", "state_changed"]));
  });

  it("normal change with a CAB quorum of one; a rejection cancels the change", async () => {
    const d = await cabDesk("quorum");
    const mk = async () => {
      const c = await change(d.agent, { type: "normal", serviceIds: [d.svc.id], plannedStart: at(7), plannedEnd: at(7, 1), ...plans, riskAnswers: calm });
      await act(d.agent, c.id, { action: "submit" });
      await act(d.agent, c.id, { action: "request_approval" });
      return c;
    };
    const c = await mk();
    const a = await myApproval(d.cab2, c.number);
    if (!a) throw new Error("no approval");
    await http(app, d.cab2).post(`/api/v1/approvals/${a.id}/decision`, { decision: "approve" });
    expect(await myApproval(d.cab1, c.number)).toBeUndefined(); // quorum met: no longer needed
    expect(await myApproval(d.manager, c.number)).toBeDefined();
    const r = await mk();
    const ar = await myApproval(d.cab1, r.number);
    if (!ar) throw new Error("no approval");
    await http(app, d.cab1).post(`/api/v1/approvals/${ar.id}/decision`, { decision: "reject", comment: "Not during month end" });
    expect((await http(app, d.agent).get(`/api/v1/changes/${r.id}`)).body.state).toBe("cancelled");
  });

  it("emergency change: expedited approval by a change manager alone; closing needs a retrospective review", async () => {
    const d = await cabDesk();
    const c = await change(d.agent, { type: "emergency", serviceIds: [d.svc.id], plannedStart: at(1), plannedEnd: at(1, 1) });
    expect((await act(d.agent, c.id, { action: "submit" })).body.state).toBe("authorize");
    expect(await myApproval(d.cab1, c.number)).toBeUndefined();
    const m = await myApproval(d.manager, c.number);
    if (!m) throw new Error("no approval");
    await http(app, d.manager).post(`/api/v1/approvals/${m.id}/decision`, { decision: "approve" });
    expect((await act(d.agent, c.id, { action: "implement" })).body.state).toBe("implement");
    await act(d.agent, c.id, { action: "review", outcome: "successful_with_issues" });
    const noNotes = await act(d.agent, c.id, { action: "close" });
    expect(noNotes.status).toBe(400);
    expect(noNotes.body.error.details[0].field).toBe("body.reviewNotes");
    expect((await act(d.agent, c.id, { action: "close", reviewNotes: "Root cause known; fine." })).body.state).toBe("closed");
  });

  it("change tasks: CTASK children; the change is reviewed only when they are done", async () => {
    const d = await cabDesk();
    const tpl = (await http(app, d.manager).post("/api/v1/change-templates", { name: "Patch", ...plans })).body;
    const c = await change(d.agent, { type: "standard", templateId: tpl.id, plannedStart: at(1), plannedEnd: at(1, 1) });
    const t = await http(app, d.agent).post(`/api/v1/changes/${c.id}/tasks`, { title: "Take snapshot", assigneeId: d.agent.id });
    expect(t.status).toBe(201);
    expect(t.body.number).toMatch(/^CTASK\d{7,}$/);
    await act(d.agent, c.id, { action: "submit" });
    await act(d.agent, c.id, { action: "implement" });
    const blocked = await act(d.agent, c.id, { action: "review", outcome: "successful" });
    expect(blocked.status).toBe(409);
    expect((await http(app, d.agent).post(`/api/v1/change-tasks/${t.body.number}/transitions`, { action: "complete" })).body.state).toBe("closed");
    expect((await act(d.agent, c.id, { action: "review", outcome: "successful" })).body.state).toBe("review");
  });
});

describe("freeze windows and collisions", () => {
  it("warns about changes on the same service in overlapping windows and about freeze windows", async () => {
    const d = await cabDesk();
    const other = await createService(testDeps(), d.org.id, "ERP");
    const a = await change(d.agent, { type: "normal", serviceIds: [d.svc.id], plannedStart: at(10), plannedEnd: at(10, 4) });
    const b = await change(d.agent, { type: "normal", serviceIds: [d.svc.id, other.id], plannedStart: at(10, 2), plannedEnd: at(10, 6) });
    await change(d.agent, { type: "normal", serviceIds: [other.id], plannedStart: at(10, 1), plannedEnd: at(10, 3) });
    const got = (await http(app, d.agent).get(`/api/v1/changes/${a.id}`)).body;
    expect(got.conflicts).toEqual([expect.objectContaining({ kind: "change", number: b.number, services: [{ id: d.svc.id, name: "Mail" }] })]);
    await http(app, d.manager).post("/api/v1/freeze-windows", { name: "Year end", startsAt: at(10), endsAt: at(11) });
    const again = (await http(app, d.agent).get(`/api/v1/changes/${a.id}`)).body;
    expect(again.conflicts.map((c: { kind: string }) => c.kind).sort()).toEqual(["change", "freeze"]);
    const probe = await http(app, d.agent).get(`/api/v1/change-conflicts?start=${at(10, 3)}&end=${at(10, 5)}&serviceIds=${other.id}`);
    expect(probe.body.items.map((c: { kind: string; number: string | null }) => c.number ?? c.kind).sort()).toEqual([b.number, "freeze"].sort());
    const calendar = await http(app, d.agent).get(`/api/v1/change-calendar?from=${at(9)}&to=${at(12)}`);
    expect(calendar.body.changes).toHaveLength(3);
    expect(calendar.body.changes.every((c: { conflicted: boolean }) => c.conflicted)).toBe(true);
    expect(calendar.body.freezeWindows).toHaveLength(1);
    expect((await http(app, d.agent).get(`/api/v1/change-calendar?from=${at(12)}&to=${at(9)}`)).status).toBe(400);
  });

  it("with the CMDB: changes on CIs that depend on each other collide, and CIs widen the blast radius", async () => {
    const d = await cabDesk();
    const ci = async (cls: string, name: string) => (await http(app, d.agent).post("/api/v1/cmdb/cis", { class: cls, name })).body as { id: string };
    const vm = await ci("virtual_machine", "vm-relay");
    const host = await ci("server", "esx07");
    const other = await ci("server", "esx99");
    expect((await http(app, d.agent).post("/api/v1/cmdb/relationships", { type: "runs_on", sourceId: vm.id, targetId: host.id })).status).toBe(201);
    const a = await change(d.agent, { type: "normal", plannedStart: at(50), plannedEnd: at(50, 3) });
    const b = await change(d.agent, { type: "normal", plannedStart: at(50, 1), plannedEnd: at(50, 2) });
    const c = await change(d.agent, { type: "normal", plannedStart: at(50, 1), plannedEnd: at(50, 2) });
    await http(app, d.agent).post(`/api/v1/work-items/${a.number}/cis`, { ciId: vm.id });
    await http(app, d.agent).post(`/api/v1/work-items/${b.number}/cis`, { ciId: host.id });
    await http(app, d.agent).post(`/api/v1/work-items/${c.number}/cis`, { ciId: other.id });
    const got = (await http(app, d.agent).get(`/api/v1/changes/${a.id}`)).body;
    expect(got.conflicts).toEqual([expect.objectContaining({ kind: "change", number: b.number })]);
    const risk = await http(app, d.agent).post(`/api/v1/changes/${a.id}/risk`, { answers: calm });
    expect(risk.body.riskFactors).toEqual(expect.arrayContaining([expect.objectContaining({ factor: "questionnaire.userImpact" })]));
    expect(risk.body.riskFactors.find((f: { factor: string }) => f.factor === "blastRadius")).toBeUndefined(); // two CIs: below the threshold
  });

  it("a scheduled normal change cannot move into a freeze window without a change manager's override", async () => {
    const d = await cabDesk("quorum");
    const c = await change(d.agent, { type: "normal", serviceIds: [d.svc.id], plannedStart: at(20), plannedEnd: at(20, 2), ...plans, riskAnswers: calm });
    await act(d.agent, c.id, { action: "submit" });
    await http(app, d.manager).post("/api/v1/freeze-windows", { name: "Audit", startsAt: at(30), endsAt: at(32), serviceId: d.svc.id });
    expect((await http(app, d.agent).post("/api/v1/freeze-windows", { name: "x", startsAt: at(1), endsAt: at(2) })).status).toBe(403);
    await act(d.agent, c.id, { action: "request_approval" });
    for (const who of [d.cab1, d.manager]) {
      const a = await myApproval(who, c.number);
      if (a) await http(app, who).post(`/api/v1/approvals/${a.id}/decision`, { decision: "approve" });
    }
    const before = (await http(app, d.agent).get(`/api/v1/changes/${c.id}`)).body;
    expect(before.state).toBe("scheduled");
    const move = await http(app, d.agent).patch(`/api/v1/changes/${c.id}`, { plannedStart: at(31), plannedEnd: at(31, 2) });
    expect(move.status).toBe(409);
    expect(move.body.error.code).toBe("CONFLICT");
    const unchanged = (await http(app, d.agent).get(`/api/v1/changes/${c.id}`)).body;
    expect([unchanged.plannedStart, unchanged.version]).toEqual([before.plannedStart, before.version]);
    const notManager = await http(app, d.agent).patch(`/api/v1/changes/${c.id}`, {
      plannedStart: at(31),
      plannedEnd: at(31, 2),
      freezeOverrideReason: "urgent",
    });
    expect(notManager.status).toBe(403);
    const ok = await http(app, d.manager).patch(`/api/v1/changes/${c.id}`, {
      plannedStart: at(31),
      plannedEnd: at(31, 2),
      freezeOverrideReason: "Regulator deadline",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.freezeOverride).toMatchObject({ by: { id: d.manager.id }, reason: "Regulator deadline" });
    expect(ok.body.conflicts).toEqual([expect.objectContaining({ kind: "freeze", overridden: true })]);
    expect((await act(d.agent, c.id, { action: "implement" })).body.state).toBe("implement");
  });

  it("sending a normal change in a freeze window to the CAB is refused until overridden", async () => {
    const d = await cabDesk();
    await http(app, d.admin).post("/api/v1/freeze-windows", { name: "Holidays", startsAt: at(40), endsAt: at(45) });
    const c = await change(d.agent, { type: "normal", serviceIds: [d.svc.id], plannedStart: at(41), plannedEnd: at(41, 1), ...plans, riskAnswers: calm });
    await act(d.agent, c.id, { action: "submit" });
    const refused = await act(d.agent, c.id, { action: "request_approval" });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("CONFLICT");
    await http(app, d.manager).post(`/api/v1/changes/${c.id}/freeze-override`, { reason: "Security patch" });
    expect((await act(d.agent, c.id, { action: "request_approval" })).body.state).toBe("authorize");
  });
});

describe("iCalendar feed", () => {
  it("serves RFC 5545 that ical.js parses, to anyone holding the secret URL, until revoked", async () => {
    const d = await cabDesk();
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const start = new Date(now + 2 * day).toISOString();
    const end = new Date(now + 2 * day + 2 * 3600_000).toISOString();
    const c = await change(d.agent, { type: "normal", serviceIds: [d.svc.id], plannedStart: start, plannedEnd: end });
    await http(app, d.manager).post("/api/v1/freeze-windows", {
      name: "Month end",
      startsAt: new Date(now + 5 * day).toISOString(),
      endsAt: new Date(now + 6 * day).toISOString(),
    });
    const feed = await http(app, d.agent).post("/api/v1/calendar/feeds", { name: "All changes" });
    expect(feed.status).toBe(201);
    const url = new URL(feed.body.url);
    expect(url.pathname).toMatch(/^\/api\/v1\/calendar\/feeds\/pcal_[\w-]+\.ics$/);
    const res = await app.inject({ method: "GET", url: url.pathname });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/calendar/);
    const vcal = new ICAL.Component(ICAL.parse(res.body));
    const events = vcal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    const ev = events.find((e) => e.summary.startsWith(c.number));
    if (!ev) throw new Error("change missing from the feed");
    expect(ev.summary).toBe(`${c.number} Upgrade mail relay`);
    expect(ev.startDate.toJSDate().toISOString()).toBe(start);
    expect(ev.endDate.toJSDate().toISOString()).toBe(end);
    expect(ev.uid).toBe(`${c.id}@portico`);
    expect(events.some((e) => e.summary === "Change freeze: Month end")).toBe(true);
    // Another organization's feed does not show this change; a wrong token is a 404.
    const other = await cabDesk();
    const otherFeed = (await http(app, other.agent).post("/api/v1/calendar/feeds", {})).body;
    const otherBody = (await app.inject({ method: "GET", url: new URL(otherFeed.url).pathname })).body;
    expect(otherBody).not.toContain(c.number);
    expect((await app.inject({ method: "GET", url: "/api/v1/calendar/feeds/pcal_nope.ics" })).statusCode).toBe(404);
    expect((await http(app, d.agent).get("/api/v1/calendar/feeds")).body.items[0].lastUsedAt).not.toBeNull();
    expect((await http(app, d.agent2).delete(`/api/v1/calendar/feeds/${feed.body.id}`)).status).toBe(404);
    expect((await http(app, d.agent).delete(`/api/v1/calendar/feeds/${feed.body.id}`)).status).toBe(204);
    expect((await app.inject({ method: "GET", url: url.pathname })).statusCode).toBe(404);
  });
});

describe("change settings", () => {
  it("only admins set the CAB; groups must belong to the organization", async () => {
    const d = await createDesk(testDeps());
    const g = await createGroup(testDeps(), d.org.id, "CAB");
    await addMember(testDeps(), d.org.id, g.id, d.agent.id);
    expect((await http(app, d.agent).put("/api/v1/change-settings", { cabGroupId: g.id, cabRule: "all", cabQuorum: null, managerGroupId: null })).status).toBe(
      403,
    );
    const other = await createDesk(testDeps());
    const bad = await http(app, d.admin).put("/api/v1/change-settings", { cabGroupId: other.group.id, cabRule: "all", cabQuorum: null, managerGroupId: null });
    expect(bad.status).toBe(400);
    expect(
      (await http(app, d.admin).put("/api/v1/change-settings", { cabGroupId: g.id, cabRule: "quorum", cabQuorum: null, managerGroupId: null })).status,
    ).toBe(400);
    const ok = await http(app, d.admin).put("/api/v1/change-settings", { cabGroupId: g.id, cabRule: "quorum", cabQuorum: 2, managerGroupId: null });
    expect(ok.body).toEqual({ cabGroupId: g.id, cabRule: "quorum", cabQuorum: 2, managerGroupId: null });
    // Without a change manager group, approval cannot be requested.
    const c = await change(d.agent, { type: "emergency", plannedStart: at(1), plannedEnd: at(1, 1) });
    expect((await act(d.agent, c.id, { action: "submit" })).status).toBe(409);
  });
});
