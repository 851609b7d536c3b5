import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTx } from "../../platform/db/db";
import type { App } from "../../platform/http/app";
import { createDesk, createGroup, createUser, createWorkItem, setManager } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { type ApprovalItem, registerApprovalHandler, startApprovals } from "./approval.service";

// Approvals are generic: a recording handler stands in for the practice owning "problem" items here.
const seen: Array<{ event: string; itemId: string; reason?: string; stage?: string }> = [];
registerApprovalHandler("problem", {
  async onApproved(_tx, item) {
    seen.push({ event: "approved", itemId: item.id });
  },
  async onRejected(_tx, item, ctx) {
    seen.push({ event: "rejected", itemId: item.id, reason: ctx.reason, stage: ctx.stageName });
  },
  async onStageApproved(_tx, item, ctx) {
    seen.push({ event: "stage", itemId: item.id, stage: ctx.stageName });
  },
});

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

const deps = () => testDeps();
const start = (item: ApprovalItem, stages: Parameters<typeof startApprovals>[2]) => withTx(deps().db, (tx) => startApprovals(tx, item, stages, null));
const mine = async (who: Parameters<typeof http>[1]) =>
  (await http(app, who).get("/api/v1/approvals")).body.items as Array<{ id: string; item: { id: string } }>;
const timelineKinds = async (itemId: string) =>
  (await deps().db.selectFrom("timeline_events").select("kind").where("work_item_id", "=", itemId).orderBy("id").execute()).map((r) => r.kind);

