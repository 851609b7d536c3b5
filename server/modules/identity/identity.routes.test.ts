import { randomInt } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { auditEvents, addMember, createDesk, createGroup, createOrg, createUser, TEST_PASSWORD } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";
import { hashSecret } from "./tokens";

let app: App;
let deps: Deps;

beforeAll(async () => {
  deps = testDeps();
  app = await testApp();
});
afterAll(closeTestApp);

/**
 * Each test signs in from its own address: the login route is rate limited per IP (30/min) and
 * failures are also throttled per IP, so sharing 127.0.0.1 would couple the tests to each other.
 */
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function login(email: string, password: string, ip = freshIp()) {
  const res = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress: ip,
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ email, password }),
  });
  const setCookies = ([] as string[]).concat(res.headers["set-cookie"] ?? []);
  const setCookie = setCookies.find((c) => c.startsWith("portico_session="));
  const cookie = setCookie?.split(";")[0];
  let body: any = null;
  try {
    body = res.json();
  } catch {}
  return { status: res.statusCode, body, headers: res.headers, setCookie, cookie };
}

/** Signs in and returns what a browser would hold: the cookie and the CSRF token. */
async function session(email: string) {
  const r = await login(email, TEST_PASSWORD);
  expect(r.status).toBe(200);
  return { cookie: r.cookie as string, csrf: r.body.csrfToken as string };
}

const SOME_UUID = "00000000-0000-4000-8000-000000000000";

