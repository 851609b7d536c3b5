import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../platform/http/app";
import { createDesk } from "../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../test/harness";
import { arbitraryFor, EVIL_STRINGS } from "./openapi-arbitrary";

/**
 * Schema-driven fuzzing of every operation in the OpenAPI document: requests built from each operation's
 * own parameter and body schemas (mostly valid, some hostile leaves), plus every query parameter and path
 * parameter with SQL metacharacters. Never a 500, never a stack trace or SQL text in an answer.
 */

let app: App;
let doc: any;
let desk: Awaited<ReturnType<typeof createDesk>>;
const pool: string[] = [];
const stats: Record<string, number> = {};
// The default budget keeps this file to ~15 s on a quiet machine; PORTICO_FUZZ_RUNS=8 PORTICO_FUZZ_DEEP=1
// (the deep run, ~12,000 requests) is for a nightly job or before a release.
const RUNS = Number(process.env.PORTICO_FUZZ_RUNS ?? 2);
const DEEP = process.env.PORTICO_FUZZ_DEEP === "1";
/** The SQL metacharacter strings every query parameter gets (all of EVIL_STRINGS in the deep run). */
const SQL_META = DEEP
  ? EVIL_STRINGS
  : ["'", "' OR '1'='1", "'; DROP TABLE work_items; --", '"', "\\", "%", "_", "created_at;--", "title desc, (select 1)", "\u0000"];

beforeAll(async () => {
  app = await testApp();
  doc = app.swagger();
  desk = await createDesk(testDeps());
  const inc = await http(app, desk.agent).post("/api/v1/incidents", { title: "Fuzz target", description: "x", impact: "low", urgency: "low" });
  pool.push(inc.body.id, inc.body.number, desk.agent.id, desk.group.id);
});
afterAll(async () => {
  console.log(`fuzz: answers by status class ${JSON.stringify(stats)}`);
  await closeTestApp();
});

const STACK = /\n\s+at\s|\bat\s+\S+\s+\(|node_modules|\.ts:\d+|\.js:\d+/;
const SQL_TEXT =
  /syntax error at or near|violates (foreign key|unique|check|not-null)|relation "|column "[^"]*" (does not exist|of relation)|duplicate key value|invalid input syntax|pg_catalog|\bselect\b[^"]{0,80}\bfrom\b|\binsert into\b|\bupdate \w+ set\b/i;

interface Op {
  method: string;
  path: string;
  op: any;
}

function operations(): Op[] {
  const out: Op[] = [];
  for (const [path, methods] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      if (["get", "post", "put", "patch", "delete"].includes(method)) out.push({ method: method.toUpperCase(), path, op });
    }
  }
  return out;
}

/** encodeURIComponent, except that a lone surrogate becomes invalid UTF-8 on the wire instead of throwing. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s
      .split("")
      .map((c) => {
        try {
          return encodeURIComponent(c);
        } catch {
          return "%ED%A0%80";
        }
      })
      .join("");
  }
}

function queryString(q: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    const s = Array.isArray(v) ? v.map(String).join(",") : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
    parts.push(`${enc(k)}=${enc(s)}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name) => enc(params[name] ?? "x"));
}

/** Checks one answer; returns a description of what is wrong, or null. */
function problem(res: LightMyRequestResponse, sent: string[]): string | null {
  if (res.statusCode >= 500) return `status ${res.statusCode}: ${res.body.slice(0, 300)}`;
  let body = res.body;
  // Our own input echoed back (a created title, a validation message quoting it) is not a leak.
  for (const s of sent) {
    if (s.length < 3) continue;
    body = body.split(s).join("");
    body = body.split(JSON.stringify(s).slice(1, -1)).join("");
  }
  if (STACK.test(body)) return `stack trace: ${body.slice(0, 300)}`;
  if (res.statusCode >= 400 && SQL_TEXT.test(body)) return `SQL text in an error: ${body.slice(0, 300)}`;
  return null;
}

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) strings(x, strings(k, out));
  return out;
}

async function send(o: Op, who: { token: string }, pathParams: Record<string, string>, query: Record<string, unknown>, body: unknown) {
  const url = fillPath(o.path, pathParams) + queryString(query);
  const hasBody = ["POST", "PUT", "PATCH"].includes(o.method);
  const res = await app.inject({
    method: o.method as "GET",
    url,
    headers: { authorization: `Bearer ${who.token}`, ...(hasBody ? { "content-type": "application/json" } : {}) },
    payload: hasBody ? JSON.stringify(body ?? {}) : undefined,
  });
  const bucket = `${Math.floor(res.statusCode / 100)}xx`;
  stats[bucket] = (stats[bucket] ?? 0) + 1;
  return { url, res, sent: [...strings(pathParams), ...strings(query), ...strings(body)] };
}