describe("approval chains", () => {
  it("asks the requester's manager; only they decide, once; the practice hears the outcome", async () => {
    const d = await createDesk(deps());
    const manager = await createUser(deps(), d.org.id, "requester", { name: "Mona Manager" });
    await setManager(deps(), d.requester.id, manager.id);
    const item = await createWorkItem(deps(), d.org.id, { requesterId: d.requester.id });
    expect(await start(item, [{ name: "Manager", approvers: [{ kind: "manager" }], rule: "any" }])).toBe("pending");

    const list = await mine(manager);
    expect(list.map((a) => a.item.id)).toEqual([item.id]);
    const id = list[0].id;
    expect((await mine(d.requester)).length).toBe(0);

    // Someone else in the organization: refused, nothing changed.
    const other = await http(app, d.agent).post(`/api/v1/approvals/${id}/decision`, { decision: "approve" });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe("FORBIDDEN");
    // Another organization: not even there.
    const stranger = (await createDesk(deps())).admin;
    expect((await http(app, stranger).post(`/api/v1/approvals/${id}/decision`, { decision: "approve" })).status).toBe(404);
    expect((await mine(manager)).length).toBe(1);

    const ok = await http(app, manager).post(`/api/v1/approvals/${id}/decision`, { decision: "approve", comment: "Go ahead" });
    expect(ok.status).toBe(200);
    expect(ok.body.outcome).toBe("approved");
    expect(ok.body.approval).toMatchObject({ state: "approved", comment: "Go ahead", canDecide: false });
    expect(seen.filter((s) => s.itemId === item.id)).toEqual([{ event: "approved", itemId: item.id }]);

    const twice = await http(app, manager).post(`/api/v1/approvals/${id}/decision`, { decision: "reject", comment: "changed my mind" });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("INVALID_TRANSITION");
    expect(twice.body.error.message).toMatch(/already approved/);
    expect(seen.filter((s) => s.itemId === item.id).length).toBe(1);
    expect(await timelineKinds(item.id)).toEqual(["approval_requested", "approval_decided", "approval_stage_completed"]);
    const decided = await http(app, manager).get("/api/v1/approvals?state=decided");
    expect(decided.body.items.map((a: { id: string }) => a.id)).toEqual([id]);
  });

  it("a group with rule all needs every member; rule any passes on the first and retires the rest", async () => {
    const d = await createDesk(deps());
    const all = await createWorkItem(deps(), d.org.id, { requesterId: d.requester.id });
    await start(all, [{ name: "Desk leads", approvers: [{ kind: "group", groupId: d.group.id }], rule: "all" }]);
    const [a1] = await mine(d.agent);
    const [a2] = await mine(d.agent2);
    const first = await http(app, d.agent).post(`/api/v1/approvals/${a1.id}/decision`, { decision: "approve" });
    expect(first.body.outcome).toBe("pending");
    expect(seen.some((s) => s.itemId === all.id)).toBe(false);
    const second = await http(app, d.agent2).post(`/api/v1/approvals/${a2.id}/decision`, { decision: "approve" });
    expect(second.body.outcome).toBe("approved");
    expect(seen.filter((s) => s.itemId === all.id).map((s) => s.event)).toEqual(["approved"]);

    const any = await createWorkItem(deps(), d.org.id, { requesterId: d.requester.id });
    await start(any, [{ name: "Anyone", approvers: [{ kind: "group", groupId: d.group.id }], rule: "any" }]);
    const [b1] = await mine(d.agent);
    const [b2] = await mine(d.agent2);
    expect((await http(app, d.agent2).post(`/api/v1/approvals/${b2.id}/decision`, { decision: "approve" })).body.outcome).toBe("approved");
    const late = await http(app, d.agent).post(`/api/v1/approvals/${b1.id}/decision`, { decision: "approve" });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/no longer needed/);
    expect(await mine(d.agent)).toEqual([]);
  });

  it("a quorum passes with enough approvals; the requester is never their own group approver", async () => {
    const d = await createDesk(deps());
    const g = await createGroup(deps(), d.org.id);
    const people = await Promise.all([1, 2, 3].map(() => createUser(deps(), d.org.id, "agent", { groupIds: [g.id] })));
    const item = await createWorkItem(deps(), d.org.id, { requesterId: people[0].id });
    await start(item, [{ name: "Two of the others", approvers: [{ kind: "group", groupId: g.id }], rule: "quorum", quorum: 2 }]);
    expect(await mine(people[0])).toEqual([]);
    const [x] = await mine(people[1]);
    const [y] = await mine(people[2]);
    expect((await http(app, people[1]).post(`/api/v1/approvals/${x.id}/decision`, { decision: "approve" })).body.outcome).toBe("pending");
    expect((await http(app, people[2]).post(`/api/v1/approvals/${y.id}/decision`, { decision: "approve" })).body.outcome).toBe("approved");
  });

  it("runs stages one after the other; a rejection ends the chain with its reason and nothing after it moves", async () => {
    const d = await createDesk(deps());
    const manager = await createUser(deps(), d.org.id, "agent");
    await setManager(deps(), d.requester.id, manager.id);
    const item = await createWorkItem(deps(), d.org.id, { requesterId: d.requester.id });
    await start(item, [
      { name: "Manager", approvers: [{ kind: "manager" }], rule: "any" },
      {
        name: "Finance",
        approvers: [
          { kind: "user", userId: d.admin.id },
          { kind: "group", groupId: d.group.id },
        ],
        rule: "any",
      },
      { name: "Never reached", approvers: [{ kind: "user", userId: d.agent2.id }], rule: "any" },
    ]);
    // Later stages wait: nobody there is asked yet.
    expect(await mine(d.admin)).toEqual([]);
    const [m] = await mine(manager);
    expect((await http(app, manager).post(`/api/v1/approvals/${m.id}/decision`, { decision: "approve" })).body.outcome).toBe("pending");
    expect(seen.filter((s) => s.itemId === item.id)).toEqual([{ event: "stage", itemId: item.id, stage: "Manager" }]);

    const [f] = await mine(d.admin);
    const [g] = await mine(d.agent);
    const noReason = await http(app, d.admin).post(`/api/v1/approvals/${f.id}/decision`, { decision: "reject" });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].field).toMatch(/comment/);
    const rejected = await http(app, d.admin).post(`/api/v1/approvals/${f.id}/decision`, { decision: "reject", comment: "Over budget" });
    expect(rejected.body.outcome).toBe("rejected");
    expect(seen.filter((s) => s.itemId === item.id).at(-1)).toEqual({ event: "rejected", itemId: item.id, reason: "Over budget", stage: "Finance" });

    // Approving a rejected item: refused, and still nothing waits for anyone.
    const after = await http(app, d.agent).post(`/api/v1/approvals/${g.id}/decision`, { decision: "approve" });
    expect(after.status).toBe(409);
    expect(after.body.error.message).toMatch(/already rejected/);
    expect(await mine(d.agent2)).toEqual([]);
    const stages = await deps().db.selectFrom("approval_stages").select(["name", "state"]).where("work_item_id", "=", item.id).orderBy("position").execute();
    expect(stages).toEqual([
      { name: "Manager", state: "approved" },
      { name: "Finance", state: "rejected" },
      { name: "Never reached", state: "cancelled" },
    ]);
  });

  it("skips a stage nobody can approve (no manager set) and says so on the timeline", async () => {
    const d = await createDesk(deps());
    const item = await createWorkItem(deps(), d.org.id, { requesterId: d.requester.id });
    expect(await start(item, [{ name: "Manager", approvers: [{ kind: "manager" }], rule: "any" }])).toBe("approved");
    expect(await timelineKinds(item.id)).toEqual(["approval_stage_skipped"]);
    expect(await start(await createWorkItem(deps(), d.org.id, { requesterId: d.requester.id }), [])).toBe("approved");
  });

  it("approvers read one approval with its item; others get 404", async () => {
    const d = await createDesk(deps());
    const item = await createWorkItem(deps(), d.org.id, { requesterId: d.requester.id, title: "New monitor" });
    await start(item, [{ name: "Lead", approvers: [{ kind: "user", userId: d.requester2.id }], rule: "any" }]);
    const [a] = await mine(d.requester2);
    const got = await http(app, d.requester2).get(`/api/v1/approvals/${a.id}`);
    expect(got.body).toMatchObject({ state: "pending", canDecide: true, item: { title: "New monitor", requester: { id: d.requester.id } } });
    expect((await http(app, d.requester).get(`/api/v1/approvals/${a.id}`)).status).toBe(404);
  });
});

