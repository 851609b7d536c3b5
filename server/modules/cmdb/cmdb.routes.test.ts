import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

type Caller = Awaited<ReturnType<typeof createDesk>>["agent"];
const ci = async (who: Caller, body: Record<string, unknown>) => {
  const res = await http(app, who).post("/api/v1/cmdb/cis", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string; version: number };
};

describe("CI classes", () => {
  it("lists the built-in classes with their schemas; admins add classes, agents cannot", async () => {
    const d = await createDesk(testDeps());
    const list = await http(app, d.agent).get("/api/v1/cmdb/classes");
    expect(list.status).toBe(200);
    const keys = list.body.items.map((c: { key: string }) => c.key);
    for (const k of ["business_service", "application", "server", "virtual_machine", "database", "network_device", "laptop", "mobile", "software"])
      expect(keys).toContain(k);
    const server = list.body.items.find((c: { key: string }) => c.key === "server");
    expect(server.builtIn).toBe(true);
    expect(server.attributes.find((a: { key: string }) => a.key === "hostname")).toMatchObject({ unique: true });

    const body = {
      key: "printer",
      name: "Printer",
      attributes: [{ key: "toner", label: "Toner", type: "choice", choices: ["black", "colour"], required: true }],
    };
    expect((await http(app, d.agent).post("/api/v1/cmdb/classes", body)).status).toBe(403);
    const created = await http(app, d.admin).post("/api/v1/cmdb/classes", body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: "printer", builtIn: false, ciCount: 0 });
    expect((await http(app, d.admin).post("/api/v1/cmdb/classes", body)).status).toBe(409);
    expect((await http(app, d.admin).post("/api/v1/cmdb/classes", { ...body, key: "server" })).status).toBe(409);
    const bad = await http(app, d.admin).post("/api/v1/cmdb/classes", { key: "x_bad", name: "Bad", attributes: [{ key: "k", label: "K", type: "choice" }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe("body.attributes.0.choices");

    // Another organization does not see it.
    const other = await createDesk(testDeps());
    const theirs = await http(app, other.agent).get("/api/v1/cmdb/classes");
    expect(theirs.body.items.map((c: { key: string }) => c.key)).not.toContain("printer");
    expect((await http(app, other.admin).patch(`/api/v1/cmdb/classes/${created.body.id}`, { name: "Mine" })).status).toBe(404);
    expect((await http(app, d.admin).patch(`/api/v1/cmdb/classes/${server.id}`, { name: "Mine" })).status).toBe(403);
  });

  it("refuses to make an attribute required while CIs lack it", async () => {
    const d = await createDesk(testDeps());
    const cls = await http(app, d.admin).post("/api/v1/cmdb/classes", { key: "ups", name: "UPS", attributes: [{ key: "va", label: "VA", type: "integer" }] });
    await ci(d.agent, { class: "ups", name: "UPS 1" });
    const res = await http(app, d.admin).patch(`/api/v1/cmdb/classes/${cls.body.id}`, {
      attributes: [{ key: "va", label: "VA", type: "integer", required: true }],
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/1 CI/);
  });
});

describe("configuration items", () => {
  it("401 anonymous, 403 requesters, 404 across organizations", async () => {
    const d = await createDesk(testDeps());
    const srv = await ci(d.agent, { class: "server", name: "web01" });
    expect((await http(app).get("/api/v1/cmdb/cis")).status).toBe(401);
    expect((await http(app, d.requester).get("/api/v1/cmdb/cis")).status).toBe(403);
    expect((await http(app, d.requester).post("/api/v1/cmdb/cis", { class: "server", name: "x" })).status).toBe(403);
    const other = await createDesk(testDeps());
    expect((await http(app, other.agent).get(`/api/v1/cmdb/cis/${srv.id}`)).status).toBe(404);
    expect((await http(app, other.agent).patch(`/api/v1/cmdb/cis/${srv.id}`, { name: "x" })).status).toBe(404);
    expect((await http(app, other.agent).get(`/api/v1/cmdb/cis/${srv.id}/impact`)).status).toBe(404);
    expect((await http(app, other.agent).get("/api/v1/cmdb/cis/search?q=web01")).body.items).toEqual([]);
  });

  it("validates attributes against the class and names each field", async () => {
    const d = await createDesk(testDeps());
    const res = await http(app, d.agent).post("/api/v1/cmdb/cis", {
      class: "server",
      name: "web01",
      attributes: { ip_address: "300.1.1.1", environment: "prod", cpu_count: 0, colour: "red" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details.map((x: { field: string }) => x.field).sort()).toEqual([
      "body.attributes.colour",
      "body.attributes.cpu_count",
      "body.attributes.environment",
      "body.attributes.ip_address",
    ]);
    const missing = await http(app, d.agent).post("/api/v1/cmdb/cis", { class: "database", name: "db1" });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ field: "body.attributes.engine", message: "required" }]);
    expect((await http(app, d.agent).post("/api/v1/cmdb/cis", { class: "nope", name: "x" })).body.error.details[0].field).toBe("body.class");
    const cnt = await testDeps()
      .db.selectFrom("configuration_items")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", d.org.id)
      .executeTakeFirstOrThrow();
    expect(Number(cnt.n)).toBe(0);
  });

  it("refuses duplicates: unique attributes, names within a class, serial numbers, asset tags (409 naming the field)", async () => {
    const d = await createDesk(testDeps());
    await ci(d.agent, { class: "server", name: "web01", serialNumber: "SN-1", assetTag: "AT-1", attributes: { hostname: "web01.acme" } });
    const dupAttr = await http(app, d.agent).post("/api/v1/cmdb/cis", { class: "server", name: "web02", attributes: { hostname: "web01.acme" } });
    expect(dupAttr.status).toBe(409);
    expect(dupAttr.body.error.details[0].field).toBe("body.attributes.hostname");
    const dupName = await http(app, d.agent).post("/api/v1/cmdb/cis", { class: "server", name: "WEB01" });
    expect(dupName.status).toBe(409);
    expect(dupName.body.error.details[0].field).toBe("body.name");
    expect((await http(app, d.agent).post("/api/v1/cmdb/cis", { class: "server", name: "x", serialNumber: "SN-1" })).body.error.details[0].field).toBe(
      "body.serialNumber",
    );
    expect((await http(app, d.agent).post("/api/v1/cmdb/cis", { class: "server", name: "y", assetTag: "at-1" })).body.error.details[0].field).toBe(
      "body.assetTag",
    );
    // Same name in another class, and the same hostname in another organization, are fine.
    await ci(d.agent, { class: "application", name: "web01" });
    const other = await createDesk(testDeps());
    await ci(other.agent, { class: "server", name: "web01", serialNumber: "SN-1", attributes: { hostname: "web01.acme" } });
  });

  it("updates with optimistic locking and records every change in the history", async () => {
    const d = await createDesk(testDeps());
    const srv = await ci(d.agent, { class: "server", name: "db-host", attributes: { os: "Debian 12", cpu_count: 4 } });
    const res = await http(app, d.agent).patch(
      `/api/v1/cmdb/cis/${srv.id}`,
      { status: "maintenance", supportGroupId: d.group.id, ownerId: d.agent2.id, attributes: { os: "Debian 13", cpu_count: 4, memory_gb: 32 } },
      { "if-match": `"${srv.version}"` },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "maintenance", version: 2, supportGroup: { id: d.group.id }, owner: { id: d.agent2.id } });
    expect((await http(app, d.agent).patch(`/api/v1/cmdb/cis/${srv.id}`, { name: "late" }, { "if-match": '"1"' })).status).toBe(409);
    expect((await http(app, d.agent).patch(`/api/v1/cmdb/cis/${srv.id}`, { attributes: { os: 5 } })).status).toBe(400);
    const other = await createDesk(testDeps());
    expect((await http(app, d.agent).patch(`/api/v1/cmdb/cis/${srv.id}`, { ownerId: other.agent.id })).body.error.details[0].field).toBe("body.ownerId");

    const hist = await http(app, d.agent).get(`/api/v1/cmdb/cis/${srv.id}/history`);
    expect(hist.body.items.map((e: { kind: string }) => e.kind)).toEqual(["updated", "created"]);
    const fields = hist.body.items[0].changes.map((c: { field: string }) => c.field).sort();
    expect(fields).toEqual(["attributes.memory_gb", "attributes.os", "ownerId", "status", "supportGroupId"]);
    expect(hist.body.items[0].changes.find((c: { field: string }) => c.field === "attributes.os")).toEqual({
      field: "attributes.os",
      from: "Debian 12",
      to: "Debian 13",
    });
    expect(hist.body.items[0].actor.id).toBe(d.agent.id);
  });

  it("lists by class and text with cursor pages; typeahead ranks prefixes first and matches serials", async () => {
    const d = await createDesk(testDeps());
    for (const n of ["mail-01", "mail-02", "smtp-mail", "erp-app"])
      await ci(d.agent, { class: n.startsWith("erp") ? "application" : "server", name: n, serialNumber: `S-${n}` });
    const p1 = await http(app, d.agent).get("/api/v1/cmdb/cis?class=server&limit=2");
    expect(p1.body.items.map((c: { name: string }) => c.name)).toEqual(["mail-01", "mail-02"]);
    const p2 = await http(app, d.agent).get(`/api/v1/cmdb/cis?class=server&limit=2&cursor=${p1.body.nextCursor}`);
    expect(p2.body.items.map((c: { name: string }) => c.name)).toEqual(["smtp-mail"]);
    expect(p2.body.nextCursor).toBeNull();
    expect((await http(app, d.agent).get("/api/v1/cmdb/cis?q=erp")).body.items.map((c: { name: string }) => c.name)).toEqual(["erp-app"]);
    const s = await http(app, d.agent).get("/api/v1/cmdb/cis/search?q=mail");
    expect(s.body.items.map((c: { name: string }) => c.name)).toEqual(["mail-01", "mail-02", "smtp-mail"]);
    expect(s.body.items[0]).toMatchObject({ classKey: "server", className: "Server", status: "operational" });
    expect((await http(app, d.agent).get("/api/v1/cmdb/cis/search?q=S-erp-app")).body.items.map((c: { name: string }) => c.name)).toEqual(["erp-app"]);
    expect((await http(app, d.agent).get("/api/v1/cmdb/cis/search?q=100%25")).body.items).toEqual([]);
  });
});

describe("relationships, impact and the map", () => {
  async function stack(who: Caller) {
    const tag = uniq();
    const svc = await ci(who, { class: "business_service", name: `Email ${tag}`, attributes: { criticality: "high" } });
    const app1 = await ci(who, { class: "application", name: `Exchange ${tag}` });
    const vm = await ci(who, { class: "virtual_machine", name: `vm-mail ${tag}` });
    const host = await ci(who, { class: "server", name: `esx01 ${tag}` });
    const sw = await ci(who, { class: "network_device", name: `core-sw ${tag}`, attributes: { device_type: "switch" } });
    const rel = async (type: string, s: { id: string }, t: { id: string }) => {
      const r = await http(app, who).post("/api/v1/cmdb/relationships", { type, sourceId: s.id, targetId: t.id });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    };
    await rel("depends_on", svc, app1);
    await rel("runs_on", app1, vm);
    await rel("runs_on", vm, host);
    await rel("connects_to", host, sw);
    return { svc, app1, vm, host, sw, rel };
  }

  it("refuses duplicates, missing CIs, self links and cycles of acyclic types; allows cycles where permitted", async () => {
    const d = await createDesk(testDeps());
    const s = await stack(d.agent);
    const post = (body: object) => http(app, d.agent).post("/api/v1/cmdb/relationships", body);
    const dup = await post({ type: "depends_on", sourceId: s.svc.id, targetId: s.app1.id });
    expect(dup.status).toBe(409);
    expect(dup.body.error.details[0].code).toBe("duplicate");
    const missing = await post({ type: "depends_on", sourceId: s.svc.id, targetId: "00000000-0000-4000-8000-000000000000" });
    expect(missing.status).toBe(404);
    expect(missing.body.error.details[0].field).toBe("body.targetId");
    expect((await post({ type: "depends_on", sourceId: s.svc.id, targetId: s.svc.id })).status).toBe(400);
    expect((await post({ type: "nope", sourceId: s.svc.id, targetId: s.vm.id })).body.error.details[0].field).toBe("body.type");
    // host runs on vm would close vm → host → vm.
    const cycle = await post({ type: "runs_on", sourceId: s.host.id, targetId: s.app1.id });
    expect(cycle.status).toBe(409);
    expect(cycle.body.error.details[0].code).toBe("cycle");
    expect(cycle.body.error.message).toMatch(/cannot form a cycle/);
    // connects_to allows cycles.
    expect((await post({ type: "connects_to", sourceId: s.sw.id, targetId: s.host.id })).status).toBe(201);
    // Another organization's CI counts as missing.
    const other = await createDesk(testDeps());
    const theirs = await ci(other.agent, { class: "server", name: "theirs" });
    expect((await post({ type: "depends_on", sourceId: s.svc.id, targetId: theirs.id })).status).toBe(404);
  });

  it("walks impact upstream and downstream to the depth asked, cycle-safe, and finds the business services", async () => {
    const d = await createDesk(testDeps());
    const s = await stack(d.agent);
    await s.rel("connects_to", s.sw, s.host); // a cycle host ↔ switch
    const up = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.sw.id}/impact?direction=upstream`);
    expect(up.status).toBe(200);
    expect(up.body.items.map((i: { id: string; depth: number }) => [i.id, i.depth])).toEqual([
      [s.host.id, 1],
      [s.vm.id, 2],
      [s.app1.id, 3],
      [s.svc.id, 4],
    ]);
    expect(up.body.businessServices.map((b: { id: string }) => b.id)).toEqual([s.svc.id]);
    const shallow = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.sw.id}/impact?direction=upstream&depth=2`);
    expect(shallow.body.items).toHaveLength(2);
    const down = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.svc.id}/impact?direction=downstream`);
    expect(down.body.items.map((i: { id: string }) => i.id)).toEqual([s.app1.id, s.vm.id, s.host.id, s.sw.id]);
    const many = await http(app, d.agent).post("/api/v1/cmdb/impact", { ciIds: [s.vm.id, s.sw.id] });
    expect(many.body.businessServices).toHaveLength(1);
  });

  it("ends relationships, keeps them for the map as of the past, and records both ends' history", async () => {
    const d = await createDesk(testDeps());
    const s = await stack(d.agent);
    const before = new Date().toISOString();
    const rels = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.vm.id}/relationships`);
    expect(rels.body.items).toHaveLength(2);
    const runsOnHost = rels.body.items.find((r: { target: { id: string } }) => r.target.id === s.host.id);
    expect(runsOnHost.type).toMatchObject({ key: "runs_on", name: "runs on", reverseName: "hosts" });
    await new Promise((r) => setTimeout(r, 5));
    expect((await http(app, d.agent).delete(`/api/v1/cmdb/relationships/${runsOnHost.id}`)).status).toBe(204);
    expect((await http(app, d.agent).delete(`/api/v1/cmdb/relationships/${runsOnHost.id}`)).status).toBe(404);

    expect((await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.vm.id}/relationships`)).body.items).toHaveLength(1);
    const past = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.vm.id}/relationships?asOf=${encodeURIComponent(before)}`);
    expect(past.body.items).toHaveLength(2);
    const all = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.vm.id}/relationships?all=true`);
    expect(all.body.items.find((r: { id: string }) => r.id === runsOnHost.id).validTo).not.toBeNull();

    const mapNow = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.app1.id}/map?depth=3`);
    expect(mapNow.body.nodes.map((n: { id: string }) => n.id).sort()).toEqual([s.svc.id, s.app1.id, s.vm.id].sort());
    const mapThen = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.app1.id}/map?depth=3&asOf=${encodeURIComponent(before)}`);
    expect(mapThen.body.nodes).toHaveLength(5);
    expect(mapThen.body.edges).toHaveLength(4);

    // The relationship can be made again (a new period).
    await s.rel("runs_on", s.vm, s.host);
    const hostHist = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.host.id}/history`);
    expect(hostHist.body.items.map((e: { kind: string }) => e.kind)).toEqual([
      "relationship_added",
      "relationship_removed",
      "relationship_added",
      "relationship_added",
      "created",
    ]);
    expect(hostHist.body.items[1].data).toMatchObject({ label: "hosts", other: { id: s.vm.id } });
  });

  it("links CIs to an incident: timeline, CI history, open work on the map, affected services", async () => {
    const d = await createDesk(testDeps());
    const s = await stack(d.agent);
    const inc = await http(app, d.agent).post("/api/v1/incidents", { title: "Mail down", impact: "high", urgency: "high" });
    const url = `/api/v1/work-items/${inc.body.number}/cis`;
    const linked = await http(app, d.agent).post(url, { ciId: s.vm.id });
    expect(linked.status).toBe(201);
    expect(linked.body.items).toEqual([
      expect.objectContaining({ role: "affected", ci: expect.objectContaining({ id: s.vm.id, classKey: "virtual_machine" }) }),
    ]);
    await http(app, d.agent).post(url, { ciId: s.vm.id }); // idempotent
    await http(app, d.agent).post(url, { ciId: s.host.id, role: "caused_by" });
    expect((await http(app, d.agent).get(url)).body.items).toHaveLength(2);
    expect((await http(app, d.agent).post(url, { ciId: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    expect((await http(app, d.requester).post(url, { ciId: s.vm.id })).status).toBe(403);

    const impact = await http(app, d.agent).get(`/api/v1/work-items/${inc.body.number}/impact`);
    expect(impact.body.businessServices.map((b: { id: string }) => b.id)).toEqual([s.svc.id]);

    const map = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.app1.id}/map`);
    expect(map.body.nodes.find((n: { id: string }) => n.id === s.vm.id)).toMatchObject({ openIncidents: 1, openChanges: 0 });
    const work = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.vm.id}/work-items`);
    expect(work.body.items).toEqual([expect.objectContaining({ number: inc.body.number, role: "affected" })]);

    const tl = await http(app, d.agent).get(`/api/v1/incidents/${inc.body.number}/timeline`);
    expect(tl.body.items.map((e: { kind: string }) => e.kind)).toEqual(["created", "ci_linked", "ci_linked"]);
    const hist = await http(app, d.agent).get(`/api/v1/cmdb/cis/${s.vm.id}/history`);
    expect(hist.body.items[0]).toMatchObject({ kind: "work_item_linked", data: { number: inc.body.number } });

    expect((await http(app, d.agent).delete(`${url}/${s.vm.id}`)).status).toBe(204);
    expect((await http(app, d.agent).delete(`${url}/${s.vm.id}`)).status).toBe(404);
    expect((await http(app, d.agent).get(url)).body.items).toHaveLength(1);
    const other = await createDesk(testDeps());
    expect((await http(app, other.agent).get(url)).status).toBe(404);
  });
});
