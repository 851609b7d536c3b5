import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { addMember, createCategory, createDesk, createGroup, createOrg, createService, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

const base = { title: "Printer on fire", description: "Smoke from tray 2", impact: "high", urgency: "high" } as const;

describe("POST /api/v1/incidents", () => {
  it("creates an incident with a number, a priority from the matrix and a timeline entry", async () => {
    const d = await createDesk(testDeps());
    const res = await http(app, d.agent).post("/api/v1/incidents", base);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: "Printer on fire",
      state: "new",
      priority: "P1",
      impact: "high",
      urgency: "high",
      channel: "api",
      requester: { id: d.agent.id },
    });
    expect(res.body.number).toMatch(/^INC\d{7,}$/);
    expect(res.headers.location).toBe(`/api/v1/incidents/${res.body.id}`);
    expect(res.body.actions).toEqual(["start", "hold", "resolve", "cancel"]);
    const tl = await http(app, d.agent).get(`/api/v1/incidents/${res.body.number}/timeline`);
    expect(tl.body.items.map((e: { kind: string }) => e.kind)).toEqual(["created"]);
    expect(tl.body.items[0].actor.id).toBe(d.agent.id);
  });

  it.each([
    [{ ...base, impact: "low", urgency: "low" }, "P5"],
    [{ ...base, impact: "medium", urgency: "high" }, "P2"],
    [{ ...base, impact: "medium", urgency: "medium" }, "P3"],
  ])("computes priority %#", async (body, expected) => {
    const d = await createDesk(testDeps());
    expect((await http(app, d.agent).post("/api/v1/incidents", body)).body.priority).toBe(expected);
  });

  it("rejects bad input with 400 naming the field and writes nothing", async () => {
    const d = await createDesk(testDeps());
    const before = await testDeps()
      .db.selectFrom("work_items")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", d.org.id)
      .executeTakeFirstOrThrow();
    for (const [body, field] of [
      [{ ...base, title: "" }, "body.title"],
      [{ ...base, impact: "extreme" }, "body.impact"],
      [{ description: "x", impact: "high", urgency: "high" }, "body.title"],
      [{ ...base, serviceId: "not-a-uuid" }, "body.serviceId"],
      [{ ...base, title: "x".repeat(301) }, "body.title"],
    ] as const) {
      const res = await http(app, d.agent).post("/api/v1/incidents", body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.details.map((x: { field: string }) => x.field)).toContain(field);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    }
    const after = await testDeps()
      .db.selectFrom("work_items")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", d.org.id)
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("a NUL byte in a title or a queue search is a 400, never a 500", async () => {
    const d = await createDesk(testDeps());
    const created = await http(app, d.agent).post("/api/v1/incidents", { ...base, title: "Printer\u0000 jam" });
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe("VALIDATION_FAILED");
    const listed = await http(app, d.agent).get(`/api/v1/incidents?q=${encodeURIComponent("print\u0000er")}`);
    expect(listed.status).toBe(400);
    expect(listed.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("401 without credentials", async () => {
    const res = await http(app).post("/api/v1/incidents", base);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("refuses references to another organization's records, naming the field", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const other = await createOrg(deps);
    const svc = await createService(deps, other.id);
    const grp = await createGroup(deps, other.id);
    const foreignAgent = await createUser(deps, other.id, "agent");
    for (const [extra, field] of [
      [{ serviceId: svc.id }, "body.serviceId"],
      [{ assignmentGroupId: grp.id }, "body.assignmentGroupId"],
      [{ assigneeId: foreignAgent.id }, "body.assigneeId"],
      [{ requesterId: foreignAgent.id }, "body.requesterId"],
    ] as const) {
      const res = await http(app, d.agent).post("/api/v1/incidents", { ...base, ...extra });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe(field);
    }
  });

  it("checks category/subcategory and group/assignee consistency", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const hw = await createCategory(deps, d.org.id, "Hardware");
    const sw = await createCategory(deps, d.org.id, "Software");
    const laptop = await createCategory(deps, d.org.id, "Laptop", hw.id);
    const bad = await http(app, d.agent).post("/api/v1/incidents", { ...base, categoryId: sw.id, subcategoryId: laptop.id });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe("body.subcategoryId");
    const ok = await http(app, d.agent).post("/api/v1/incidents", { ...base, categoryId: hw.id, subcategoryId: laptop.id });
    expect(ok.status).toBe(201);
    expect(ok.body.subcategory).toEqual({ id: laptop.id, name: "Laptop" });
    const outsider = await createUser(deps, d.org.id, "agent");
    const res = await http(app, d.agent).post("/api/v1/incidents", { ...base, assignmentGroupId: d.group.id, assigneeId: outsider.id });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe("body.assigneeId");
  });

  it("starts work when created with an assignee", async () => {
    const d = await createDesk(testDeps());
    const res = await http(app, d.agent).post("/api/v1/incidents", { ...base, assignmentGroupId: d.group.id, assigneeId: d.agent2.id });
    expect(res.status).toBe(201);
    expect(res.body.state).toBe("in_progress");
    expect(res.body.assignee.id).toBe(d.agent2.id);
  });

  it("lets requesters report for themselves only", async () => {
    const d = await createDesk(testDeps());
    const own = await http(app, d.requester).post("/api/v1/incidents", base);
    expect(own.status).toBe(201);
    expect(own.body.requester.id).toBe(d.requester.id);
    expect(own.body.actions).toEqual([]);
    const assign = await http(app, d.requester).post("/api/v1/incidents", { ...base, assigneeId: d.agent.id });
    expect(assign.status).toBe(403);
    const other = await http(app, d.requester).post("/api/v1/incidents", { ...base, requesterId: d.requester2.id });
    expect(other.status).toBe(403);
  });

  it("agents may report on behalf of a requester", async () => {
    const d = await createDesk(testDeps());
    const res = await http(app, d.agent).post("/api/v1/incidents", { ...base, requesterId: d.requester.id, channel: "phone" });
    expect(res.status).toBe(201);
    expect(res.body.requester.id).toBe(d.requester.id);
    expect(res.body.createdBy.id).toBe(d.agent.id);
    expect(res.body.channel).toBe("phone");
    // …and the requester can see it.
    expect((await http(app, d.requester).get(`/api/v1/incidents/${res.body.id}`)).status).toBe(200);
  });
});

describe("Idempotency-Key", () => {
  it("replays the first response for a retry and creates one incident", async () => {
    const d = await createDesk(testDeps());
    const key = `k-${uniq()}`;
    const a = await http(app, d.agent).post("/api/v1/incidents", base, { "idempotency-key": key });
    const b = await http(app, d.agent).post("/api/v1/incidents", base, { "idempotency-key": key });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers["idempotent-replayed"]).toBe("true");
    const n = await testDeps()
      .db.selectFrom("work_items")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", d.org.id)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it("one incident under concurrent retries with the same key", async () => {
    const d = await createDesk(testDeps());
    const key = `k-${uniq()}`;
    const results = await Promise.all(Array.from({ length: 8 }, () => http(app, d.agent).post("/api/v1/incidents", base, { "idempotency-key": key })));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  });

  it("refuses a reused key with a different body (422) and keys are per person", async () => {
    const d = await createDesk(testDeps());
    const key = `k-${uniq()}`;
    await http(app, d.agent).post("/api/v1/incidents", base, { "idempotency-key": key });
    const reused = await http(app, d.agent).post("/api/v1/incidents", { ...base, title: "Other" }, { "idempotency-key": key });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const someoneElse = await http(app, d.agent2).post("/api/v1/incidents", base, { "idempotency-key": key });
    expect(someoneElse.status).toBe(201);
  });

  it("a failed create does not burn the key", async () => {
    const d = await createDesk(testDeps());
    const key = `k-${uniq()}`;
    const bad = await http(app, d.agent).post("/api/v1/incidents", { ...base, serviceId: "00000000-0000-4000-8000-000000000000" }, { "idempotency-key": key });
    expect(bad.status).toBe(400);
    const again = await http(app, d.agent).post("/api/v1/incidents", base, { "idempotency-key": key });
    expect(again.status).toBe(201);
  });
});

describe("numbers", () => {
  it("stay unique under 50 concurrent creators", async () => {
    const d = await createDesk(testDeps());
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => http(app, i % 2 ? d.agent : d.agent2).post("/api/v1/incidents", { ...base, title: `Load ${i}` })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.number)).size).toBe(50);
  });
});

