import { runJobs } from "../../test/mail";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk, createGroup, createUser, setManager } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);
const deps = () => testDeps();

const laptopForm = {
  variables: [
    {
      name: "model",
      label: "Model",
      type: "choice",
      required: true,
      options: [
        { value: "mac", label: "MacBook" },
        { value: "pc", label: "ThinkPad" },
      ],
    },
    { name: "reason", label: "Why", type: "long_text", required: true, visibleWhen: { variable: "model", operator: "equals", value: "mac" } },
    { name: "for", label: "For whom", type: "person" },
    { name: "quote", label: "Quote", type: "attachment" },
  ],
};

/** An organization with an IT desk, a manager for the requester, and an item factory. */
async function setup() {
  const d = await createDesk(deps());
  const manager = await createUser(deps(), d.org.id, "requester", { name: "Mona Manager" });
  await setManager(deps(), d.requester.id, manager.id);
  const admin = http(app, d.admin);
  const desk = (await admin.post("/api/v1/desks", { name: "IT", slug: "it" })).body;
  const hw = await createGroup(deps(), d.org.id, "Hardware");
  const item = async (body: Record<string, unknown>) => {
    const r = await admin.post("/api/v1/catalog/items", { deskId: desk.id, name: "New laptop", form: laptopForm, ...body });
    expect(r.status).toBe(201);
    return r.body as { id: string };
  };
  return { ...d, manager, admin, desk, hw, item };
}

const pendingFor = async (who: Parameters<typeof http>[1]) =>
  (await http(app, who).get("/api/v1/approvals")).body.items as Array<{ id: string; item: { number: string } }>;