describe("POST /api/v1/auth/login", () => {
  it("opens a session: profile, CSRF token and an HttpOnly SameSite=Lax cookie", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const r = await login(u.email, TEST_PASSWORD);
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: u.id, email: u.email, role: "agent", organization: { id: org.id } });
    expect(r.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(r.setCookie).toBeDefined();
    expect(r.setCookie).toMatch(/HttpOnly/i);
    expect(r.setCookie).toMatch(/SameSite=Lax/i);
    expect(r.setCookie).toMatch(/Path=\//);
    // The session is stored by hash only, with the CSRF token handed out.
    const secret = decodeURIComponent((r.cookie as string).slice("portico_session=".length));
    const row = await deps.db.selectFrom("sessions").selectAll().where("user_id", "=", u.id).executeTakeFirstOrThrow();
    expect(row.csrf_token).toBe(r.body.csrfToken);
    expect(Buffer.compare(row.token_hash, hashSecret(secret))).toBe(0);
    expect(row.token_hash.toString("utf8")).not.toContain(secret);
    expect(await auditEvents(deps, "auth.login", u.id)).toHaveLength(1);
  });

  it("matches the email case-insensitively and trims it", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "requester");
    const r = await login(`  ${u.email.toUpperCase()} `, TEST_PASSWORD);
    expect(r.status).toBe(200);
    expect(r.body.user.id).toBe(u.id);
  });

  it("answers a wrong password and an unknown email alike (401, same message) and audits both", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const wrong = await login(u.email, "not the password");
    const unknownEmail = `nobody-${uniq()}@example.test`;
    const unknown = await login(unknownEmail, TEST_PASSWORD);
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("UNAUTHENTICATED");
      expect(r.setCookie).toBeUndefined();
    }
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    const failed = await auditEvents(deps, "auth.login_failed", u.id);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actor_id: u.id, organization_id: org.id });
    const anon = await deps.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "auth.login_failed")
      .where(sql<boolean>`data->>'email' = ${unknownEmail}`)
      .execute();
    expect(anon).toHaveLength(1);
    expect(anon[0].actor_id).toBeNull();
    expect(await deps.db.selectFrom("sessions").select("id").where("user_id", "=", u.id).execute()).toHaveLength(0);
  });

  it("refuses a missing email or password with 400 naming the field", async () => {
    const noEmail = await http(app).post("/api/v1/auth/login", { password: "x" });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.error.code).toBe("VALIDATION_FAILED");
    expect(noEmail.body.error.details.map((d: { field: string }) => d.field)).toContain("body.email");
    const noPassword = await http(app).post("/api/v1/auth/login", { email: "a@example.test" });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error.details.map((d: { field: string }) => d.field)).toContain("body.password");
  });

  it("locks an email after PORTICO_LOGIN_MAX_FAILURES failures, even for the right password, with Retry-After", async () => {
    const max = deps.config.PORTICO_LOGIN_MAX_FAILURES;
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const other = await createUser(deps, org.id, "agent");
    const ip = freshIp();
    for (let i = 0; i < max; i++) {
      const r = await login(u.email, `wrong ${i}`, ip);
      expect(r.status).toBe(401);
    }
    const locked = await login(u.email, TEST_PASSWORD, ip);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("TOO_MANY_LOGIN_ATTEMPTS");
    expect(locked.setCookie).toBeUndefined();
    const retry = Number(locked.headers["retry-after"]);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(deps.config.PORTICO_LOGIN_LOCK_MINUTES * 60);
    // The lock is per email (also from another address); other people still sign in.
    expect((await login(u.email.toUpperCase(), TEST_PASSWORD)).status).toBe(429);
    expect((await login(other.email, TEST_PASSWORD, ip)).status).toBe(200);
    // Once the lock has passed, the right password works again.
    await deps.db
      .updateTable("login_throttle")
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where("key", "=", `email:${u.email.toLowerCase()}`)
      .execute();
    expect((await login(u.email, TEST_PASSWORD)).status).toBe(200);
  });

  it("clears an email's failure count on a successful sign-in", async () => {
    const max = deps.config.PORTICO_LOGIN_MAX_FAILURES;
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const ip = freshIp();
    for (let i = 0; i < max - 1; i++) expect((await login(u.email, "wrong", ip)).status).toBe(401);
    const key = `email:${u.email.toLowerCase()}`;
    expect((await deps.db.selectFrom("login_throttle").select("failures").where("key", "=", key).executeTakeFirst())?.failures).toBe(max - 1);
    expect((await login(u.email, TEST_PASSWORD, ip)).status).toBe(200);
    expect(await deps.db.selectFrom("login_throttle").select("failures").where("key", "=", key).executeTakeFirst()).toBeUndefined();
    // Without the reset these would add up past the limit.
    for (let i = 0; i < max - 1; i++) expect((await login(u.email, "wrong", ip)).status).toBe(401);
    expect((await login(u.email, TEST_PASSWORD, ip)).status).toBe(200);
  });

  it("refuses an inactive person and one without a password, with the usual 401", async () => {
    const org = await createOrg(deps);
    const inactive = await createUser(deps, org.id, "agent");
    await deps.db.updateTable("users").set({ active: false }).where("id", "=", inactive.id).execute();
    const noPassword = await createUser(deps, org.id, "requester");
    await deps.db.updateTable("users").set({ password_hash: null }).where("id", "=", noPassword.id).execute();
    for (const email of [inactive.email, noPassword.email]) {
      const r = await login(email, TEST_PASSWORD);
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ code: "UNAUTHENTICATED", message: "Wrong email or password" });
      expect(r.setCookie).toBeUndefined();
    }
  });

  it("rate limits the login route per address (RATE_LIMITED after 30 a minute)", async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const r = await app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        remoteAddress: ip,
        headers: { "content-type": "application/json" },
        payload: "{}",
      });
      statuses.push(r.statusCode);
      if (i === 30) expect(r.json().error.code).toBe("RATE_LIMITED");
    }
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});

