import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildApp } from "../app";
import type { Deps } from "../deps";
import { loadConfig } from "../platform/config";
import { APP_ROLE, createDb, type Db } from "../platform/db/db";
import type { App } from "../platform/http/app";
import { createLogger } from "../platform/logger";
import { createMetrics } from "../platform/metrics";
import { migrateAll } from "../runtime";
import { seedDemo } from "../seed/demo";
import { createDesk, createUser } from "../test/factories";
import { arbitraryFor } from "./openapi-arbitrary";

/**
 * Tenant isolation generated from the route table. Organization B is the demo seed (every practice has
 * records); organization A is a fresh desk. Every API route is called by A's requester, agent and admin:
 * - with B's ids in the path: the answer must be exactly what a made-up id gets (same status and code:
 *   no existence oracle), never 2xx;
 * - bodies are generated from the route's schema with B's ids in every id field;
 * - no answer may carry any id of B's records.
 * A route whose path parameters have no case below makes the test fail, naming the route.
 */

/** Where to find organization B's record for a route's primary path parameter: [template prefix, table, condition]. */
const PRIMARY: Array<[RegExp, string, string?]> = [
  [/^\/api\/v1\/me\/tokens\/:id/, "api_tokens"],
  [/^\/api\/v1\/users\/:id/, "users"],
  [/^\/api\/v1\/groups\/:id/, "groups"],
  [/^\/api\/v1\/(incidents|major-incidents)\/:id/, "work_items", "type = 'incident'"],
  [/^\/api\/v1\/problems\/:id/, "work_items", "type = 'problem'"],
  [/^\/api\/v1\/changes\/:id/, "work_items", "type = 'change'"],
  [/^\/api\/v1\/change-tasks\/:id/, "work_items", "type = 'change_task'"],
  [/^\/api\/v1\/requests\/:id/, "work_items", "type = 'request'"],
  [/^\/api\/v1\/request-tasks\/:id/, "work_items", "type = 'request_task'"],
  [/^\/api\/v1\/work-items\/:(id|ref)/, "work_items"],
  [/^\/api\/v1\/macros\/:macroId/, "macros"],
  [/^\/api\/v1\/admin\/oidc-providers\/:id/, "oidc_providers"],
  [/^\/api\/v1\/admin\/directories\/:id/, "ldap_directories"],
  [/^\/api\/v1\/attachments\/:id/, "attachments"],
  [/^\/api\/v1\/views\/:id/, "saved_views"],
  [/^\/api\/v1\/sla\/calendars\/:id/, "sla_calendars"],
  [/^\/api\/v1\/sla\/policies\/:id/, "sla_policies"],
  [/^\/api\/v1\/knowledge\/articles\/:id/, "kb_articles"],
  [/^\/api\/v1\/knowledge\/attachments\/:id/, "kb_article_attachments"],
  [/^\/api\/v1\/cmdb\/classes\/:id/, "ci_classes", "organization_id is not null"],
  [/^\/api\/v1\/cmdb\/cis\/:id/, "configuration_items"],
  [/^\/api\/v1\/cmdb\/relationships\/:id/, "ci_relationships"],
  [/^\/api\/v1\/admin\/mailboxes\/:id/, "mailboxes"],
  [/^\/api\/v1\/admin\/inbound-messages\/:id/, "inbound_messages"],
  [/^\/api\/v1\/known-errors\/:id/, "known_errors"],
  [/^\/api\/v1\/approvals\/:id/, "approvals"],
  [/^\/api\/v1\/desks\/:id/, "desks"],
  [/^\/api\/v1\/vendors\/:id/, "vendors"],
  [/^\/api\/v1\/assets\/:id/, "assets"],
  [/^\/api\/v1\/licences\/:id/, "software_licences"],
  [/^\/api\/v1\/vendor-contracts\/:id/, "vendor_contracts"],
  [/^\/api\/v1\/freeze-windows\/:id/, "freeze_windows"],
  [/^\/api\/v1\/calendar\/feeds\/:id/, "calendar_feeds"],
  [/^\/api\/v1\/catalog\/items\/:id/, "catalog_items"],
  [/^\/api\/v1\/admin\/webhooks\/:id/, "webhook_subscriptions"],
  [/^\/api\/v1\/admin\/webhook-deliveries\/:id/, "webhook_deliveries"],
  [/^\/api\/v1\/reports\/saved\/:id/, "saved_reports"],
  [/^\/api\/v1\/me\/csat-surveys\/:id/, "csat_surveys"],
  [/^\/api\/v1\/(admin\/alert-integrations|integrations\/alerts)\/:id/, "alert_integrations"],
  [/^\/api\/v1\/automation\/rules\/:id/, "automation_rules"],
  [/^\/api\/v1\/automation\/assignment\/groups\/:id/, "groups"],
  [/^\/api\/v1\/automation\/agents\/:id/, "users"],
  [/^\/api\/v1\/automation\/schedules\/:id/, "recurring_schedules"],
  [/^\/api\/v1\/admin\/organizations\/:id/, "organizations"],
];

