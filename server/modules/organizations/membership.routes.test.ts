import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { addMember, createCustomers, createDesk, createGroup, createOrg, createUser, TEST_PASSWORD } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** Signs in with the password and returns what a browser holds: cookie and CSRF token. */
async function signIn(email: string) {
  const res = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress: freshIp(),
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  expect(res.statusCode).toBe(200);
  const cookie = ([] as string[])
    .concat(res.headers["set-cookie"] ?? [])
    .find((c) => c.startsWith("portico_session="))
    ?.split(";")[0] as string;
  return { cookie, csrf: res.json().csrfToken as string };
}

/** A letters-only tag: hex digits can read as numbers ("1e5…") to the text search parser. */
const word = () => `tag${uniq().replace(/\d/g, (d) => "ghijklmnop"[Number(d)])}`;

const incident = (title: string) => ({ title, description: "", impact: "medium", urgency: "medium" });

/** Organization B's admin adds a person as a member of B with a role. */
async function addToOrg(admin: Parameters<typeof http>[1], orgId: string, email: string, role: string, organizationManager = false) {
  const r = await http(app, admin).put(`/api/v1/admin/organizations/${orgId}/members`, { email, role, organizationManager });
  expect(r.status).toBe(200);
  return r.body;
}

describe("a person in two organizations (requester in A, agent in B)", () => {
  it("acts in one organization at a time: queue, item, search, typeahead, reports and summary never cross", async () => {
    const deps = testDeps();
    const { provider, a, b } = await createCustomers(deps);
    const tag = word();
    const person = await createUser(deps, a.org.id, "requester", { name: `Pat ${tag}` });
    await addToOrg(provider.admin, b.org.id, person.email, "agent");

    const mineInA = (await http(app, person).post("/api/v1/incidents", incident(`mine-a ${tag}`))).body;
    const otherInA = (await http(app, a.requester).post("/api/v1/incidents", incident(`other-a ${tag}`))).body;
    const inB = (await http(app, b.requester).post("/api/v1/incidents", incident(`only-b ${tag}`))).body;
    expect([mineInA.number, otherInA.number, inB.number].every(Boolean)).toBe(true);

    const s = await signIn(person.email);
    const web = http(app, s);
    const me = (await web.get("/api/v1/me")).body;
    expect(me.organization.id).toBe(a.org.id);
    expect(me.role).toBe("requester");
    expect(me.memberships.map((m: any) => [m.organization.id, m.role, m.source]).sort()).toEqual(
      [
        [a.org.id, "requester", "home"],
        [b.org.id, "agent", "direct"],
      ].sort(),
    );

    // Acting in A as a requester: own A ticket only.
    const qA = (await web.get(`/api/v1/incidents?q=${tag}`)).body;
    expect(qA.items.map((i: any) => i.number)).toEqual([mineInA.number]);
    expect((await web.get(`/api/v1/incidents/${inB.id}`)).status).toBe(404);
    expect((await web.get(`/api/v1/incidents/${otherInA.id}`)).status).toBe(404);
    const searchA = (await web.get(`/api/v1/search?q=${encodeURIComponent(`only-b ${tag}`)}`)).body;
    expect(JSON.stringify(searchA)).not.toContain(inB.number);
    expect((await web.get("/api/v1/users?q=a")).status).toBe(403);
    expect((await web.get("/api/v1/sla/at-risk")).status).toBe(403);

    // Switching needs the CSRF token, and only to an organization with a membership.
    expect((await http(app, { cookie: s.cookie }).post("/api/v1/session/organization", { organizationId: b.org.id })).status).toBe(403);
    const stranger = await createOrg(deps);
    expect((await web.post("/api/v1/session/organization", { organizationId: stranger.id })).status).toBe(404);
    const sw = await web.post("/api/v1/session/organization", { organizationId: b.org.id });
    expect(sw.status).toBe(200);
    expect(sw.body.user.organization.id).toBe(b.org.id);
    expect(sw.body.user.role).toBe("agent");

    // Acting in B as an agent: B's queue, nothing of A — not even the person's own A ticket.
    const qB = (await web.get(`/api/v1/incidents?q=${tag}`)).body;
    expect(qB.items.map((i: any) => i.number)).toEqual([inB.number]);
    expect((await web.get(`/api/v1/incidents/${mineInA.id}`)).status).toBe(404);
    const searchB = (await web.get(`/api/v1/search?q=${encodeURIComponent(tag)}`)).body;
    expect(JSON.stringify(searchB)).toContain(inB.number);
    expect(JSON.stringify(searchB)).not.toContain(mineInA.number);
    expect(JSON.stringify(searchB)).not.toContain(otherInA.number);
    const typeahead = (await web.get("/api/v1/users?limit=100")).body.items.map((u: any) => u.id);
    expect(typeahead).toContain(b.agent.id);
    expect(typeahead).toContain(person.id);
    expect(typeahead).not.toContain(a.agent.id);
    expect((await web.get("/api/v1/sla/at-risk")).status).toBe(200);
    expect(JSON.stringify((await web.get("/api/v1/sla/at-risk")).body)).not.toContain(mineInA.id);
    // The agent in B can be assigned B's tickets even though their home is A.
    const assigned = await web.patch(`/api/v1/incidents/${inB.id}`, { assigneeId: person.id }, { "if-match": String(inB.version) });
    expect(assigned.status).toBe(200);

    // Counts per organization, each computed in its own organization.
    const sum = (await web.get("/api/v1/me/organizations")).body.items;
    const inSum = (id: string) => sum.find((x: any) => x.organization.id === id);
    expect(inSum(b.org.id)).toMatchObject({ role: "agent", active: true, assignedToMe: 1 });
    expect(inSum(a.org.id)).toMatchObject({ role: "requester", active: false, assignedToMe: 0, requestedByMe: 1 });

    // Back to A: requester again.
    await web.post("/api/v1/session/organization", { organizationId: a.org.id });
    expect((await web.get("/api/v1/me")).body.role).toBe("requester");
    expect((await web.get(`/api/v1/incidents/${inB.id}`)).status).toBe(404);

    const audit = await deps.db
      .selectFrom("audit_events")
      .select(["organization_id", "action"])
      .where("actor_id", "=", person.id)
      .where("action", "like", "session.%")
      .execute();
    expect(audit.filter((x) => x.organization_id === b.org.id).map((x) => x.action)).toEqual(
      expect.arrayContaining(["session.organization_entered", "session.organization_left"]),
    );
  });

  it("an API token acts in its own organization and cannot switch", async () => {
    const deps = testDeps();
    const { provider, a, b } = await createCustomers(deps);
    const person = await createUser(deps, a.org.id, "requester");
    await addToOrg(provider.admin, b.org.id, person.email, "agent");
    const r = await http(app, person).post("/api/v1/session/organization", { organizationId: b.org.id });
    expect(r.status).toBe(403);
    expect((await http(app, person).get("/api/v1/me")).body.organization.id).toBe(a.org.id);
    expect((await http(app, person).get("/api/v1/users")).status).toBe(403);
  });

  it("admins manage members of their organization only; removing a membership ends its sessions there", async () => {
    const deps = testDeps();
    const { provider, a, b } = await createCustomers(deps);
    const person = await createUser(deps, a.org.id, "requester");
    // B's admin cannot manage A.
    expect((await http(app, b.admin).put(`/api/v1/admin/organizations/${a.org.id}/members`, { email: b.agent.email, role: "agent" })).status).toBe(404);
    expect((await http(app, b.agent).put(`/api/v1/admin/organizations/${b.org.id}/members`, { email: person.email, role: "agent" })).status).toBe(403);
    // B's admin cannot pull in a person at home in A (nor learn their name); the provider's admin can.
    expect((await http(app, b.admin).put(`/api/v1/admin/organizations/${b.org.id}/members`, { email: person.email, role: "requester" })).status).toBe(409);
    await addToOrg(provider.admin, b.org.id, person.email, "requester");
    const s = await signIn(person.email);
    const web = http(app, s);
    expect((await web.post("/api/v1/session/organization", { organizationId: b.org.id })).status).toBe(200);
    expect((await web.get("/api/v1/me")).status).toBe(200);
    // A home membership cannot be removed; a direct one can.
    expect((await http(app, b.admin).delete(`/api/v1/admin/organizations/${b.org.id}/members/${b.requester.id}`)).status).toBe(409);
    expect((await http(app, provider.admin).delete(`/api/v1/admin/organizations/${b.org.id}/members/${person.id}`)).status).toBe(200);
    expect((await web.get("/api/v1/me")).status).toBe(401);
    // A new person by address: created with this organization as home.
    const created = await http(app, b.admin).put(`/api/v1/admin/organizations/${b.org.id}/members`, {
      email: `new-${uniq()}@example.test`,
      name: "New Person",
      role: "requester",
    });
    expect(created.body).toMatchObject({ source: "home", role: "requester", name: "New Person" });
    const missingName = await http(app, b.admin).put(`/api/v1/admin/organizations/${b.org.id}/members`, {
      email: `x-${uniq()}@example.test`,
      role: "requester",
    });
    expect(missingName.status).toBe(400);
  });
});

