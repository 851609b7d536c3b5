import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRIORITY_MATRIX } from "../../../contracts/priority";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { auditEvents, createCategory, createDesk, createService } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";

let app: App;
let deps: Deps;

beforeAll(async () => {
  deps = testDeps();
  app = await testApp();
});
afterAll(closeTestApp);

const SOME_UUID = "00000000-0000-4000-8000-000000000000";
const ids = (items: Array<{ id: string }>) => items.map((i) => i.id);

describe("anonymous calls", () => {
  it.each([
    ["GET", "/api/v1/services"],
    ["POST", "/api/v1/services"],
    ["GET", "/api/v1/categories"],
    ["POST", "/api/v1/categories"],
    ["GET", "/api/v1/views"],
    ["POST", "/api/v1/views"],
    ["DELETE", `/api/v1/views/${SOME_UUID}`],
    ["GET", "/api/v1/admin/priority-matrix"],
    ["PUT", "/api/v1/admin/priority-matrix"],
    ["GET", "/api/v1/admin/settings"],
    ["PATCH", "/api/v1/admin/settings"],
  ])("%s %s → 401", async (method, url) => {
    const r = await http(app)[method.toLowerCase() as "get"](url);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("UNAUTHENTICATED");
  });
});

describe("services", () => {
  it("lists only the caller's organization, for anyone signed in", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const mine = await createService(deps, desk.org.id, `Email ${uniq()}`);
    const theirs = await createService(deps, other.org.id, `Email ${uniq()}`);
    for (const who of [desk.agent, desk.requester]) {
      const r = await http(app, who).get("/api/v1/services");
      expect(r.status).toBe(200);
      expect(ids(r.body.items)).toEqual([mine.id]);
      expect(ids(r.body.items)).not.toContain(theirs.id);
    }
    const r = await http(app, desk.agent).get("/api/v1/services");
    expect(r.body.items[0]).toEqual({ id: mine.id, name: mine.name, description: "", supportGroupId: null, active: true });
  });

  it("lets an admin create a service (201) with a support group of the organization", async () => {
    const desk = await createDesk(deps);
    const r = await http(app, desk.admin).post("/api/v1/services", { name: "VPN", description: "Remote access", supportGroupId: desk.group.id });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: expect.any(String), name: "VPN", description: "Remote access", supportGroupId: desk.group.id, active: true });
    const row = await deps.db.selectFrom("services").select(["organization_id", "support_group_id"]).where("id", "=", r.body.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ organization_id: desk.org.id, support_group_id: desk.group.id });
    expect((await auditEvents(deps, "service.created", r.body.id)).map(({ actor_id, organization_id }) => ({ actor_id, organization_id }))).toEqual([
      { actor_id: desk.admin.id, organization_id: desk.org.id },
    ]);
    expect(ids((await http(app, desk.requester).get("/api/v1/services")).body.items)).toContain(r.body.id);
  });

  it("refuses agents (403), another organization's group (400), duplicates (409) and a blank name (400)", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const asAgent = await http(app, desk.agent).post("/api/v1/services", { name: "Printing" });
    expect(asAgent.status).toBe(403);
    expect(asAgent.body.error.code).toBe("FORBIDDEN");
    const foreignGroup = await http(app, desk.admin).post("/api/v1/services", { name: "Printing", supportGroupId: other.group.id });
    expect(foreignGroup.status).toBe(400);
    expect(foreignGroup.body.error.details[0].field).toBe("body.supportGroupId");
    expect((await http(app, desk.admin).get("/api/v1/services")).body.items).toEqual([]);

    expect((await http(app, desk.admin).post("/api/v1/services", { name: "Printing" })).status).toBe(201);
    const dup = await http(app, desk.admin).post("/api/v1/services", { name: "printing" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("CONFLICT");
    // The same name in another organization is fine.
    expect((await http(app, other.admin).post("/api/v1/services", { name: "Printing" })).status).toBe(201);

    const blank = await http(app, desk.admin).post("/api/v1/services", { name: "   " });
    expect(blank.status).toBe(400);
    expect(blank.body.error.details[0].field).toBe("body.name");
  });
});