/** Secondary path parameters, by name: a table of B's records, or a fixed value that names no tenant record. */
const SECONDARY: Record<string, { table: string; where?: string } | { value: string }> = {
  userId: { table: "users" },
  linkId: { table: "work_item_links" },
  incidentId: { table: "work_items", where: "type = 'incident'" },
  workItemId: { table: "work_items" },
  ciId: { table: "configuration_items" },
  assignmentId: { table: "licence_assignments" },
  macroId: { table: "macros" },
  entryId: { table: "time_entries" },
  revision: { value: "1" },
  version: { value: "1" },
};

/** Routes whose path parameters are not tenant ids: called as A, any non-5xx answer, none of B's data. */
const CALLER_SCOPED: Array<[RegExp, string]> = [
  [/^\/api\/v1\/admin\/notifications\/templates\/:event\/:language$/, "event and language names; templates are the caller's organization's"],
  [/^\/api\/v1\/reports\/widgets\/:widget$/, "a widget name; figures are the caller's organization's"],
  [/^\/api\/v1\/admin\/webhook-allowed-hosts\/:host$/, "a host name in the caller's organization's allow-list"],
  [/^\/api\/v1\/auth\/oidc\/:slug\/start$/, "public: an organization's SSO sign-in entry (slug), no data"],
  [/^\/api\/v1\/calendar\/feeds\/:token\.ics$/, "public: the feed's own secret token"],
  [/^\/api\/v1\/csat\/surveys\/:token(\/response)?$/, "public: the survey's own secret token"],
  [/^\/api\/v1\/branding\/logo\/:sha$/, "public: a logo image by its content hash"],
];
const FIXED: Record<string, string> = {
  event: "created",
  language: "en",
  widget: "volume",
  host: "example.com",
  slug: "acme",
  token: "not-a-real-token-0123456789",
  sha: "0".repeat(64),
};