describe("agents limited to the customers they serve (derived memberships)", () => {
  async function provider() {
    const deps = testDeps();
    const p = await createDesk(deps);
    const child = async (name: string) => {
      const org = await createOrg(deps, name);
      await deps.db.updateTable("organizations").set({ parent_id: p.org.id }).where("id", "=", org.id).execute();
      const requester = await createUser(deps, org.id, "requester");
      return { org, requester };
    };
    const c1 = await child(`Customer 1 ${uniq()}`);
    const c2 = await child(`Customer 2 ${uniq()}`);
    const serving = await createGroup(deps, p.org.id, `Serves ${uniq()}`);
    await addMember(deps, p.org.id, serving.id, p.agent.id);
    return { p, c1, c2, serving };
  }

  it("a serving group grants agent membership in the listed customers only; leaving the group ends it", async () => {
    const { p, c1, c2, serving } = await provider();
    const set = await http(app, p.admin).put(`/api/v1/groups/${serving.id}/served-organizations`, { organizationIds: [c1.org.id] });
    expect(set.status).toBe(200);
    const t1 = (await http(app, c1.requester).post("/api/v1/incidents", incident("c1 ticket"))).body;
    const t2 = (await http(app, c2.requester).post("/api/v1/incidents", incident("c2 ticket"))).body;

    const s = await signIn(p.agent.email);
    const web = http(app, s);
    const me = (await web.get("/api/v1/me")).body;
    expect(me.memberships.find((m: any) => m.organization.id === c1.org.id)).toMatchObject({ role: "agent", source: "derived" });
    expect(me.memberships.find((m: any) => m.organization.id === c2.org.id)).toBeUndefined();

    expect((await web.post("/api/v1/session/organization", { organizationId: c2.org.id })).status).toBe(404);
    expect((await web.post("/api/v1/session/organization", { organizationId: c1.org.id })).status).toBe(200);
    const q = (await web.get("/api/v1/incidents")).body.items.map((i: any) => i.id);
    expect(q).toEqual([t1.id]);
    expect((await web.get(`/api/v1/incidents/${t2.id}`)).status).toBe(404);
    // The agent can take the customer's ticket.
    expect((await web.patch(`/api/v1/incidents/${t1.id}`, { assigneeId: p.agent.id }, { "if-match": String(t1.version) })).status).toBe(200);

    // Out of the serving group (through the ordinary group API): membership gone, session in C1 stops.
    expect((await http(app, p.admin).patch(`/api/v1/groups/${serving.id}`, { memberIds: [] })).status).toBe(200);
    expect((await web.get("/api/v1/incidents")).status).toBe(401);
    const rows = await testDeps().db.selectFrom("organization_memberships").select("organization_id").where("user_id", "=", p.agent.id).execute();
    expect(rows.map((r) => r.organization_id)).toEqual([p.org.id]);
    // Put back, placed in a customer group, then out again: the customer group membership ends with it.
    await http(app, p.admin).patch(`/api/v1/groups/${serving.id}`, { memberIds: [p.agent.id] });
    const customerGroup = await createGroup(testDeps(), c1.org.id);
    await addMember(testDeps(), c1.org.id, customerGroup.id, p.agent.id);
    await http(app, p.admin).patch(`/api/v1/groups/${serving.id}`, { memberIds: [] });
    const left = await testDeps()
      .db.selectFrom("group_members")
      .select("group_id")
      .where("user_id", "=", p.agent.id)
      .where("organization_id", "=", c1.org.id)
      .execute();
    expect(left).toEqual([]);
  });

  it("a group serves only organizations below its own; a stranger's admin cannot point at them", async () => {
    const { p, c1, serving } = await provider();
    const other = await createDesk(testDeps());
    const bad = await http(app, p.admin).put(`/api/v1/groups/${serving.id}/served-organizations`, { organizationIds: [other.org.id] });
    expect(bad.status).toBe(400);
    const self = await http(app, p.admin).put(`/api/v1/groups/${serving.id}/served-organizations`, { organizationIds: [p.org.id] });
    expect(self.status).toBe(400);
    expect((await http(app, other.admin).put(`/api/v1/groups/${serving.id}/served-organizations`, { organizationIds: [c1.org.id] })).status).toBe(404);
    expect((await http(app, p.agent).put(`/api/v1/groups/${serving.id}/served-organizations`, { organizationIds: [c1.org.id] })).status).toBe(403);
    // Serving stops when the served list shrinks.
    await http(app, p.admin).put(`/api/v1/groups/${serving.id}/served-organizations`, { organizationIds: [c1.org.id] });
    const has = async () =>
      (
        await testDeps()
          .db.selectFrom("organization_memberships")
          .select("source")
          .where("user_id", "=", p.agent.id)
          .where("organization_id", "=", c1.org.id)
          .executeTakeFirst()
      )?.source;
    expect(await has()).toBe("derived");
    await http(app, p.admin).put(`/api/v1/groups/${serving.id}/served-organizations`, { organizationIds: [] });
    expect(await has()).toBeUndefined();
    // A requester in the provider never gets derived agent access.
    const req = await createUser(testDeps(), p.org.id, "requester");
    await addMember(testDeps(), p.org.id, serving.id, req.id);
    await http(app, p.admin).put(`/api/v1/groups/${serving.id}/served-organizations`, { organizationIds: [c1.org.id] });
    const reqRows = await testDeps().db.selectFrom("organization_memberships").select("organization_id").where("user_id", "=", req.id).execute();
    expect(reqRows.map((r) => r.organization_id)).toEqual([p.org.id]);
  });
});