describe("categories", () => {
  it("lists only the caller's organization", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const hw = await createCategory(deps, desk.org.id, "Hardware");
    const laptop = await createCategory(deps, desk.org.id, "Laptop", hw.id);
    await createCategory(deps, other.org.id, "Hardware");
    const r = await http(app, desk.requester).get("/api/v1/categories");
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      { id: hw.id, name: "Hardware", parentId: null, active: true },
      { id: laptop.id, name: "Laptop", parentId: hw.id, active: true },
    ]);
  });

  it("lets an admin create a category and a subcategory; refuses a third level", async () => {
    const desk = await createDesk(deps);
    const top = await http(app, desk.admin).post("/api/v1/categories", { name: "Software" });
    expect(top.status).toBe(201);
    expect(top.body).toEqual({ id: expect.any(String), name: "Software", parentId: null, active: true });
    const sub = await http(app, desk.admin).post("/api/v1/categories", { name: "Email client", parentId: top.body.id });
    expect(sub.status).toBe(201);
    expect(sub.body.parentId).toBe(top.body.id);
    expect(await auditEvents(deps, "category.created", sub.body.id)).toHaveLength(1);

    const third = await http(app, desk.admin).post("/api/v1/categories", { name: "Outlook", parentId: sub.body.id });
    expect(third.status).toBe(400);
    expect(third.body.error.code).toBe("VALIDATION_FAILED");
    expect(third.body.error.details[0].field).toBe("body.parentId");
    const names = (await http(app, desk.agent).get("/api/v1/categories")).body.items.map((c: { name: string }) => c.name);
    expect(names).toEqual(["Email client", "Software"]);

    // The pair is usable on an incident.
    const inc = await http(app, desk.agent).post("/api/v1/incidents", {
      title: "Mail broken",
      impact: "low",
      urgency: "low",
      categoryId: top.body.id,
      subcategoryId: sub.body.id,
    });
    expect(inc.status).toBe(201);
  });

  it("refuses a parent from another organization or a missing one (400), agents (403) and duplicates (409)", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const foreign = await createCategory(deps, other.org.id, "Network");
    for (const parentId of [foreign.id, SOME_UUID]) {
      const r = await http(app, desk.admin).post("/api/v1/categories", { name: "Wi-Fi", parentId });
      expect(r.status).toBe(400);
      expect(r.body.error.details[0].field).toBe("body.parentId");
    }
    expect((await http(app, desk.admin).get("/api/v1/categories")).body.items).toEqual([]);
    const asAgent = await http(app, desk.agent).post("/api/v1/categories", { name: "Wi-Fi" });
    expect(asAgent.status).toBe(403);
    expect((await http(app, desk.admin).post("/api/v1/categories", { name: "Wi-Fi" })).status).toBe(201);
    expect((await http(app, desk.admin).post("/api/v1/categories", { name: "WI-FI" })).status).toBe(409);
    expect((await http(app, desk.admin).post("/api/v1/categories", { name: "Wi-Fi", parentId: "nope" })).status).toBe(400);
  });
});

