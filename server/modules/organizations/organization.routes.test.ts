import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createCategory, createDesk, createGroup, createOrg, createService, createUser, TEST_PASSWORD } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";
import { senderFor } from "../notifications/notification.dispatch";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

// A 1×1 PNG.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const below = async (parentId: string) => {
  const deps = testDeps();
  const o = await createOrg(deps);
  await deps.db.updateTable("organizations").set({ parent_id: parentId }).where("id", "=", o.id).execute();
  return o;
};

describe("POST /api/v1/admin/organizations (onboarding)", () => {
  it("creates the organization with profile, mail sender, mailbox, first people, copied configuration and serving group in one call", async () => {
    const deps = testDeps();
    const p = await createDesk(deps);
    const cat = await createCategory(deps, p.org.id, "Hardware");
    await createCategory(deps, p.org.id, "Laptops", cat.id);
    await createService(deps, p.org.id, "Email");
    await deps.db.insertInto("priority_matrix").values({ organization_id: p.org.id, impact: "low", urgency: "low", priority: 5 }).execute();
    const serving = await createGroup(deps, p.org.id, "Customer desk");
    await deps.db.insertInto("group_members").values({ group_id: serving.id, user_id: p.agent.id, organization_id: p.org.id }).execute();
    const slug = `acme-${uniq()}`;
    const host = `${slug}.help.example`;
    const existing = await createUser(deps, (await below(p.org.id)).id, "requester");
    const res = await http(app, p.admin).post("/api/v1/admin/organizations", {
      name: "Acme Corp",
      slug,
      profile: { displayName: "Acme IT", primaryColor: "#0b5d1e", portalHost: host, requesterVisibility: "own" },
      mail: { fromName: "Acme IT", fromAddress: `it@${slug}.example`, replyToAddress: null, enabled: true },
      mailbox: { address: `help@${slug}.example` },
      users: [
        { email: `boss-${uniq()}@acme.example`, name: "Acme Boss", role: "admin", password: "a long password!" },
        { email: existing.email, role: "requester", organizationManager: true },
      ],
      copyFromParent: ["categories", "services", "priorityMatrix", "groups"],
      servingGroupIds: [serving.id],
    });
    expect(res.status).toBe(201);
    const org = res.body.organization;
    expect(org).toMatchObject({ name: "Acme Corp", slug, parentId: p.org.id, depth: 1, portalHost: host });
    expect(org.effective).toMatchObject({ displayName: "Acme IT", primaryColor: "#0b5d1e" });
    expect(res.body.copied).toMatchObject({ categories: 2, services: 1, priorityMatrix: 1 });
    expect(res.body.users.map((u: any) => [u.source, u.role, u.organizationManager])).toEqual([
      ["home", "admin", false],
      ["direct", "requester", true],
    ]);
    expect(res.body.mailboxId).toBeTruthy();
    const mailbox = await deps.db.selectFrom("mailboxes").select(["organization_id", "address"]).where("id", "=", res.body.mailboxId).executeTakeFirstOrThrow();
    expect(mailbox.organization_id).toBe(org.id);
    const sender = await senderFor(deps, deps.db, org.id);
    expect(sender.from).toBe(`"Acme IT" <it@${slug}.example>`);
    // The provider agent in the serving group now serves Acme.
    const served = await deps.db
      .selectFrom("organization_memberships")
      .select(["role", "source"])
      .where("user_id", "=", p.agent.id)
      .where("organization_id", "=", org.id)
      .executeTakeFirst();
    expect(served).toEqual({ role: "agent", source: "derived" });
    // Acme's new admin signs in and acts in Acme.
    const login = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      remoteAddress: "10.9.8.7",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email: res.body.users[0].email, password: "a long password!" }),
    });
    expect(login.json().user).toMatchObject({ role: "admin", organization: { id: org.id } });
    expect(TEST_PASSWORD).toBeTruthy();
    // Audited in both organizations.
    const audit = await deps.db.selectFrom("audit_events").select(["organization_id", "action"]).where("entity_id", "=", org.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["organization.created", "organization.onboarded"]));
  });

  it("is all or nothing, and refuses non-admins, foreign parents, taken slugs and hosts and unreadable colours", async () => {
    const deps = testDeps();
    const p = await createDesk(deps);
    const other = await createDesk(deps);
    const slug = `x-${uniq()}`;
    const post = (who: typeof p.admin, body: object) => http(app, who).post("/api/v1/admin/organizations", { name: "X", slug, ...body });
    expect((await post(p.agent, {})).status).toBe(403);
    expect((await post(p.admin, { parentId: other.org.id })).status).toBe(404);
    expect((await post(p.admin, { profile: { primaryColor: "#ffee88" } })).status).toBe(400);
    // A taken mailbox address fails late: nothing of the organization is left behind.
    await http(app, p.admin).post("/api/v1/admin/mailboxes", { name: "Desk", address: `taken-${slug}@example.test`, kind: "smtp" });
    const late = await post(p.admin, { mailbox: { address: `taken-${slug}@example.test` } });
    expect(late.status).toBe(409);
    expect(await deps.db.selectFrom("organizations").select("id").where("slug", "=", slug).executeTakeFirst()).toBeUndefined();
    expect((await post(p.admin, { profile: { portalHost: `${slug}.example` } })).status).toBe(201);
    expect((await http(app, p.admin).post("/api/v1/admin/organizations", { name: "Y", slug })).status).toBe(409);
    expect(
      (await http(app, p.admin).post("/api/v1/admin/organizations", { name: "Y", slug: `y-${uniq()}`, profile: { portalHost: `${slug}.example` } })).status,
    ).toBe(409);
  });
});