describe("GET /api/v1/incidents/{id}", () => {
  it("finds by UUID or number (any case), ETag carries the version", async () => {
    const d = await createDesk(testDeps());
    const c = await http(app, d.agent).post("/api/v1/incidents", base);
    const byId = await http(app, d.agent).get(`/api/v1/incidents/${c.body.id}`);
    const byNumber = await http(app, d.agent).get(`/api/v1/incidents/${c.body.number.toLowerCase()}`);
    expect(byId.status).toBe(200);
    expect(byNumber.body.id).toBe(c.body.id);
    expect(byId.headers.etag).toBe(`"${c.body.version}"`);
    expect((await http(app, d.agent).get("/api/v1/incidents/not a number!")).status).toBe(400);
    expect((await http(app, d.agent).get("/api/v1/incidents/INC9999999999")).status).toBe(404);
  });

  it("answers 404 for another organization's incident, by id and by number", async () => {
    const deps = testDeps();
    const a = await createDesk(deps);
    const b = await createDesk(deps);
    const c = await http(app, a.agent).post("/api/v1/incidents", base);
    for (const ref of [c.body.id, c.body.number]) {
      const res = await http(app, b.admin).get(`/api/v1/incidents/${ref}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
      expect((await http(app, b.admin).patch(`/api/v1/incidents/${ref}`, { title: "pwned" })).status).toBe(404);
      expect((await http(app, b.admin).post(`/api/v1/incidents/${ref}/comments`, { body: "hi" })).status).toBe(404);
      expect((await http(app, b.admin).get(`/api/v1/incidents/${ref}/timeline`)).status).toBe(404);
    }
  });

  it("requesters see their own incidents only", async () => {
    const d = await createDesk(testDeps());
    const mine = await http(app, d.agent).post("/api/v1/incidents", { ...base, requesterId: d.requester.id });
    expect((await http(app, d.requester).get(`/api/v1/incidents/${mine.body.id}`)).status).toBe(200);
    expect((await http(app, d.requester2).get(`/api/v1/incidents/${mine.body.id}`)).status).toBe(404);
  });
});

describe("GET /api/v1/incidents (queue)", () => {
  it("filters, sorts, pages with a cursor and counts", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const other = await createGroup(deps, d.org.id, "Network");
    await addMember(deps, d.org.id, other.id, d.agent2.id);
    const levels = ["high", "medium", "low"] as const;
    const created = [];
    for (let i = 0; i < 9; i++) {
      const body = {
        title: `Queue item ${i} ${i % 3 === 0 ? "kerberos" : "paper"}`,
        description: "",
        impact: levels[i % 3],
        urgency: levels[Math.floor(i / 3)],
        assignmentGroupId: i < 5 ? d.group.id : other.id,
      };
      created.push((await http(app, d.agent).post("/api/v1/incidents", body)).body);
    }
    await http(app, d.agent).patch(`/api/v1/incidents/${created[0].id}`, { assigneeId: d.agent.id });
    const agent = http(app, d.agent);

    const all = await agent.get("/api/v1/incidents?limit=100");
    expect(all.body.total).toBe(9);
    expect(all.body.totalCapped).toBe(false);
    expect(all.body.items.map((x: { number: string }) => x.number)).toEqual(created.map((c) => c.number).reverse());

    const byPriority = await agent.get("/api/v1/incidents?sort=priority&limit=100");
    const prios = byPriority.body.items.map((x: { priority: string }) => x.priority);
    expect(prios).toEqual([...prios].sort());

    expect((await agent.get("/api/v1/incidents?assigneeId=me")).body.items.map((x: { id: string }) => x.id)).toEqual([created[0].id]);
    expect((await agent.get("/api/v1/incidents?assigneeId=none")).body.total).toBe(8);
    expect((await agent.get(`/api/v1/incidents?assignmentGroupId=${other.id}`)).body.total).toBe(4);
    expect((await agent.get("/api/v1/incidents?assignmentGroupId=mine")).body.total).toBe(5);
    expect((await http(app, d.agent2).get("/api/v1/incidents?assignmentGroupId=mine")).body.total).toBe(9);
    expect((await agent.get("/api/v1/incidents?state=in_progress")).body.total).toBe(1);
    expect((await agent.get("/api/v1/incidents?state=new,in_progress")).body.total).toBe(9);
    expect((await agent.get("/api/v1/incidents?priority=P1")).body.items.every((x: { priority: string }) => x.priority === "P1")).toBe(true);
    expect((await agent.get("/api/v1/incidents?q=kerberos")).body.total).toBe(3);
    expect((await agent.get(`/api/v1/incidents?q=${created[4].number}`)).body.items[0].id).toBe(created[4].id);
    expect((await agent.get("/api/v1/incidents?open=false")).body.total).toBe(0);

    // Cursor paging visits every row once, for each sort.
    for (const sort of ["-createdAt", "priority", "-priority", "number", "updatedAt"]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await agent.get(
          `/api/v1/incidents?limit=4&sort=${sort}${cursor ? `&cursor=${cursor}` : ""}`,
        );
        seen.push(...page.body.items.map((x) => x.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen.length).toBe(9);
      expect(new Set(seen).size).toBe(9);
    }
  });

  it("validates query parameters", async () => {
    const d = await createDesk(testDeps());
    for (const qs of ["limit=0", "limit=1000", "state=bogus", "priority=P9", "sort=title", "cursor=%%%", "assigneeId=someone"]) {
      const res = await http(app, d.agent).get(`/api/v1/incidents?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
    }
  });

  it("never lists another organization's incidents; requesters see their own", async () => {
    const deps = testDeps();
    const a = await createDesk(deps);
    const b = await createDesk(deps);
    await http(app, a.agent).post("/api/v1/incidents", base);
    await http(app, a.agent).post("/api/v1/incidents", { ...base, requesterId: a.requester.id });
    expect((await http(app, b.agent).get("/api/v1/incidents")).body.total).toBe(0);
    const mine = await http(app, a.requester).get("/api/v1/incidents");
    expect(mine.body.total).toBe(1);
    expect(mine.body.items[0].requester.id).toBe(a.requester.id);
    expect((await http(app, a.requester2).get("/api/v1/incidents")).body.total).toBe(0);
  });
});
