import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../app";
import type { App } from "../../platform/http/app";
import { createDesk, createUser, type createUser as CU } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

type Caller = Awaited<ReturnType<typeof CU>>;
const base = { title: "Laptop will not boot", description: "Black screen", impact: "low", urgency: "medium" } as const;
const create = async (who: Caller, extra: Record<string, unknown> = {}) => (await http(app, who).post("/api/v1/incidents", { ...base, ...extra })).body;

function multipart(filename: string, contentType: string, content: Buffer) {
  const boundary = `----portico${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(a: App, who: Caller, ref: string, filename: string, contentType: string, content: Buffer) {
  const m = multipart(filename, contentType, content);
  const res = await a.inject({
    method: "POST",
    url: `/api/v1/incidents/${ref}/attachments`,
    headers: { authorization: `Bearer ${who.token}`, "content-type": m.contentType },
    payload: m.payload,
  });
  return { status: res.statusCode, body: res.json() };
}

describe("comments and work notes", () => {
  it("agents add both; requesters see only public comments, in the list and on the timeline", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent, { requesterId: d.requester.id });
    const c = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/comments`, { body: "We are on it" });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ body: "We are on it", visibility: "public", author: { id: d.agent.id } });
    const wn = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/work-notes`, { body: "Vendor ticket 4711" });
    expect(wn.body.visibility).toBe("internal");
    const internal2 = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/comments`, { body: "Root cause suspected", visibility: "internal" });
    expect(internal2.status).toBe(201);

    const agentView = await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/comments`);
    expect(agentView.body.items.map((x: { body: string }) => x.body)).toEqual(["We are on it", "Vendor ticket 4711", "Root cause suspected"]);
    const reqView = await http(app, d.requester).get(`/api/v1/incidents/${inc.id}/comments`);
    expect(reqView.body.items.map((x: { body: string }) => x.body)).toEqual(["We are on it"]);
    expect((await http(app, d.requester).get(`/api/v1/incidents/${inc.id}/work-notes`)).status).toBe(403);
    const tl = await http(app, d.requester).get(`/api/v1/incidents/${inc.id}/timeline`);
    expect(JSON.stringify(tl.body)).not.toContain("Vendor ticket");
    expect(tl.body.items.every((e: { visibility: string }) => e.visibility === "public")).toBe(true);
    const agentTl = await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/timeline`);
    expect(agentTl.body.items.filter((e: { kind: string }) => e.kind === "work_note_added")).toHaveLength(2);
  });

  it("requesters may comment on their own incident but not add work notes", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.requester);
    expect((await http(app, d.requester).post(`/api/v1/incidents/${inc.id}/comments`, { body: "Any news?" })).status).toBe(201);
    expect((await http(app, d.requester).post(`/api/v1/incidents/${inc.id}/work-notes`, { body: "sneaky" })).status).toBe(403);
    expect((await http(app, d.requester).post(`/api/v1/incidents/${inc.id}/comments`, { body: "sneaky", visibility: "internal" })).status).toBe(403);
    expect((await http(app, d.requester2).post(`/api/v1/incidents/${inc.id}/comments`, { body: "not mine" })).status).toBe(404);
    expect((await http(app, d.requester).post(`/api/v1/incidents/${inc.id}/comments`, { body: "   " })).status).toBe(400);
  });
});

describe("attachments", () => {
  it("stores content once per SHA-256 and downloads with safe headers", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const inc = await create(d.agent, { requesterId: d.requester.id });
    const content = Buffer.from(`<html><script>alert(1)</script>${Math.random()}</html>`);
    const a = await upload(app, d.agent, inc.id, "page.html", "text/html", content);
    expect(a.status).toBe(201);
    const sha = createHash("sha256").update(content).digest("hex");
    expect(a.body).toMatchObject({ filename: "page.html", size: content.length, sha256: sha });
    const b = await upload(app, d.agent, inc.number, "copy.html", "text/html", content);
    expect(b.status).toBe(201);
    const blobs = await deps.db.selectFrom("blobs").select("sha256").where("sha256", "=", sha).execute();
    expect(blobs).toHaveLength(1);
    const list = await http(app, d.requester).get(`/api/v1/incidents/${inc.id}/attachments`);
    expect(list.body.items.map((x: { filename: string }) => x.filename)).toEqual(["page.html", "copy.html"]);
    const dl = await app.inject({ method: "GET", url: a.body.downloadUrl, headers: { authorization: `Bearer ${d.requester.token}` } });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(content)).toBe(true);
    expect(dl.headers["content-type"]).toBe("application/octet-stream");
    expect(dl.headers["content-disposition"]).toMatch(/^attachment; filename="page.html"/);
    expect(dl.headers["x-content-type-options"]).toBe("nosniff");
    expect(dl.headers["content-security-policy"]).toContain("sandbox");
    const tl = await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/timeline`);
    expect(tl.body.items.filter((e: { kind: string }) => e.kind === "attachment_added")).toHaveLength(2);
  });

  it("keeps path tricks out of file names and other organizations out of downloads", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const other = await createDesk(deps);
    const inc = await create(d.agent);
    const a = await upload(app, d.agent, inc.id, "../../etc/passwd", "text/plain", Buffer.from("root:x"));
    expect(a.status).toBe(201);
    expect(a.body.filename).not.toContain("/");
    const dl = await app.inject({ method: "GET", url: a.body.downloadUrl, headers: { authorization: `Bearer ${other.admin.token}` } });
    expect(dl.statusCode).toBe(404);
    const stranger = await app.inject({ method: "GET", url: a.body.downloadUrl, headers: { authorization: `Bearer ${d.requester2.token}` } });
    expect(stranger.statusCode).toBe(404);
  });

  it("refuses files over the limit with 413 and non-multipart bodies with 415", async () => {
    const deps = testDeps();
    const small = await buildApp({ ...deps, config: { ...deps.config, PORTICO_ATTACHMENT_MAX_MB: 0.01 } }, { webDist: null });
    try {
      const d = await createDesk(deps);
      const inc = await create(d.agent);
      const big = await upload(small, d.agent, inc.id, "big.bin", "application/octet-stream", Buffer.alloc(20_000, 1));
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe("PAYLOAD_TOO_LARGE");
      expect((await http(small, d.agent).get(`/api/v1/incidents/${inc.id}/attachments`)).body.items).toEqual([]);
      const json = await http(small, d.agent).post(`/api/v1/incidents/${inc.id}/attachments`, { file: "x" });
      expect(json.status).toBe(415);
    } finally {
      await small.close();
    }
  });
});

describe("watchers", () => {
  it("a watcher requester gains visibility; requesters add only themselves", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent, { requesterId: d.requester.id });
    expect((await http(app, d.requester2).get(`/api/v1/incidents/${inc.id}`)).status).toBe(404);
    const added = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/watchers`, { userId: d.requester2.id });
    expect(added.status).toBe(200);
    expect(added.body.items.map((w: { id: string }) => w.id)).toEqual([d.requester2.id]);
    const seen = await http(app, d.requester2).get(`/api/v1/incidents/${inc.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.watching).toBe(true);
    expect((await http(app, d.requester2).get("/api/v1/incidents")).body.total).toBe(1);
    expect((await http(app, d.requester).post(`/api/v1/incidents/${inc.id}/watchers`, { userId: d.agent.id })).status).toBe(403);
    expect((await http(app, d.requester2).delete(`/api/v1/incidents/${inc.id}/watchers/${d.requester2.id}`)).status).toBe(200);
    expect((await http(app, d.requester2).get(`/api/v1/incidents/${inc.id}`)).status).toBe(404);
  });

  it("refuses people of another organization", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const other = await createDesk(deps);
    const inc = await create(d.agent);
    const res = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/watchers`, { userId: other.agent.id });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe("body.userId");
  });
});

