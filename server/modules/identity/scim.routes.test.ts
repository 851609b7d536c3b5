import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { auditEvents, createOrg, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";

let app: App;
let deps: Deps;

beforeAll(async () => {
  deps = testDeps();
  app = await testApp();
});
afterAll(closeTestApp);

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** An identity provider's SCIM client: bearer token, application/scim+json. */
function idp(token: string | null) {
  const call = async (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, body?: unknown, raw?: string) => {
    const res = await app.inject({
      method,
      url: `/scim/v2${url}`,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined || raw ? { "content-type": "application/scim+json" } : {}) },
      payload: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: res.statusCode, body: res.body ? res.json() : null, headers: res.headers };
  };
  return {
    get: (url: string) => call("GET", url),
    post: (url: string, body: unknown) => call("POST", url, body),
    put: (url: string, body: unknown) => call("PUT", url, body),
    patch: (url: string, ops: unknown[]) => call("PATCH", url, { schemas: [PATCH], Operations: ops }),
    delete: (url: string) => call("DELETE", url),
    raw: (method: "POST", url: string, raw: string) => call(method, url, undefined, raw),
  };
}

async function setup(role: "requester" | "agent" = "requester") {
  const org = await createOrg(deps);
  const admin = await createUser(deps, org.id, "admin");
  if (role !== "requester") await http(app, admin).patch("/api/v1/admin/identity-policy", { scimDefaultRole: role });
  const t = await http(app, admin).post("/api/v1/admin/scim-token");
  return { org, admin, scim: idp(t.body.token), domain: `${uniq()}.corp.test` };
}

/** What Entra ID sends to create a user. */
const entraUser = (domain: string, nick: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER, ENTERPRISE],
  externalId: `ext-${nick}`,
  userName: `${nick}@${domain}`,
  active: true,
  displayName: `${nick[0].toUpperCase()}${nick.slice(1)} Example`,
  emails: [{ primary: true, type: "work", value: `${nick}@${domain}` }],
  name: { formatted: `${nick} Example`, familyName: "Example", givenName: nick },
  phoneNumbers: [{ type: "work", value: "+44 20 7946 0000" }],
  [ENTERPRISE]: { department: "Finance" },
  ...extra,
});

