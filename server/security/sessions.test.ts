import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../deps";
import type { App } from "../platform/http/app";
import { createOrg, createUser, TEST_PASSWORD } from "../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../test/harness";

let app: App;
let deps: Deps;
beforeAll(async () => {
  deps = testDeps();
  app = await testApp();
});
afterAll(closeTestApp);

const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function login(email: string, password: string, ip = freshIp(), cookie?: string) {
  const res = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress: ip,
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    payload: JSON.stringify({ email, password }),
  });
  const setCookie = ([] as string[]).concat(res.headers["set-cookie"] ?? []).find((c) => c.startsWith("portico_session="));
  let body: any = null;
  try {
    body = res.json();
  } catch {}
  return { status: res.statusCode, body, headers: res.headers, cookie: setCookie?.split(";")[0] };
}

/** The parts of an answer an observer could compare (the request id differs by design). */
function shape(r: Awaited<ReturnType<typeof login>>) {
  const { requestId: _, ...error } = r.body?.error ?? {};
  const headers = Object.keys(r.headers)
    .filter((h) => !["x-request-id", "date", "content-length", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"].includes(h))
    .sort();
  return { status: r.status, error, headers, cookie: r.cookie ?? null };
}

describe("session tokens", () => {
  it("every sign-in gets a fresh session and CSRF token; a session planted before sign-in is not adopted", async () => {
    const org = await createOrg(deps);
    const victim = await createUser(deps, org.id, "agent");
    const attacker = await createUser(deps, org.id, "requester");
    const planted = await login(attacker.email, TEST_PASSWORD);
    expect(planted.status).toBe(200);
    const first = await login(victim.email, TEST_PASSWORD, freshIp(), planted.cookie);
    const second = await login(victim.email, TEST_PASSWORD);
    expect(first.status).toBe(200);
    expect(first.cookie).toBeDefined();
    expect(first.cookie).not.toBe(planted.cookie);
    expect(first.cookie).not.toBe(second.cookie);
    expect(first.body.csrfToken).not.toBe(second.body.csrfToken);
    // The planted cookie still belongs to the attacker, never to the victim.
    const me = await http(app, { cookie: planted.cookie as string }).get("/api/v1/me");
    expect(me.body.id).toBe(attacker.id);
    expect((await http(app, { cookie: first.cookie as string }).get("/api/v1/me")).body.id).toBe(victim.id);
  });

  it("a session and an API token die at once when the person is disabled, however that happens", async () => {
    const org = await createOrg(deps);
    const admin = await createUser(deps, org.id, "admin");
    for (const how of ["api", "database"] as const) {
      const u = await createUser(deps, org.id, "agent");
      const s = await login(u.email, TEST_PASSWORD);
      expect((await http(app, { cookie: s.cookie as string }).get("/api/v1/me")).status).toBe(200);
      if (how === "api") expect((await http(app, admin).patch(`/api/v1/users/${u.id}`, { active: false })).status).toBe(200);
      // A directory sync or SCIM may flip the flag without going through the users API.
      else await deps.db.updateTable("users").set({ active: false }).where("id", "=", u.id).execute();
      const bySession = await http(app, { cookie: s.cookie as string }).get("/api/v1/me");
      const byToken = await http(app, u).get("/api/v1/me");
      expect([how, bySession.status, byToken.status]).toEqual([how, 401, 401]);
    }
  });

  it("logout ends the session server-side: replaying the old cookie fails", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const s = await login(u.email, TEST_PASSWORD);
    const out = await http(app, { cookie: s.cookie as string, csrf: s.body.csrfToken }).post("/api/v1/auth/logout");
    expect(out.status).toBe(200);
    const replay = await http(app, { cookie: s.cookie as string, csrf: s.body.csrfToken }).post("/api/v1/me/tokens", { name: "after logout" });
    expect(replay.status).toBe(401);
  });
});

describe("CSRF on every state change (generated from the route table)", () => {
  it("every authenticated POST/PUT/PATCH/DELETE route refuses a session cookie without X-CSRF-Token", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "admin");
    const s = await login(u.email, TEST_PASSWORD);
    const writes = app.routeTable.filter((r) => ["POST", "PUT", "PATCH", "DELETE"].includes(r.method) && r.auth && r.url.startsWith("/api/"));
    expect(writes.length).toBeGreaterThan(50);
    const failures: string[] = [];
    for (const r of writes) {
      const url = r.url.replace(/:[A-Za-z]+/g, "00000000-0000-4000-8000-000000000000").replace(/\*$/, "x");
      const res = await app.inject({
        method: r.method as "POST",
        url,
        headers: { cookie: s.cookie as string, "content-type": "application/json" },
        payload: r.method === "DELETE" ? undefined : "{}",
      });
      if (res.statusCode !== 403 || res.json().error?.code !== "CSRF_FAILED") failures.push(`${r.method} ${r.url} → ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
    // The session survived all of that: nothing was written, nothing was ended.
    expect((await http(app, { cookie: s.cookie as string }).get("/api/v1/me")).status).toBe(200);
  });

  it("routes open without sign-in that change state are few, and each is named with its own credential", async () => {
    // Each of these authenticates by its own means; a new public write must be added here with its reason.
    const allowed: Array<[RegExp, string]> = [
      [/^POST \/api\/v1\/auth\//, "sign-in steps: the credentials, MFA challenge or SSO state are the proof"],
      [/^(POST|PUT|PATCH|DELETE) \/scim\/v2\//, "SCIM: the organization's SCIM bearer token"],
      [/^POST \/api\/v1\/csat\/surveys\/:token\/response$/, "satisfaction survey: the unguessable token mailed to the requester"],
      [/^POST \/api\/v1\/integrations\/alerts\/:id$/, "monitoring alerts: the integration's own bearer secret"],
    ];
    const open = app.routeTable
      .filter((r) => ["POST", "PUT", "PATCH", "DELETE"].includes(r.method) && !r.auth)
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(open.filter((route) => !allowed.some(([re]) => re.test(route)))).toEqual([]);
  });
});

describe("login throttling", () => {
  it("an attacker's failures from elsewhere do not lock the person out of places they use", async () => {
    const max = deps.config.PORTICO_LOGIN_MAX_FAILURES;
    const org = await createOrg(deps);
    const victim = await createUser(deps, org.id, "agent");
    const home = freshIp();
    expect((await login(victim.email, TEST_PASSWORD, home)).status).toBe(200);
    // A distributed attack: failures from many addresses, never enough per address to lock it.
    for (let i = 0; i < max; i++) expect((await login(victim.email, `guess ${i}`, freshIp())).status).toBe(401);
    // The account is locked for new places (even with the right password)…
    const newPlace = await login(victim.email, TEST_PASSWORD, freshIp());
    expect(newPlace.status).toBe(429);
    expect(newPlace.body.error.code).toBe("TOO_MANY_LOGIN_ATTEMPTS");
    // …but the person still signs in from where they signed in before.
    const fromHome = await login(victim.email, TEST_PASSWORD, home);
    expect(fromHome.status).toBe(200);
    expect(fromHome.cookie).toBeDefined();
  });

  it("guessing from one address locks that address and that account-from-that-address, not the account everywhere", async () => {
    const max = deps.config.PORTICO_LOGIN_MAX_FAILURES;
    const org = await createOrg(deps);
    const victim = await createUser(deps, org.id, "agent");
    const office = freshIp();
    expect((await login(victim.email, TEST_PASSWORD, office)).status).toBe(200);
    const attacker = freshIp();
    for (let i = 0; i < max; i++) await login(victim.email, `guess ${i}`, attacker);
    expect((await login(victim.email, TEST_PASSWORD, attacker)).status).toBe(429);
    expect((await login(victim.email, TEST_PASSWORD, office)).status).toBe(200);
  });

  it("answers alike for a wrong password, an unknown account and a disabled account", async () => {
    const org = await createOrg(deps);
    const known = await createUser(deps, org.id, "agent");
    const disabled = await createUser(deps, org.id, "agent");
    await deps.db.updateTable("users").set({ active: false }).where("id", "=", disabled.id).execute();
    const wrong = shape(await login(known.email, "not the password"));
    const unknown = shape(await login(`nobody-${randomInt(1e9)}@example.test`, "not the password"));
    const off = shape(await login(disabled.email, TEST_PASSWORD));
    expect(unknown).toEqual(wrong);
    expect(off).toEqual(wrong);
    expect(wrong.status).toBe(401);
    // Timing: an unknown account still pays for a password hash (no early answer).
    const time = async (email: string) => {
      const t = performance.now();
      await login(email, "not the password");
      return performance.now() - t;
    };
    const k: number[] = [];
    const n: number[] = [];
    for (let i = 0; i < 3; i++) {
      k.push(await time(known.email));
      n.push(await time(`nobody-${randomInt(1e9)}@example.test`));
    }
    const median = (a: number[]) => a.sort((x, y) => x - y)[1];
    expect(median(n)).toBeGreaterThan(median(k) * 0.4);
  });
});