describe("onboarding from configuration as code", () => {
  it("applies a YAML configuration to the new organization in the same transaction; a bad one leaves nothing", async () => {
    const deps = testDeps();
    const p = await createDesk(deps);
    const slug = `cfg-${uniq()}`;
    const yaml = "apiVersion: portico.config/v1\ngroups:\n  - name: Field Service\nservices:\n  - name: Point of sale\n";
    const res = await http(app, p.admin).post("/api/v1/admin/organizations", { name: "Cfg", slug, configuration: yaml });
    expect(res.status).toBe(201);
    expect(res.body.copied.configuration).toBe(2);
    const services = await deps.db.selectFrom("services").select("name").where("organization_id", "=", res.body.organization.id).execute();
    expect(services.map((s) => s.name)).toEqual(["Point of sale"]);
    const bad = await http(app, p.admin).post("/api/v1/admin/organizations", {
      name: "Bad",
      slug: `bad-${uniq()}`,
      configuration: "apiVersion: portico.config/v1\nservices:\n  - name: VPN\n  - name: vpn\n",
    });
    expect(bad.status).toBe(400);
    expect(
      await deps.db.selectFrom("organizations").select("id").where("name", "=", "Bad").where("parent_id", "=", p.org.id).executeTakeFirst(),
    ).toBeUndefined();
  });
});

