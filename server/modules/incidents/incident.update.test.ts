import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createCategory, createDesk, type createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { autoCloseIncident } from "./incident.service";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

const base = { title: "VPN drops", description: "every 5 minutes", impact: "medium", urgency: "medium" } as const;
type Caller = Awaited<ReturnType<typeof createUser>>;
const create = async (who: Caller, extra: Record<string, unknown> = {}) => (await http(app, who).post("/api/v1/incidents", { ...base, ...extra })).body;

describe("PATCH /api/v1/incidents/{id}", () => {
  it("records every change with actor and before/after, recomputes priority, bumps the version", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent);
    const res = await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, {
      title: "VPN drops hourly",
      impact: "high",
      urgency: "high",
      version: inc.version,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: "VPN drops hourly", priority: "P1", version: inc.version + 1 });
    const tl = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/timeline`)).body.items;
    const ev = tl[tl.length - 1];
    expect(ev.kind).toBe("updated");
    expect(ev.actor.id).toBe(d.agent.id);
    expect(ev.changes).toEqual(
      expect.arrayContaining([
        { field: "title", from: "VPN drops", to: "VPN drops hourly" },
        { field: "impact", from: "medium", to: "high" },
        { field: "priority", from: "P3", to: "P1" },
      ]),
    );
  });

  it("refuses a stale version with 409 and never overwrites silently (body version or If-Match)", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent);
    const first = await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { title: "Agent one", version: inc.version });
    expect(first.status).toBe(200);
    const stale = await http(app, d.agent2).patch(`/api/v1/incidents/${inc.id}`, { title: "Agent two", version: inc.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("VERSION_CONFLICT");
    const staleHeader = await http(app, d.agent2).patch(`/api/v1/incidents/${inc.id}`, { title: "Agent two" }, { "if-match": `"${inc.version}"` });
    expect(staleHeader.status).toBe(409);
    const fresh = await http(app, d.agent2).patch(`/api/v1/incidents/${inc.id}`, { title: "Agent two" }, { "if-match": `"${first.body.version}"` });
    expect(fresh.status).toBe(200);
    expect((await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { title: "x" }, { "if-match": "garbage" })).status).toBe(400);
  });

  it("concurrent edits with the same version: exactly one wins", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        http(app, i % 2 ? d.agent : d.agent2).patch(`/api/v1/incidents/${inc.id}`, { title: `Edit ${i}`, version: inc.version }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
  });

  it("assigning a new incident starts it; a group change drops an assignee outside the group", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent);
    const assigned = await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { assignmentGroupId: d.group.id, assigneeId: d.agent.id });
    expect(assigned.body.state).toBe("in_progress");
    const tl = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/timeline`)).body.items;
    expect(tl[tl.length - 1]).toMatchObject({ kind: "state_changed", data: { action: "start" } });
    const { createGroup } = await import("../../test/factories");
    const g2 = await createGroup(testDeps(), d.org.id, "Other");
    const moved = await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { assignmentGroupId: g2.id });
    expect(moved.body.assignmentGroup.id).toBe(g2.id);
    expect(moved.body.assignee).toBeNull();
  });

  it("changing the category clears a subcategory that no longer fits", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const hw = await createCategory(deps, d.org.id, "Hardware");
    const sw = await createCategory(deps, d.org.id, "Software");
    const laptop = await createCategory(deps, d.org.id, "Laptop", hw.id);
    const inc = await create(d.agent, { categoryId: hw.id, subcategoryId: laptop.id });
    const res = await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { categoryId: sw.id });
    expect(res.body.category.id).toBe(sw.id);
    expect(res.body.subcategory).toBeNull();
  });

  it("PATCH state runs the workflow transition (and refuses impossible moves)", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent);
    const held = await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { state: "on_hold", holdReason: "awaiting_caller" });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ state: "on_hold", holdReason: "awaiting_caller" });
    const noReason = await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { state: "resolved" });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.map((x: { field: string }) => x.field)).toEqual(["body.resolutionCode", "body.resolutionNotes"]);
    const closed = await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { state: "closed" });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe("INVALID_TRANSITION");
  });

  it("requesters cannot edit fields", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.requester);
    const res = await http(app, d.requester).patch(`/api/v1/incidents/${inc.id}`, { title: "mine now", impact: "high" });
    expect(res.status).toBe(403);
    expect((await http(app, d.agent).get(`/api/v1/incidents/${inc.id}`)).body.title).toBe("VPN drops");
  });

  it("an empty patch changes nothing and keeps the version", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent);
    const res = await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { title: inc.title });
    expect(res.body.version).toBe(inc.version);
  });
});