/** Which of B's tables an id field in a request body points at, by the field's name. */
const BODY_FIELDS: Array<[RegExp, string]> = [
  [/^(serviceId|serviceIds|affectedServiceIds)$/, "services"],
  [/^(categoryId|parentId)$/, "categories"],
  [/(group|Group)Id(s)?$/, "groups"],
  [/^(assigneeId|requesterId|userId|userIds|approverIds|managerId|memberIds|ownerId|assignedToId|reviewerId|authorId)$/, "users"],
  [/^(ciId|ciIds|sourceId|targetId)$/, "configuration_items"],
  [/^(workItemId|incidentId|problemId|changeId|targetWorkItemId|duplicateOfId|parentWorkItemId)$/, "work_items"],
  [/^(calendarId|businessCalendarId)$/, "sla_calendars"],
  [/^(deskId)$/, "desks"],
  [/^(vendorId)$/, "vendors"],
  [/^(catalogItemId|itemId)$/, "catalog_items"],
  [/^(articleId)$/, "kb_articles"],
  [/^(classId)$/, "ci_classes"],
  [/^(licenceId)$/, "software_licences"],
  [/^(assetId)$/, "assets"],
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

let app: App;
let appDb: Db;
let ownerDb: Db;
let adminUrl: string;
let dbName: string;
let orgB: string;
let a: Awaited<ReturnType<typeof createDesk>>;
const bIds = new Set<string>();
const firstOfB = new Map<string, string | null>();

async function bRow(table: string, where?: string): Promise<string | null> {
  // An organization is itself the tenant: B's record is B.
  if (table === "organizations") return orgB;
  const key = `${table}|${where ?? ""}`;
  if (!firstOfB.has(key)) {
    const r = await sql<{ id: string }>`select id::text as id from ${sql.table(table)}
      where organization_id = ${orgB} ${sql.raw(where ? `and ${where}` : "")} order by id limit 1`.execute(ownerDb);
    firstOfB.set(key, r.rows[0]?.id ?? null);
  }
  return firstOfB.get(key) ?? null;
}

/** Records the demo seed does not hold, made in B through the API (as B's admin) or, for configuration that would reach out to the network, directly. */
async function extendFixture(deps: Deps): Promise<void> {
  const admin = await createUser(deps, orgB, "admin");
  const call = async (method: "POST" | "PUT", url: string, body: unknown) => {
    const r = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
      payload: JSON.stringify(body),
    });
    if (r.statusCode >= 300) throw new Error(`fixture ${method} ${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    return r.json();
  };
  const incident = await call("POST", "/api/v1/incidents", { title: "B secret incident", description: "x", impact: "low", urgency: "low" });
  await call("POST", "/api/v1/views", { name: "B view", filters: {}, sort: "priority" });
  await call("POST", "/api/v1/macros", { name: "B macro", actions: { action: "start", reply: { body: "On it" } } });
  await call("POST", "/api/v1/calendar/feeds", { name: "B feed" });
  await call("POST", `/api/v1/work-items/${incident.id}/time-entries`, { minutes: 30, activity: "fix", note: "B work" });
  await call("POST", "/api/v1/cmdb/classes", { key: "b_printer", name: "Printer", attributes: [] });
  await call("POST", "/api/v1/reports/saved", {
    name: "B report",
    definition: { type: "incident", basis: "created", periodDays: 7, groupBy: "group", measure: "count" },
  });
  await call("POST", "/api/v1/automation/rules", { name: "B rule", trigger: "comment.added", actions: [{ type: "add_watcher", userId: admin.id }] });
  await call("POST", "/api/v1/automation/schedules", {
    name: "B schedule",
    cron: "0 9 * * 1",
    template: { title: "B check", description: "x", impact: "low", urgency: "medium" },
  });
  const change = await ownerDb.selectFrom("work_items").select("id").where("organization_id", "=", orgB).where("type", "=", "change").executeTakeFirstOrThrow();
  await call("POST", `/api/v1/changes/${change.id}/tasks`, { title: "B task", assigneeId: admin.id });
  const boundary = "----porticoIso";
  const upload = (url: string) =>
    app.inject({
      method: "POST",
      url,
      headers: { authorization: `Bearer ${admin.token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="b-secret.txt"\r\nContent-Type: text/plain\r\n\r\nB secret\r\n--${boundary}--\r\n`,
    });
  await upload(`/api/v1/incidents/${incident.id}/attachments`);
  const article = await ownerDb.selectFrom("kb_articles").select("id").where("organization_id", "=", orgB).executeTakeFirstOrThrow();
  await upload(`/api/v1/knowledge/articles/${article.id}/attachments`);
  const sub = await sql<{ id: string }>`insert into webhook_subscriptions (organization_id, name, url, events, secret, secret_hint)
    values (${orgB}, 'B hook', 'https://hooks.example.com/b', array['work_item.created'], 'sealed', 'abcd') returning id`.execute(ownerDb);
  await sql`insert into webhook_deliveries (organization_id, subscription_id, event, event_id, url, payload)
    values (${orgB}, ${sub.rows[0].id}, 'work_item.created', gen_random_uuid(), 'https://hooks.example.com/b', '{}')`.execute(ownerDb);
  await sql`insert into oidc_providers (organization_id, slug, name, issuer, client_id) values (${orgB}, ${`b-${Date.now()}`}, 'B IdP', 'https://idp.example.com', 'b')`.execute(
    ownerDb,
  );
  await sql`insert into alert_integrations (organization_id, name, token_hash, token_hint, run_as_user_id, severity_map)
    values (${orgB}, 'B monitor', sha256(${`alert-${Date.now()}`}::bytea), 'abcd', ${admin.id}, '{}')`.execute(ownerDb);
  await sql`insert into ldap_directories (organization_id, name, url, base_dn) values (${orgB}, 'B LDAP', 'ldap://ldap.example.com', 'dc=b')`.execute(ownerDb);
  await sql`insert into csat_surveys (organization_id, work_item_id, requester_id, token_hash, expires_at)
    values (${orgB}, ${incident.id}, ${admin.id}, sha256(${`b-${Date.now()}`}::bytea), now() + interval '7 days')`.execute(ownerDb);
}

beforeAll(async () => {
  const base = new URL(inject("databaseUrl"));
  dbName = `portico_iso_${process.pid}_${Date.now()}`;
  const admin = new URL(base);
  admin.pathname = "/postgres";
  adminUrl = admin.toString();
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`create database ${dbName}`);
  await c.end();
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  const log = createLogger("silent");
  await migrateAll(url.toString(), log);
  const config = loadConfig({ ...process.env, DATABASE_URL: url.toString(), PORTICO_LOG_LEVEL: "silent" as never });
  ownerDb = createDb(url.toString(), 4).db;
  await seedDemo({ db: ownerDb, config, log, metrics: createMetrics(), live: null });
  appDb = createDb(url.toString(), 5, { role: APP_ROLE }).db;
  const deps: Deps = { db: appDb, config, log, metrics: createMetrics(), live: null };
  app = await buildApp(deps, { webDist: null });
  orgB = (await ownerDb.selectFrom("organizations").select("id").where("slug", "=", "acme").executeTakeFirstOrThrow()).id;
  await extendFixture(deps);
  a = await createDesk(deps);
  // Every id of every record of B, to recognise B's data in any answer.
  const tables = await sql<{ table_name: string }>`
    select c.table_name from information_schema.columns c
    join information_schema.columns i on i.table_schema = c.table_schema and i.table_name = c.table_name and i.column_name = 'id' and i.data_type = 'uuid'
    where c.table_schema = 'public' and c.column_name = 'organization_id'`.execute(ownerDb);
  for (const t of tables.rows) {
    const r = await sql<{ id: string }>`select id::text as id from ${sql.table(t.table_name)} where organization_id = ${orgB}`.execute(ownerDb);
    for (const row of r.rows) bIds.add(row.id.toLowerCase());
  }
  bIds.add(orgB);
}, 240_000);

afterAll(async () => {
  await app?.close();
  await appDb?.destroy();
  await ownerDb?.destroy();
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await c.end();
});

interface Case {
  kind: "foreign" | "caller";
  params: Record<string, string>;
}

/** The case for a route, or a reason it has none. */
async function caseFor(url: string): Promise<Case | string> {
  const names = [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
  if (!names.length) return { kind: "caller", params: {} };
  const scoped = CALLER_SCOPED.find(([re]) => re.test(url));
  if (scoped) return { kind: "caller", params: Object.fromEntries(names.map((n) => [n, FIXED[n] ?? "x"])) };
  const primary = PRIMARY.find(([re]) => re.test(url));
  if (!primary) return `no case for the path parameter(s) ${names.join(", ")}: add the route to PRIMARY or CALLER_SCOPED`;
  const params: Record<string, string> = {};
  const [first, ...rest] = names;
  const id = await bRow(primary[1], primary[2]);
  if (!id) return `organization B has no ${primary[1]} record${primary[2] ? ` (${primary[2]})` : ""}: extend the fixture`;
  params[first] = id;
  for (const n of rest) {
    const s = SECONDARY[n];
    if (!s) return `no case for the path parameter ${n}: add it to SECONDARY`;
    if ("value" in s) params[n] = s.value;
    else params[n] = (await bRow(s.table, s.where)) ?? randomUUID();
  }
  return { kind: "foreign", params };
}

function fill(url: string, params: Record<string, string>): string {
  return url.replace(/:([A-Za-z]+)/g, (_, n) => encodeURIComponent(params[n]));
}

/** A schema-valid body for the route with B's ids in every id field it recognises. */
async function bodyFor(method: string, url: string): Promise<unknown> {
  if (!["POST", "PUT", "PATCH"].includes(method)) return undefined;
  const doc = app.swagger() as any;
  const op = doc.paths[url.replace(/:([A-Za-z]+)/g, "{$1}")]?.[method.toLowerCase()];
  const schema = op?.requestBody?.content?.["application/json"]?.schema;
  if (!schema) return {};
  const [sample] = fc.sample(arbitraryFor(schema, doc.components?.schemas ?? {}, 0, 0), { numRuns: 1, seed: 7 });
  const swap = async (v: unknown, key: string): Promise<unknown> => {
    if (Array.isArray(v)) return Promise.all(v.map((x) => swap(x, key)));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = await swap(x, k);
      return out;
    }
    if (typeof v === "string" && /^[0-9a-f-]{36}$/i.test(v)) {
      const hit = BODY_FIELDS.find(([re]) => re.test(key));
      return (hit && (await bRow(hit[1]))) ?? [...bIds][0];
    }
    return v;
  };
  return swap(sample ?? {}, "");
}

async function call(method: string, url: string, token: string, body: unknown) {
  const res = await app.inject({
    method: method as "GET",
    url,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    payload: body !== undefined ? JSON.stringify(body) : undefined,
  });
  let code: string | undefined;
  try {
    code = res.json()?.error?.code;
  } catch {}
  const leaked = [...new Set((res.body.match(UUID) ?? []).map((s) => s.toLowerCase()))].filter((id) => bIds.has(id));
  return { status: res.statusCode, code, leaked };
}

describe("tenant isolation, generated from the route table", () => {
  it("every route × role with another organization's ids answers as for a made-up id and shows none of its data", async () => {
    const routes = app.routeTable.filter((r) => r.url.startsWith("/api/v1/") && r.method !== "HEAD" && r.method !== "OPTIONS" && !r.hidden);
    expect(routes.length).toBeGreaterThan(250);
    const noCase: string[] = [];
    const failures: string[] = [];
    let foreign = 0;
    for (const r of routes) {
      const c = await caseFor(r.url);
      if (typeof c === "string") {
        noCase.push(`${r.method} ${r.url}: ${c}`);
        continue;
      }
      const body = await bodyFor(r.method, r.url);
      // The three roles with B's ids, and (for the oracle check) the admin with made-up ids, side by side.
      const madeUp = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, /^[0-9a-f-]{36}$/i.test(v) ? randomUUID() : v]));
      const [control, ...answers] = await Promise.all([
        c.kind === "foreign" ? call(r.method, fill(r.url, madeUp), a.admin.token, body) : Promise.resolve(null),
        ...[a.requester, a.agent, a.admin].map((who) => call(r.method, fill(r.url, c.params), who.token, body)),
      ]);
      answers.forEach((got, i) => {
        const role = ["requester", "agent", "admin"][i];
        const where = `${r.method} ${r.url} as ${role}`;
        if (got.status >= 500) failures.push(`${where}: ${got.status} for ${JSON.stringify(body)?.slice(0, 400)}`);
        if (got.leaked.length)
          failures.push(`${where}: answer carries organization B's ids ${got.leaked.slice(0, 3).join(", ")} (body ${JSON.stringify(body)?.slice(0, 400)})`);
        if (c.kind !== "foreign") return;
        foreign++;
        if (got.status < 300) failures.push(`${where}: ${got.status} with organization B's ids in the path`);
        // The admin's answer for B's record must be the answer for a record that does not exist.
        if (role === "admin" && control && (control.status !== got.status || control.code !== got.code))
          failures.push(`${where}: answers ${got.status} ${got.code} for B's record but ${control.status} ${control.code} for a made-up id`);
      });
    }
    expect({ noCase, failures }).toEqual({ noCase: [], failures: [] });
    expect(foreign).toBeGreaterThan(300);
  }, 300_000);

  it("row-level security: inside a request's tenant context, a query without any organization filter sees only that organization", async () => {
    const { runInTenantContext } = await import("../platform/db/db");
    for (const table of ["work_items", "timeline_events", "comments", "attachments", "users", "groups", "kb_articles", "configuration_items", "audit_events"]) {
      const all = await runInTenantContext(a.org.id, () =>
        sql<{ n: number; foreign: number }>`select count(*)::int as n, count(*) filter (where organization_id is distinct from ${a.org.id})::int as foreign
          from ${sql.table(table)} where organization_id is not null`.execute(appDb),
      );
      expect([table, all.rows[0].foreign]).toEqual([table, 0]);
      const asSystem = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where organization_id = ${orgB}`.execute(appDb);
      if (["work_items", "users", "timeline_events"].includes(table)) expect(asSystem.rows[0].n).toBeGreaterThan(0);
    }
    // Writing into another organization from a tenant context is refused by the database itself.
    const refused = await runInTenantContext(a.org.id, () =>
      sql`insert into groups (organization_id, name, description) values (${orgB}, 'smuggled', '')`.execute(appDb).then(
        () => "inserted",
        (e: { code?: string }) => e.code,
      ),
    );
    expect(refused).toBe("42501");
  });
});
