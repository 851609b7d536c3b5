import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk, type createUser as CU } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

type Caller = Awaited<ReturnType<typeof CU>>;
const base = { title: "VPN drops every hour", description: "Since this morning", impact: "medium", urgency: "medium" } as const;
const create = async (who: Caller, extra: Record<string, unknown> = {}) => {
  const r = await http(app, who).post("/api/v1/incidents", { ...base, ...extra });
  expect(r.status).toBe(201);
  return r.body as { id: string; number: string };
};
const get = async (who: Caller, id: string) => (await http(app, who).get(`/api/v1/incidents/${id}`)).body;
const resolve = { action: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Replaced the switch" };

async function upload(who: Caller, ref: string, filename: string, content: string) {
  const boundary = "----porticoTest";
  const payload = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${boundary}--\r\n`,
  );
  const res = await app.inject({
    method: "POST",
    url: `/api/v1/incidents/${ref}/attachments`,
    headers: { authorization: `Bearer ${who.token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  expect(res.statusCode).toBe(201);
}

describe("merge", () => {
  it("carries comments, attachments, watchers and links to the survivor; duplicates are closed pointing at it and their requesters told", async () => {
    const d = await createDesk(testDeps());
    const survivor = await create(d.agent, { requesterId: d.requester.id });
    const dup = await create(d.agent, { requesterId: d.requester2.id, watcherIds: [d.agent2.id] });
    const other = await create(d.agent);
    await http(app, d.requester2).post(`/api/v1/incidents/${dup.id}/comments`, { body: "Still broken for me" });
    await http(app, d.agent).post(`/api/v1/incidents/${dup.id}/work-notes`, { body: "Checked the logs" });
    await upload(d.agent, dup.id, "trace.txt", "hop 1 timeout");
    await http(app, d.agent).post(`/api/v1/incidents/${dup.id}/links`, { kind: "related_to", target: other.number });

    const r = await http(app, d.agent).post(`/api/v1/incidents/${survivor.number}/merge`, { duplicates: [dup.number] });
    expect(r.status).toBe(200);
    expect(r.body.merged[0]).toMatchObject({ number: dup.number, commentsCopied: 2, attachmentsCopied: 1, watchersAdded: 2, linksMoved: 1 });

    const comments = (await http(app, d.agent).get(`/api/v1/incidents/${survivor.id}/comments`)).body.items;
    expect(comments.map((c: { body: string }) => c.body)).toEqual([`[${dup.number}] Still broken for me`, `[${dup.number}] Checked the logs`]);
    expect(comments[1].visibility).toBe("internal");
    // The requester of the survivor does not see the duplicate's internal note.
    const theirs = (await http(app, d.requester).get(`/api/v1/incidents/${survivor.id}/comments`)).body.items;
    expect(theirs).toHaveLength(1);
    const files = (await http(app, d.agent).get(`/api/v1/incidents/${survivor.id}/attachments`)).body.items;
    expect(files.map((f: { filename: string }) => f.filename)).toEqual(["trace.txt"]);
    const watchers = (await http(app, d.agent).get(`/api/v1/incidents/${survivor.id}/watchers`)).body.items.map((w: { id: string }) => w.id);
    expect(watchers.sort()).toEqual([d.agent2.id, d.requester2.id].sort());
    const links = (await http(app, d.agent).get(`/api/v1/incidents/${survivor.id}/links`)).body.items;
    expect(links.map((l: { kind: string; target: { number: string } }) => `${l.kind} ${l.target.number}`).sort()).toEqual(
      [`duplicated_by ${dup.number}`, `related_to ${other.number}`].sort(),
    );

    const closed = await get(d.agent, dup.id);
    expect(closed).toMatchObject({ state: "closed", resolutionCode: "duplicate" });
    const dupLinks = (await http(app, d.agent).get(`/api/v1/incidents/${dup.id}/links`)).body.items;
    expect(dupLinks).toEqual([expect.objectContaining({ kind: "duplicate_of", target: expect.objectContaining({ number: survivor.number }) })]);
    // The duplicate's requester is told, publicly, and now follows the survivor.
    const told = (await http(app, d.requester2).get(`/api/v1/incidents/${dup.id}/comments`)).body.items;
    expect(told.at(-1).body).toContain(survivor.number);
    expect((await http(app, d.requester2).get(`/api/v1/incidents/${survivor.id}`)).status).toBe(200);
    const tl = (await http(app, d.agent).get(`/api/v1/incidents/${survivor.id}/timeline`)).body.items;
    expect(tl.at(-1)).toMatchObject({ kind: "merged", data: { duplicates: [expect.objectContaining({ number: dup.number })] } });
  });

  it("refuses merging into itself, across organizations, twice, into a closed one and by requesters — changing nothing", async () => {
    const d = await createDesk(testDeps());
    const foreign = await createDesk(testDeps());
    const a = await create(d.agent);
    const b = await create(d.agent);
    const theirs = await create(foreign.agent);
    const self = await http(app, d.agent).post(`/api/v1/incidents/${a.id}/merge`, { duplicates: [a.number] });
    expect(self.status).toBe(400);
    expect(self.body.error.details[0]).toMatchObject({ field: "body.duplicates.0", message: "an incident cannot be merged into itself" });
    const cross = await http(app, d.agent).post(`/api/v1/incidents/${a.id}/merge`, { duplicates: [b.number, theirs.id] });
    expect(cross.status).toBe(400);
    expect(cross.body.error.message).toContain("no such incident in this organization");
    expect((await get(d.agent, b.id)).state).toBe("new");
    expect((await get(foreign.agent, theirs.id)).state).toBe("new");
    expect((await http(app, d.requester).post(`/api/v1/incidents/${a.id}/merge`, { duplicates: [b.number] })).status).toBe(403);
    expect((await http(app, d.agent).post(`/api/v1/incidents/${a.id}/merge`, { duplicates: [] })).status).toBe(400);
    expect((await http(app, d.agent).post(`/api/v1/incidents/${a.id}/merge`, { duplicates: [b.number] })).status).toBe(200);
    const again = await http(app, d.agent).post(`/api/v1/incidents/${a.id}/merge`, { duplicates: [b.number] });
    expect(again.status).toBe(409);
    const intoClosed = await http(app, d.agent).post(`/api/v1/incidents/${b.id}/merge`, { duplicates: [a.number] });
    expect(intoClosed.status).toBe(409);
  });
});

describe("split", () => {
  it("turns a requester's comment into a new incident they own, related to the original", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent, { requesterId: d.requester.id, assignmentGroupId: d.group.id });
    const c = (await http(app, d.requester).post(`/api/v1/incidents/${inc.id}/comments`, { body: "Also my printer is jammed" })).body;
    const r = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/split`, { commentId: c.id, title: "Printer jammed" });
    expect(r.status).toBe(201);
    const fresh = await get(d.agent, r.body.id);
    expect(fresh).toMatchObject({
      title: "Printer jammed",
      description: "Also my printer is jammed",
      requester: { id: d.requester.id },
      assignmentGroup: { id: d.group.id },
    });
    const links = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/links`)).body.items;
    expect(links).toEqual([expect.objectContaining({ kind: "related_to", target: expect.objectContaining({ number: r.body.number }) })]);
    const tl = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/timeline`)).body.items;
    expect(tl.at(-1)).toMatchObject({ kind: "split", data: { commentId: c.id, number: r.body.number } });
  });

  it("keeps an internal note internal and 404s a comment of another ticket", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent, { requesterId: d.requester.id });
    const other = await create(d.agent);
    const note = (await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/work-notes`, { body: "Disk SMART errors on srv-7" })).body;
    const r = await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/split`, { commentId: note.id, title: "srv-7 disk" });
    expect(r.status).toBe(201);
    expect((await get(d.agent, r.body.id)).description).toBe("");
    const fresh = (await http(app, d.requester).get(`/api/v1/incidents/${r.body.id}/comments`)).body.items;
    expect(fresh).toEqual([]);
    expect((await http(app, d.agent).post(`/api/v1/incidents/${other.id}/split`, { commentId: note.id, title: "x" })).status).toBe(404);
  });
});

describe("parent and child", () => {
  it("a parent is not resolved while children are open; it can resolve them with it or record an override", async () => {
    const d = await createDesk(testDeps());
    const parent = await create(d.agent);
    const kids = [await create(d.agent), await create(d.agent)];
    for (const k of kids)
      expect((await http(app, d.agent).post(`/api/v1/incidents/${k.id}/links`, { kind: "child_of", target: parent.number })).status).toBe(201);

    const blocked = await http(app, d.agent).post(`/api/v1/incidents/${parent.id}/transitions`, resolve);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.details.map((x: { code: string }) => x.code)).toEqual(["OPEN_CHILDREN", "OPEN_CHILDREN"]);
    expect((await http(app, d.agent).patch(`/api/v1/incidents/${parent.id}`, { state: "resolved", ...resolve, action: undefined })).status).toBe(409);
    expect((await get(d.agent, parent.id)).state).toBe("new");

    const overridden = await http(app, d.agent).post(`/api/v1/incidents/${parent.id}/transitions`, {
      ...resolve,
      childrenOverrideReason: "Children tracked by vendor",
    });
    expect(overridden.status).toBe(200);
    const tl = (await http(app, d.agent).get(`/api/v1/incidents/${parent.id}/timeline`)).body.items;
    expect(tl.at(-1).data.childrenOverride).toEqual({ reason: "Children tracked by vendor", openChildren: kids.map((k) => k.number).sort() });

    const p2 = await create(d.agent);
    const k2 = await create(d.agent);
    const grandchild = await create(d.agent);
    await http(app, d.agent).post(`/api/v1/incidents/${p2.id}/links`, { kind: "parent_of", target: k2.number });
    await http(app, d.agent).post(`/api/v1/incidents/${grandchild.id}/links`, { kind: "child_of", target: k2.number });
    const all = await http(app, d.agent).post(`/api/v1/incidents/${p2.id}/transitions`, { ...resolve, resolveChildren: true });
    expect(all.status).toBe(200);
    for (const k of [k2, grandchild]) expect(await get(d.agent, k.id)).toMatchObject({ state: "resolved", resolutionNotes: "Replaced the switch" });
    const ktl = (await http(app, d.agent).get(`/api/v1/incidents/${k2.id}/timeline`)).body.items;
    expect(ktl.at(-1).data).toMatchObject({ action: "resolve", withParent: p2.number, childrenResolved: [grandchild.number] });
  });

  it("refuses a cycle, however deep", async () => {
    const d = await createDesk(testDeps());
    const [a, b, c] = [await create(d.agent), await create(d.agent), await create(d.agent)];
    await http(app, d.agent).post(`/api/v1/incidents/${b.id}/links`, { kind: "child_of", target: a.number });
    await http(app, d.agent).post(`/api/v1/incidents/${c.id}/links`, { kind: "child_of", target: b.number });
    const loop = await http(app, d.agent).post(`/api/v1/incidents/${a.id}/links`, { kind: "child_of", target: c.number });
    expect(loop.status).toBe(409);
    expect((await http(app, d.agent).post(`/api/v1/incidents/${c.id}/links`, { kind: "parent_of", target: a.number })).status).toBe(409);
  });

  it("the link tree covers the whole graph around any record, for agents only", async () => {
    const d = await createDesk(testDeps());
    const [a, b, c, x] = [await create(d.agent), await create(d.agent), await create(d.agent), await create(d.agent)];
    await http(app, d.agent).post(`/api/v1/incidents/${b.id}/links`, { kind: "child_of", target: a.number });
    await http(app, d.agent).post(`/api/v1/incidents/${c.id}/links`, { kind: "related_to", target: b.number });
    const t = await http(app, d.agent).get(`/api/v1/work-items/${c.number}/link-tree`);
    expect(t.status).toBe(200);
    expect(t.body.nodes.map((n: { number: string }) => n.number).sort()).toEqual([a.number, b.number, c.number].sort());
    expect(t.body.nodes.map((n: { number: string }) => n.number)).not.toContain(x.number);
    expect(t.body.edges).toHaveLength(2);
    expect((await http(app, d.requester).get(`/api/v1/work-items/${c.number}/link-tree`)).status).toBe(403);
  });
});

describe("bulk", () => {
  it("applies each ticket's change whole or not at all, with a result per ticket", async () => {
    const d = await createDesk(testDeps());
    const foreign = await createDesk(testDeps());
    const fresh = await create(d.agent);
    const started = await create(d.agent, { assigneeId: d.agent.id });
    const closedOne = await create(d.agent);
    await http(app, d.agent).post(`/api/v1/incidents/${closedOne.id}/transitions`, { action: "cancel", reason: "Raised by mistake" });
    const theirs = await create(foreign.agent);
    const problem = await create(d.agent, { title: "Core switch firmware" });

    const r = await http(app, d.agent).post("/api/v1/incidents/bulk", {
      ids: [fresh.number, started.number, closedOne.number, theirs.id, "INC9999999"],
      assigneeId: d.agent2.id,
      action: "start",
      comment: { body: "Picked up in the morning sweep", visibility: "internal" },
      parent: problem.number,
    });
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: { ok: boolean; error: { code: string } | null }) => (i.ok ? "ok" : i.error?.code))).toEqual([
      "ok",
      "INVALID_TRANSITION",
      "FORBIDDEN",
      "NOT_FOUND",
      "NOT_FOUND",
    ]);
    expect(r.body).toMatchObject({ succeeded: 1, failed: 4 });
    expect(await get(d.agent, fresh.id)).toMatchObject({ state: "in_progress", assignee: { id: d.agent2.id } });
    // Nothing half-applied: the ticket whose transition failed kept its assignee, got no note and no parent.
    expect((await get(d.agent, started.id)).assignee.id).toBe(d.agent.id);
    expect((await http(app, d.agent).get(`/api/v1/incidents/${started.id}/comments`)).body.items).toEqual([]);
    expect((await http(app, d.agent).get(`/api/v1/incidents/${started.id}/links`)).body.items).toEqual([]);
    const children = (await http(app, d.agent).get(`/api/v1/incidents/${problem.id}/links`)).body.items;
    expect(children.map((l: { kind: string; target: { number: string } }) => `${l.kind} ${l.target.number}`)).toEqual([`parent_of ${fresh.number}`]);
    expect(await get(foreign.agent, theirs.id)).toMatchObject({ state: "new", assignee: null });
  });

  it("is for agents, and needs at least one change", async () => {
    const d = await createDesk(testDeps());
    const a = await create(d.requester);
    expect((await http(app, d.requester).post("/api/v1/incidents/bulk", { ids: [a.id], comment: { body: "x", visibility: "public" } })).status).toBe(403);
    expect((await http(app, d.agent).post("/api/v1/incidents/bulk", { ids: [a.id] })).status).toBe(400);
    expect((await http(app, d.agent).post("/api/v1/incidents/bulk", { ids: [], action: "start" })).status).toBe(400);
  });
});
