import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../app";
import type { Deps } from "../../deps";
import { createUser, createOrg } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";
import { createMetrics } from "../metrics";
import { type App, createHttpApp } from "./app";
import { AppError } from "./errors";

let app: App;
let deps: Deps;
const extraApps: App[] = [];
const tmpDirs: string[] = [];

beforeAll(async () => {
  deps = testDeps();
  app = await testApp();
});
afterAll(async () => {
  for (const a of extraApps) await a.close();
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  await closeTestApp();
});

/** Signs of a leaked stack trace or source location in a response body. */
const STACK = /\n\s+at\s|\bat\s+\S+\s+\(|node_modules|\.ts:\d+|\.js:\d+/;

function expectEnvelope(r: LightMyRequestResponse, status: number, code: string) {
  expect(r.statusCode).toBe(status);
  const body = r.json();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.requestId).toBe(r.headers["x-request-id"]);
  expect(r.body).not.toMatch(STACK);
  expect(r.headers["content-type"]).toMatch(/^application\/json/);
  return body;
}

async function agent() {
  const org = await createOrg(deps);
  return createUser(deps, org.id, "agent");
}

describe("health and metrics", () => {
  it("/healthz is alive and /readyz checks the database", async () => {
    const live = await app.inject({ method: "GET", url: "/healthz" });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: "ok" });
    const ready = await app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready" });
  });

  it("/readyz answers 503 with Retry-After while shutting down", async () => {
    const draining = await buildApp(deps, { webDist: null, isShuttingDown: () => true });
    extraApps.push(draining);
    const r = await draining.inject({ method: "GET", url: "/readyz" });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toEqual({ status: "shutting_down" });
    expect(r.headers["retry-after"]).toBe("5");
    expect((await draining.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });

  it("/metrics exposes request durations by route template, not by raw URL", async () => {
    const u = await agent();
    await app.inject({ method: "GET", url: "/healthz" });
    const unknown = `/api/v1/unknown-${uniq()}`;
    await http(app, u).get(unknown);
    await http(app, u).get(`/api/v1/users/${u.id}`);
    await expect
      .poll(async () => (await app.inject({ method: "GET", url: "/metrics" })).body)
      .toMatch(/portico_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/);
    const r = await app.inject({ method: "GET", url: "/metrics" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^text\/plain/);
    expect(r.body).toContain("# TYPE portico_http_request_duration_seconds histogram");
    expect(r.body).toMatch(/route="unmatched",status="404"/);
    expect(r.body).not.toContain(unknown);
    expect(r.body).not.toContain(u.id);
    expect(r.body).toContain("portico_process_cpu_seconds_total");
  });
});

describe("OpenAPI", () => {
  it("serves an OpenAPI 3.1 document without sign-in, with the main paths", async () => {
    const r = await app.inject({ method: "GET", url: "/api/v1/openapi.json" });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("Portico API");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/incidents", "/api/v1/auth/login", "/api/v1/incidents/{id}", "/api/v1/admin/priority-matrix"]),
    );
    expect(doc.paths["/api/v1/auth/login"].post).toBeDefined();
    expect(doc.paths["/api/v1/incidents"].post.requestBody).toBeDefined();
    expect(doc.components.securitySchemes).toMatchObject({ bearer: { type: "http", scheme: "bearer" }, session: { in: "cookie", name: "portico_session" } });
    // Internal routes stay out of the document.
    for (const hidden of ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"]) expect(doc.paths[hidden]).toBeUndefined();
  });

  it("serves the interactive docs page without sign-in", async () => {
    const page = await app.inject({ method: "GET", url: "/api/docs" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain("swagger");
    const json = await app.inject({ method: "GET", url: "/api/docs/json" });
    expect(json.statusCode).toBe(200);
    expect(json.json().openapi).toBe("3.1.0");
  });
});

describe("request ids", () => {
  it("every response carries x-request-id, and error envelopes repeat it", async () => {
    const u = await agent();
    const responses = [
      await app.inject({ method: "GET", url: "/healthz" }),
      await app.inject({ method: "GET", url: "/api/v1/openapi.json" }),
      await app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${u.token}` } }),
      await app.inject({ method: "GET", url: "/api/v1/me" }),
      await app.inject({ method: "GET", url: "/nowhere" }),
      await app.inject({ method: "POST", url: "/api/v1/auth/login", headers: { "content-type": "application/json" }, payload: "{" }),
    ];
    const seen = new Set<string>();
    for (const r of responses) {
      const id = r.headers["x-request-id"];
      expect(id, `${r.statusCode} ${r.body.slice(0, 80)}`).toMatch(/^[0-9a-f-]{36}$/);
      seen.add(id as string);
      if (r.statusCode >= 400) expect(r.json().error.requestId).toBe(id);
    }
    expect(seen.size).toBe(responses.length);
  });

  it("echoes a well-formed incoming X-Request-Id and replaces a malformed one", async () => {
    const incoming = `trace.${uniq()}-A_1`;
    const ok = await app.inject({ method: "GET", url: "/api/v1/me", headers: { "x-request-id": incoming } });
    expect(ok.headers["x-request-id"]).toBe(incoming);
    expect(ok.json().error.requestId).toBe(incoming);
    const healthy = await app.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": incoming } });
    expect(healthy.headers["x-request-id"]).toBe(incoming);

    for (const bad of ["has space", "<script>", "x".repeat(65), "a\u00e9b"]) {
      const r = await app.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": bad } });
      expect(r.headers["x-request-id"]).not.toBe(bad);
      expect(r.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("bad requests never become 500s", () => {
  it("invalid JSON → 400 VALIDATION_FAILED", async () => {
    const u = await agent();
    for (const payload of ["{", '{"name": }', "[1,2", "nul"]) {
      const r = await app.inject({
        method: "POST",
        url: "/api/v1/me/tokens",
        headers: { authorization: `Bearer ${u.token}`, "content-type": "application/json" },
        payload,
      });
      expectEnvelope(r, 400, "VALIDATION_FAILED");
    }
    const anon = await app.inject({ method: "POST", url: "/api/v1/auth/login", headers: { "content-type": "application/json" }, payload: '{"email":' });
    expectEnvelope(anon, 400, "VALIDATION_FAILED");
  });

  it("an empty JSON body, a JSON array or a prototype-polluting body → 400", async () => {
    const u = await agent();
    const headers = { authorization: `Bearer ${u.token}`, "content-type": "application/json" };
    expectEnvelope(await app.inject({ method: "POST", url: "/api/v1/me/tokens", headers, payload: "" }), 400, "VALIDATION_FAILED");
    expectEnvelope(await app.inject({ method: "POST", url: "/api/v1/me/tokens", headers, payload: "[]" }), 400, "VALIDATION_FAILED");
    expectEnvelope(
      await app.inject({ method: "POST", url: "/api/v1/me/tokens", headers, payload: '{"name":"x","__proto__":{"admin":true}}' }),
      400,
      "VALIDATION_FAILED",
    );
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("a body over 1 MiB → 413 PAYLOAD_TOO_LARGE", async () => {
    const u = await agent();
    const big = JSON.stringify({ name: "x".repeat(1024 * 1024 + 10) });
    const r = await app.inject({
      method: "POST",
      url: "/api/v1/me/tokens",
      headers: { authorization: `Bearer ${u.token}`, "content-type": "application/json" },
      payload: big,
    });
    expectEnvelope(r, 413, "PAYLOAD_TOO_LARGE");
    const anon = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email: "a@example.test", password: "p".repeat(1024 * 1024 + 10) }),
    });
    expectEnvelope(anon, 413, "PAYLOAD_TOO_LARGE");
    expect(await deps.db.selectFrom("api_tokens").select("id").where("user_id", "=", u.id).where("name", "!=", "test").execute()).toEqual([]);
  });

  it("a wrong content type → 415 or 400, never 500", async () => {
    const u = await agent();
    const text = await app.inject({
      method: "POST",
      url: "/api/v1/me/tokens",
      headers: { authorization: `Bearer ${u.token}`, "content-type": "text/plain" },
      payload: '{"name":"x"}',
    });
    expect([400, 415]).toContain(text.statusCode);
    expectEnvelope(text, text.statusCode, text.statusCode === 415 ? "UNSUPPORTED_MEDIA_TYPE" : "VALIDATION_FAILED");
    const xml = await app.inject({
      method: "POST",
      url: "/api/v1/me/tokens",
      headers: { authorization: `Bearer ${u.token}`, "content-type": "application/xml" },
      payload: "<name>x</name>",
    });
    expectEnvelope(xml, 415, "UNSUPPORTED_MEDIA_TYPE");
    const form = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "email=a&password=b",
    });
    expect([400, 415]).toContain(form.statusCode);
    expect(form.body).not.toMatch(STACK);
    expect(await deps.db.selectFrom("api_tokens").select("id").where("user_id", "=", u.id).where("name", "=", "x").execute()).toEqual([]);
  });

  it("odd URLs, params and queries answer 4xx envelopes", async () => {
    const u = await agent();
    const cases: Array<[string, number]> = [
      [`/api/v1/users/${"a".repeat(300)}`, 404],
      ["/api/v1/users/not-a-uuid", 404],
      ["/api/v1/users?limit=abc", 400],
      ["/api/v1/users?limit=1&limit=2", 400],
      ["/api/v1/me/%E0%A4%A", 400],
    ];
    for (const [url, status] of cases) {
      const r = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${u.token}` } });
      expect(r.statusCode, url).toBe(status);
      expect(r.body, url).not.toMatch(STACK);
    }
  });
});

