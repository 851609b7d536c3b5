// Bench part `cmdb` (BENCH_PARTS=cmdb): impact analysis (depth ≤ 6) and CI typeahead over HTTP with
// 200k CIs and ~1M relationships in one organization, loaded with INSERT … SELECT. Scale with
// CMDB_BENCH_SCALE (1 = 200k CIs); CMDB_BENCH_REQUESTS per case.
import os from "node:os";
import type pg from "pg";
import { API_TOKEN_PREFIX, hashSecret, newSecret } from "../server/modules/identity/tokens";
import { withClient } from "./lib/database";
import { startPortico } from "./lib/server";
import type { BenchPart, BenchPartContext } from "./parts";

const SCALE = Number(process.env.CMDB_BENCH_SCALE ?? 1);
const N = Number(process.env.CMDB_BENCH_REQUESTS ?? 200);
const IMPACT_AIM = 100;
const TYPEAHEAD_AIM = 30;

// [bench class, CMDB class key, count at scale 1, name pattern]
const CLASSES: Array<[string, string, number]> = [
  ["svc", "business_service", 2_000],
  ["app", "application", 10_000],
  ["db", "database", 8_000],
  ["vm", "virtual_machine", 100_000],
  ["srv", "server", 20_000],
  ["net", "network_device", 2_000],
  ["lt", "laptop", 40_000],
  ["sw", "software", 18_000],
];
const WORDS = ["billing", "payroll", "crm", "erp", "mail", "portal", "search", "hr", "ledger", "shop", "wiki", "vpn", "backup", "print", "sso", "chat"];
const SITES = ["fra", "ams", "nyc", "sgp", "lon"];

// [type key, source class, target class, links per source, target-picking mode]
type Mode = "any" | "later";
const RELS: Array<[string, string, string, number, Mode]> = [
  ["depends_on", "svc", "app", 10, "any"],
  ["depends_on", "app", "app", 2, "later"],
  ["connects_to", "app", "app", 1, "any"],
  ["runs_on", "app", "vm", 6, "any"],
  ["depends_on", "app", "db", 2, "any"],
  ["runs_on", "db", "vm", 1, "any"],
  ["runs_on", "vm", "srv", 1, "any"],
  ["depends_on", "vm", "vm", 1, "any"],
  ["connects_to", "vm", "net", 2, "any"],
  ["connects_to", "srv", "net", 2, "any"],
  ["connects_to", "net", "net", 3, "any"],
  ["connects_to", "lt", "net", 2, "any"],
  ["runs_on", "sw", "lt", 18, "any"],
];