describe("session cookie and CSRF", () => {
  it("authenticates reads with the cookie and hands back the same CSRF token", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const s = await session(u.email);
    const me = await http(app, { cookie: s.cookie }).get("/api/v1/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: u.id, email: u.email, organization: { id: org.id } });
    const current = await http(app, { cookie: s.cookie }).get("/api/v1/auth/session");
    expect(current.status).toBe(200);
    expect(current.body.csrfToken).toBe(s.csrf);
    expect(current.body.user.id).toBe(u.id);
  });

  it("refuses a write with the cookie but a missing or wrong X-CSRF-Token; accepts the right one", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const other = await createUser(deps, org.id, "agent");
    const s = await session(u.email);
    const s2 = await session(other.email);
    const missing = await http(app, { cookie: s.cookie }).post("/api/v1/me/tokens", { name: "cli" });
    const wrong = await http(app, { cookie: s.cookie, csrf: `${s.csrf}x` }).post("/api/v1/me/tokens", { name: "cli" });
    const othersToken = await http(app, { cookie: s.cookie, csrf: s2.csrf }).post("/api/v1/me/tokens", { name: "cli" });
    for (const r of [missing, wrong, othersToken]) {
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe("CSRF_FAILED");
    }
    expect(await deps.db.selectFrom("api_tokens").select("id").where("user_id", "=", u.id).where("name", "=", "cli").execute()).toHaveLength(0);
    const ok = await http(app, { cookie: s.cookie, csrf: s.csrf }).post("/api/v1/me/tokens", { name: "cli" });
    expect(ok.status).toBe(201);
    expect(ok.body.name).toBe("cli");
  });

  it("refuses a forged, tampered or expired cookie", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const s = await session(u.email);
    const tampered = `${s.cookie.slice(0, -2)}AA`;
    expect((await http(app, { cookie: tampered }).get("/api/v1/me")).status).toBe(401);
    expect((await http(app, { cookie: "portico_session=nonsense" }).get("/api/v1/me")).status).toBe(401);
    await deps.db
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("user_id", "=", u.id)
      .execute();
    const expired = await http(app, { cookie: s.cookie }).get("/api/v1/me");
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("logout needs the CSRF token, ends the session and clears the cookie", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const s = await session(u.email);
    const forged = await http(app, { cookie: s.cookie }).post("/api/v1/auth/logout");
    expect(forged.status).toBe(403);
    expect((await http(app, { cookie: s.cookie }).get("/api/v1/me")).status).toBe(200);

    const out = await http(app, s).post("/api/v1/auth/logout");
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ ok: true });
    const cleared = ([] as string[]).concat(out.headers["set-cookie"] ?? []).find((c) => c.startsWith("portico_session="));
    expect(cleared).toMatch(/^portico_session=;/);
    const after = await http(app, { cookie: s.cookie }).get("/api/v1/me");
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("UNAUTHENTICATED");
    expect(await deps.db.selectFrom("sessions").select("id").where("user_id", "=", u.id).execute()).toHaveLength(0);
    expect(await auditEvents(deps, "auth.logout", u.id)).toHaveLength(1);
  });

  it("ends only the session that logs out", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const laptop = await session(u.email);
    const phone = await session(u.email);
    expect((await http(app, laptop).post("/api/v1/auth/logout")).status).toBe(200);
    expect((await http(app, { cookie: laptop.cookie }).get("/api/v1/me")).status).toBe(401);
    expect((await http(app, { cookie: phone.cookie }).get("/api/v1/me")).status).toBe(200);
  });
});