describe("error handler", () => {
  async function boomApp() {
    const a = await createHttpApp({ logger: deps.log, metrics: createMetrics(), attachmentMaxBytes: 1024 });
    const pgError = (code: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });
    a.get("/boom", async () => {
      throw new Error("password=hunter2 at /srv/portico/server/secret.ts:12:3");
    });
    a.get("/app-error", async () => {
      throw new AppError("CONFLICT", "Already done", [{ field: "body.x", message: "taken" }], { "x-extra": "1" });
    });
    a.get("/pg/unique", async () => {
      throw pgError("23505", 'duplicate key value violates unique constraint "users_email_key"', {
        constraint: "users_email_key",
        detail: "Key (lower(email))=(a@b.c) already exists.",
      });
    });
    a.get("/pg/fk", async () => {
      throw pgError("23503", "insert or update violates foreign key constraint", { constraint: "work_items_service_id_fkey" });
    });
    a.get("/pg/check", async () => {
      throw pgError("23514", "new row violates check constraint", { constraint: "users_role_check" });
    });
    a.get("/pg/serialization", async () => {
      throw pgError("40001", "could not serialize access");
    });
    a.get("/pg/down", async () => {
      throw pgError("57P01", "terminating connection due to administrator command");
    });
    a.get("/net/down", async () => {
      throw pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432");
    });
    a.get("/pg/unknown", async () => {
      throw pgError("XX000", "internal error in relation foo");
    });
    await a.ready();
    extraApps.push(a);
    return a;
  }

  it("maps unknown errors to a bare 500 INTERNAL without details or stacks", async () => {
    const a = await boomApp();
    for (const url of ["/boom", "/pg/unknown"]) {
      const r = await a.inject({ method: "GET", url });
      const body = expectEnvelope(r, 500, "INTERNAL");
      expect(r.body).not.toContain("hunter2");
      expect(r.body).not.toContain("relation foo");
      expect(body.error.details).toBeUndefined();
    }
  });

  it("maps AppError and database errors to their statuses, without leaking SQL", async () => {
    const a = await boomApp();
    const appErr = await a.inject({ method: "GET", url: "/app-error" });
    expect(expectEnvelope(appErr, 409, "CONFLICT").error).toMatchObject({ message: "Already done", details: [{ field: "body.x", message: "taken" }] });
    expect(appErr.headers["x-extra"]).toBe("1");

    const unique = await a.inject({ method: "GET", url: "/pg/unique" });
    expectEnvelope(unique, 409, "CONFLICT");
    expect(unique.body).not.toContain("a@b.c");
    expectEnvelope(await a.inject({ method: "GET", url: "/pg/fk" }), 400, "VALIDATION_FAILED");
    expectEnvelope(await a.inject({ method: "GET", url: "/pg/check" }), 400, "VALIDATION_FAILED");
    expectEnvelope(await a.inject({ method: "GET", url: "/pg/serialization" }), 409, "CONFLICT");
    for (const url of ["/pg/down", "/net/down"]) {
      const r = await a.inject({ method: "GET", url });
      expectEnvelope(r, 503, "SERVICE_UNAVAILABLE");
      expect(r.headers["retry-after"]).toBe("5");
      expect(r.body).not.toContain("127.0.0.1");
    }
  });
});

