import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk, createService } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

async function incident(caller: Parameters<typeof http>[1], title: string, serviceId?: string) {
  const res = await http(app, caller).post("/api/v1/incidents", { title, impact: "medium", urgency: "medium", serviceId });
  expect(res.status).toBe(201);
  return res.body as { id: string; number: string };
}

async function problem(caller: Parameters<typeof http>[1], body: Record<string, unknown> = {}) {
  const res = await http(app, caller).post("/api/v1/problems", { title: "Mail queue stalls", ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; number: string; version: number };
}

describe("problems", () => {
  it("raises a PRB with a priority and a timeline; requesters get 403, other organizations 404", async () => {
    const d = await createDesk(testDeps());
    const other = await createDesk(testDeps());
    const p = await problem(d.agent, { impact: "high", urgency: "high" });
    expect(p.number).toMatch(/^PRB\d{7,}$/);
    const got = await http(app, d.agent).get(`/api/v1/problems/${p.number}`);
    expect(got.body).toMatchObject({ state: "new", priority: "P1", type: "problem", actions: ["assess", "cancel"], incidentCount: 0 });
    expect((await http(app, d.requester).get(`/api/v1/problems/${p.id}`)).status).toBe(403);
    expect((await http(app, d.requester).post("/api/v1/problems", { title: "x" })).status).toBe(403);
    expect((await http(app, other.agent).get(`/api/v1/problems/${p.id}`)).status).toBe(404);
    const tl = await http(app, d.agent).get(`/api/v1/problems/${p.id}/timeline`);
    expect(tl.body.items.map((e: { kind: string }) => e.kind)).toEqual(["created"]);
  });

  it("runs the workflow with its required inputs and records each step", async () => {
    const d = await createDesk(testDeps());
    const p = await problem(d.agent);
    const t = (body: Record<string, unknown>) => http(app, d.agent).post(`/api/v1/problems/${p.id}/transitions`, body);
    expect((await t({ action: "resolve", fix: "x" })).status).toBe(409);
    expect((await t({ action: "assess" })).body.state).toBe("assessed");
    expect((await t({ action: "investigate" })).body.state).toBe("root_cause_analysis");
    const missing = await t({ action: "start_fix" });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].field).toBe("body.rootCause");
    expect((await t({ action: "start_fix", rootCause: "Disk of the relay fills up" })).body).toMatchObject({
      state: "fix_in_progress",
      rootCause: "Disk of the relay fills up",
    });
    const resolved = await t({ action: "resolve", fix: "Log rotation on the relay" });
    expect(resolved.body).toMatchObject({ state: "resolved", fix: "Log rotation on the relay", actions: ["close", "reopen"] });
    expect(resolved.body.resolvedAt).not.toBeNull();
    expect((await t({ action: "close" })).body).toMatchObject({ state: "closed", closeCode: "fix_applied" });
    const tl = await http(app, d.agent).get(`/api/v1/problems/${p.id}/timeline`);
    expect(tl.body.items.filter((e: { kind: string }) => e.kind === "state_changed")).toHaveLength(5);
  });

  it("edits root cause and workaround with optimistic concurrency", async () => {
    const d = await createDesk(testDeps());
    const p = await problem(d.agent);
    const ok = await http(app, d.agent).patch(`/api/v1/problems/${p.id}`, { workaround: "Restart the relay", version: p.version });
    expect(ok.status).toBe(200);
    expect(ok.body.workaround).toBe("Restart the relay");
    const stale = await http(app, d.agent2).patch(`/api/v1/problems/${p.id}`, { rootCause: "x", version: p.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("VERSION_CONFLICT");
  });

  it("links incidents in bulk from the problem with per-item results, and from the incident side", async () => {
    const d = await createDesk(testDeps());
    const other = await createDesk(testDeps());
    const p = await problem(d.agent);
    const a = await incident(d.agent, "Mail stuck in outbox");
    const b = await incident(d.agent, "Mail not delivered");
    const foreign = await incident(other.agent, "Not yours");
    const res = await http(app, d.agent).post(`/api/v1/problems/${p.id}/incidents`, { incidents: [a.number, b.id, foreign.id, "INC9999999"] });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false, false]);
    expect(res.body.results[2].code).toBe("NOT_FOUND");
    // Linking again is harmless.
    const again = await http(app, d.agent).post(`/api/v1/problems/${p.id}/incidents`, { incidents: [a.number] });
    expect(again.body.results[0]).toMatchObject({ ok: true, message: "already linked" });
    // From the incident: the core link API with the caused_by kind.
    const c = await incident(d.agent, "Outbox full");
    const fromInc = await http(app, d.agent).post(`/api/v1/incidents/${c.number}/links`, { kind: "caused_by", target: p.number });
    expect(fromInc.status).toBe(201);
    const list = await http(app, d.agent).get(`/api/v1/problems/${p.id}/incidents`);
    expect(list.body.items.map((i: { number: string }) => i.number).sort()).toEqual([a.number, b.number, c.number].sort());
    const links = await http(app, d.agent).get(`/api/v1/problems/${p.id}/links`);
    expect(links.body.items.every((l: { kind: string }) => l.kind === "causes")).toBe(true);
    expect((await http(app, d.agent).get(`/api/v1/problems/${p.id}`)).body).toMatchObject({ incidentCount: 3, openIncidentCount: 3 });
    const ofInc = await http(app, d.agent).get(`/api/v1/incidents/${a.number}/problems`);
    expect(ofInc.body.items).toEqual([expect.objectContaining({ number: p.number })]);
    expect((await http(app, d.agent).delete(`/api/v1/problems/${p.id}/incidents/${a.number}`)).status).toBe(204);
    expect((await http(app, d.agent).get(`/api/v1/problems/${p.id}`)).body.incidentCount).toBe(2);
  });

  it("creates a problem from a cluster atomically: one bad incident links none", async () => {
    const d = await createDesk(testDeps());
    const a = await incident(d.agent, "VPN drops");
    const bad = await http(app, d.agent).post("/api/v1/problems", { title: "VPN", incidents: [a.number, "INC0000000"] });
    expect(bad.status).toBe(400);
    const n = await testDeps().db.selectFrom("work_items").select("id").where("organization_id", "=", d.org.id).where("type", "=", "problem").execute();
    expect(n).toHaveLength(0);
    const good = await http(app, d.agent).post("/api/v1/problems", { title: "VPN", incidents: [a.number] });
    expect(good.body.incidentCount).toBe(1);
  });

  it("offers the open incidents of a resolved problem for resolution together, per item", async () => {
    const d = await createDesk(testDeps());
    const a = await incident(d.agent, "Relay down 1");
    const b = await incident(d.agent, "Relay down 2");
    const unrelated = await incident(d.agent, "Other");
    const p = await problem(d.agent, { incidents: [a.number, b.number] });
    const early = await http(app, d.agent).post(`/api/v1/problems/${p.id}/resolve-incidents`, { incidents: [a.number] });
    expect(early.status).toBe(409);
    for (const body of [
      { action: "assess" },
      { action: "investigate" },
      { action: "start_fix", rootCause: "Full disk" },
      { action: "resolve", fix: "Bigger disk and log rotation" },
    ])
      expect((await http(app, d.agent).post(`/api/v1/problems/${p.id}/transitions`, body)).status).toBe(200);
    await http(app, d.agent).post(`/api/v1/incidents/${b.number}/transitions`, {
      action: "resolve",
      resolutionCode: "solved_permanently",
      resolutionNotes: "done",
    });
    const res = await http(app, d.agent).post(`/api/v1/problems/${p.id}/resolve-incidents`, { incidents: [a.number, b.number, unrelated.number] });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { ok: boolean; code?: string }) => [r.ok, r.code ?? null])).toEqual([
      [true, null],
      [false, "INVALID_TRANSITION"],
      [false, "CONFLICT"],
    ]);
    const incA = await http(app, d.agent).get(`/api/v1/incidents/${a.number}`);
    expect(incA.body).toMatchObject({ state: "resolved", resolutionCode: "solved_permanently" });
    expect(incA.body.resolutionNotes).toContain("Bigger disk");
    expect((await http(app, d.agent).get(`/api/v1/incidents/${unrelated.number}`)).body.state).toBe("new");
  });

  it("suggests clusters of similar recent incidents on the same service and skips linked ones", async () => {
    const d = await createDesk(testDeps());
    const mail = await createService(testDeps(), d.org.id, "Mail");
    const wifi = await createService(testDeps(), d.org.id, "Wi-Fi");
    const same = ["Outlook cannot send mail", "Outlook cannot send email", "Outlook can not send mail today"];
    const ids = [];
    for (const t of same) ids.push((await incident(d.agent, t, mail.id)).number);
    await incident(d.agent, "Outlook cannot send mail", wifi.id);
    await incident(d.agent, "Printer jams", mail.id);
    const res = await http(app, d.agent).get("/api/v1/problems/candidates?minSize=3");
    expect(res.status).toBe(200);
    expect(res.body.clusters).toHaveLength(1);
    const c = res.body.clusters[0];
    expect(c.service).toMatchObject({ name: "Mail" });
    expect(c.incidents.map((i: { number: string }) => i.number).sort()).toEqual([...ids].sort());
    expect(c.suggestedTitle).toMatch(/Outlook/);
    // Open a problem from the cluster: the cluster is gone afterwards.
    await http(app, d.agent).post("/api/v1/problems", { title: c.suggestedTitle, serviceId: mail.id, incidents: ids });
    expect((await http(app, d.agent).get("/api/v1/problems/candidates?minSize=3")).body.clusters).toHaveLength(0);
    expect((await http(app, d.requester).get("/api/v1/problems/candidates")).status).toBe(403);
  });

  it("lists problems with filters and cursor pages", async () => {
    const d = await createDesk(testDeps());
    for (let i = 0; i < 3; i++) await problem(d.agent, { title: `Problem ${i}` });
    const p1 = await http(app, d.agent).get("/api/v1/problems?limit=2");
    expect(p1.body.items).toHaveLength(2);
    const p2 = await http(app, d.agent).get(`/api/v1/problems?limit=2&cursor=${p1.body.nextCursor}`);
    expect(p2.body.items).toHaveLength(1);
    expect(p2.body.nextCursor).toBeNull();
    expect((await http(app, d.agent).get("/api/v1/problems?open=false")).body.items).toHaveLength(0);
    expect((await http(app, d.agent).get("/api/v1/problems?q=Problem%201")).body.items.length).toBeGreaterThan(0);
    expect((await http(app, d.agent).get("/api/v1/problems?cursor=zzz")).status).toBe(400);
  });
});