describe("managers in the directory", () => {
  it("admins set and clear a manager; loops and strangers are refused", async () => {
    const d = await createDesk(deps());
    const api = http(app, d.admin);
    const set = await api.patch(`/api/v1/users/${d.requester.id}`, { managerId: d.agent.id });
    expect(set.status).toBe(200);
    expect(set.body.managerId).toBe(d.agent.id);
    expect((await api.patch(`/api/v1/users/${d.agent.id}`, { managerId: d.agent2.id })).status).toBe(200);
    const loop = await api.patch(`/api/v1/users/${d.agent2.id}`, { managerId: d.requester.id });
    expect(loop.status).toBe(400);
    expect(loop.body.error.details[0].field).toBe("body.managerId");
    expect((await api.patch(`/api/v1/users/${d.agent.id}`, { managerId: d.agent.id })).status).toBe(400);
    const stranger = (await createDesk(deps())).agent;
    expect((await api.patch(`/api/v1/users/${d.requester.id}`, { managerId: stranger.id })).status).toBe(400);
    const list = await api.get(`/api/v1/users?q=${encodeURIComponent(d.requester.email)}`);
    expect(list.body.items[0].managerId).toBe(d.agent.id);
    expect((await api.patch(`/api/v1/users/${d.requester.id}`, { managerId: null })).body.managerId).toBeNull();
    expect((await http(app, d.agent).patch(`/api/v1/users/${d.requester.id}`, { managerId: d.agent.id })).status).toBe(403);
  });
});

describe("desks", () => {
  it("admins create desks with agents, groups and categories; requesters list active ones without staff details", async () => {
    const d = await createDesk(deps());
    const api = http(app, d.admin);
    const created = await api.post("/api/v1/desks", {
      name: "Human Resources",
      slug: "hr",
      brandingName: "People & Culture",
      memberIds: [d.agent.id],
      groupIds: [d.group.id],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: "hr", brandingName: "People & Culture", memberIds: [d.agent.id], groupIds: [d.group.id], active: true });
    expect((await api.post("/api/v1/desks", { name: "Other", slug: "hr" })).status).toBe(409);
    expect((await api.post("/api/v1/desks", { name: "Bad", slug: "x", memberIds: [d.requester.id] })).status).toBe(400);
    expect((await http(app, d.requester).post("/api/v1/desks", { name: "Mine", slug: "mine" })).status).toBe(403);
    await api.post("/api/v1/desks", { name: "Old", slug: "old", active: false });

    const seenByRequester = await http(app, d.requester).get("/api/v1/desks?all=true");
    expect(seenByRequester.body.items.map((x: { slug: string }) => x.slug)).toEqual(["hr"]);
    expect(seenByRequester.body.items[0]).toMatchObject({ memberIds: [], groupIds: [] });
    expect((await http(app, d.requester).get("/api/v1/desks/old")).status).toBe(404);
    expect((await api.get("/api/v1/desks?all=true")).body.items.length).toBe(2);
    const moved = await api.patch("/api/v1/desks/hr", { memberIds: [d.agent2.id], groupIds: [] });
    expect(moved.body).toMatchObject({ memberIds: [d.agent2.id], groupIds: [] });
    expect((await http(app, (await createDesk(deps())).admin).get("/api/v1/desks/hr")).status).toBe(404);
  });
});