describe("security headers", () => {
  it("sends CSP, nosniff and no framing on API responses", async () => {
    const r = await app.inject({ method: "GET", url: "/api/v1/me" });
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(r.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(r.headers["x-powered-by"]).toBeUndefined();
  });
});

describe("the built SPA", () => {
  async function spaApp() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-web-"));
    tmpDirs.push(dir);
    fs.mkdirSync(path.join(dir, "assets"));
    fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>Portico SPA</title>");
    fs.writeFileSync(path.join(dir, "assets", "app-123.js"), "console.log('app')");
    fs.writeFileSync(path.join(path.dirname(dir), `secret-${path.basename(dir)}.txt`), "do not serve");
    const a = await buildApp(deps, { webDist: dir });
    extraApps.push(a);
    return { a, dir };
  }

  it("serves index.html for client routes and hashed assets with a long cache", async () => {
    const { a } = await spaApp();
    for (const url of ["/", "/incidents/INC0000042", "/portal?tab=mine"]) {
      const r = await a.inject({ method: "GET", url });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers["content-type"]).toMatch(/^text\/html/);
      expect(r.body).toContain("Portico SPA");
    }
    const asset = await a.inject({ method: "GET", url: "/assets/app-123.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe("console.log('app')");
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    // index.html itself must be revalidated, or a deploy would strand clients on old bundles.
    expect((await a.inject({ method: "GET", url: "/incidents" })).headers["cache-control"]).toBe("no-cache");
  });

  it("does not serve files outside the build folder", async () => {
    const { a, dir } = await spaApp();
    const name = `secret-${path.basename(dir)}.txt`;
    for (const url of [`/../${name}`, `/..%2f${name}`, `/assets/../../${name}`, `/%2e%2e/${name}`]) {
      const r = await a.inject({ method: "GET", url });
      expect(r.body, url).not.toContain("do not serve");
    }
    fs.rmSync(path.join(path.dirname(dir), name), { force: true });
  });

  it("keeps the JSON 404 for unknown /api URLs, signed in or not, and the API working", async () => {
    const { a } = await spaApp();
    const u = await agent();
    for (const headers of [{}, { authorization: `Bearer ${u.token}` }]) {
      const r = await a.inject({ method: "GET", url: "/api/v1/nothing-here", headers });
      expectEnvelope(r, 404, "NOT_FOUND");
    }
    const me = await a.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${u.token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(u.id);
    expectEnvelope(await a.inject({ method: "GET", url: "/api/v1/me" }), 401, "UNAUTHENTICATED");
  });
});
