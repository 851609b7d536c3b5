import { randomInt } from "node:crypto";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { auditEvents, createOrg, createUser, TEST_PASSWORD } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
let deps: Deps;

beforeAll(async () => {
  deps = testDeps();
  app = await testApp();
});
afterAll(closeTestApp);

const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({
    method: "POST",
    url,
    remoteAddress: freshIp(),
    headers: { "content-type": "application/json", ...headers },
    payload: JSON.stringify(body),
  });
  const cookie = ([] as string[])
    .concat(res.headers["set-cookie"] ?? [])
    .find((c) => c.startsWith("portico_session="))
    ?.split(";")[0];
  return { status: res.statusCode, body: res.json(), cookie };
}

const login = (email: string, password = TEST_PASSWORD) => post("/api/v1/auth/login", { email, password });
/** A code for the time step `steps` from now (the server accepts ±1 step of drift, and never the same step twice). */
const totp = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

/** Turns TOTP on for a person through the API; returns the secret and the recovery codes. */
async function enrol(u: { token: string }) {
  const api = http(app, u as never);
  const setup = await api.post("/api/v1/me/mfa/setup");
  expect(setup.status).toBe(200);
  expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Portico:.+\?.*secret=/);
  const act = await api.post("/api/v1/me/mfa/activate", { code: await totp(setup.body.secret) });
  expect(act.status).toBe(200);
  return { secret: setup.body.secret as string, recoveryCodes: act.body.recoveryCodes as string[] };
}