describe("known errors", () => {
  it("records a KE from the problem's workaround, once; search finds it; requesters see published ones only", async () => {
    const d = await createDesk(testDeps());
    const p = await problem(d.agent, { title: "VPN drops after sleep" });
    const none = await http(app, d.agent).post(`/api/v1/problems/${p.id}/known-error`, {});
    expect(none.status).toBe(400);
    expect(none.body.error.details[0].field).toBe("body.workaround");
    await http(app, d.agent).patch(`/api/v1/problems/${p.id}`, { workaround: "Disable power saving on the network adapter" });
    const k = await http(app, d.agent).post(`/api/v1/problems/${p.id}/known-error`, { symptoms: "Tunnel drops on wake" });
    expect(k.status).toBe(201);
    expect(k.body).toMatchObject({ number: expect.stringMatching(/^KE\d{7,}$/), title: "VPN drops after sleep", problem: { number: p.number } });
    expect((await http(app, d.agent).post(`/api/v1/problems/${p.id}/known-error`, { workaround: "x" })).status).toBe(409);
    expect((await http(app, d.agent).get(`/api/v1/problems/${p.id}`)).body.knownError.number).toBe(k.body.number);
    const found = await http(app, d.agent).get("/api/v1/known-errors?q=power%20saving");
    expect(found.body.items.map((x: { number: string }) => x.number)).toEqual([k.body.number]);
    const asRequester = await http(app, d.requester).get("/api/v1/known-errors?q=tunnel");
    expect(asRequester.body.items).toHaveLength(1);
    expect(asRequester.body.items[0].problem).toBeNull();
    await http(app, d.agent).patch(`/api/v1/known-errors/${k.body.number}`, { published: false });
    expect((await http(app, d.requester).get("/api/v1/known-errors")).body.items).toHaveLength(0);
    expect((await http(app, d.requester).get(`/api/v1/known-errors/${k.body.id}`)).status).toBe(404);
    expect((await http(app, d.requester).patch(`/api/v1/known-errors/${k.body.id}`, { published: true })).status).toBe(403);
    const tl = await http(app, d.agent).get(`/api/v1/problems/${p.id}/timeline`);
    expect(tl.body.items.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(["known_error_recorded", "known_error_updated"]));
  });

  it("applies a known error to an incident in one step: comment or resolution, plus the link", async () => {
    const d = await createDesk(testDeps());
    const p = await problem(d.agent);
    const k = (await http(app, d.agent).post(`/api/v1/problems/${p.id}/known-error`, { workaround: "Restart the mail relay" })).body;
    const a = await incident(d.agent, "Mail stuck");
    const res = await http(app, d.agent).post(`/api/v1/known-errors/${k.number}/apply`, { incident: a.number });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ incident: { number: a.number, state: "new" }, linked: true });
    const comments = await http(app, d.requester).get(`/api/v1/incidents/${a.number}/comments`);
    expect(comments.status).toBe(404); // the requester did not report it
    const asAgent = await http(app, d.agent).get(`/api/v1/incidents/${a.number}/comments`);
    expect(asAgent.body.items[0]).toMatchObject({ visibility: "public" });
    expect(asAgent.body.items[0].body).toContain("Restart the mail relay");
    const b = await incident(d.requester, "Mail stuck again");
    const resolved = await http(app, d.agent).post(`/api/v1/known-errors/${k.id}/apply`, { incident: b.id, resolve: true });
    expect(resolved.body.incident.state).toBe("resolved");
    const incB = await http(app, d.requester).get(`/api/v1/incidents/${b.number}`);
    expect(incB.body).toMatchObject({ state: "resolved", resolutionCode: "solved_workaround" });
    expect(incB.body.resolutionNotes).toContain(k.number);
    // Applying to a resolved incident with resolve: refused, nothing written.
    const before = await http(app, d.agent).get(`/api/v1/incidents/${b.number}/timeline`);
    const twice = await http(app, d.agent).post(`/api/v1/known-errors/${k.id}/apply`, { incident: b.id, resolve: true });
    expect(twice.status).toBe(409);
    const after = await http(app, d.agent).get(`/api/v1/incidents/${b.number}/timeline`);
    expect(after.body.items).toHaveLength(before.body.items.length);
    expect((await http(app, d.agent).get(`/api/v1/problems/${p.id}`)).body.incidentCount).toBe(2);
    expect((await http(app, d.requester).post(`/api/v1/known-errors/${k.id}/apply`, { incident: b.id })).status).toBe(403);
  });
});