describe("personal API tokens", () => {
  it("returns the secret once, lists the token without it, and stores only its hash", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const created = await http(app, u).post("/api/v1/me/tokens", { name: "ci", expiresInDays: 30 });
    expect(created.status).toBe(201);
    const secret: string = created.body.token;
    expect(secret.startsWith("ptk_")).toBe(true);
    expect(created.body).toMatchObject({ name: "ci", prefix: secret.slice(0, 10), lastUsedAt: null });
    const expiresIn = new Date(created.body.expiresAt).getTime() - Date.now();
    expect(Math.abs(expiresIn - 30 * 86400_000)).toBeLessThan(60_000);

    const list = await http(app, u).get("/api/v1/me/tokens");
    expect(list.status).toBe(200);
    const listed = list.body.items.find((t: { id: string }) => t.id === created.body.id);
    expect(listed).toMatchObject({ name: "ci", prefix: secret.slice(0, 10) });
    expect(listed.token).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(secret);

    const row = await deps.db.selectFrom("api_tokens").selectAll().where("id", "=", created.body.id).executeTakeFirstOrThrow();
    expect(Buffer.compare(row.token_hash, hashSecret(secret))).toBe(0);
    expect(row.token_hash.toString("utf8")).not.toBe(secret);
    expect(JSON.stringify(row)).not.toContain(secret.slice(10));
    expect(await auditEvents(deps, "token.created", created.body.id)).toHaveLength(1);
  });

  it("authenticates with Authorization: Bearer until revoked", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const created = await http(app, u).post("/api/v1/me/tokens", { name: "script" });
    const viaToken = { ...u, token: created.body.token as string };
    const me = await http(app, viaToken).get("/api/v1/me");
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(u.id);

    const revoked = await http(app, u).delete(`/api/v1/me/tokens/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ ok: true });
    const after = await http(app, viaToken).get("/api/v1/me");
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("UNAUTHENTICATED");
    const list = await http(app, u).get("/api/v1/me/tokens");
    expect(list.body.items.map((t: { id: string }) => t.id)).not.toContain(created.body.id);
    // Revoking twice: nothing left to revoke.
    expect((await http(app, u).delete(`/api/v1/me/tokens/${created.body.id}`)).status).toBe(404);
    expect(await auditEvents(deps, "token.revoked", created.body.id)).toHaveLength(1);
  });

  it("refuses an expired token", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const created = await http(app, u).post("/api/v1/me/tokens", { name: "short-lived", expiresInDays: 1 });
    const viaToken = { ...u, token: created.body.token as string };
    expect((await http(app, viaToken).get("/api/v1/me")).status).toBe(200);
    await deps.db
      .updateTable("api_tokens")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", created.body.id)
      .execute();
    const r = await http(app, viaToken).get("/api/v1/me");
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a malformed or unknown Authorization header with 401 (even on public routes)", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    for (const authorization of [
      "Basic dXNlcjpwYXNz",
      "Bearer",
      "Bearer ",
      `Bearer ${u.token} extra`,
      u.token,
      "Bearer ptk_unknown",
      `Bearer ${u.token.slice(4)}`,
    ]) {
      const r = await app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization } });
      expect(r.statusCode, authorization).toBe(401);
      expect(r.json().error.code).toBe("UNAUTHENTICATED");
    }
    const onLogin = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      remoteAddress: freshIp(),
      headers: { authorization: "Bearer ptk_unknown", "content-type": "application/json" },
      payload: JSON.stringify({ email: u.email, password: TEST_PASSWORD }),
    });
    expect(onLogin.statusCode).toBe(401);
  });

  it("needs no CSRF token with a bearer token, and the bearer wins over a cookie", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const other = await createUser(deps, org.id, "agent");
    const s = await session(other.email);
    const r = await app.inject({
      method: "POST",
      url: "/api/v1/me/tokens",
      headers: { authorization: `Bearer ${u.token}`, cookie: s.cookie, "content-type": "application/json" },
      payload: JSON.stringify({ name: "both" }),
    });
    expect(r.statusCode).toBe(201);
    const row = await deps.db.selectFrom("api_tokens").select("user_id").where("id", "=", r.json().id).executeTakeFirstOrThrow();
    expect(row.user_id).toBe(u.id);
  });

  it("cannot revoke someone else's token (404), which keeps working", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const victim = await createUser(deps, org.id, "agent");
    const theirs = await http(app, victim).post("/api/v1/me/tokens", { name: "theirs" });
    const r = await http(app, u).delete(`/api/v1/me/tokens/${theirs.body.id}`);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("NOT_FOUND");
    expect((await http(app, { ...victim, token: theirs.body.token }).get("/api/v1/me")).status).toBe(200);
    const otherOrg = await createOrg(deps);
    const stranger = await createUser(deps, otherOrg.id, "admin");
    expect((await http(app, stranger).delete(`/api/v1/me/tokens/${theirs.body.id}`)).status).toBe(404);
    expect((await http(app, u).delete("/api/v1/me/tokens/not-a-uuid")).status).toBe(400);
  });

  it("validates the token request", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const noName = await http(app, u).post("/api/v1/me/tokens", { name: "  " });
    expect(noName.status).toBe(400);
    expect(noName.body.error.details[0].field).toBe("body.name");
    const tooLong = await http(app, u).post("/api/v1/me/tokens", { name: "x", expiresInDays: 0 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details[0].field).toBe("body.expiresInDays");
  });
});

describe("anonymous calls", () => {
  const routes: Array<[string, string]> = [
    ["GET", "/api/v1/me"],
    ["GET", "/api/v1/auth/session"],
    ["POST", "/api/v1/auth/logout"],
    ["GET", "/api/v1/me/tokens"],
    ["POST", "/api/v1/me/tokens"],
    ["DELETE", `/api/v1/me/tokens/${SOME_UUID}`],
    ["GET", "/api/v1/users"],
    ["POST", "/api/v1/users"],
    ["PATCH", `/api/v1/users/${SOME_UUID}`],
    ["GET", "/api/v1/groups"],
    ["POST", "/api/v1/groups"],
    ["PATCH", `/api/v1/groups/${SOME_UUID}`],
  ];
  it.each(routes)("%s %s → 401 with the error envelope", async (method, url) => {
    const r = await app.inject({
      method: method as "GET",
      url,
      ...(method === "GET" || method === "DELETE" ? {} : { headers: { "content-type": "application/json" }, payload: "{}" }),
    });
    expect(r.statusCode).toBe(401);
    const body = r.json();
    expect(body.error).toMatchObject({ code: "UNAUTHENTICATED", message: expect.any(String), requestId: r.headers["x-request-id"] });
  });

  it("an unknown /api route is a 404 envelope, signed in or not", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    for (const who of [u, undefined]) {
      const r = await http(app, who).get("/api/v1/no-such-thing?x=1");
      expect(r.status).toBe(404);
      expect(r.body.error).toMatchObject({ code: "NOT_FOUND", message: "No route for GET /api/v1/no-such-thing" });
    }
  });
});

describe("users", () => {
  it("lists only the caller's organization, with role and q filters, for staff", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const all = await http(app, desk.agent).get("/api/v1/users");
    expect(all.status).toBe(200);
    const ids = all.body.items.map((u: { id: string }) => u.id).sort();
    expect(ids).toEqual([desk.admin.id, desk.agent.id, desk.agent2.id, desk.requester.id, desk.requester2.id].sort());
    for (const stranger of [other.admin, other.agent, other.requester]) expect(ids).not.toContain(stranger.id);

    const staff = await http(app, desk.agent).get("/api/v1/users?role=staff");
    expect(staff.body.items.map((u: { id: string }) => u.id).sort()).toEqual([desk.admin.id, desk.agent.id, desk.agent2.id].sort());
    expect(staff.body.items.every((u: { role: string }) => u.role !== "requester")).toBe(true);

    const requesters = await http(app, desk.admin).get("/api/v1/users?role=requester");
    expect(requesters.body.items.map((u: { id: string }) => u.id).sort()).toEqual([desk.requester.id, desk.requester2.id].sort());

    const byName = await http(app, desk.agent).get(`/api/v1/users?q=${encodeURIComponent(desk.agent2.name.slice(-8))}`);
    expect(byName.body.items.map((u: { id: string }) => u.id)).toEqual([desk.agent2.id]);
    // q searches this organization only, even for another organization's exact email.
    const foreign = await http(app, desk.agent).get(`/api/v1/users?q=${encodeURIComponent(other.agent.email)}`);
    expect(foreign.body.items).toEqual([]);
    // LIKE wildcards are matched literally.
    expect((await http(app, desk.agent).get("/api/v1/users?q=%25")).body.items).toEqual([]);

    const inGroup = await http(app, desk.agent).get(`/api/v1/users?groupId=${desk.group.id}`);
    expect(inGroup.body.items.map((u: { id: string }) => u.id).sort()).toEqual([desk.agent.id, desk.agent2.id].sort());
    expect(inGroup.body.items[0]).not.toHaveProperty("password_hash");

    const limited = await http(app, desk.agent).get("/api/v1/users?limit=2");
    expect(limited.body.items).toHaveLength(2);
    expect((await http(app, desk.agent).get("/api/v1/users?limit=0")).status).toBe(400);
    expect((await http(app, desk.agent).get("/api/v1/users?role=boss")).status).toBe(400);
  });

  it("refuses the directory to requesters (403)", async () => {
    const desk = await createDesk(deps);
    const r = await http(app, desk.requester).get("/api/v1/users");
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("FORBIDDEN");
  });

  it("lets an admin create a person who can then sign in", async () => {
    const desk = await createDesk(deps);
    const email = `new-${uniq()}@example.test`;
    const r = await http(app, desk.admin).post("/api/v1/users", { email, name: "New Agent", role: "agent", password: "a long enough password" });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: expect.any(String), email, name: "New Agent", role: "agent", active: true, managerId: null });
    const row = await deps.db.selectFrom("users").selectAll().where("id", "=", r.body.id).executeTakeFirstOrThrow();
    expect(row.organization_id).toBe(desk.org.id);
    expect(row.password_hash).not.toContain("a long enough password");
    expect(await auditEvents(deps, "user.created", r.body.id)).toHaveLength(1);
    const signIn = await login(email, "a long enough password");
    expect(signIn.status).toBe(200);
    expect(signIn.body.user.organization.id).toBe(desk.org.id);
  });

  it("refuses creating people to agents (403), duplicates (409) and bad input (400)", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const email = `x-${uniq()}@example.test`;
    const asAgent = await http(app, desk.agent).post("/api/v1/users", { email, name: "X", role: "agent" });
    expect(asAgent.status).toBe(403);
    expect(asAgent.body.error.code).toBe("FORBIDDEN");
    expect(await deps.db.selectFrom("users").select("id").where("email", "=", email).execute()).toHaveLength(0);

    // Emails sign people in, so they are unique across organizations and case.
    for (const dup of [desk.agent.email.toUpperCase(), other.agent.email]) {
      const r = await http(app, desk.admin).post("/api/v1/users", { email: dup, name: "Dup", role: "agent" });
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe("CONFLICT");
    }
    const badEmail = await http(app, desk.admin).post("/api/v1/users", { email: "not-an-email", name: "X", role: "agent" });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.details.map((d: { field: string }) => d.field)).toContain("body.email");
    const shortPassword = await http(app, desk.admin).post("/api/v1/users", { email, name: "X", role: "agent", password: "short" });
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.body.error.details.map((d: { field: string }) => d.field)).toContain("body.password");
    const badRole = await http(app, desk.admin).post("/api/v1/users", { email, name: "X", role: "root" });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.details.map((d: { field: string }) => d.field)).toContain("body.role");
  });

  it("deactivating a person ends their sessions and tokens at once", async () => {
    const desk = await createDesk(deps);
    const s = await session(desk.agent.email);
    expect((await http(app, { cookie: s.cookie }).get("/api/v1/me")).status).toBe(200);
    const r = await http(app, desk.admin).patch(`/api/v1/users/${desk.agent.id}`, { active: false });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: desk.agent.id, active: false });
    expect((await http(app, { cookie: s.cookie }).get("/api/v1/me")).status).toBe(401);
    expect((await http(app, desk.agent).get("/api/v1/me")).status).toBe(401);
    expect(await deps.db.selectFrom("sessions").select("id").where("user_id", "=", desk.agent.id).execute()).toHaveLength(0);
    expect((await login(desk.agent.email, TEST_PASSWORD)).status).toBe(401);
    // Reactivated, they can sign in again.
    expect((await http(app, desk.admin).patch(`/api/v1/users/${desk.agent.id}`, { active: true })).status).toBe(200);
    expect((await login(desk.agent.email, TEST_PASSWORD)).status).toBe(200);
  });

  it("changing a password ends sessions and the new password works", async () => {
    const desk = await createDesk(deps);
    const s = await session(desk.requester.email);
    const r = await http(app, desk.admin).patch(`/api/v1/users/${desk.requester.id}`, { password: "another good password" });
    expect(r.status).toBe(200);
    expect((await http(app, { cookie: s.cookie }).get("/api/v1/me")).status).toBe(401);
    expect((await login(desk.requester.email, TEST_PASSWORD)).status).toBe(401);
    expect((await login(desk.requester.email, "another good password")).status).toBe(200);
    const audit = await auditEvents(deps, "user.updated", desk.requester.id);
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0].data)).not.toContain("another good password");
  });

  it("changes role and name; another organization's person is 404; agents get 403", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const promoted = await http(app, desk.admin).patch(`/api/v1/users/${desk.requester.id}`, { role: "agent", name: "Promoted" });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ role: "agent", name: "Promoted" });

    const foreign = await http(app, desk.admin).patch(`/api/v1/users/${other.agent.id}`, { active: false, name: "Hijacked" });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe("NOT_FOUND");
    const untouched = await deps.db.selectFrom("users").select(["active", "name"]).where("id", "=", other.agent.id).executeTakeFirstOrThrow();
    expect(untouched).toEqual({ active: true, name: other.agent.name });
    expect((await http(app, other.agent).get("/api/v1/me")).status).toBe(200);

    expect((await http(app, desk.admin).patch(`/api/v1/users/${SOME_UUID}`, { name: "Ghost" })).status).toBe(404);
    const asAgent = await http(app, desk.agent).patch(`/api/v1/users/${desk.agent2.id}`, { active: false });
    expect(asAgent.status).toBe(403);
    expect((await http(app, desk.agent2).get("/api/v1/me")).status).toBe(200);
  });

  it("an admin cannot deactivate or demote themselves (409)", async () => {
    const desk = await createDesk(deps);
    for (const body of [{ active: false }, { role: "agent" }]) {
      const r = await http(app, desk.admin).patch(`/api/v1/users/${desk.admin.id}`, body);
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe("CONFLICT");
    }
    const row = await deps.db.selectFrom("users").select(["active", "role"]).where("id", "=", desk.admin.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ active: true, role: "admin" });
    // Renaming oneself is fine.
    expect((await http(app, desk.admin).patch(`/api/v1/users/${desk.admin.id}`, { name: "Still Admin" })).status).toBe(200);
  });
});

describe("groups", () => {
  it("lists the organization's groups with members, for staff only", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const r = await http(app, desk.agent).get("/api/v1/groups");
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({ id: desk.group.id, name: "Service Desk" });
    expect([...r.body.items[0].memberIds].sort()).toEqual([desk.agent.id, desk.agent2.id].sort());
    expect(r.body.items.map((g: { id: string }) => g.id)).not.toContain(other.group.id);
    const asRequester = await http(app, desk.requester).get("/api/v1/groups");
    expect(asRequester.status).toBe(403);
    expect(asRequester.body.error.code).toBe("FORBIDDEN");
  });

  it("lets an admin create a group with staff members", async () => {
    const desk = await createDesk(deps);
    const r = await http(app, desk.admin).post("/api/v1/groups", {
      name: "Network",
      description: "Routers and switches",
      email: "network@example.test",
      memberIds: [desk.agent.id, desk.admin.id, desk.agent.id],
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "Network", description: "Routers and switches", email: "network@example.test" });
    expect([...r.body.memberIds].sort()).toEqual([desk.agent.id, desk.admin.id].sort());
    const members = await deps.db.selectFrom("group_members").select(["user_id", "organization_id"]).where("group_id", "=", r.body.id).execute();
    expect(members.map((m) => m.user_id).sort()).toEqual([desk.agent.id, desk.admin.id].sort());
    expect(members.every((m) => m.organization_id === desk.org.id)).toBe(true);
    expect(await auditEvents(deps, "group.created", r.body.id)).toHaveLength(1);
    // Same name again (any case) conflicts.
    expect((await http(app, desk.admin).post("/api/v1/groups", { name: "NETWORK" })).status).toBe(409);
  });

  it("refuses members who are requesters or from another organization (400 naming body.memberIds)", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    for (const bad of [desk.requester.id, other.agent.id, SOME_UUID]) {
      const name = `Bad ${uniq()}`;
      const r = await http(app, desk.admin).post("/api/v1/groups", { name, memberIds: [desk.agent.id, bad] });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("VALIDATION_FAILED");
      expect(r.body.error.details[0].field).toBe("body.memberIds");
      expect(await deps.db.selectFrom("groups").select("id").where("name", "=", name).execute()).toHaveLength(0);
    }
  });

  it("refuses a deactivated agent as a member", async () => {
    const desk = await createDesk(deps);
    await deps.db.updateTable("users").set({ active: false }).where("id", "=", desk.agent2.id).execute();
    const name = `Gone ${uniq()}`;
    const r = await http(app, desk.admin).post("/api/v1/groups", { name, memberIds: [desk.agent.id, desk.agent2.id] });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].field).toBe("body.memberIds");
    expect(await deps.db.selectFrom("groups").select("id").where("name", "=", name).execute()).toHaveLength(0);
  });

  it("PATCH replaces the members (and keeps them when not given)", async () => {
    const desk = await createDesk(deps);
    const other = await createDesk(deps);
    const renamed = await http(app, desk.admin).patch(`/api/v1/groups/${desk.group.id}`, { name: "Desk" });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe("Desk");
    expect([...renamed.body.memberIds].sort()).toEqual([desk.agent.id, desk.agent2.id].sort());

    const r = await http(app, desk.admin).patch(`/api/v1/groups/${desk.group.id}`, { memberIds: [desk.agent2.id, desk.admin.id] });
    expect(r.status).toBe(200);
    expect([...r.body.memberIds].sort()).toEqual([desk.agent2.id, desk.admin.id].sort());
    const rows = await deps.db.selectFrom("group_members").select("user_id").where("group_id", "=", desk.group.id).execute();
    expect(rows.map((m) => m.user_id).sort()).toEqual([desk.agent2.id, desk.admin.id].sort());
    const me = await http(app, desk.agent).get("/api/v1/me");
    expect(me.body.groups).toEqual([]);

    const bad = await http(app, desk.admin).patch(`/api/v1/groups/${desk.group.id}`, { name: "Renamed again", memberIds: [desk.requester.id] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe("body.memberIds");
    const unchanged = await deps.db.selectFrom("groups").select("name").where("id", "=", desk.group.id).executeTakeFirstOrThrow();
    expect(unchanged.name).toBe("Desk");

    const emptied = await http(app, desk.admin).patch(`/api/v1/groups/${desk.group.id}`, { memberIds: [] });
    expect(emptied.body.memberIds).toEqual([]);

    expect((await http(app, desk.admin).patch(`/api/v1/groups/${other.group.id}`, { name: "Stolen" })).status).toBe(404);
    const otherRow = await deps.db.selectFrom("groups").select("name").where("id", "=", other.group.id).executeTakeFirstOrThrow();
    expect(otherRow.name).toBe("Service Desk");
  });

  it("refuses group changes to agents (403)", async () => {
    const desk = await createDesk(deps);
    const create = await http(app, desk.agent).post("/api/v1/groups", { name: "Mine" });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe("FORBIDDEN");
    const patch = await http(app, desk.agent).patch(`/api/v1/groups/${desk.group.id}`, { memberIds: [desk.agent.id] });
    expect(patch.status).toBe(403);
    const rows = await deps.db.selectFrom("group_members").select("user_id").where("group_id", "=", desk.group.id).execute();
    expect(rows).toHaveLength(2);
  });

  it("shows group membership on /me", async () => {
    const org = await createOrg(deps);
    const g = await createGroup(deps, org.id, `Apps ${uniq()}`);
    const u = await createUser(deps, org.id, "agent");
    await addMember(deps, org.id, g.id, u.id);
    const me = await http(app, u).get("/api/v1/me");
    expect(me.body.groups).toEqual([{ id: g.id, name: g.name }]);
  });
});

describe("role changes", () => {
  it("demoting an agent to requester takes them out of their groups", async () => {
    const { createDesk } = await import("../../test/factories");
    const { http: h, testApp: t, testDeps: td } = await import("../../test/harness");
    const a = await t();
    const d = await createDesk(td());
    const res = await h(a, d.admin).patch(`/api/v1/users/${d.agent.id}`, { role: "requester" });
    expect(res.status).toBe(200);
    const groups = await h(a, d.admin).get("/api/v1/groups");
    expect(groups.body.items.flatMap((g: { memberIds: string[] }) => g.memberIds)).not.toContain(d.agent.id);
  });
});
