import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { sweepKnowledge } from "./article-sweep.service";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

type Desk = Awaited<ReturnType<typeof createDesk>>;
const draft = {
  title: "Connect to the VPN",
  summary: "AnyConnect setup",
  bodyHtml: "<p>Open <b>AnyConnect</b></p><script>alert(1)</script>",
  audience: "public",
} as const;

async function publishedArticle(d: Desk, body: Record<string, unknown> = draft) {
  const a = (await http(app, d.agent).post("/api/v1/knowledge/articles", body)).body;
  const p = await http(app, d.admin).post(`/api/v1/knowledge/articles/${a.number}/transitions`, { action: "publish" });
  expect(p.status).toBe(200);
  return p.body;
}

describe("articles", () => {
  it("agents write drafts numbered KB…, sanitized; requesters cannot write or see drafts; other organizations get 404", async () => {
    const d = await createDesk(testDeps());
    const other = await createDesk(testDeps());
    const res = await http(app, d.agent).post("/api/v1/knowledge/articles", draft);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: "draft", audience: "public", language: "en", revision: 1, version: 1, author: { id: d.agent.id } });
    expect(res.body.number).toMatch(/^KB\d{7}$/);
    expect(res.body.bodyHtml).toBe("<p>Open <b>AnyConnect</b></p>");
    expect(res.body.actions).toEqual(["submit"]);
    expect((await http(app, d.requester).post("/api/v1/knowledge/articles", draft)).status).toBe(403);
    expect((await http(app, d.requester).get(`/api/v1/knowledge/articles/${res.body.number}`)).status).toBe(404);
    expect((await http(app, other.agent).get(`/api/v1/knowledge/articles/${res.body.id}`)).status).toBe(404);
    expect((await http(app, other.agent).patch(`/api/v1/knowledge/articles/${res.body.id}`, { title: "x" })).status).toBe(404);
    expect((await http(app, d.agent).post("/api/v1/knowledge/articles", { ...draft, language: "xx" })).status).toBe(400);
    expect((await http(app).get(`/api/v1/knowledge/articles/${res.body.id}`)).status).toBe(401);
  });

  it("goes Draft → Review → Published → Retired with a reviewer (four eyes), and back to Draft", async () => {
    const d = await createDesk(testDeps());
    const a = (await http(app, d.agent).post("/api/v1/knowledge/articles", draft)).body;
    const t = (who: Desk["agent"], body: Record<string, unknown>) => http(app, who).post(`/api/v1/knowledge/articles/${a.id}/transitions`, body);
    expect((await t(d.agent, { action: "submit" })).body.error.details[0].field).toBe("body.reviewerId");
    expect((await t(d.agent, { action: "submit", reviewerId: d.requester.id })).status).toBe(400);
    expect((await t(d.agent, { action: "submit", reviewerId: d.agent.id })).status).toBe(400);
    expect((await t(d.agent, { action: "approve" })).status).toBe(409);
    const sub = await t(d.agent, { action: "submit", reviewerId: d.agent2.id });
    expect(sub.body).toMatchObject({ state: "review", reviewer: { id: d.agent2.id } });
    expect((await t(d.agent, { action: "approve" })).body.error.code).toBe("FORBIDDEN");
    expect((await t(d.agent, { action: "publish" })).status).toBe(403);
    expect((await t(d.agent2, { action: "reject" })).body.error.details[0].field).toBe("body.comment");
    expect((await t(d.agent2, { action: "reject", comment: "Add screenshots" })).body.state).toBe("draft");
    await t(d.agent, { action: "submit", reviewerId: d.agent2.id });
    const pub = await t(d.agent2, { action: "approve" });
    expect(pub.body).toMatchObject({ state: "published", actions: ["retire", "redraft"] });
    expect(pub.body.publishedAt).not.toBeNull();
    const seen = await http(app, d.requester).get(`/api/v1/knowledge/articles/${a.number}`);
    expect(seen.status).toBe(200);
    expect(seen.body.reviewer).toBeNull();
    expect(seen.body.actions).toEqual([]);
    expect((await t(d.agent, { action: "retire" })).body.state).toBe("retired");
    expect((await http(app, d.requester).get(`/api/v1/knowledge/articles/${a.number}`)).status).toBe(404);
    expect((await http(app, d.agent).patch(`/api/v1/knowledge/articles/${a.id}`, { title: "New" })).status).toBe(409);
    expect((await t(d.agent, { action: "redraft" })).body.state).toBe("draft");
    const hist = await http(app, d.agent).get(`/api/v1/knowledge/articles/${a.id}/history`);
    expect(hist.body.items.map((e: { action: string }) => e.action)).toEqual([
      "kb_article.redraft",
      "kb_article.retire",
      "kb_article.approve",
      "kb_article.submit",
      "kb_article.reject",
      "kb_article.submit",
      "kb_article.created",
    ]);
  });

  it("internal articles stay invisible to requesters even when published", async () => {
    const d = await createDesk(testDeps());
    const a = await publishedArticle(d, { ...draft, audience: "internal", title: "Admin runbook" });
    expect((await http(app, d.requester).get(`/api/v1/knowledge/articles/${a.id}`)).status).toBe(404);
    const list = await http(app, d.requester).get("/api/v1/knowledge/articles");
    expect(list.body.items).toEqual([]);
    expect((await http(app, d.agent).get("/api/v1/knowledge/articles?state=published")).body.items).toHaveLength(1);
  });

  it("keeps versions: edits make new ones, diffs show words, restore brings old text back as a new version", async () => {
    const d = await createDesk(testDeps());
    const a = (await http(app, d.agent).post("/api/v1/knowledge/articles", { ...draft, bodyHtml: "<p>Use server vpn1</p>" })).body;
    const e1 = await http(app, d.agent).patch(`/api/v1/knowledge/articles/${a.id}`, { bodyHtml: "<p>Use server vpn2</p>", note: "new server", version: 1 });
    expect(e1.body).toMatchObject({ revision: 2, version: 2 });
    const stale = await http(app, d.agent2).patch(`/api/v1/knowledge/articles/${a.id}`, { title: "Lost update", version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("VERSION_CONFLICT");
    const meta = await http(app, d.agent).patch(`/api/v1/knowledge/articles/${a.id}`, { reviewAt: "2030-01-01" });
    expect(meta.body).toMatchObject({ revision: 2, version: 3, reviewAt: "2030-01-01" });
    const versions = await http(app, d.agent).get(`/api/v1/knowledge/articles/${a.id}/versions`);
    expect(versions.body.items.map((v: { revision: number; note: string }) => [v.revision, v.note])).toEqual([
      [2, "new server"],
      [1, "Created"],
    ]);
    const diff = await http(app, d.agent).get(`/api/v1/knowledge/articles/${a.id}/diff?from=1&to=2`);
    expect(diff.body.body).toEqual([
      { value: "Use server ", added: false, removed: false },
      { value: "vpn1", added: false, removed: true },
      { value: "vpn2", added: true, removed: false },
    ]);
    const restored = await http(app, d.agent).post(`/api/v1/knowledge/articles/${a.id}/versions/1/restore`, {});
    expect(restored.body).toMatchObject({ revision: 3, bodyHtml: "<p>Use server vpn1</p>" });
    expect((await http(app, d.agent).get(`/api/v1/knowledge/articles/${a.id}/versions/3`)).body.note).toBe("Restored version 1");
    expect((await http(app, d.agent).get(`/api/v1/knowledge/articles/${a.id}/versions/9`)).status).toBe(404);
    expect((await http(app, d.requester).get(`/api/v1/knowledge/articles/${a.id}/versions`)).status).toBe(403);
  });

  it("counts views and one changeable helpful vote per person", async () => {
    const d = await createDesk(testDeps());
    const a = await publishedArticle(d);
    expect((await http(app, d.requester).post(`/api/v1/knowledge/articles/${a.id}/views`)).body.viewCount).toBe(1);
    expect((await http(app, d.requester2).post(`/api/v1/knowledge/articles/${a.id}/views`)).body.viewCount).toBe(2);
    await http(app, d.requester).post(`/api/v1/knowledge/articles/${a.id}/feedback`, { helpful: true });
    await http(app, d.requester2).post(`/api/v1/knowledge/articles/${a.id}/feedback`, { helpful: false, comment: "outdated" });
    const again = await http(app, d.requester2).post(`/api/v1/knowledge/articles/${a.id}/feedback`, { helpful: true });
    expect(again.body).toEqual({ helpfulCount: 2, notHelpfulCount: 0, myFeedback: "helpful" });
    expect((await http(app, d.requester).get(`/api/v1/knowledge/articles/${a.id}`)).body).toMatchObject({
      viewCount: 2,
      helpfulCount: 2,
      myFeedback: "helpful",
    });
  });

  it("stores images in the blob store; requesters download them only from articles they can read", async () => {
    const d = await createDesk(testDeps());
    const a = (await http(app, d.agent).post("/api/v1/knowledge/articles", draft)).body;
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const boundary = "----kb";
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="screen.png"\r\nContent-Type: image/png\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const up = await app.inject({
      method: "POST",
      url: `/api/v1/knowledge/articles/${a.id}/attachments`,
      headers: { authorization: `Bearer ${d.agent.token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(up.statusCode).toBe(201);
    const file = up.json();
    const get = (token: string) => app.inject({ method: "GET", url: file.downloadUrl, headers: { authorization: `Bearer ${token}` } });
    expect((await get(d.requester.token)).statusCode).toBe(404);
    await http(app, d.admin).post(`/api/v1/knowledge/articles/${a.id}/transitions`, { action: "publish" });
    const ok = await get(d.requester.token);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["content-type"]).toBe("image/png");
    expect(ok.rawPayload.equals(png)).toBe(true);
    expect((await http(app, d.requester).get(`/api/v1/knowledge/articles/${a.id}`)).body.attachments).toHaveLength(1);
  });

  it("turns a resolved incident into a linked draft in one step; links show on the ticket", async () => {
    const d = await createDesk(testDeps());
    const inc = (
      await http(app, d.requester).post("/api/v1/incidents", {
        title: "Outlook keeps asking for my password",
        description: "Since <today>",
        impact: "low",
        urgency: "low",
      })
    ).body;
    const early = await http(app, d.agent).post("/api/v1/knowledge/articles/from-work-item", { workItem: inc.number });
    expect(early.body.error.message).toMatch(/resolved/);
    await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/transitions`, {
      action: "resolve",
      resolutionCode: "solved_permanently",
      resolutionNotes: "Cleared the credential manager.",
    });
    const res = await http(app, d.agent).post("/api/v1/knowledge/articles/from-work-item", { workItem: inc.number, audience: "public" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: inc.title, state: "draft", sourceWorkItem: { number: inc.number }, summary: "Cleared the credential manager." });
    expect(res.body.bodyHtml).toBe("<h2>Symptoms</h2><p>Since &lt;today&gt;</p><h2>Resolution</h2><p>Cleared the credential manager.</p>");
    const links = await http(app, d.agent).get(`/api/v1/work-items/${inc.number}/articles`);
    expect(links.body.items).toMatchObject([{ kind: "created_from", article: { number: res.body.number } }]);
    // The requester sees the draft's link neither in the list nor on the timeline.
    expect((await http(app, d.requester).get(`/api/v1/work-items/${inc.number}/articles`)).body.items).toEqual([]);
    const tlReq = await http(app, d.requester).get(`/api/v1/incidents/${inc.number}/timeline`);
    expect(tlReq.body.items.map((e: { kind: string }) => e.kind)).not.toContain("article_linked");
    // Published public and linked as "resolved with": the requester sees it.
    const pub = await publishedArticle(d, { ...draft, title: "Reset Outlook credentials" });
    const l = await http(app, d.agent).post(`/api/v1/knowledge/articles/${pub.number}/links`, { workItem: inc.number });
    expect(l.body.items).toMatchObject([{ kind: "resolved_with", workItem: { number: inc.number } }]);
    expect((await http(app, d.requester).get(`/api/v1/work-items/${inc.number}/articles`)).body.items).toMatchObject([{ article: { number: pub.number } }]);
    const tl = await http(app, d.requester).get(`/api/v1/incidents/${inc.number}/timeline`);
    expect(tl.body.items.find((e: { kind: string }) => e.kind === "article_linked").data).toMatchObject({ number: pub.number, kind: "resolved_with" });
    expect((await http(app, d.requester).post(`/api/v1/knowledge/articles/${pub.number}/links`, { workItem: inc.number })).status).toBe(403);
    const other = await createDesk(testDeps());
    const foreign = (await http(app, other.agent).post("/api/v1/incidents", { title: "x", impact: "low", urgency: "low" })).body;
    expect((await http(app, d.agent).post(`/api/v1/knowledge/articles/${pub.number}/links`, { workItem: foreign.number })).status).toBe(400);
    const un = await http(app, d.agent).delete(`/api/v1/knowledge/articles/${pub.number}/links/${inc.id}`);
    expect(un.body.items).toEqual([]);
  });

  it("categories: agents add them, everyone lists them with counts of what they can read", async () => {
    const d = await createDesk(testDeps());
    const c = await http(app, d.agent).post("/api/v1/knowledge/categories", { name: "Network" });
    expect(c.status).toBe(201);
    expect((await http(app, d.agent).post("/api/v1/knowledge/categories", { name: "network" })).status).toBe(409);
    expect((await http(app, d.requester).post("/api/v1/knowledge/categories", { name: "Mine" })).status).toBe(403);
    await publishedArticle(d, { ...draft, categoryId: c.body.id });
    await http(app, d.agent).post("/api/v1/knowledge/articles", { ...draft, categoryId: c.body.id });
    expect((await http(app, d.agent).get("/api/v1/knowledge/categories")).body.items).toMatchObject([{ name: "Network", articleCount: 2 }]);
    expect((await http(app, d.requester).get("/api/v1/knowledge/categories")).body.items).toMatchObject([{ name: "Network", articleCount: 1 }]);
    const other = await createDesk(testDeps());
    expect((await http(app, other.agent).post("/api/v1/knowledge/articles", { ...draft, categoryId: c.body.id })).status).toBe(400);
  });

  it("the daily sweep retires expired articles and reminds once per review date", async () => {
    const d = await createDesk(testDeps());
    const a = await publishedArticle(d);
    const b = await publishedArticle(d, { ...draft, title: "Old printer driver" });
    await http(app, d.agent).patch(`/api/v1/knowledge/articles/${a.id}`, { reviewAt: "2020-01-01" });
    await http(app, d.agent).patch(`/api/v1/knowledge/articles/${b.id}`, { expiresAt: "2020-01-01" });
    await sweepKnowledge(testDeps());
    expect((await http(app, d.agent).get(`/api/v1/knowledge/articles/${b.id}`)).body.state).toBe("retired");
    expect((await http(app, d.agent).get("/api/v1/knowledge/articles?reviewDue=true")).body.items.map((x: { id: string }) => x.id)).toEqual([a.id]);
    await sweepKnowledge(testDeps());
    const hist = (await http(app, d.agent).get(`/api/v1/knowledge/articles/${a.id}/history`)).body.items;
    expect(hist.filter((e: { action: string }) => e.action === "kb_article.review_due")).toHaveLength(1);
  });
});