describe("links", () => {
  it("parent/child from either side, duplicates, related; loops refused", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const parent = await create(d.agent, { title: "Site outage" });
    const child = await create(d.agent, { title: "Cannot reach intranet" });
    const grandchild = await create(d.agent, { title: "Cannot print from intranet" });
    const res = await http(app, d.agent).post(`/api/v1/incidents/${child.id}/links`, { kind: "child_of", target: parent.number });
    expect(res.status).toBe(201);
    expect(res.body.items).toEqual([expect.objectContaining({ kind: "child_of", target: expect.objectContaining({ id: parent.id, number: parent.number }) })]);
    const fromParent = await http(app, d.agent).get(`/api/v1/incidents/${parent.id}/links`);
    expect(fromParent.body.items[0]).toMatchObject({ kind: "parent_of", target: { id: child.id } });
    await http(app, d.agent).post(`/api/v1/incidents/${child.id}/links`, { kind: "parent_of", target: grandchild.id });
    const loop = await http(app, d.agent).post(`/api/v1/incidents/${grandchild.id}/links`, { kind: "parent_of", target: parent.id });
    expect(loop.status).toBe(409);
    const self = await http(app, d.agent).post(`/api/v1/incidents/${child.id}/links`, { kind: "related_to", target: child.id });
    expect(self.status).toBe(400);
    const dup = await http(app, d.agent).post(`/api/v1/incidents/${grandchild.id}/links`, { kind: "duplicated_by", target: parent.id });
    expect(dup.status).toBe(201);
    const parentLinks = (await http(app, d.agent).get(`/api/v1/incidents/${parent.id}/links`)).body.items;
    expect(parentLinks.map((l: { kind: string }) => l.kind).sort()).toEqual(["duplicate_of", "parent_of"]);
    const link = parentLinks.find((l: { kind: string }) => l.kind === "parent_of");
    expect((await http(app, d.agent).delete(`/api/v1/incidents/${parent.id}/links/${link.id}`)).status).toBe(200);
    expect((await http(app, d.agent).get(`/api/v1/incidents/${child.id}/links`)).body.items.map((l: { kind: string }) => l.kind)).toEqual(["parent_of"]);
    const tl = (await http(app, d.agent).get(`/api/v1/incidents/${child.id}/timeline`)).body.items.map((e: { kind: string }) => e.kind);
    expect(tl).toEqual(expect.arrayContaining(["link_added", "link_removed"]));
  });

  it("refuses targets in another organization and requesters", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const other = await createDesk(deps);
    const mine = await create(d.agent);
    const theirs = (await http(app, other.agent).post("/api/v1/incidents", base)).body;
    const res = await http(app, d.agent).post(`/api/v1/incidents/${mine.id}/links`, { kind: "related_to", target: theirs.number });
    expect(res.status).toBe(400);
    const req = await createUser(deps, d.org.id, "requester");
    const own = await create(req);
    expect((await http(app, req).post(`/api/v1/incidents/${own.id}/links`, { kind: "related_to", target: mine.number })).status).toBe(403);
  });
});

describe("retry-safe comments", () => {
  it("the same Idempotency-Key adds one comment", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent);
    const key = `c-${Math.random()}`;
    const [a, b] = await Promise.all(
      [1, 2].map(() => http(app, d.agent).post(`/api/v1/incidents/${inc.id}/comments`, { body: "Rebooting now" }, { "idempotency-key": key })),
    );
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect((await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/comments`)).body.items).toHaveLength(1);
  });
});