async function load(c: pg.Client, say: (m: string) => void) {
  const orgId = (await c.query<{ id: string }>("insert into organizations (name, slug) values ('Bench CMDB', 'bench-cmdb') returning id")).rows[0].id;
  const agent = (
    await c.query<{ id: string }>(
      "insert into users (organization_id, email, name, role) values ($1, 'cmdb-agent@bench.test', 'CMDB Agent', 'agent') returning id",
      [orgId],
    )
  ).rows[0].id;
  const token = newSecret(API_TOKEN_PREFIX);
  await c.query("insert into api_tokens (user_id, organization_id, name, token_hash, prefix) values ($1, $2, 'bench', $3, $4)", [
    agent,
    orgId,
    hashSecret(token),
    token.slice(0, API_TOKEN_PREFIX.length + 6),
  ]);
  await c.query("set session_replication_role = replica");
  await c.query("set synchronous_commit = off");
  await c.query("create temp table b_ci (cls text, n int, id uuid, primary key (cls, n))");
  const counts = Object.fromEntries(CLASSES.map(([k, , n]) => [k, Math.max(10, Math.round(n * SCALE))]));
  for (const [k] of CLASSES) await c.query("insert into b_ci select $1, n, gen_random_uuid() from generate_series(1, $2) n", [k, counts[k]]);
  const t0 = Date.now();
  say("cmdb: inserting CIs…");
  for (const [k, key] of CLASSES) {
    await c.query(
      `insert into configuration_items (id, organization_id, class_id, name, status, attributes, serial_number, created_at, updated_at)
       select b.id, $1, (select id from ci_classes where key = $2 and organization_id is null),
         case $3
           when 'app' then ($4::text[])[b.n % 16 + 1] || '-app-' || lpad(b.n::text, 5, '0')
           when 'svc' then initcap(($4::text[])[b.n % 16 + 1]) || ' service ' || b.n
           else $3 || '-' || lpad(b.n::text, 6, '0') || '.' || ($5::text[])[b.n % 5 + 1]
         end,
         case when b.n % 50 = 0 then 'retired' when b.n % 23 = 0 then 'maintenance' else 'operational' end,
         case $2 when 'business_service' then '{"criticality":"high"}'::jsonb when 'database' then '{"engine":"postgresql"}'::jsonb
           when 'network_device' then '{"device_type":"switch"}'::jsonb else '{}'::jsonb end,
         case when $3 in ('srv', 'lt', 'net') then upper($3) || '-SN-' || b.n end,
         now() - interval '400 days', now() - interval '400 days'
       from b_ci b where b.cls = $3`,
      [orgId, key, k, WORDS, SITES],
    );
  }
  say("cmdb: inserting relationships…");
  let rels = 0;
  for (const [type, from, to, per, mode] of RELS) {
    const r = await c.query(
      `insert into ci_relationships (organization_id, type_id, source_id, target_id, dependent_id, dependency_id, valid_from)
       select distinct on (s.id, t.id) $1, ty.id, s.id, t.id,
         case ty.dependent_end when 'source' then s.id else t.id end,
         case ty.dependent_end when 'source' then t.id else s.id end,
         now() - interval '300 days'
       from b_ci s
       cross join generate_series(1, $5::int) k
       join ci_relationship_types ty on ty.key = $2 and ty.organization_id is null
       join b_ci t on t.cls = $4 and t.n = case when $6 = 'later'
           then least($7::int, s.n + 1 + ((s.n::bigint * 7919 + k * 104729) % greatest(1, $7::int - s.n))::int)
           else 1 + ((s.n::bigint * 7919 + k * 104729 + k * k * 31) % $7::int)::int end
       where s.cls = $3 and s.id <> t.id and not ($6 = 'later' and s.n >= $7::int)`,
      [orgId, type, from, to, per, mode, counts[to]],
    );
    rels += r.rowCount ?? 0;
  }
  await c.query("set session_replication_role = origin");
  say("cmdb: vacuum analyze…");
  await c.query("vacuum analyze configuration_items");
  await c.query("vacuum analyze ci_relationships");
  const cis = Object.values(counts).reduce((a, b) => a + b, 0);
  return { orgId, token, cis, rels, seconds: (Date.now() - t0) / 1000 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function measure(urls: string[], token: string): Promise<{ p50: number; p95: number; p99: number; max: number; avgItems: number }> {
  const headers = { authorization: `Bearer ${token}` };
  for (const u of urls.slice(0, 10)) await (await fetch(u, { headers })).text();
  const times: number[] = [];
  let items = 0;
  for (const u of urls) {
    const t0 = performance.now();
    const res = await fetch(u, { headers });
    const body = await res.text();
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${u} answered ${res.status}: ${body.slice(0, 300)}`);
    items += (JSON.parse(body) as { items: unknown[] }).items.length;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: times.at(-1)!, avgItems: items / urls.length };
}

const ms = (x: number) => x.toFixed(1);

export const part: BenchPart = {
  async run(ctx: BenchPartContext): Promise<string> {
    const loaded = await withClient(ctx.url, (c) => load(c, ctx.say));
    ctx.say(`cmdb: ${loaded.cis} CIs, ${loaded.rels} relationships in ${loaded.seconds.toFixed(0)} s`);
    const samples = await withClient(ctx.url, async (c) => {
      const pick = async (key: string) =>
        (
          await c.query<{ id: string }>(
            "select c.id from configuration_items c join ci_classes k on k.id = c.class_id where c.organization_id = $1 and k.key = $2 order by random() limit $3",
            [loaded.orgId, key, N],
          )
        ).rows.map((r) => r.id);
      return {
        vm: await pick("virtual_machine"),
        app: await pick("application"),
        db: await pick("database"),
        srv: await pick("server"),
        net: await pick("network_device"),
      };
    });
    const server = await startPortico(ctx.url);
    const rows: string[] = [];
    try {
      const impact = async (label: string, ids: string[], direction: string) => {
        ctx.say(`cmdb: impact ${label} ${direction}…`);
        const r = await measure(
          ids.map((id) => `${server.baseUrl}/api/v1/cmdb/cis/${id}/impact?direction=${direction}&depth=6`),
          loaded.token,
        );
        rows.push(
          `| impact ${direction}, depth 6, from a random ${label} | ${ids.length} | ${ms(r.p50)} | **${ms(r.p95)}** | ${ms(r.p99)} | ${ms(r.max)} | ${r.avgItems.toFixed(0)} |`,
        );
        return r;
      };
      const results = [
        await impact("virtual machine", samples.vm, "upstream"),
        await impact("application", samples.app, "upstream"),
        await impact("database", samples.db, "upstream"),
        await impact("server", samples.srv, "upstream"),
        await impact("network device", samples.net, "upstream"),
        await impact("application", samples.app, "downstream"),
      ];
      const terms = ["vm-0012", "erp", "payroll-app-00", "srv-01", "net-000", "fra", "lt-0399", "mail", "sso-app", "db-0042", "crm-app-07", "SRV-SN-1234"];
      const typeUrls = Array.from(
        { length: N },
        (_, i) => `${server.baseUrl}/api/v1/cmdb/cis/search?q=${encodeURIComponent(terms[i % terms.length])}&limit=10`,
      );
      ctx.say("cmdb: typeahead…");
      const ta = await measure(typeUrls, loaded.token);
      rows.push(
        `| typeahead (\`/cmdb/cis/search\`, 10 results; ${terms.length} terms in turn) | ${N} | ${ms(ta.p50)} | **${ms(ta.p95)}** | ${ms(ta.p99)} | ${ms(ta.max)} | ${ta.avgItems.toFixed(1)} |`,
      );
      const worstImpact = Math.max(...results.map((r) => r.p95));
      return [
        `### CMDB: impact analysis and typeahead (${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC)`,
        "",
        `- ${loaded.cis.toLocaleString("en")} CIs and ${loaded.rels.toLocaleString("en")} current relationships in one organization (loaded in ${loaded.seconds.toFixed(0)} s with INSERT … SELECT); machine: ${os.cpus().length} cores, load average ${os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(" ")}`,
        "- Layered graph: business services → applications (10 each; app → app: 2 acyclic depends-on and 1 integration each) → VMs (6 per app) / databases → hypervisor servers; VMs and servers connect to network devices (meshed, 3 each); laptops on the network with installed software. Impact answers list up to 500 CIs (the API default) and walks stop expanding at 5,000 CIs (the answer then says truncated); the business services affected are always computed.",
        "- Sequential HTTP requests with a bearer token to one `serve --roles=web` process, after 10 warm-ups; times in ms.",
        "",
        "| case | requests | p50 | p95 | p99 | max | CIs returned (avg) |",
        "|---|---:|---:|---:|---:|---:|---:|",
        ...rows,
        "",
        `Aims: impact p95 ≤ ${IMPACT_AIM} ms — worst case here ${ms(worstImpact)} ms (${worstImpact <= IMPACT_AIM ? "met" : "not met"}); typeahead p95 ≤ ${TYPEAHEAD_AIM} ms — ${ms(ta.p95)} ms (${ta.p95 <= TYPEAHEAD_AIM ? "met" : "not met"}).`,
        "",
      ].join("\n");
    } finally {
      await server.stop();
    }
  },
};