describe("service requests", () => {
  it("laptop: manager approves, tasks run in sequence, the request completes when the last one closes", async () => {
    const s = await setup();
    const laptop = await s.item({
      approvals: [{ name: "Manager approval", approvers: [{ kind: "manager" }], rule: "any" }],
      fulfilment: [
        { title: "Prepare the laptop", groupId: s.group.id },
        { title: "Hand it over", groupId: s.hw.id },
      ],
    });
    const me = http(app, s.requester);
    const created = await me.post("/api/v1/requests", { catalogItemId: laptop.id, answers: { model: "mac", reason: "Old one died", for: s.requester.id } });
    expect(created.status).toBe(201);
    const req = created.body;
    expect(req).toMatchObject({ state: "pending_approval", title: "New laptop", catalogItem: { version: 1 }, tasks: [], actions: ["cancel"] });
    expect(req.number).toMatch(/^REQ\d{7}$/);
    expect(req.answers.map((a: { label: string; display: string }) => [a.label, a.display])).toEqual([
      ["Model", "MacBook"],
      ["Why", "Old one died"],
      ["For whom", s.requester.name],
    ]);
    expect(req.description).toContain("Model: MacBook");
    expect(req.approvals[0]).toMatchObject({ name: "Manager approval", state: "pending", approvals: [{ approver: { id: s.manager.id }, state: "pending" }] });
    // The manager is asked by mail, with a link to the portal's approvals page.
    await runJobs(deps(), s.org.id, ["notifications.dispatch"]);
    const asked = await deps()
      .db.selectFrom("mail_deliveries")
      .selectAll()
      .where("organization_id", "=", s.org.id)
      .where("event", "=", "approval.requested")
      .execute();
    expect(asked.map((m) => m.to_address)).toEqual([s.manager.email]);
    expect(asked[0].text_body).toContain("/portal/approvals");

    // The manager (a requester, who cannot open the request itself) decides from the approval.
    const [a] = await pendingFor(s.manager);
    expect(a.item.number).toBe(req.number);
    expect((await http(app, s.manager).get(`/api/v1/requests/${req.number}`)).status).toBe(404);
    expect((await http(app, s.manager).post(`/api/v1/approvals/${a.id}/decision`, { decision: "approve" })).body.outcome).toBe("approved");

    let now = (await me.get(`/api/v1/requests/${req.id}`)).body;
    expect(now.state).toBe("in_progress");
    expect(now.tasks.map((t: { title: string; state: string; step: number }) => [t.title, t.state, t.step])).toEqual([
      ["Prepare the laptop", "open", 1],
      ["Hand it over", "pending", 2],
    ]);
    const [t1, t2] = now.tasks;
    expect(t1.number).toMatch(/^TASK\d{7}$/);
    expect(t1.assignmentGroup.id).toBe(s.group.id);

    const agent = http(app, s.agent);
    expect((await agent.post(`/api/v1/request-tasks/${t2.id}/transitions`, { action: "start" })).status).toBe(409);
    expect((await me.get(`/api/v1/request-tasks/${t1.id}`)).status).toBe(403);
    const queue = await agent.get("/api/v1/request-tasks?assignmentGroupId=mine&open=true");
    expect(queue.body.items.map((t: { id: string }) => t.id)).toContain(t1.id);

    const started = await agent.post(`/api/v1/request-tasks/${t1.number}/transitions`, { action: "start" });
    expect(started.body).toMatchObject({ state: "in_progress", assignee: { id: s.agent.id }, actions: ["complete", "cancel"] });
    await agent.post(`/api/v1/request-tasks/${t1.id}/transitions`, { action: "complete", notes: "Imaged" });
    now = (await me.get(`/api/v1/requests/${req.id}`)).body;
    expect(now.tasks.map((t: { state: string }) => t.state)).toEqual(["completed", "open"]);
    expect(now.state).toBe("in_progress");
    const done = await agent.post(`/api/v1/request-tasks/${t2.id}/transitions`, { action: "complete", notes: "Handed over" });
    expect(done.body.closeNotes).toBe("Handed over");
    now = (await me.get(`/api/v1/requests/${req.id}`)).body;
    expect(now.state).toBe("completed");
    expect(now.closedAt).not.toBeNull();
    expect(now.actions).toEqual([]);

    const kinds = (await me.get(`/api/v1/requests/${req.id}/timeline`)).body.items.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual([
      "created",
      "approval_requested",
      "approval_decided",
      "approval_stage_completed",
      "state_changed",
      "tasks_created",
      "task_closed",
      "task_closed",
      "state_changed",
    ]);
  });

  it("a request under an SLA policy gets a resolution clock, met when its last task closes", async () => {
    const s = await setup();
    const policy = await s.admin.post("/api/v1/sla/policies", {
      name: "Requests",
      conditions: [{ field: "type", values: ["request"] }],
      targets: [{ metric: "resolution", durationMinutes: 2880 }],
    });
    expect(policy.status).toBe(201);
    const it = await s.item({ form: { variables: [] }, fulfilment: [{ title: "Badge", groupId: s.group.id }] });
    const req = (await http(app, s.requester).post("/api/v1/requests", { catalogItemId: it.id })).body;
    const agent = http(app, s.agent);
    const clock = async () => (await agent.get(`/api/v1/work-items/${req.id}/sla`)).body.items[0];
    const running = await clock();
    expect(running).toMatchObject({ state: "running" });
    expect(Date.parse(running.dueAt) - Date.parse(req.createdAt)).toBeGreaterThanOrEqual(2880 * 60_000 - 1000);
    await agent.post(`/api/v1/request-tasks/${req.tasks[0].id}/transitions`, { action: "complete" });
    expect((await agent.get(`/api/v1/requests/${req.id}`)).body.state).toBe("completed");
    expect(await clock()).toMatchObject({ state: "met" });
  });

  it("parallel tasks open together; the next step waits for both; a cancelled task makes the request incomplete", async () => {
    const s = await setup();
    const it = await s.item({
      form: { variables: [] },
      fulfilment: [
        { title: "Badge", groupId: s.group.id },
        { title: "Account", groupId: s.group.id, parallelWithPrevious: true },
        { title: "Welcome pack", groupId: s.hw.id },
      ],
    });
    const req = (await http(app, s.requester).post("/api/v1/requests", { catalogItemId: it.id })).body;
    expect(req.state).toBe("in_progress");
    expect(req.tasks.map((t: { state: string; step: number }) => [t.state, t.step])).toEqual([
      ["open", 1],
      ["open", 1],
      ["pending", 2],
    ]);
    const agent = http(app, s.agent);
    await agent.post(`/api/v1/request-tasks/${req.tasks[0].id}/transitions`, { action: "complete" });
    let now = (await agent.get(`/api/v1/requests/${req.id}`)).body;
    expect(now.tasks[2].state).toBe("pending");
    const noReason = await agent.post(`/api/v1/request-tasks/${req.tasks[1].id}/transitions`, { action: "cancel" });
    expect(noReason.status).toBe(400);
    await agent.post(`/api/v1/request-tasks/${req.tasks[1].id}/transitions`, { action: "cancel", notes: "Has an account already" });
    now = (await agent.get(`/api/v1/requests/${req.id}`)).body;
    expect(now.tasks[2].state).toBe("open");
    await agent.post(`/api/v1/request-tasks/${req.tasks[2].id}/transitions`, { action: "complete" });
    expect((await agent.get(`/api/v1/requests/${req.id}`)).body.state).toBe("incomplete");
    const twice = await agent.post(`/api/v1/request-tasks/${req.tasks[2].id}/transitions`, { action: "complete" });
    expect(twice.status).toBe(409);
  });

  it("a rejection closes the request with the reason; approving it afterwards changes nothing", async () => {
    const s = await setup();
    const it = await s.item({
      approvals: [{ name: "Leads", approvers: [{ kind: "manager" }, { kind: "user", userId: s.agent2.id }], rule: "all" }],
      fulfilment: [{ title: "Prepare", groupId: s.group.id }],
    });
    const req = (await http(app, s.requester).post("/api/v1/requests", { catalogItemId: it.id, answers: { model: "pc" } })).body;
    const [m] = await pendingFor(s.manager);
    const [g] = await pendingFor(s.agent2);
    const rej = await http(app, s.manager).post(`/api/v1/approvals/${m.id}/decision`, { decision: "reject", comment: "You got one last year" });
    expect(rej.body.outcome).toBe("rejected");
    const after = (await http(app, s.requester).get(`/api/v1/requests/${req.id}`)).body;
    expect(after).toMatchObject({ state: "rejected", closeReason: "You got one last year", tasks: [], actions: [] });
    const late = await http(app, s.agent2).post(`/api/v1/approvals/${g.id}/decision`, { decision: "approve" });
    expect(late.status).toBe(409);
    const still = (await http(app, s.requester).get(`/api/v1/requests/${req.id}`)).body;
    expect({ state: still.state, version: still.version, tasks: still.tasks }).toEqual({ state: "rejected", version: after.version, tasks: [] });
  });

  it("answers failing the form are refused with every field named, and nothing is created", async () => {
    const s = await setup();
    const it = await s.item({});
    const me = http(app, s.requester);
    const bad = await me.post("/api/v1/requests", { catalogItemId: it.id, answers: { model: "mac", for: "not-a-person", colour: "red" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["body.answers.reason", "body.answers.for", "body.answers"]));
    const stranger = (await createDesk(deps())).requester;
    const foreign = await me.post("/api/v1/requests", { catalogItemId: it.id, answers: { model: "pc", for: stranger.id } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details[0].field).toBe("body.answers.for");
    expect((await me.get("/api/v1/requests")).body.items).toEqual([]);
    expect((await me.post("/api/v1/requests", { catalogItemId: it.id, answers: {}, requesterId: s.requester2.id })).status).toBe(403);
  });

  it("a request keeps the version it ordered; new requests use the new form", async () => {
    const s = await setup();
    const it = await s.item({});
    const me = http(app, s.requester);
    const old = (await me.post("/api/v1/requests", { catalogItemId: it.id, answers: { model: "pc" } })).body;
    await s.admin.patch(`/api/v1/catalog/items/${it.id}`, {
      form: { variables: [{ name: "model", label: "Laptop model", type: "choice", required: true, options: [{ value: "air", label: "MacBook Air" }] }] },
    });
    const reread = (await me.get(`/api/v1/requests/${old.id}`)).body;
    expect(reread.catalogItem.version).toBe(1);
    expect(reread.answers).toEqual([{ name: "model", label: "Model", type: "choice", value: "pc", display: "ThinkPad" }]);
    expect((await me.post("/api/v1/requests", { catalogItemId: it.id, answers: { model: "pc" } })).status).toBe(400);
    const fresh = (await me.post("/api/v1/requests", { catalogItemId: it.id, answers: { model: "air" } })).body;
    expect(fresh.catalogItem.version).toBe(2);
    expect(fresh.answers[0].display).toBe("MacBook Air");
  });

  it("stores an attachment answer as a file of the request", async () => {
    const s = await setup();
    const it = await s.item({});
    const me = http(app, s.requester);
    const content = Buffer.from("quote: 1200 EUR");
    const req = (
      await me.post("/api/v1/requests", {
        catalogItemId: it.id,
        answers: { model: "pc", quote: { filename: "quote.txt", contentType: "text/plain", contentBase64: content.toString("base64") } },
      })
    ).body;
    const quote = req.answers.find((a: { name: string }) => a.name === "quote");
    expect(quote.display).toBe("quote.txt");
    const files = (await me.get(`/api/v1/requests/${req.id}/attachments`)).body.items;
    expect(files.map((f: { filename: string; size: number }) => [f.filename, f.size])).toEqual([["quote.txt", content.length]]);
    expect(quote.value.attachmentId).toBe(files[0].id);
  });

  it("requesters see only their own requests; they may cancel them, which retires the approvals", async () => {
    const s = await setup();
    const it = await s.item({ approvals: [{ name: "Manager", approvers: [{ kind: "manager" }] }] });
    const mine = (await http(app, s.requester).post("/api/v1/requests", { catalogItemId: it.id, answers: { model: "pc" } })).body;
    const other = http(app, s.requester2);
    expect((await other.get(`/api/v1/requests/${mine.number}`)).status).toBe(404);
    expect((await other.get("/api/v1/requests")).body.items).toEqual([]);
    expect((await other.post(`/api/v1/requests/${mine.id}/cancel`, { reason: "no" })).status).toBe(404);
    expect((await http(app, (await createDesk(deps())).admin).get(`/api/v1/requests/${mine.id}`)).status).toBe(404);
    expect((await http(app, s.agent).get("/api/v1/requests?open=true")).body.items.map((r: { id: string }) => r.id)).toEqual([mine.id]);

    const [a] = await pendingFor(s.manager);
    const cancelled = await http(app, s.requester).post(`/api/v1/requests/${mine.id}/cancel`, { reason: "Found a spare one" });
    expect(cancelled.body).toMatchObject({ state: "cancelled", closeReason: "Found a spare one" });
    expect(await pendingFor(s.manager)).toEqual([]);
    expect((await http(app, s.manager).post(`/api/v1/approvals/${a.id}/decision`, { decision: "approve" })).status).toBe(409);
    expect((await http(app, s.requester).post(`/api/v1/requests/${mine.id}/cancel`, { reason: "again" })).status).toBe(409);
  });

  it("respects the audience and refuses inactive items", async () => {
    const s = await setup();
    const staffOnly = await s.item({ audience: "staff" });
    const me = http(app, s.requester);
    expect((await me.post("/api/v1/requests", { catalogItemId: staffOnly.id, answers: { model: "pc" } })).status).toBe(403);
    expect((await http(app, s.agent).post("/api/v1/requests", { catalogItemId: staffOnly.id, answers: { model: "pc" } })).status).toBe(201);
    const gone = await s.item({ active: false });
    expect((await me.post("/api/v1/requests", { catalogItemId: gone.id, answers: { model: "pc" } })).status).toBe(409);
    // Agents order for someone else.
    const forDave = await http(app, s.agent).post("/api/v1/requests", { catalogItemId: staffOnly.id, answers: { model: "pc" }, requesterId: s.requester.id });
    expect(forDave.body.requester.id).toBe(s.requester.id);
  });
});