describe("TOTP enrolment and the two-step sign-in", () => {
  it("enrols with a confirmed code, then signs in in two steps; a code is never accepted twice", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const api = http(app, u);
    expect((await api.get("/api/v1/me/mfa")).body).toEqual({ enabled: false, pending: false, recoveryCodesLeft: 0, required: false });

    const setup = await api.post("/api/v1/me/mfa/setup");
    const wrong = await api.post("/api/v1/me/mfa/activate", { code: "000000" === (await totp(setup.body.secret)) ? "111111" : "000000" });
    expect(wrong.status).toBe(400);
    expect((await api.get("/api/v1/me/mfa")).body).toMatchObject({ enabled: false, pending: true });
    const firstCode = await totp(setup.body.secret);
    const act = await api.post("/api/v1/me/mfa/activate", { code: firstCode });
    expect(act.status).toBe(200);
    expect(act.body.recoveryCodes).toHaveLength(10);
    expect(new Set(act.body.recoveryCodes).size).toBe(10);
    expect((await api.get("/api/v1/me/mfa")).body).toEqual({ enabled: true, pending: false, recoveryCodesLeft: 10, required: false });
    // Recovery codes are stored hashed only.
    const stored = await deps.db.selectFrom("mfa_recovery_codes").select("code_hash").where("user_id", "=", u.id).execute();
    expect(stored.map((s) => s.code_hash.toString("utf8"))).not.toContain(act.body.recoveryCodes[0]);
    expect((await api.post("/api/v1/me/mfa/setup")).status).toBe(409);
    expect(await auditEvents(deps, "mfa.enabled", u.id)).toHaveLength(1);

    // Step one: the right password gives a challenge, not a session.
    const first = await login(u.email);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ mfa: "verify", challengeToken: expect.stringMatching(/^mfa_/) });
    expect(first.cookie).toBeUndefined();
    expect(first.body.user).toBeUndefined();
    // The challenge token is not a session.
    const asSession = await app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: `portico_session=${first.body.challengeToken}` } });
    expect(asSession.statusCode).toBe(401);
    // The code used at activation cannot be replayed.
    const replay = await post("/api/v1/auth/mfa/verify", { challengeToken: first.body.challengeToken, code: firstCode });
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toBe("Wrong code");
    const next = await post("/api/v1/auth/mfa/verify", { challengeToken: first.body.challengeToken, code: await totp(setup.body.secret, 1) });
    expect(next.status).toBe(200);
    expect(next.cookie).toMatch(/^portico_session=/);
    expect(next.body.user.id).toBe(u.id);
    // The challenge is used up.
    expect((await post("/api/v1/auth/mfa/verify", { challengeToken: first.body.challengeToken, code: await totp(setup.body.secret, 1) })).status).toBe(401);
    const logins = await auditEvents(deps, "auth.login", u.id);
    expect(logins.at(-1)?.data).toMatchObject({ method: "password+totp" });
    expect(await auditEvents(deps, "auth.mfa_failed", u.id)).toHaveLength(1);
  });

  it("recovery codes work once each, case and dash insensitive", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "admin");
    const { recoveryCodes } = await enrol(u);
    const c1 = await login(u.email);
    const ok = await post("/api/v1/auth/mfa/verify", { challengeToken: c1.body.challengeToken, recoveryCode: recoveryCodes[0].toUpperCase().replace("-", "") });
    expect(ok.status).toBe(200);
    const c2 = await login(u.email);
    const again = await post("/api/v1/auth/mfa/verify", { challengeToken: c2.body.challengeToken, recoveryCode: recoveryCodes[0] });
    expect(again.status).toBe(401);
    expect((await http(app, u).get("/api/v1/me/mfa")).body.recoveryCodesLeft).toBe(9);
    expect((await auditEvents(deps, "auth.login", u.id)).at(-1)?.data).toMatchObject({ method: "password+recovery", recoveryCodesLeft: 9 });
  });

  it("voids a challenge after 5 wrong codes and locks the second factor after 10", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const { secret } = await enrol(u);
    const right = await totp(secret, 1);
    const bad = right === "123456" ? "654321" : "123456";
    const c1 = await login(u.email);
    for (let i = 0; i < 4; i++)
      expect((await post("/api/v1/auth/mfa/verify", { challengeToken: c1.body.challengeToken, code: bad })).body.error.message).toBe("Wrong code");
    const fifth = await post("/api/v1/auth/mfa/verify", { challengeToken: c1.body.challengeToken, code: bad });
    expect(fifth.body.error.message).toMatch(/sign in again/);
    expect((await post("/api/v1/auth/mfa/verify", { challengeToken: c1.body.challengeToken, code: right })).status).toBe(401);
    const c2 = await login(u.email);
    for (let i = 0; i < 5; i++) await post("/api/v1/auth/mfa/verify", { challengeToken: c2.body.challengeToken, code: bad });
    const c3 = await login(u.email);
    const locked = await post("/api/v1/auth/mfa/verify", { challengeToken: c3.body.challengeToken, code: right });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("TOO_MANY_LOGIN_ATTEMPTS");
  });

  it("rejects malformed second steps with field errors", async () => {
    expect((await post("/api/v1/auth/mfa/verify", { challengeToken: "mfa_xxxxxxxxxxxx", code: "12ab56" })).status).toBe(400);
    expect((await post("/api/v1/auth/mfa/verify", { challengeToken: "mfa_xxxxxxxxxxxx" })).status).toBe(400);
    expect((await post("/api/v1/auth/mfa/verify", { challengeToken: "mfa_xxxxxxxxxxxx", code: "123456" })).status).toBe(401);
  });

  it("turns off with a code, regenerates recovery codes, and an admin can reset a lost authenticator", async () => {
    const org = await createOrg(deps);
    const admin = await createUser(deps, org.id, "admin");
    const u = await createUser(deps, org.id, "agent");
    const other = await createUser(deps, (await createOrg(deps)).id, "admin");
    const { secret, recoveryCodes } = await enrol(u);
    const api = http(app, u);
    const regen = await api.post("/api/v1/me/mfa/recovery-codes", { recoveryCode: recoveryCodes[1] });
    expect(regen.status).toBe(200);
    expect(regen.body.recoveryCodes).not.toContain(recoveryCodes[2]);
    expect((await api.post("/api/v1/me/mfa/disable", { recoveryCode: recoveryCodes[2] })).status).toBe(400);
    expect((await api.post("/api/v1/me/mfa/disable", { code: await totp(secret, 1) })).status).toBe(200);
    expect((await api.get("/api/v1/me/mfa")).body.enabled).toBe(false);
    expect(await auditEvents(deps, "mfa.disabled", u.id)).toHaveLength(1);
    const s = await login(u.email);
    expect(s.body.user.id).toBe(u.id);

    await enrol(u);
    expect((await http(app, u).post(`/api/v1/users/${admin.id}/mfa/reset`)).status).toBe(403);
    expect((await http(app, other).post(`/api/v1/users/${u.id}/mfa/reset`)).status).toBe(404);
    expect((await http(app, admin).post(`/api/v1/users/${u.id}/mfa/reset`)).status).toBe(200);
    expect((await api.get("/api/v1/me/mfa")).status).toBe(200);
    expect((await login(u.email)).body.user.id).toBe(u.id);
    expect(await auditEvents(deps, "mfa.reset", u.id)).toHaveLength(1);
  });
});