describe("sharing inside an organization", () => {
  it("requesters see their own tickets unless the organization (or an ancestor) shares, or they are its manager", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const tag = word();
    const t1 = (await http(app, d.requester).post("/api/v1/incidents", incident(`r1 ${tag}`))).body;
    const t2 = (await http(app, d.requester2).post("/api/v1/incidents", incident(`r2 ${tag}`))).body;
    const list = async (who: typeof d.requester) => (await http(app, who).get(`/api/v1/incidents?q=${tag}`)).body.items.map((i: any) => i.number).sort();
    expect(await list(d.requester)).toEqual([t1.number]);
    expect((await http(app, d.requester).get(`/api/v1/incidents/${t2.id}`)).status).toBe(404);

    // The organization manager flag.
    await addToOrg(d.admin, d.org.id, d.requester.email, "requester", true);
    expect(await list(d.requester)).toEqual([t1.number, t2.number].sort());
    expect((await http(app, d.requester).get(`/api/v1/incidents/${t2.id}`)).status).toBe(200);
    const search = (await http(app, d.requester).get(`/api/v1/search?q=${encodeURIComponent(`r2 ${tag}`)}`)).body;
    expect(JSON.stringify(search)).toContain(t2.number);
    expect(await list(d.requester2)).toEqual([t2.number]);

    // Inherited from the parent organization: the child shares because its parent does.
    const child = await createOrg(deps);
    await deps.db.updateTable("organizations").set({ parent_id: d.org.id }).where("id", "=", child.id).execute();
    const c1 = await createUser(deps, child.id, "requester");
    const c2 = await createUser(deps, child.id, "requester");
    const ct = (await http(app, c2).post("/api/v1/incidents", incident(`child ${tag}`))).body;
    expect((await http(app, c1).get(`/api/v1/incidents/${ct.id}`)).status).toBe(404);
    expect((await http(app, d.admin).patch(`/api/v1/admin/organizations/${d.org.id}`, { profile: { requesterVisibility: "organization" } })).status).toBe(200);
    expect((await http(app, c1).get(`/api/v1/incidents/${ct.id}`)).status).toBe(200);
    expect(await list(d.requester2)).toEqual([t1.number, t2.number].sort());
    // Internal notes stay hidden from requesters who see the whole organization.
    const childAgent = await createUser(deps, child.id, "agent");
    expect((await http(app, d.agent).post(`/api/v1/incidents/${ct.id}/work-notes`, { body: "x" })).status).toBe(404);
    expect((await http(app, childAgent).post(`/api/v1/incidents/${ct.id}/work-notes`, { body: "secret note" })).status).toBe(201);
    expect((await http(app, c1).get(`/api/v1/incidents/${ct.id}/work-notes`)).status).toBe(403);
    expect(JSON.stringify((await http(app, c1).get(`/api/v1/incidents/${ct.id}/comments`)).body)).not.toContain("secret note");
    expect(JSON.stringify((await http(app, c1).get(`/api/v1/incidents/${ct.id}/timeline`)).body)).not.toContain("secret note");
    // The child overrides it back to "own".
    expect((await http(app, d.admin).patch(`/api/v1/admin/organizations/${child.id}`, { profile: { requesterVisibility: "own" } })).status).toBe(200);
    expect((await http(app, c1).get(`/api/v1/incidents/${ct.id}`)).status).toBe(404);
  });
});