describe("organization tree", () => {
  it("lists the admin's subtree, refuses cycles, too deep trees and strangers, and inherits settings down the tree", async () => {
    const deps = testDeps();
    const p = await createDesk(deps);
    const c = await below(p.org.id);
    const sub = await below(c.id);
    const list = (await http(app, p.admin).get("/api/v1/admin/organizations")).body.items;
    expect(list.map((o: any) => [o.id, o.depth])).toEqual([
      [p.org.id, 0],
      [c.id, 1],
      [sub.id, 2],
    ]);
    // Cycle: the customer cannot move below its own subsidiary.
    expect((await http(app, p.admin).patch(`/api/v1/admin/organizations/${c.id}`, { parentId: sub.id })).status).toBe(400);
    // Depth: five levels at most.
    let deepest = sub.id;
    for (let i = 0; i < 2; i++) deepest = (await below(deepest)).id;
    const tooDeep = await createOrg(deps);
    await deps.db.updateTable("organizations").set({ parent_id: p.org.id }).where("id", "=", tooDeep.id).execute();
    expect((await http(app, p.admin).patch(`/api/v1/admin/organizations/${tooDeep.id}`, { parentId: deepest })).status).toBe(400);
    // A stranger's admin sees none of it.
    const stranger = await createDesk(deps);
    expect((await http(app, stranger.admin).get(`/api/v1/admin/organizations/${c.id}`)).status).toBe(404);
    expect((await http(app, stranger.admin).patch(`/api/v1/admin/organizations/${c.id}`, { name: "Mine" })).status).toBe(404);
    // The customer's own admin manages the customer and its subsidiary, not the provider.
    const cAdmin = await createUser(deps, c.id, "admin");
    expect((await http(app, cAdmin).get(`/api/v1/admin/organizations/${sub.id}`)).status).toBe(200);
    expect((await http(app, cAdmin).get(`/api/v1/admin/organizations/${p.org.id}`)).status).toBe(404);
    // Inheritance: the subsidiary takes the customer's colour and logo unless it sets its own.
    await http(app, p.admin).patch(`/api/v1/admin/organizations/${c.id}`, { profile: { primaryColor: "#5a1e8c", portalLocale: "de" } });
    const logo = await http(app, p.admin).put(`/api/v1/admin/organizations/${c.id}/logo`, { contentType: "image/png", dataBase64: PNG });
    expect(logo.status).toBe(200);
    const subDetail = (await http(app, p.admin).get(`/api/v1/admin/organizations/${sub.id}`)).body;
    expect(subDetail.effective).toMatchObject({ primaryColor: "#5a1e8c", portalLocale: "de", logoUrl: logo.body.profile.logoUrl });
    expect(subDetail.effective.inheritedFrom).toMatchObject({ primaryColor: c.id, logo: c.id });
    expect(subDetail.profile.primaryColor).toBeNull();
    // Not an image of the said type: refused.
    expect(
      (
        await http(app, p.admin).put(`/api/v1/admin/organizations/${c.id}/logo`, {
          contentType: "image/png",
          dataBase64: Buffer.from("<svg/>").toString("base64"),
        })
      ).status,
    ).toBe(415);
  });

  it("a subsidiary without its own mail settings sends as its parent", async () => {
    const deps = testDeps();
    const c = await createDesk(deps);
    const sub = await below(c.org.id);
    const put = await http(app, c.admin).put("/api/v1/admin/mail-settings", {
      fromName: "Parent IT",
      fromAddress: "it@parent.example",
      replyToAddress: null,
      enabled: true,
    });
    expect(put.status).toBe(200);
    expect((await senderFor(deps, deps.db, sub.id)).from).toBe('"Parent IT" <it@parent.example>');
  });
});

describe("branding by host", () => {
  it("the sign-in page gets the look of the host's organization; signed in, the organization acted in", async () => {
    const deps = testDeps();
    const c = await createDesk(deps);
    const host = `portal-${uniq()}.example`;
    await http(app, c.admin).patch(`/api/v1/admin/organizations/${c.org.id}`, {
      profile: { displayName: "Contoso Help", primaryColor: "#8a1c1c", portalHost: host },
    });
    const anon = await app.inject({ method: "GET", url: "/api/v1/branding", headers: { host } });
    expect(anon.json()).toMatchObject({ organizationId: c.org.id, displayName: "Contoso Help", primaryColor: "#8a1c1c" });
    const unknown = await app.inject({ method: "GET", url: "/api/v1/branding", headers: { host: "nowhere.example" } });
    expect(unknown.json()).toMatchObject({ organizationId: null, displayName: "Portico" });
    const other = await createDesk(deps);
    const signedIn = await app.inject({ method: "GET", url: "/api/v1/branding", headers: { host, authorization: `Bearer ${other.requester.token}` } });
    expect(signedIn.json().organizationId).toBe(other.org.id);
    // Logos are served only when some organization uses them.
    const logo = await http(app, c.admin).put(`/api/v1/admin/organizations/${c.org.id}/logo`, { contentType: "image/png", dataBase64: PNG });
    const img = await app.inject({ method: "GET", url: logo.body.profile.logoUrl });
    expect(img.statusCode).toBe(200);
    expect(img.headers["content-type"]).toBe("image/png");
    expect((await app.inject({ method: "GET", url: `/api/v1/branding/logo/${"0".repeat(64)}` })).statusCode).toBe(404);
  });
});