describe("saved views", () => {
  const filters = { state: ["new", "in_progress"], priority: ["P1"] };

  it("lists the built-in views to agents, not to requesters", async () => {
    const desk = await createDesk(deps);
    const r = await http(app, desk.agent).get("/api/v1/views");
    expect(r.status).toBe(200);
    const builtIn = r.body.items.filter((v: { builtIn: boolean }) => v.builtIn);
    expect(ids(builtIn)).toEqual(expect.arrayContaining(["builtin:my-open", "builtin:all-open"]));
    expect(builtIn.every((v: { shared: boolean }) => v.shared)).toBe(true);
    expect(r.body.items.filter((v: { builtIn: boolean }) => !v.builtIn)).toEqual([]);
    const asRequester = await http(app, desk.requester).get("/api/v1/views");
    expect(asRequester.status).toBe(403);
    expect(asRequester.body.error.code).toBe("FORBIDDEN");
  });

  it("saves a private view seen only by its owner", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const r = await http(app, desk.agent).post("/api/v1/views", { name: "My P1s", filters, sort: "priority" });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: expect.any(String), name: "My P1s", filters, sort: "priority", builtIn: false, shared: false, mine: true, columns: null });
    const row = await deps.db.selectFrom("saved_views").select(["owner_id", "organization_id"]).where("id", "=", r.body.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ owner_id: desk.agent.id, organization_id: desk.org.id });
    expect(ids((await http(app, desk.agent).get("/api/v1/views")).body.items)).toContain(r.body.id);
    expect(ids((await http(app, desk.agent2).get("/api/v1/views")).body.items)).not.toContain(r.body.id);
    expect(ids((await http(app, desk.admin).get("/api/v1/views")).body.items)).not.toContain(r.body.id);
    expect(ids((await http(app, other.agent).get("/api/v1/views")).body.items)).not.toContain(r.body.id);
  });

  it("agents share their own views (with columns and more filters) without an admin", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const shared = await http(app, desk.agent).post("/api/v1/views", {
      name: "Team",
      filters: { ...filters, major: "true" },
      shared: true,
      columns: ["priority", "assignee", "updated"],
    });
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({ shared: true, mine: true, builtIn: false, sort: "-createdAt", columns: ["priority", "assignee", "updated"] });
    expect((await http(app, desk.agent).post("/api/v1/views", { name: "Bad", filters, columns: ["salary"] })).status).toBe(400);
    // A colleague sees it but may not delete it; the owner may.
    expect((await http(app, desk.agent2).delete(`/api/v1/views/${shared.body.id}`)).status).toBe(403);
    const seen = (await http(app, desk.agent2).get("/api/v1/views")).body.items.find((v: { id: string }) => v.id === shared.body.id);
    expect(seen).toMatchObject({ name: "Team", shared: true, mine: false, filters: { major: "true" } });
    expect(ids((await http(app, other.agent).get("/api/v1/views")).body.items)).not.toContain(shared.body.id);
  });

  it("validates the sort and the filters", async () => {
    const desk = await createDesk(deps);
    const badSort = await http(app, desk.agent).post("/api/v1/views", { name: "X", filters: {}, sort: "title; drop table" });
    expect(badSort.status).toBe(400);
    expect(badSort.body.error.details[0].field).toBe("body.sort");
    const badFilter = await http(app, desk.agent).post("/api/v1/views", { name: "X", filters: { open: "maybe" } });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.details[0].field).toBe("body.filters.open");
  });

  it("deletes one's own view; someone else's private view and another organization's are refused", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const mine = await http(app, desk.agent).post("/api/v1/views", { name: "Mine", filters });
    const theirs = await http(app, desk.agent2).post("/api/v1/views", { name: "Theirs", filters });
    const foreign = await http(app, other.agent).post("/api/v1/views", { name: "Foreign", filters });
    const shared = await http(app, desk.admin).post("/api/v1/views", { name: "Shared", filters, shared: true });

    const notMine = await http(app, desk.agent).delete(`/api/v1/views/${theirs.body.id}`);
    expect(notMine.status).toBe(404);
    expect((await http(app, desk.agent).delete(`/api/v1/views/${foreign.body.id}`)).status).toBe(404);
    expect((await http(app, desk.agent).delete(`/api/v1/views/${shared.body.id}`)).status).toBe(403);
    expect((await http(app, desk.agent).delete("/api/v1/views/builtin:my-open")).status).toBe(400);
    const left = await deps.db.selectFrom("saved_views").select("id").where("id", "in", [theirs.body.id, foreign.body.id, shared.body.id]).execute();
    expect(left).toHaveLength(3);

    const del = await http(app, desk.agent).delete(`/api/v1/views/${mine.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ ok: true });
    expect(await deps.db.selectFrom("saved_views").select("id").where("id", "=", mine.body.id).execute()).toEqual([]);
    expect((await http(app, desk.agent).delete(`/api/v1/views/${mine.body.id}`)).status).toBe(404);
    // Admins remove shared views.
    expect((await http(app, desk.admin).delete(`/api/v1/views/${shared.body.id}`)).status).toBe(200);
  });
});

describe("priority matrix", () => {
  it("starts as the ITIL default, readable by agents but not requesters", async () => {
    const desk = await createDesk(deps);
    const r = await http(app, desk.agent).get("/api/v1/admin/priority-matrix");
    expect(r.status).toBe(200);
    expect(r.body).toEqual(DEFAULT_PRIORITY_MATRIX);
    expect(r.body).toEqual({ high: { high: 1, medium: 2, low: 3 }, medium: { high: 2, medium: 3, low: 4 }, low: { high: 3, medium: 4, low: 5 } });
    expect((await http(app, desk.requester).get("/api/v1/admin/priority-matrix")).status).toBe(403);
  });

  it("an admin's matrix decides new incidents' priority, in that organization only", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const matrix = structuredClone(DEFAULT_PRIORITY_MATRIX);
    matrix.low.low = 4;
    matrix.high.high = 2;
    const put = await http(app, desk.admin).put("/api/v1/admin/priority-matrix", matrix);
    expect(put.status).toBe(200);
    expect(put.body).toEqual(matrix);
    expect((await http(app, desk.agent).get("/api/v1/admin/priority-matrix")).body).toEqual(matrix);
    const rows = await deps.db.selectFrom("priority_matrix").select(["impact", "urgency", "priority"]).where("organization_id", "=", desk.org.id).execute();
    expect(rows).toHaveLength(9);
    expect(await auditEvents(deps, "priority_matrix.updated", desk.org.id)).toHaveLength(1);

    const low = await http(app, desk.agent).post("/api/v1/incidents", { title: "Typo on intranet", impact: "low", urgency: "low" });
    expect(low.status).toBe(201);
    expect(low.body.priority).toBe("P4");
    const high = await http(app, desk.requester).post("/api/v1/incidents", { title: "Everything down", impact: "high", urgency: "high" });
    expect(high.status).toBe(201);
    expect(high.body.priority).toBe("P2");

    expect((await http(app, other.agent).get("/api/v1/admin/priority-matrix")).body).toEqual(DEFAULT_PRIORITY_MATRIX);
    const elsewhere = await http(app, other.agent).post("/api/v1/incidents", { title: "Typo", impact: "low", urgency: "low" });
    expect(elsewhere.body.priority).toBe("P5");
  });

  it("refuses values outside 1–5, missing cells and non-admins", async () => {
    const desk = await createDesk(deps);
    const seven = structuredClone(DEFAULT_PRIORITY_MATRIX) as Record<string, Record<string, number>>;
    seven.medium.low = 7;
    const r = await http(app, desk.admin).put("/api/v1/admin/priority-matrix", seven);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
    expect(r.body.error.details[0].field).toBe("body.medium.low");
    const half = structuredClone(DEFAULT_PRIORITY_MATRIX) as Record<string, Record<string, number>>;
    half.high.low = 2.5;
    expect((await http(app, desk.admin).put("/api/v1/admin/priority-matrix", half)).status).toBe(400);
    const missing = structuredClone(DEFAULT_PRIORITY_MATRIX) as Record<string, Record<string, number> | undefined>;
    delete missing.low;
    const m = await http(app, desk.admin).put("/api/v1/admin/priority-matrix", missing);
    expect(m.status).toBe(400);
    expect(m.body.error.details[0].field).toBe("body.low");

    const asAgent = await http(app, desk.agent).put("/api/v1/admin/priority-matrix", DEFAULT_PRIORITY_MATRIX);
    expect(asAgent.status).toBe(403);
    expect(await deps.db.selectFrom("priority_matrix").select("priority").where("organization_id", "=", desk.org.id).execute()).toEqual([]);
  });
});

describe("settings", () => {
  it("reads the defaults and lets an admin change reopenWindowDays for their organization", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const initial = await http(app, desk.agent).get("/api/v1/admin/settings");
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual({ reopenWindowDays: 7 });

    const r = await http(app, desk.admin).patch("/api/v1/admin/settings", { reopenWindowDays: 14 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ reopenWindowDays: 14 });
    expect((await http(app, desk.agent).get("/api/v1/admin/settings")).body).toEqual({ reopenWindowDays: 14 });
    const org = await deps.db.selectFrom("organizations").select("settings").where("id", "=", desk.org.id).executeTakeFirstOrThrow();
    expect(org.settings).toMatchObject({ reopenWindowDays: 14 });
    expect(await auditEvents(deps, "settings.updated", desk.org.id)).toHaveLength(1);
    // An empty patch keeps the value; 0 is allowed (no reopening).
    expect((await http(app, desk.admin).patch("/api/v1/admin/settings", {})).body).toEqual({ reopenWindowDays: 14 });
    expect((await http(app, desk.admin).patch("/api/v1/admin/settings", { reopenWindowDays: 0 })).body).toEqual({ reopenWindowDays: 0 });

    expect((await http(app, other.agent).get("/api/v1/admin/settings")).body).toEqual({ reopenWindowDays: 7 });
  });

  it("refuses bad values (400), agents (403 on PATCH) and requesters (403 on GET)", async () => {
    const desk = await createDesk(deps);
    for (const reopenWindowDays of [-1, 366, 1.5, "7"]) {
      const r = await http(app, desk.admin).patch("/api/v1/admin/settings", { reopenWindowDays });
      expect(r.status).toBe(400);
      expect(r.body.error.details[0].field).toBe("body.reopenWindowDays");
    }
    const asAgent = await http(app, desk.agent).patch("/api/v1/admin/settings", { reopenWindowDays: 1 });
    expect(asAgent.status).toBe(403);
    expect((await http(app, desk.requester).get("/api/v1/admin/settings")).status).toBe(403);
    expect((await http(app, desk.agent).get("/api/v1/admin/settings")).body).toEqual({ reopenWindowDays: 7 });
  });
});