function paramsOf(o: Op, where: "path" | "query"): any[] {
  return (o.op.parameters ?? []).filter((p: any) => p.in === where);
}

// Three slices keep each test well inside its timeout and point at the area that failed.
const slices = [
  ["incidents, problems, changes, requests", /^\/api\/v1\/(incidents|problems|changes|change-|requests|request-tasks|work-items|known-errors|freeze|calendar)/],
  ["knowledge, CMDB, assets, catalog, search", /^\/api\/v1\/(knowledge|cmdb|assets|licences|vendor|renewal|catalog|search|approvals|desks)/],
  ["identity, admin, SLA, notifications, the rest", /.*/],
] as const;

function sliceOf(path: string): string {
  for (const [name, re] of slices) if (re.test(path)) return name;
  return slices[slices.length - 1][0];
}

describe("schema-driven fuzzing of every OpenAPI operation", () => {
  it("the document lists the API (every /api/v1 route but a few internal ones is in it)", () => {
    const ops = new Set(operations().map((o) => `${o.method} ${o.path.replace(/\{([^}]+)\}/g, ":$1")}`));
    const missing = app.routeTable
      .filter((r) => r.url.startsWith("/api/v1/") && !r.hidden && r.method !== "HEAD" && r.method !== "OPTIONS")
      .map((r) => `${r.method} ${r.url}`)
      .filter((r) => !ops.has(r));
    expect(missing).toEqual([]);
    expect(ops.size).toBeGreaterThan(250);
  });

  for (const [name] of slices) {
    it(`${name}: generated requests never answer 500 or leak internals`, async () => {
      const ops = operations().filter((o) => sliceOf(o.path) === name);
      const failures: string[] = [];
      const components = doc.components?.schemas ?? {};
      for (const o of ops) {
        const pathArb = fc.record(
          Object.fromEntries(
            paramsOf(o, "path").map((p: any) => [p.name, fc.oneof(fc.constantFrom(...pool), fc.uuid(), fc.constantFrom(...EVIL_STRINGS.slice(0, 12)))]),
          ) as Record<string, fc.Arbitrary<string>>,
        );
        const queryArb = fc.record(Object.fromEntries(paramsOf(o, "query").map((p: any) => [p.name, arbitraryFor(p.schema, components, 0, 0.2)])), {
          requiredKeys: [],
        });
        const bodySchema = o.op.requestBody?.content?.["application/json"]?.schema;
        // Half the bodies follow the schema exactly (to reach the handler), half carry hostile leaves.
        const bodyArb = bodySchema
          ? fc.oneof(arbitraryFor(bodySchema, components, 0, 0), arbitraryFor(bodySchema, components, 0, 0.15))
          : fc.constant(undefined);
        const whoArb = fc.constantFrom(desk.admin, desk.agent, desk.requester);
        const samples = fc.sample(fc.tuple(whoArb, pathArb, queryArb, bodyArb), { numRuns: RUNS, seed: 4242 });
        await Promise.all(
          samples.map(async ([who, pp, q, b]) => {
            const { url, res, sent } = await send(o, who, pp as Record<string, string>, q as Record<string, unknown>, b);
            const p = problem(res, sent);
            if (p) failures.push(`${o.method} ${url}\n  body ${JSON.stringify(b)?.slice(0, 300)}\n  → ${p}`);
          }),
        );
      }
      expect(failures).toEqual([]);
    }, 240_000);
  }

  it("SQL metacharacters in every query (filter, sort, cursor) and path parameter: 2xx/4xx, no SQL in answers", async () => {
    const failures: string[] = [];
    const ops = operations();
    let calls = 0;
    for (const o of ops) {
      const base = Object.fromEntries(paramsOf(o, "path").map((p: any) => [p.name, pool[0]]));
      const cases: Array<[Record<string, string>, Record<string, unknown>]> = [];
      for (const p of paramsOf(o, "query")) for (const evil of SQL_META) cases.push([base, { [p.name]: evil }]);
      for (const p of paramsOf(o, "path")) for (const evil of SQL_META.slice(0, DEEP ? 16 : 5)) cases.push([{ ...base, [p.name]: evil }, {}]);
      await Promise.all(
        cases.map(async ([pp, q]) => {
          const { url, res, sent } = await send(o, desk.admin, pp, q, {});
          calls++;
          const bad = problem(res, sent);
          if (bad) failures.push(`${o.method} ${url} → ${bad}`);
        }),
      );
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(DEEP ? 3000 : 1000);
  }, 300_000);
});
