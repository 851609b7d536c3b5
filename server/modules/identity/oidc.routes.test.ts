import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { auditEvents, createGroup, createOrg, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";
import { formAction, startTestIdp, type TestAccount, testBrowser } from "../../test/oidc-idp";

let app: App;
let deps: Deps;
let portico: string;
let idp: Awaited<ReturnType<typeof startTestIdp>>;
const accounts: Record<string, TestAccount> = {};

beforeAll(async () => {
  deps = testDeps();
  app = await testApp();
  await app.listen({ port: 0, host: "127.0.0.1" });
  portico = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  idp = await startTestIdp(`${portico}/api/v1/auth/oidc/callback`, accounts);
});
afterAll(async () => {
  await idp?.close();
  await closeTestApp();
});

/** An organization with an admin and an OpenID provider pointing at the test IdP. */
async function setup(mapping: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const org = await createOrg(deps);
  const admin = await createUser(deps, org.id, "admin");
  const slug = `idp-${uniq()}`;
  const res = await http(app, admin).post("/api/v1/admin/oidc-providers", {
    slug,
    name: "Test IdP",
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    scopes: "openid email profile groups",
    claimMapping: mapping,
    ...extra,
  });
  expect(res.status).toBe(201);
  return { org, admin, slug, provider: res.body };
}

/** Goes through the code flow like a browser: start at Portico, log in and consent at the IdP; returns the callback URL. */
async function throughIdp(browser: ReturnType<typeof testBrowser>, slug: string, login: string) {
  const idpHost = new URL(idp.issuer).host;
  const atInteraction = (u: URL) => u.host === idpHost && u.pathname.startsWith("/interaction/");
  const atCallback = (u: URL) => u.pathname === "/api/v1/auth/oidc/callback";
  const start = await browser.follow(`${portico}/api/v1/auth/oidc/${slug}/start?returnTo=%2Fincidents`, (u) => atInteraction(u) || atCallback(u));
  expect(new URL(start.hops[0]).searchParams.get("code_challenge_method")).toBe("S256");
  // Already signed in at the IdP (same browser): straight back with a code.
  if (atCallback(new URL(start.url))) return start.url;
  let page = await (await browser.request("GET", start.url)).text();
  let next = await browser.follow(formAction(page, idp.issuer), (u) => atInteraction(u) || atCallback(u), "POST", { prompt: "login", login, password: "any" });
  if (atInteraction(new URL(next.url))) {
    page = await (await browser.request("GET", next.url)).text();
    next = await browser.follow(formAction(page, idp.issuer), atCallback, "POST", { prompt: "consent" });
  }
  expect(atCallback(new URL(next.url))).toBe(true);
  return next.url;
}

/** Calls the callback; returns where Portico sends the browser and the session cookie, if any. */
async function callback(browser: ReturnType<typeof testBrowser>, url: string) {
  const res = await browser.request("GET", url);
  expect(res.status).toBe(302);
  const location = res.headers.get("location") as string;
  const session = browser.cookies(new URL(portico).host).get("portico_session");
  return { location, session };
}

describe("OpenID Connect sign-in (real provider, real HTTP)", () => {
  it("creates the person just in time from the claims and opens a session; later sign-ins update them", async () => {
    const { org, admin, slug, provider } = await setup({ groups: "groups", agentValues: ["itsm-agents"] });
    const group = await createGroup(deps, org.id, `Network ${uniq()}`);
    const login = `alice-${uniq()}`;
    accounts[login] = { email: `${login}@corp.test`, email_verified: true, name: "Alice Example", groups: ["itsm-agents", group.name] };
    expect(provider).toMatchObject({ hasClientSecret: true, redirectUri: expect.stringMatching(/\/api\/v1\/auth\/oidc\/callback$/) });
    expect(JSON.stringify(provider)).not.toContain(idp.clientSecret);

    const options = await http(app).get(`/api/v1/auth/sso-providers?org=${org.slug}`);
    expect(options.body.items).toEqual([{ slug, name: "Test IdP", startUrl: `/api/v1/auth/oidc/${slug}/start` }]);

    const browser = testBrowser();
    const url = await throughIdp(browser, slug, login);
    const done = await callback(browser, url);
    expect(done.location).toBe("/incidents");
    expect(done.session).toBeTruthy();
    const me = await app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: `portico_session=${done.session}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: `${login}@corp.test`, name: "Alice Example", role: "agent", organization: { id: org.id } });
    expect(me.json().groups.map((g: { id: string }) => g.id)).toEqual([group.id]);
    const userId = me.json().id;
    expect(await auditEvents(deps, "user.provisioned", userId)).toHaveLength(1);
    expect((await auditEvents(deps, "auth.login", userId))[0].data).toMatchObject({ method: "oidc", provider: slug });

    // The IdP renames her and takes her out of the agents: the next sign-in follows.
    accounts[login] = { ...accounts[login], name: "Alice Renamed", groups: [] };
    const again = await callback(browser, await throughIdp(browser, slug, login));
    expect(again.location).toBe("/incidents");
    const after = await http(app, admin).get(`/api/v1/users?q=${login}`);
    expect(after.body.items).toEqual([expect.objectContaining({ id: userId, name: "Alice Renamed", role: "requester" })]);
  });

  it("links an existing person by email instead of creating a second one; a deactivated person is refused", async () => {
    const { org, slug } = await setup();
    const existing = await createUser(deps, org.id, "agent", { email: `bob-${uniq()}@corp.test` });
    const login = `bob-${uniq()}`;
    accounts[login] = { email: existing.email, email_verified: true, name: "Bob" };
    const b = testBrowser();
    const ok = await callback(b, await throughIdp(b, slug, login));
    expect(ok.location).toBe("/incidents");
    expect(await auditEvents(deps, "user.linked", existing.id)).toHaveLength(1);

    await deps.db.updateTable("users").set({ active: false }).where("id", "=", existing.id).execute();
    const b2 = testBrowser();
    const refused = await callback(b2, await throughIdp(b2, slug, login));
    expect(refused.location).toBe("/sign-in?ssoError=account_disabled");
    expect(refused.session).toBeUndefined();
  });

  it("refuses a replayed callback, a state from another browser and an unknown state", async () => {
    const { slug } = await setup();
    const login = `carol-${uniq()}`;
    accounts[login] = { email: `${login}@corp.test`, email_verified: true, name: "Carol" };
    const b = testBrowser();
    const url = await throughIdp(b, slug, login);
    // Another browser (no binding cookie) presenting the same callback: refused, and the state is spent.
    const thief = testBrowser();
    expect((await callback(thief, url)).location).toBe("/sign-in?ssoError=state_mismatch");
    expect((await callback(b, url)).location).toBe("/sign-in?ssoError=state_invalid");

    const b2 = testBrowser();
    const url2 = await throughIdp(b2, slug, login);
    expect((await callback(b2, url2)).location).toBe("/incidents");
    // The same code and state again (a replay): refused.
    const replay = await callback(b2, url2);
    expect(replay.location).toBe("/sign-in?ssoError=state_invalid");

    const forged = new URL(url2);
    forged.searchParams.set("state", "made-up-state");
    expect((await callback(testBrowser(), forged.href)).location).toBe("/sign-in?ssoError=state_invalid");
  });

  it.each([
    ["audience", /aud/],
    ["issuer", /iss/],
    ["signature", /signature|verif/i],
    ["nonce", /nonce/],
    ["expired", /exp|timestamp|age/i],
  ] as const)("refuses an ID token with a wrong %s", async (tamper, reason) => {
    const { org, slug } = await setup();
    const login = `mallory-${uniq()}`;
    accounts[login] = { email: `${login}@corp.test`, email_verified: true, name: "Mallory" };
    const b = testBrowser();
    const url = await throughIdp(b, slug, login);
    idp.state.tamper = tamper;
    try {
      const r = await callback(b, url);
      expect(r.location).toBe("/sign-in?ssoError=token_rejected");
      expect(r.session).toBeUndefined();
    } finally {
      idp.state.tamper = null;
    }
    const failures = await deps.db
      .selectFrom("audit_events")
      .select("data")
      .where("organization_id", "=", org.id)
      .where("action", "=", "auth.login_failed")
      .execute();
    expect(failures).toHaveLength(1);
    expect(failures[0].data).toMatchObject({ method: "oidc", reason: "token_rejected", message: expect.stringMatching(reason) });
    expect(await deps.db.selectFrom("users").select("id").where("email", "=", `${login}@corp.test`).execute()).toHaveLength(0);
  });

  it("refuses the wrong tenant, unverified emails, unknown people without JIT, and an issuer that does not match discovery", async () => {
    const tenant = await setup({ organizationClaim: "tid", organizationValue: "tenant-a" });
    const login = `dan-${uniq()}`;
    accounts[login] = { email: `${login}@corp.test`, email_verified: true, name: "Dan", tid: "tenant-b" };
    const b = testBrowser();
    expect((await callback(b, await throughIdp(b, tenant.slug, login))).location).toBe("/sign-in?ssoError=wrong_organization");

    const plain = await setup();
    const eve = `eve-${uniq()}`;
    accounts[eve] = { email: `${eve}@corp.test`, email_verified: false, name: "Eve" };
    const b2 = testBrowser();
    expect((await callback(b2, await throughIdp(b2, plain.slug, eve))).location).toBe("/sign-in?ssoError=email_unverified");

    const closed = await setup({}, { jitCreate: false });
    const fay = `fay-${uniq()}`;
    accounts[fay] = { email: `${fay}@corp.test`, email_verified: true, name: "Fay" };
    const b3 = testBrowser();
    expect((await callback(b3, await throughIdp(b3, closed.slug, fay))).location).toBe("/sign-in?ssoError=no_account");

    // Someone of another organization cannot be taken over through this provider.
    const elsewhere = await createUser(deps, (await createOrg(deps)).id, "agent", { email: `gil-${uniq()}@corp.test` });
    const gil = `gil-${uniq()}`;
    accounts[gil] = { email: elsewhere.email, email_verified: true, name: "Gil" };
    const b4 = testBrowser();
    expect((await callback(b4, await throughIdp(b4, plain.slug, gil))).location).toBe("/sign-in?ssoError=wrong_organization");

    const wrongIssuer = await setup({}, { issuer: idp.issuer.replace("127.0.0.1", "localhost") });
    const res = await testBrowser().request("GET", `${portico}/api/v1/auth/oidc/${wrongIssuer.slug}/start`);
    expect(res.headers.get("location")).toBe("/sign-in?ssoError=provider_unreachable");
  });

  it("administers providers: admins only, per organization, secret never returned", async () => {
    const { admin, provider } = await setup();
    const agent = await createUser(deps, admin.actor.organizationId, "agent");
    const stranger = await createUser(deps, (await createOrg(deps)).id, "admin");
    expect((await http(app, agent).get("/api/v1/admin/oidc-providers")).status).toBe(403);
    expect((await http(app, stranger).patch(`/api/v1/admin/oidc-providers/${provider.id}`, { name: "x" })).status).toBe(404);
    const list = await http(app, admin).get("/api/v1/admin/oidc-providers");
    expect(list.body.items).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(idp.clientSecret);
    const changed = await http(app, admin).patch(`/api/v1/admin/oidc-providers/${provider.id}`, { clientSecret: null, enabled: false });
    expect(changed.body).toMatchObject({ hasClientSecret: false, enabled: false });
    expect((await http(app, admin).post("/api/v1/admin/oidc-providers", { slug: provider.slug, name: "x", issuer: idp.issuer, clientId: "c" })).status).toBe(
      409,
    );
    expect((await http(app, admin).post("/api/v1/admin/oidc-providers", { slug: "Bad Slug", name: "x", issuer: "not a url", clientId: "c" })).status).toBe(400);
    expect(
      (await http(app, admin).post("/api/v1/admin/oidc-providers", { slug: `s-${uniq()}`, name: "x", issuer: idp.issuer, clientId: "c", scopes: "email" }))
        .status,
    ).toBe(400);
    expect((await testBrowser().request("GET", `${portico}/api/v1/auth/oidc/${provider.slug}/start`)).status).toBe(404);
    expect((await http(app, admin).delete(`/api/v1/admin/oidc-providers/${provider.id}`)).status).toBe(200);
    expect(await auditEvents(deps, "oidc_provider.deleted", provider.id)).toHaveLength(1);
  });
});