describe("organization policy", () => {
  it("requires MFA for staff: agents without it enrol during sign-in, requesters are not asked", async () => {
    const org = await createOrg(deps);
    const admin = await createUser(deps, org.id, "admin");
    const agent = await createUser(deps, org.id, "agent");
    const requester = await createUser(deps, org.id, "requester");
    expect((await http(app, agent).patch("/api/v1/admin/identity-policy", { requireMfaForStaff: true })).status).toBe(403);
    const set = await http(app, admin).patch("/api/v1/admin/identity-policy", { requireMfaForStaff: true });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ requireMfaForStaff: true, localLoginEnabled: true, scimToken: null });

    expect((await login(requester.email)).body.user.id).toBe(requester.id);
    const c = await login(agent.email);
    expect(c.body).toMatchObject({ mfa: "enrol" });
    expect(c.cookie).toBeUndefined();
    // A verify step with an enrolment challenge is refused.
    expect((await post("/api/v1/auth/mfa/verify", { challengeToken: c.body.challengeToken, code: "123456" })).status).toBe(401);
    const setup = await post("/api/v1/auth/mfa/setup", { challengeToken: c.body.challengeToken });
    expect(setup.status).toBe(200);
    const done = await post("/api/v1/auth/mfa/activate", { challengeToken: c.body.challengeToken, code: await totp(setup.body.secret) });
    expect(done.status).toBe(200);
    expect(done.cookie).toMatch(/^portico_session=/);
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect(await auditEvents(deps, "auth.mfa_enrolment_required", agent.id)).toHaveLength(1);
    // Now it is required: it cannot be turned off.
    expect((await http(app, agent).get("/api/v1/me/mfa")).body).toMatchObject({ enabled: true, required: true });
    expect((await http(app, agent).post("/api/v1/me/mfa/disable", { code: await totp(setup.body.secret, 1) })).status).toBe(409);
    expect((await login(agent.email)).body.mfa).toBe("verify");
  });

  it("switches password sign-in off only with an SSO route in place; admins keep it as break-glass", async () => {
    const org = await createOrg(deps);
    const admin = await createUser(deps, org.id, "admin");
    const agent = await createUser(deps, org.id, "agent");
    const refused = await http(app, admin).patch("/api/v1/admin/identity-policy", { localLoginEnabled: false });
    expect(refused.status).toBe(409);
    await deps.db
      .insertInto("oidc_providers")
      .values({ organization_id: org.id, slug: `idp-${org.slug}`, name: "IdP", issuer: "https://idp.example.test", client_id: "c", claim_mapping: "{}" })
      .execute();
    expect((await http(app, admin).patch("/api/v1/admin/identity-policy", { localLoginEnabled: false })).body.localLoginEnabled).toBe(false);
    const a = await login(agent.email);
    expect(a.status).toBe(403);
    expect(a.body.error.message).toMatch(/single sign-on/);
    expect((await login(agent.email, "wrong password")).status).toBe(401);
    expect((await login(admin.email)).body.user.id).toBe(admin.id);
    const failed = await auditEvents(deps, "auth.login_failed", agent.id);
    expect(failed.map((f) => f.data)).toContainEqual(expect.objectContaining({ reason: "local_login_disabled" }));
  });

  it("issues a SCIM token once and shows only its prefix afterwards", async () => {
    const org = await createOrg(deps);
    const admin = await createUser(deps, org.id, "admin");
    const t = await http(app, admin).post("/api/v1/admin/scim-token");
    expect(t.status).toBe(201);
    expect(t.body.token).toMatch(/^pscim_/);
    const p = await http(app, admin).get("/api/v1/admin/identity-policy");
    expect(p.body.scimToken.prefix).toBe(t.body.prefix);
    expect(JSON.stringify(p.body)).not.toContain(t.body.token);
    expect((await http(app, admin).delete("/api/v1/admin/scim-token")).status).toBe(200);
    expect((await http(app, admin).get("/api/v1/admin/identity-policy")).body.scimToken).toBeNull();
  });
});
