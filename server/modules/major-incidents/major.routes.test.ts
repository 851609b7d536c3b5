import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { closeTransports } from "../../platform/mail/transport";
import { createDesk, createUser, type createUser as CU } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { runJobs, startSmtpSink } from "../../test/mail";

let app: App;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let deps: Deps;
beforeAll(async () => {
  app = await testApp();
  sink = await startSmtpSink();
  deps = { ...testDeps(), config: { ...testDeps().config, PORTICO_SMTP_URL: sink.url } };
});
afterAll(async () => {
  closeTransports();
  await sink.close();
  await closeTestApp();
});

type Caller = Awaited<ReturnType<typeof CU>>;
const create = async (who: Caller, extra: Record<string, unknown> = {}) =>
  (await http(app, who).post("/api/v1/incidents", { title: "Email down", description: "", impact: "low", urgency: "low", ...extra })).body as {
    id: string;
    number: string;
  };

describe("major incidents", () => {
  it("declare from three incidents, post an update that reaches requesters and watchers, resolve all at once, then review", async () => {
    const d = await createDesk(testDeps());
    const watcher = await createUser(testDeps(), d.org.id, "requester");
    const primary = await create(d.agent, { requesterId: d.requester.id });
    const c1 = await create(d.agent, { requesterId: d.requester2.id, watcherIds: [watcher.id] });
    const c2 = await create(d.agent, { requesterId: d.requester2.id });
    const decl = await http(app, d.agent).post("/api/v1/major-incidents", {
      incident: primary.number,
      children: [c1.number, c2.id],
      managerId: d.agent2.id,
      audience: "All staff on the mail service",
      updateCadenceMinutes: 30,
    });
    expect(decl.status).toBe(201);
    expect(decl.body).toMatchObject({ status: "active", manager: { id: d.agent2.id }, updateCadenceMinutes: 30, audience: "All staff on the mail service" });
    expect(decl.body.children.map((c: { number: string }) => c.number)).toEqual([c1.number, c2.number].sort());
    expect(decl.body.nextUpdateDueAt).toBeTruthy();
    const p = (await http(app, d.agent).get(`/api/v1/incidents/${primary.id}`)).body;
    expect(p.priority).toBe("P1");

    const ctx = (await http(app, d.agent).get(`/api/v1/incidents/${c1.id}/major-incident`)).body;
    expect(ctx).toMatchObject({ major: null, parentMajor: { number: primary.number, status: "active" } });
    const majors = (await http(app, d.agent).get("/api/v1/incidents?major=true")).body.items.map((i: { number: string }) => i.number);
    expect(majors).toEqual([primary.number]);
    const others = (await http(app, d.agent).get("/api/v1/incidents?major=false")).body.items.map((i: { number: string }) => i.number);
    expect(others).not.toContain(primary.number);

    await runJobs(deps, d.org.id);
    const before = sink.messages.length;
    const upd = await http(app, d.agent2).post(`/api/v1/major-incidents/${primary.number}/updates`, { body: "Mail relay restarted, queues draining" });
    expect(upd.status).toBe(200);
    expect(upd.body.updates[0]).toMatchObject({ body: "Mail relay restarted, queues draining", childrenCount: 2 });
    const childComments = (await http(app, d.requester2).get(`/api/v1/incidents/${c1.id}/comments`)).body.items;
    expect(childComments.at(-1).body).toContain("Mail relay restarted");
    await runJobs(deps, d.org.id);
    const fresh = sink.messages.slice(before);
    for (const who of [d.requester, d.requester2, watcher])
      expect(
        fresh.some((m) => m.envelopeTo.includes(who.email) && m.parsed.text?.includes("Mail relay restarted")),
        who.email,
      ).toBe(true);

    const res = await http(app, d.agent2).post(`/api/v1/major-incidents/${primary.id}/resolve`, {
      resolutionCode: "solved_permanently",
      resolutionNotes: "Relay replaced",
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("resolved");
    expect(res.body.children.every((c: { state: string }) => c.state === "resolved")).toBe(true);
    expect(res.body.review).toMatchObject({ status: "draft", owner: { id: d.agent2.id } });
    const rv = await http(app, d.agent2).patch(`/api/v1/major-incidents/${primary.id}/review`, { rootCause: "Disk full on relay", status: "completed" });
    expect(rv.body.review).toMatchObject({ rootCause: "Disk full on relay", status: "completed" });
    expect(rv.body.review.completedAt).toBeTruthy();
  });

  it("refuses bad declarations: requesters, unknown managers, foreign or closed incidents, twice, and majors as children", async () => {
    const d = await createDesk(testDeps());
    const foreign = await createDesk(testDeps());
    const a = await create(d.agent);
    const b = await create(d.agent);
    const theirs = await create(foreign.agent);
    const base = { incident: a.number, managerId: d.agent.id };
    expect((await http(app, d.requester).post("/api/v1/major-incidents", base)).status).toBe(403);
    expect((await http(app, d.agent).post("/api/v1/major-incidents", { ...base, managerId: d.requester.id })).status).toBe(400);
    expect((await http(app, d.agent).post("/api/v1/major-incidents", { managerId: d.agent.id })).status).toBe(400);
    const cross = await http(app, d.agent).post("/api/v1/major-incidents", { ...base, children: [theirs.id] });
    expect(cross.status).toBe(400);
    // Nothing of the failed declaration stayed.
    expect((await http(app, d.agent).get(`/api/v1/incidents/${a.id}/major-incident`)).body.major).toBeNull();
    expect((await http(app, d.agent).post("/api/v1/major-incidents", base)).status).toBe(201);
    expect((await http(app, d.agent).post("/api/v1/major-incidents", base)).status).toBe(409);
    const other = await http(app, d.agent).post("/api/v1/major-incidents", { title: "Wi-Fi outage", managerId: d.agent.id, children: [a.number] });
    expect(other.status).toBe(409);
    const fresh = await http(app, d.agent).post("/api/v1/major-incidents", { title: "Wi-Fi outage", managerId: d.agent.id, children: [b.number] });
    expect(fresh.status).toBe(201);
    expect(fresh.body.item.title).toBe("Wi-Fi outage");
    expect((await http(app, d.agent).patch(`/api/v1/major-incidents/${a.id}/review`, { summary: "x" })).status).toBe(409);
    expect((await http(app, d.agent).post(`/api/v1/major-incidents/${b.id}/updates`, { body: "x" })).status).toBe(404);
  });
});