describe("POST /api/v1/incidents/{id}/transitions", () => {
  it("runs the whole lifecycle: hold → resume → resolve → reopen → resolve → close", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent, { requesterId: d.requester.id });
    const t = (body: Record<string, unknown>, who = d.agent) => http(app, who).post(`/api/v1/incidents/${inc.id}/transitions`, body);
    expect((await t({ action: "hold" })).status).toBe(400);
    expect((await t({ action: "hold", holdReason: "awaiting_vendor" })).body).toMatchObject({ state: "on_hold", holdReason: "awaiting_vendor" });
    expect((await t({ action: "resume" })).body).toMatchObject({ state: "in_progress", holdReason: null });
    const resolved = await t({ action: "resolve", resolutionCode: "solved_workaround", resolutionNotes: "Rebooted the concentrator" });
    expect(resolved.body).toMatchObject({ state: "resolved", resolutionCode: "solved_workaround", resolutionNotes: "Rebooted the concentrator" });
    expect(resolved.body.resolvedAt).not.toBeNull();
    // The auto-close is queued in the same transaction (transactional outbox).
    const job = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where key = ${`incident-auto-close:${inc.id}`}`.execute(
      testDeps().db,
    );
    expect(job.rows[0].n).toBe(1);
    // The requester sees close/reopen on their own resolved incident.
    expect((await http(app, d.requester).get(`/api/v1/incidents/${inc.id}`)).body.actions).toEqual(["close", "reopen"]);
    expect((await t({ action: "reopen" }, d.requester)).status).toBe(400);
    const reopened = await t({ action: "reopen", reason: "Still dropping" }, d.requester);
    expect(reopened.body).toMatchObject({ state: "in_progress", reopenCount: 1, resolutionCode: null, resolvedAt: null });
    const jobAfter = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where key = ${`incident-auto-close:${inc.id}`}`.execute(
      testDeps().db,
    );
    expect(jobAfter.rows[0].n).toBe(0);
    await t({ action: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Replaced firmware" });
    const closed = await t({ action: "close" }, d.requester);
    expect(closed.body).toMatchObject({ state: "closed", actions: [] });
    expect(closed.body.closedAt).not.toBeNull();
    const again = await t({ action: "reopen", reason: "x" });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/closed/);
    const kinds = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/timeline`)).body.items.filter((e: { kind: string }) => e.kind === "state_changed");
    expect(kinds.map((e: { data: { action: string } }) => e.data.action)).toEqual(["hold", "resume", "resolve", "reopen", "resolve", "close"]);
    expect(kinds[3].data.reason).toBe("Still dropping");
  });

  it("refuses a reopen after the window", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const inc = await create(d.agent, { requesterId: d.requester.id });
    await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, { action: "resolve", resolutionCode: "user_error", resolutionNotes: "Caps lock" });
    await deps.db
      .updateTable("work_items")
      .set({ resolved_at: new Date(Date.now() - 8 * 86400_000) })
      .where("id", "=", inc.id)
      .execute();
    const res = await http(app, d.requester).post(`/api/v1/incidents/${inc.id}/transitions`, { action: "reopen", reason: "again" });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/reopen window/);
  });

  it("cancel needs a reason; requesters cannot resolve; a stale version is refused", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent, { requesterId: d.requester.id });
    expect((await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, { action: "cancel" })).status).toBe(400);
    const byReq = await http(app, d.requester).post(`/api/v1/incidents/${inc.id}/transitions`, {
      action: "resolve",
      resolutionCode: "user_error",
      resolutionNotes: "x",
    });
    expect(byReq.status).toBe(409);
    expect(byReq.body.error.code).toBe("INVALID_TRANSITION");
    const stale = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, { action: "start", version: inc.version + 5 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("VERSION_CONFLICT");
    expect((await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, { action: "explode" })).status).toBe(400);
    const cancelled = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, { action: "cancel", reason: "Duplicate call" });
    expect(cancelled.body.state).toBe("cancelled");
  });

  it("the auto-close job closes a resolved incident once, and not one reopened since", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const inc = await create(d.agent);
    const resolved = (
      await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, { action: "resolve", resolutionCode: "duplicate", resolutionNotes: "dup" })
    ).body;
    expect(await autoCloseIncident(deps, inc.id, new Date(Date.parse(resolved.resolvedAt) + 5000).toISOString())).toBe(false);
    expect(await autoCloseIncident(deps, inc.id, resolved.resolvedAt)).toBe(true);
    expect(await autoCloseIncident(deps, inc.id, resolved.resolvedAt)).toBe(false);
    const after = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}`)).body;
    expect(after.state).toBe("closed");
    const tl = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/timeline`)).body.items;
    expect(tl[tl.length - 1]).toMatchObject({ kind: "state_changed", actor: null, data: { automatic: true } });
  });
});

describe("timeline labels", () => {
  it("names the people and groups behind ids in changes; comments leave the field version alone", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent, { requesterId: d.requester.id });
    await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { assignmentGroupId: d.group.id, assigneeId: d.agent2.id });
    const tl = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/timeline`)).body.items;
    const ev = tl[tl.length - 1];
    expect(ev.changes).toEqual(
      expect.arrayContaining([
        { field: "assigneeId", from: null, to: d.agent2.id, fromLabel: null, toLabel: d.agent2.name },
        { field: "assignmentGroupId", from: null, to: d.group.id, fromLabel: null, toLabel: "Service Desk" },
      ]),
    );
    const before = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}`)).body;
    await http(app, d.requester).post(`/api/v1/incidents/${inc.id}/comments`, { body: "Thanks" });
    const after = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}`)).body;
    expect(after.version).toBe(before.version);
    expect(after.updatedAt > before.updatedAt).toBe(true);
    expect((await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { title: "Still stale-free", version: before.version })).status).toBe(200);
  });
});