describe("SCIM 2.0 (as an identity provider calls it)", () => {
  it("refuses calls without the organization's token, in SCIM's error format", async () => {
    const none = await idp(null).get("/Users");
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
    expect(none.headers["www-authenticate"]).toMatch(/Bearer/);
    expect((await idp("pscim_not-a-real-token").get("/Users")).status).toBe(401);
    // A personal API token is not a SCIM token.
    const org = await createOrg(deps);
    const admin = await createUser(deps, org.id, "admin");
    expect((await idp(admin.token).get("/Users")).status).toBe(401);
    // A revoked token stops at once.
    const t = await http(app, admin).post("/api/v1/admin/scim-token");
    expect((await idp(t.body.token).get("/Users")).status).toBe(200);
    await http(app, admin).delete("/api/v1/admin/scim-token");
    expect((await idp(t.body.token).get("/Users")).status).toBe(401);
  });

  it("serves the discovery endpoints", async () => {
    const { scim } = await setup();
    const spc = await scim.get("/ServiceProviderConfig");
    expect(spc.status).toBe(200);
    expect(spc.headers["content-type"]).toMatch(/application\/scim\+json/);
    expect(spc.body).toMatchObject({ patch: { supported: true }, filter: { supported: true, maxResults: 200 }, bulk: { supported: false } });
    expect((await scim.get("/ResourceTypes")).body.Resources.map((r: { id: string }) => r.id)).toEqual(["User", "Group"]);
    expect((await scim.get("/Schemas")).body.totalResults).toBe(3);
    expect((await scim.get(`/Schemas/${USER}`)).body.attributes.map((a: { name: string }) => a.name)).toContain("userName");
    expect((await scim.get("/Nope")).status).toBe(404);
  });

  it("creates, reads, filters and pages people; conflicts and malformed input are clear 4xx", async () => {
    const { org, scim, domain } = await setup();
    const created = await scim.post("/Users", entraUser(domain, "ann"));
    expect(created.status).toBe(201);
    expect(created.headers.location).toMatch(new RegExp(`/scim/v2/Users/${created.body.id}$`));
    expect(created.body).toMatchObject({
      userName: `ann@${domain}`,
      externalId: "ext-ann",
      displayName: "Ann Example",
      active: true,
      phoneNumbers: [{ value: "+44 20 7946 0000" }],
      [ENTERPRISE]: { department: "Finance" },
      meta: { resourceType: "User" },
    });
    const row = await deps.db
      .selectFrom("users")
      .select(["organization_id", "role", "password_hash"])
      .where("id", "=", created.body.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ organization_id: org.id, role: "requester", password_hash: null });
    expect(await auditEvents(deps, "user.provisioned", created.body.id)).toHaveLength(1);
    await scim.post("/Users", entraUser(domain, "bob"));
    await scim.post("/Users", entraUser(domain, "cy", { active: false }));

    expect((await scim.get(`/Users/${created.body.id}`)).body.id).toBe(created.body.id);
    const byName = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "ANN@${domain}"`)}`);
    expect(byName.body).toMatchObject({ totalResults: 1, Resources: [{ id: created.body.id }] });
    const byExt = await scim.get(`/Users?filter=${encodeURIComponent('externalId eq "ext-bob"')}`);
    expect(byExt.body.Resources.map((u: { userName: string }) => u.userName)).toEqual([`bob@${domain}`]);
    const either = await scim.get(`/Users?filter=${encodeURIComponent('externalId eq "ext-ann" or externalId eq "ext-cy" and active eq false')}`);
    expect(either.body.totalResults).toBe(2);
    const none = await scim.get(`/Users?filter=${encodeURIComponent('externalId eq "ext-ann" and active eq false')}`);
    expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });
    const co = await scim.get(`/Users?filter=${encodeURIComponent(`emails.value co "${domain}"`)}`);
    expect(co.body.totalResults).toBe(3);

    const page1 = await scim.get("/Users?startIndex=1&count=2");
    expect(page1.body).toMatchObject({ totalResults: 4, startIndex: 1, itemsPerPage: 2 });
    const page2 = await scim.get("/Users?startIndex=3&count=2");
    expect(page2.body).toMatchObject({ totalResults: 4, startIndex: 3, itemsPerPage: 2 });
    const ids = [...page1.body.Resources, ...page2.body.Resources].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(4);
    expect((await scim.get("/Users?count=0")).body).toMatchObject({ totalResults: 4, Resources: [] });

    const malformed = await scim.get(`/Users?filter=${encodeURIComponent("userName eq")}`);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ scimType: "invalidFilter", detail: expect.stringMatching(/Expected a value/) });
    expect((await scim.get(`/Users?filter=${encodeURIComponent('userName eq "x" or')}`)).body.scimType).toBe("invalidFilter");
    expect((await scim.get(`/Users?filter=${encodeURIComponent('nickName eq "x"')}`)).body).toMatchObject({
      scimType: "invalidFilter",
      detail: expect.stringMatching(/nickName/),
    });
    expect((await scim.get(`/Users?filter=${encodeURIComponent('active eq "yes"')}`)).body.scimType).toBe("invalidFilter");

    const dup = await scim.post("/Users", entraUser(domain, "ann", { externalId: "other" }));
    expect(dup.status).toBe(409);
    expect(dup.body.scimType).toBe("uniqueness");
    expect((await scim.post("/Users", { userName: "not-an-email" })).body).toMatchObject({ status: "400", scimType: "invalidValue" });
    expect((await scim.post("/Users", { displayName: "No user name" })).body.scimType).toBe("invalidValue");
    expect((await scim.raw("POST", "/Users", "{not json")).body).toMatchObject({ status: "400", scimType: "invalidSyntax" });
    expect((await scim.get("/Users/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await scim.get("/Users/not-a-uuid")).status).toBe(404);
  });

  it("PATCHes people: replace attributes and manager; active=false deactivates and ends sessions at once; DELETE deprovisions", async () => {
    const { admin, scim, domain } = await setup();
    const boss = (await scim.post("/Users", entraUser(domain, "boss"))).body;
    const u = (await scim.post("/Users", entraUser(domain, "dee"))).body;
    const patched = await scim.patch(`/Users/${u.id}`, [
      { op: "Replace", path: "displayName", value: "Dee Renamed" },
      { op: "Add", path: `${ENTERPRISE}:manager`, value: boss.id },
      { op: "replace", value: { [`${ENTERPRISE}:department`]: "Legal", 'phoneNumbers[type eq "work"].value': "+1 555 0199" } },
      { op: "remove", path: "externalId" },
    ]);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      displayName: "Dee Renamed",
      [ENTERPRISE]: { department: "Legal", manager: { value: boss.id } },
      phoneNumbers: [{ value: "+1 555 0199" }],
    });
    expect(patched.body.externalId).toBeUndefined();
    expect(
      (await scim.patch(`/Users/${u.id}`, [{ op: "replace", path: `${ENTERPRISE}:manager`, value: "00000000-0000-4000-8000-000000000000" }])).body.scimType,
    ).toBe("invalidValue");
    expect((await scim.patch(`/Users/${u.id}`, [{ op: "jump", path: "active", value: false }])).status).toBe(400);
    expect((await scim.patch(`/Users/${u.id}`, [{ op: "remove", path: "active" }])).status).toBe(400);

    // Give Dee a password so she can sign in, then deprovision her the way Entra ID does.
    await http(app, admin).patch(`/api/v1/users/${u.id}`, { password: "long enough password" });
    const login = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      remoteAddress: `10.9.${randomInt(255)}.${randomInt(1, 255)}`,
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email: `dee@${domain}`, password: "long enough password" }),
    });
    const cookie = String(login.headers["set-cookie"]).split(";")[0];
    const me = () => app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie } });
    expect((await me()).statusCode).toBe(200);
    const off = await scim.patch(`/Users/${u.id}`, [{ op: "Replace", path: "active", value: "False" }]);
    expect(off.body.active).toBe(false);
    expect((await me()).statusCode).toBe(401);
    expect((await auditEvents(deps, "user.deprovisioned", u.id))[0].data).toMatchObject({ source: "scim", reason: "active=false" });
    expect((await scim.patch(`/Users/${u.id}`, [{ op: "replace", value: { active: true } }])).body.active).toBe(true);
    expect(await auditEvents(deps, "user.reprovisioned", u.id)).toHaveLength(1);

    // PUT replaces the provisioned fields.
    const put = await scim.put(`/Users/${u.id}`, entraUser(domain, "dee", { displayName: "Dee Put", [ENTERPRISE]: {} }));
    expect(put.body).toMatchObject({ displayName: "Dee Put", externalId: "ext-dee" });
    expect(put.body[ENTERPRISE].department).toBeUndefined();

    expect((await scim.delete(`/Users/${u.id}`)).status).toBe(204);
    expect((await scim.get(`/Users/${u.id}`)).status).toBe(404);
    expect((await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "dee@${domain}"`)}`)).body.totalResults).toBe(0);
    const row = await deps.db.selectFrom("users").select(["active", "deprovisioned_at"]).where("id", "=", u.id).executeTakeFirstOrThrow();
    expect(row.active).toBe(false);
    expect(row.deprovisioned_at).not.toBeNull();
    expect((await auditEvents(deps, "user.deprovisioned", u.id)).map((e) => e.data)).toContainEqual(expect.objectContaining({ reason: "deleted" }));
    expect((await scim.delete(`/Users/${u.id}`)).status).toBe(404);
    // Provisioned again later (re-hire): the same person comes back.
    const back = await scim.post("/Users", entraUser(domain, "dee"));
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ id: u.id, active: true });
  });

  it("keeps organizations apart", async () => {
    const a = await setup();
    const b = await setup();
    const u = (await a.scim.post("/Users", entraUser(a.domain, "eve"))).body;
    expect((await b.scim.get(`/Users/${u.id}`)).status).toBe(404);
    expect((await b.scim.patch(`/Users/${u.id}`, [{ op: "replace", path: "active", value: false }])).status).toBe(404);
    expect((await b.scim.delete(`/Users/${u.id}`)).status).toBe(404);
    expect((await b.scim.get("/Users")).body.totalResults).toBe(1);
    // A's person cannot be added to B's group.
    const g = await b.scim.post("/Groups", { displayName: "B desk", members: [{ value: u.id }] });
    expect(g.body).toMatchObject({ status: "400", scimType: "invalidValue" });
  });

  it("provisions groups: members add / remove / replace, filters, excluded members, delete", async () => {
    const { org, scim, domain } = await setup("agent");
    const p1 = (await scim.post("/Users", entraUser(domain, "fin"))).body;
    const p2 = (await scim.post("/Users", entraUser(domain, "gus"))).body;
    const p3 = (await scim.post("/Users", entraUser(domain, "hal"))).body;
    const created = await scim.post("/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "Network Team",
      externalId: "grp-1",
      members: [{ value: p1.id }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ displayName: "Network Team", externalId: "grp-1", members: [{ value: p1.id }] });
    const gid = created.body.id;
    // Entra ID style add, Okta style remove by filter.
    await scim.patch(`/Groups/${gid}`, [{ op: "Add", path: "members", value: [{ value: p2.id }, { value: p3.id }] }]);
    expect((await scim.get(`/Groups/${gid}`)).body.members).toHaveLength(3);
    await scim.patch(`/Groups/${gid}`, [{ op: "remove", path: `members[value eq "${p2.id}"]` }]);
    await scim.patch(`/Groups/${gid}`, [{ op: "Remove", path: "members", value: [{ value: p3.id }] }]);
    expect((await scim.get(`/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value)).toEqual([p1.id]);
    await scim.patch(`/Groups/${gid}`, [
      { op: "replace", path: "members", value: [{ value: p2.id }] },
      { op: "replace", path: "displayName", value: "Network & Voice" },
    ]);
    const after = await scim.get(`/Groups/${gid}`);
    expect(after.body).toMatchObject({ displayName: "Network & Voice", members: [{ value: p2.id }] });
    const members = await deps.db.selectFrom("group_members").select("user_id").where("group_id", "=", gid).execute();
    expect(members.map((m) => m.user_id)).toEqual([p2.id]);

    expect((await scim.get(`/Groups?filter=${encodeURIComponent('displayName eq "network & voice"')}`)).body.totalResults).toBe(1);
    expect((await scim.get(`/Groups?filter=${encodeURIComponent(`members.value eq "${p2.id}"`)}`)).body.Resources.map((g: { id: string }) => g.id)).toEqual([
      gid,
    ]);
    expect((await scim.get("/Groups?excludedAttributes=members")).body.Resources[0].members).toEqual([]);
    expect((await scim.post("/Groups", { displayName: "NETWORK & VOICE" })).body.scimType).toBe("uniqueness");

    // Requesters cannot join assignment groups: a clear 400.
    const requester = await createUser(deps, org.id, "requester");
    const bad = await scim.patch(`/Groups/${gid}`, [{ op: "add", path: "members", value: [{ value: requester.id }] }]);
    expect(bad.body).toMatchObject({ status: "400", scimType: "invalidValue", detail: expect.stringMatching(/agents and admins/) });

    expect((await scim.delete(`/Groups/${gid}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${gid}`)).status).toBe(404);
    expect((await scim.post("/Groups", { displayName: "Network & Voice" })).status).toBe(201);
    expect(await auditEvents(deps, "group.deprovisioned", gid)).toHaveLength(1);
  });
});
