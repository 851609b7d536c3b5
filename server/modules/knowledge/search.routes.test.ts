import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

type Desk = Awaited<ReturnType<typeof createDesk>>;
type Hit = {
  kind: string;
  number: string | null;
  title: string;
  fuzzy: boolean;
  visibility: string | null;
  highlight: Array<{ text: string; match: boolean }>;
};

const search = async (d: Desk["agent"], q: string, extra = "") => {
  const res = await http(app, d).get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`);
  expect(res.status).toBe(200);
  return res.body as { jump: { number: string; url: string } | null; items: Hit[]; query: string };
};

async function article(d: Desk, body: Record<string, unknown>, publish = true) {
  const a = (await http(app, d.agent).post("/api/v1/knowledge/articles", { audience: "public", ...body })).body;
  if (publish) await http(app, d.admin).post(`/api/v1/knowledge/articles/${a.id}/transitions`, { action: "publish" });
  return a;
}

/** A desk with: requester's ticket, a colleague's ticket, a public comment and a work note on each. */
async function world() {
  const d = await createDesk(testDeps());
  const mine = (
    await http(app, d.requester).post("/api/v1/incidents", {
      title: "Zeppelin printer jams",
      description: "Tray 2 jams on duplex",
      impact: "low",
      urgency: "low",
    })
  ).body;
  const theirs = (
    await http(app, d.requester2).post("/api/v1/incidents", {
      title: "Zeppelin laptop stolen",
      description: "Salary spreadsheet on it",
      impact: "high",
      urgency: "high",
    })
  ).body;
  await http(app, d.agent).post(`/api/v1/incidents/${mine.id}/comments`, { body: "Zeppelin fuser replaced", visibility: "public" });
  await http(app, d.agent).post(`/api/v1/incidents/${mine.id}/comments`, { body: "Zeppelin secret: requester broke it", visibility: "internal" });
  await http(app, d.agent).post(`/api/v1/incidents/${theirs.id}/comments`, { body: "Zeppelin police report filed", visibility: "public" });
  await article(d, { title: "Zeppelin printer basics", summary: "Clearing jams" });
  await article(d, { title: "Zeppelin admin runbook", audience: "internal" });
  await article(d, { title: "Zeppelin draft tips" }, false);
  return { d, mine, theirs };
}

describe("GET /api/v1/search", () => {
  it("agents find tickets, comments, work notes, articles and people, highlighted", async () => {
    const { d } = await world();
    const r = await search(d.agent, "zeppelin");
    const kinds = r.items.map((h) => `${h.kind}:${h.title}:${h.visibility ?? ""}`).sort();
    expect(kinds).toEqual(
      [
        "article:Zeppelin admin runbook:",
        "article:Zeppelin draft tips:",
        "article:Zeppelin printer basics:",
        "comment:Zeppelin laptop stolen:public",
        "comment:Zeppelin printer jams:internal",
        "comment:Zeppelin printer jams:public",
        "incident:Zeppelin laptop stolen:",
        "incident:Zeppelin printer jams:",
      ].sort(),
    );
    const hit = r.items.find((h) => h.kind === "incident") as Hit;
    expect(hit.highlight.some((p) => p.match && /zeppelin/i.test(p.text))).toBe(true);
    const people = await search(d.agent, d.requester.name.split(" ")[1]);
    expect(people.items.filter((h) => h.kind === "person").map((h) => h.title)).toEqual([d.requester.name]);
  });

  it("a requester never finds others' tickets, their comments, work notes, internal or unpublished articles, or people", async () => {
    const { d, mine, theirs } = await world();
    const r = await search(d.requester, "zeppelin");
    const got = r.items.map((h) => `${h.kind}:${h.title}:${h.visibility ?? ""}`).sort();
    expect(got).toEqual(["article:Zeppelin printer basics:", "comment:Zeppelin printer jams:public", "incident:Zeppelin printer jams:"].sort());
    for (const q of ["secret", "salary", "police", "runbook", `"${theirs.title}"`, d.requester2.name, "stolen -printer"]) {
      const x = await search(d.requester, q);
      expect(x.items.filter((h) => h.kind !== "article" || h.title.includes("basics"))).toEqual(x.items);
      expect(JSON.stringify({ jump: x.jump, items: x.items })).not.toMatch(/stolen|secret|police|runbook|Salary/i);
    }
    const probe = await search(d.requester, theirs.number);
    expect(probe.jump).toBeNull();
    expect(JSON.stringify(probe.items)).not.toContain(theirs.number);
    expect((await search(d.requester, mine.number)).jump).toMatchObject({ number: mine.number, url: `/incidents/${mine.number}` });
    // Another organization sees none of it, not even by number.
    const other = await createDesk(testDeps());
    const o = await search(other.agent, "zeppelin");
    expect(o.items).toEqual([]);
    expect((await search(other.agent, mine.number)).jump).toBeNull();
  });

  it("a watcher finds the ticket they watch", async () => {
    const { d, theirs } = await world();
    await http(app, d.agent).post(`/api/v1/incidents/${theirs.id}/watchers`, { userId: d.requester.id });
    const r = await search(d.requester, "stolen");
    expect(r.items.map((h) => h.title)).toContain("Zeppelin laptop stolen");
    expect(JSON.stringify(r.items)).not.toMatch(/secret/);
  });

  it("agents find configuration items by name; requesters never do", async () => {
    const d = await createDesk(testDeps());
    const res = await http(app, d.agent).post("/api/v1/cmdb/cis", { class: "server", name: "zeppelin-db-01" });
    expect(res.status).toBe(201);
    const r = await search(d.agent, "zeppelin-db");
    expect(r.items.filter((h) => h.kind === "ci").map((h) => h.title)).toEqual(["zeppelin-db-01"]);
    expect((await search(d.requester, "zeppelin-db")).items).toEqual([]);
  });

  it("jumps to numbers, also typed short or lower case; KB numbers too", async () => {
    const { d, mine } = await world();
    const kb = await article(d, { title: "Numbered" });
    expect((await search(d.agent, mine.number.toLowerCase())).jump?.number).toBe(mine.number);
    expect((await search(d.agent, `INC${Number(mine.number.slice(3))}`)).jump?.number).toBe(mine.number);
    const k = await search(d.agent, kb.number);
    expect(k.jump).toMatchObject({ number: kb.number, url: `/knowledge/${kb.number}` });
    // A number that opens a record answers at once, without a text search.
    expect(k.items).toEqual([]);
  });

  it("matches prefixes while typing, tolerates typos, filters by type and state", async () => {
    const { d } = await world();
    expect((await search(d.agent, "zepp")).items.length).toBeGreaterThan(0);
    const typo = await search(d.agent, "zepelin printr", "&types=incident");
    expect(typo.items.map((h) => [h.title, h.fuzzy])).toEqual([["Zeppelin printer jams", true]]);
    expect((await search(d.agent, "zeppelin", "&types=article")).items.every((h) => h.kind === "article")).toBe(true);
    expect((await search(d.agent, "zeppelin", "&types=incident&states=resolved")).items).toEqual([]);
    expect((await http(app, d.agent).get("/api/v1/search?q=x&types=spaceship")).status).toBe(400);
  });

  it("searches each article with its own language's stemming", async () => {
    const d = await createDesk(testDeps());
    await article(d, { title: "Drucker druckt nicht", bodyHtml: "<p>Die Drucker im Büro brauchen neue Treiber.</p>", language: "de" });
    await article(d, { title: "Printing works again", language: "en" });
    expect((await search(d.requester, "Druckern")).items.map((h) => h.title)).toEqual(["Drucker druckt nicht"]);
    expect((await search(d.requester, "printed")).items.map((h) => h.title)).toEqual(["Printing works again"]);
  });

  it.each([
    ['"unbalanced quote', ""],
    ["a & b | !c <-> d:* ()", ""],
    ["' OR 1=1; drop table work_items; --", ""],
    ["-", ""],
    ["or or or", ""],
    ["!!!???", ""],
    ["\\x00 \u0000 \u202e", ""],
    ["🙂 emoji 🙂", ""],
    ["x".repeat(10_000), ""],
    ["printer ".repeat(400), ""],
    ["%_%", "&types=person"],
  ])("weird input never errors: %#", async (q, extra) => {
    const d = await createDesk(testDeps());
    const r = await search(d.agent, q, extra);
    expect(r.query.length).toBeLessThanOrEqual(200);
  });
});

describe("deflection", () => {
  it("suggests published public articles for a subject, any word matching, fast", async () => {
    const { d } = await world();
    await article(d, { title: "Reset your password", summary: "Self-service reset" });
    const res = await http(app, d.requester).get(`/api/v1/knowledge/suggestions?q=${encodeURIComponent("my zeppelin printer is jammed")}`);
    expect(res.body.items.map((s: { title: string }) => s.title)).toEqual(["Zeppelin printer basics"]);
    const pw = await http(app, d.requester).get("/api/v1/knowledge/suggestions?q=forgot%20passw");
    expect(pw.body.items.map((s: { title: string }) => s.title)).toEqual(["Reset your password"]);
    expect((await http(app, d.requester).get("/api/v1/knowledge/suggestions?q=")).body.items).toEqual([]);
    expect((await http(app, d.requester).get(`/api/v1/knowledge/suggestions?q=${encodeURIComponent('" & | !')}`)).body.items).toEqual([]);
  });

  it("counts visits that ended with an answer, and reports them", async () => {
    const { d } = await world();
    const a = (await http(app, d.requester).get("/api/v1/knowledge/suggestions?q=zeppelin")).body.items[0];
    const ev = (who: Desk["agent"], body: Record<string, unknown>) => http(app, who).post("/api/v1/knowledge/deflection-events", body);
    // 1: solved; 2: viewed and left; 3: viewed, then raised a ticket anyway; 4: only saw suggestions.
    const [j1, j2, j3, j4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const [who, j, kinds] of [
      [d.requester, j1, ["suggested", "viewed", "solved"]],
      [d.requester, j2, ["suggested", "viewed"]],
      [d.requester2, j3, ["suggested", "viewed"]],
      [d.requester2, j4, ["suggested"]],
    ] as const) {
      for (const kind of kinds)
        expect((await ev(who, { journeyId: j, kind, articleId: kind === "suggested" ? undefined : a.id, query: "zeppelin" })).status).toBe(200);
    }
    await http(app, d.requester2).post("/api/v1/incidents", { title: "Still jammed", impact: "low", urgency: "low" });
    expect((await ev(d.requester2, { journeyId: j1, kind: "viewed", articleId: a.id })).status).toBe(400);
    expect((await ev(d.requester, { journeyId: randomUUID(), kind: "viewed" })).status).toBe(400);
    const rep = await http(app, d.agent).get("/api/v1/knowledge/reports/deflection");
    expect(rep.body).toMatchObject({ journeys: 4, viewed: 3, solved: 1, deflected: 2, ticketsCreated: 0, deflectionRate: 0.5 });
    expect(rep.body.topArticles).toMatchObject([{ id: a.id, deflected: 2, viewed: 3 }]);
    expect((await http(app, d.requester).get("/api/v1/knowledge/reports/deflection")).status).toBe(403);
  });
});
