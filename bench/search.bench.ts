// Bench part `search` (BENCH_PARTS=search): search everywhere and deflection suggestions over HTTP at
// 1M work items, 2M comments and 20k articles in one organization (plus a smaller second one), loaded
// with INSERT … SELECT. Scale with SEARCH_BENCH_ITEMS / SEARCH_BENCH_ARTICLES; SEARCH_BENCH_REQUESTS per case.
import os from "node:os";
import pg from "pg";
import { API_TOKEN_PREFIX, hashSecret, newSecret } from "../server/modules/identity/tokens";
import { withClient } from "./lib/database";
import { type Cast, dropSecondaryIndexes, insertIncidents, recreateIndexes, THINGS } from "./lib/dataset";
import { startPortico } from "./lib/server";
import type { BenchPart, BenchPartContext } from "./parts";

const ITEMS = Number(process.env.SEARCH_BENCH_ITEMS ?? 1_000_000);
const ARTICLES = Number(process.env.SEARCH_BENCH_ARTICLES ?? 20_000);
const N = Number(process.env.SEARCH_BENCH_REQUESTS ?? 100);
const OTHER_ITEMS = Math.min(50_000, Math.ceil(ITEMS / 20));
const CHUNK = 100_000;
const SEARCH_P95_AIM = 150;
const SUGGEST_AIM = 50;

const OPENERS = [
  "Checked with the user:",
  "Update:",
  "Called the requester;",
  "Remote session:",
  "Note for the team:",
  "Vendor says",
  "Tried again,",
  "Escalation:",
];
const ACTIONS = [
  "restarted the service and it works for now",
  "reinstalled the driver",
  "cleared the cache and re-added the account",
  "replaced the cable",
  "asked for a screenshot of the error",
  "waiting for the vendor's answer",
  "the issue is back after the reboot",
  "applied the workaround from the knowledge base",
  "reset the password and unlocked the account",
  "moved the mailbox to the new server",
];

async function createCast(c: pg.Client, slug: string, groups: number, agentsPerGroup: number, requesters: number): Promise<Cast> {
  const orgId = (await c.query<{ id: string }>("insert into organizations (name, slug) values ($1, $2) returning id", [`Search ${slug}`, slug])).rows[0].id;
  const groupIds = (
    await c.query<{ id: string }>(`insert into groups (organization_id, name) select $1, 'Group ' || n from generate_series(1, $2) n order by n returning id`, [
      orgId,
      groups,
    ])
  ).rows.map((r) => r.id);
  const agentIds = (
    await c.query<{ id: string }>(
      `insert into users (organization_id, email, name, role) select $1, 'agent' || n || '@' || $2 || '.test', 'Agent ' || n, 'agent' from generate_series(1, $3) n order by n returning id`,
      [orgId, slug, groups * agentsPerGroup],
    )
  ).rows.map((r) => r.id);
  await c.query(
    `insert into group_members (group_id, user_id, organization_id) select ($1::uuid[])[(i - 1) / $3 + 1], ($2::uuid[])[i], $4 from generate_series(1, cardinality($2::uuid[])) i`,
    [groupIds, agentIds, agentsPerGroup, orgId],
  );
  const requesterIds = (
    await c.query<{ id: string }>(
      `insert into users (organization_id, email, name, role) select $1, 'person' || n || '@' || $2 || '.test', 'Person ' || n, 'requester' from generate_series(1, $3) n order by n returning id`,
      [orgId, slug, requesters],
    )
  ).rows.map((r) => r.id);
  const serviceIds = (
    await c.query<{ id: string }>(`insert into services (organization_id, name) select $1, 'Service ' || n from generate_series(1, 12) n returning id`, [orgId])
  ).rows.map((r) => r.id);
  return { orgId, groupIds, agentIds, agentsPerGroup, requesterIds, serviceIds };
}

async function token(c: pg.Client, orgId: string, userId: string): Promise<string> {
  const t = newSecret(API_TOKEN_PREFIX);
  await c.query("insert into api_tokens (user_id, organization_id, name, token_hash, prefix) values ($1, $2, 'bench', $3, $4)", [
    userId,
    orgId,
    hashSecret(t),
    t.slice(0, API_TOKEN_PREFIX.length + 6),
  ]);
  return t;
}

async function lanes(url: string, jobs: Array<(c: pg.Client) => Promise<void>>): Promise<void> {
  await Promise.all(
    [0, 1].map(async (lane) => {
      const c = new pg.Client({ connectionString: url });
      c.on("error", () => {});
      await c.connect();
      try {
        await c.query("set session_replication_role = replica").catch(() => {});
        await c.query("set synchronous_commit = off");
        for (let i = lane; i < jobs.length; i += 2) await jobs[i](c);
      } finally {
        await c.end();
      }
    }),
  );
}

/** Work items (incidents), two comments each (30% work notes), a rare word in ~0.02%, and articles. */
async function load(url: string, say: (m: string) => void, casts: Array<{ cast: Cast; items: number }>) {
  const t0 = Date.now();
  await withClient(url, async (c) => {
    const seq = await c.query<{ last_value: number; is_called: boolean }>("select last_value, is_called from work_item_number_incident");
    let next = seq.rows[0].is_called ? Number(seq.rows[0].last_value) + 1 : Number(seq.rows[0].last_value);
    const defs = await dropSecondaryIndexes(c, ["work_items", "incidents", "comments", "kb_articles"]);
    const jobs: Array<(lc: pg.Client) => Promise<void>> = [];
    for (const { cast, items } of casts) {
      for (let done = 0; done < items; done += CHUNK) {
        const from = next;
        const to = next + Math.min(CHUNK, items - done) - 1;
        next = to + 1;
        jobs.push((lc) => insertIncidents(lc, cast, from, to));
      }
    }
    say(`search: loading ${casts.reduce((s, x) => s + x.items, 0).toLocaleString("en")} work items…`);
    await lanes(url, jobs);
    await c.query("select setval('work_item_number_incident', $1, true)", [next - 1]);
    await c.query("update work_items set description = description || ' The Zeppelin gateway was mentioned.' where random() < 0.0002");
    say(`search: items in ${((Date.now() - t0) / 1000).toFixed(0)} s; comments…`);
    const slices = 10;
    await lanes(
      url,
      Array.from({ length: slices }, (_, i) => async (lc: pg.Client) => {
        await lc.query(
          `insert into comments (organization_id, work_item_id, author_id, visibility, body, created_at)
           select w.organization_id, w.id, coalesce(w.assignee_id, w.requester_id),
             case when random() < 0.3 then 'internal' else 'public' end,
             ($1::text[])[1 + floor(random() * cardinality($1::text[]))::int] || ' ' ||
             ($2::text[])[1 + floor(random() * cardinality($2::text[]))::int] || ' on the ' ||
             ($3::text[])[1 + floor(random() * cardinality($3::text[]))::int] || '.' ||
             case when random() < 0.0001 then ' Escalated to the Zeppelin team.' else '' end,
             w.created_at + interval '1 minute' * (k * 30 + floor(random() * 600))
           from work_items w cross join generate_series(1, 2) k
           where abs(hashtext(w.id::text)) % ${slices} = ${i}`,
          [OPENERS, ACTIONS, THINGS],
        );
      }),
    );
    say(`search: comments in ${((Date.now() - t0) / 1000).toFixed(0)} s; articles…`);
    const main = casts[0].cast;
    await c.query(
      `insert into kb_articles (organization_id, number, title, summary, body_html, body_text, audience, language, ts_config, state, author_id, published_at, view_count, helpful_count)
       select $1, 'KB' || lpad(nextval('kb_article_number')::text, 7, '0'), t.title, t.summary, '<p>' || t.body || '</p>', t.body,
         case when r1 < 0.7 then 'public' else 'internal' end,
         case when r2 < 0.9 then 'en' else 'de' end,
         case when r2 < 0.9 then 'english'::regconfig else 'german'::regconfig end,
         case when r3 < 0.8 then 'published' when r3 < 0.9 then 'draft' when r3 < 0.95 then 'review' else 'retired' end,
         ($2::uuid[])[1 + floor(r1 * cardinality($2::uuid[]))::int], now() - interval '1 day' * floor(r3 * 700), floor(r2 * 5000)::int, floor(r3 * 40)::int
       from (select n, random() r1, random() r2, random() r3 from generate_series(1, $3) n) s
       cross join lateral (
         select 'How to fix: ' || ($4::text[])[1 + (n * 7) % cardinality($4::text[])] || ' ' || ($5::text[])[1 + (n * 13) % cardinality($5::text[])] as title,
           'When the ' || ($4::text[])[1 + (n * 7) % cardinality($4::text[])] || ' ' || ($5::text[])[1 + (n * 13) % cardinality($5::text[])] || ', follow these steps.' as summary,
           -- Each article is about its own subject, with a few other things mentioned (as real articles are).
           (select string_agg(($6::text[])[1 + floor(random() * cardinality($6::text[]))::int] || ' the ' ||
               case when random() < 0.95 then ($4::text[])[1 + (n * 7) % cardinality($4::text[])] else ($4::text[])[1 + floor(random() * cardinality($4::text[]))::int] end || '.' || repeat('', g), ' ')
              from generate_series(1, 30 + (n % 3) - (n % 3)) g) as body
       ) t`,
      [main.orgId, main.agentIds, ARTICLES, THINGS, ACTIONS, [...OPENERS, ...ACTIONS]],
    );
    say(`search: articles in ${((Date.now() - t0) / 1000).toFixed(0)} s; rebuilding ${defs.length} indexes…`);
    await recreateIndexes(c, defs);
    await c.query("vacuum analyze");
    await c.query("checkpoint").catch(() => {});
  });
  return (Date.now() - t0) / 1000;
}

interface Case {
  name: string;
  who: "agent" | "requester";
  paths: string[];
  aim: number;
}

async function measure(baseUrl: string, tokens: Record<string, string>, k: Case): Promise<{ p50: number; p95: number; max: number; hits: number }> {
  const get = async (p: string) => {
    const res = await fetch(`${baseUrl}${p}`, { headers: { authorization: `Bearer ${tokens[k.who]}` } });
    if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as { items: unknown[] };
  };
  for (let i = 0; i < 10; i++) await get(k.paths[i % k.paths.length]);
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    const body = await get(k.paths[i % k.paths.length]);
    times.push(performance.now() - t);
    hits += body.items.length;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { p50: at(0.5), p95: at(0.95), max: times[times.length - 1], hits: hits / N };
}

const s = (q: string, extra = "") => `/api/v1/search?q=${encodeURIComponent(q)}${extra}`;
const sug = (q: string) => `/api/v1/knowledge/suggestions?q=${encodeURIComponent(q)}`;

export const part: BenchPart = {
  async run(ctx: BenchPartContext): Promise<string> {
    const { url, say } = ctx;
    // SEARCH_BENCH_REUSE=1 (with BENCH_REUSE_DB=1): measure again on the data an earlier run loaded.
    const reused =
      process.env.SEARCH_BENCH_REUSE === "1"
        ? await withClient(url, async (c) => {
            const r = await c.query<{ id: string; slug: string }>(
              "select id, slug from organizations where slug like 'search-%' and slug not like '%-other' order by created_at desc limit 1",
            );
            if (!r.rows[0]) return null;
            const { id, slug } = r.rows[0];
            const u = await c.query<{ id: string; email: string }>("select id, email from users where email in ($1, $2)", [
              `agent1@${slug}.test`,
              `person1@${slug}.test`,
            ]);
            const agentId = u.rows.find((x) => x.email.startsWith("agent1@"))?.id as string;
            const personId = u.rows.find((x) => x.email.startsWith("person1@"))?.id as string;
            return { agent: await token(c, id, agentId), requester: await token(c, id, personId) };
          })
        : null;
    let loadSeconds = 0;
    let tokens = reused;
    if (!tokens) {
      const casts = await withClient(url, async (c) => {
        const slug = `search-${Date.now().toString(36)}`;
        const main = await createCast(c, slug, 8, 5, 2000);
        const other = await createCast(c, `${slug}-other`, 3, 4, 300);
        return { main, other, agent: await token(c, main.orgId, main.agentIds[0]), requester: await token(c, main.orgId, main.requesterIds[0]) };
      });
      loadSeconds = await load(url, say, [
        { cast: casts.main, items: ITEMS },
        { cast: casts.other, items: OTHER_ITEMS },
      ]);
      tokens = { agent: casts.agent, requester: casts.requester };
    }
    const counts = await withClient(url, async (c) => {
      const q = async (t: string) => Number((await c.query(`select count(*) as n from ${t}`)).rows[0].n);
      const sizes = await c.query<{ name: string; size: string }>(
        "select relname as name, pg_size_pretty(pg_relation_size(oid)) as size from pg_class where relname in ('work_items_search_idx', 'comments_search_idx', 'kb_articles_search_idx', 'work_items_title_trgm')",
      );
      return { items: await q("work_items"), comments: await q("comments"), articles: await q("kb_articles"), sizes: sizes.rows };
    });
    const server = await startPortico(url);
    const common = ["printer", "VPN", "Outlook", "laptop", "password"];
    const cases: Case[] = [
      { name: "agent, common word (printer, VPN, Outlook…)", who: "agent", paths: common.map((w) => s(w)), aim: SEARCH_P95_AIM },
      {
        name: "agent, two common words",
        who: "agent",
        paths: ["printer toner", "vpn connect", "outlook password", "laptop slow"].map((w) => s(w)),
        aim: SEARCH_P95_AIM,
      },
      { name: "agent, prefix while typing (print, pass…)", who: "agent", paths: ["print", "pass", "outl", "lapt"].map((w) => s(w)), aim: SEARCH_P95_AIM },
      { name: "agent, rare word (zeppelin)", who: "agent", paths: [s("zeppelin")], aim: SEARCH_P95_AIM },
      { name: "agent, typo with no exact match (zepelin gatewey)", who: "agent", paths: [s("zepelin gatewey")], aim: SEARCH_P95_AIM },
      { name: 'agent, web syntax ("cannot connect" -vpn)', who: "agent", paths: [s('"cannot connect" -vpn')], aim: SEARCH_P95_AIM },
      { name: "agent, number jump (INC…)", who: "agent", paths: [s("INC0500000")], aim: SEARCH_P95_AIM },
      {
        name: "agent, common word, incidents only, open",
        who: "agent",
        paths: common.map((w) => s(w, "&types=incident&states=new,in_progress,on_hold")),
        aim: SEARCH_P95_AIM,
      },
      { name: "requester (≈6k own tickets), common word", who: "requester", paths: common.map((w) => s(w)), aim: SEARCH_P95_AIM },
      {
        name: "suggestions while typing a subject",
        who: "requester",
        paths: ["vpn keeps disconnecting", "printer out of toner", "forgot my passw", "outlook", "teams freezes on startup"].map(sug),
        aim: SUGGEST_AIM,
      },
    ];
    const rows: string[] = [];
    try {
      for (const k of cases) {
        say(`search: ${k.name}…`);
        const r = await measure(server.baseUrl, tokens, k);
        rows.push(
          `| ${k.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.hits.toFixed(1)} | ≤ ${k.aim} ${r.p95 <= k.aim ? "✓" : "✗"} |`,
        );
        say(`search:   ${rows[rows.length - 1]}`);
      }
    } finally {
      await server.stop();
    }
    const load1 = os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ");
    return [
      `### search — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
      "",
      `${counts.items.toLocaleString("en")} work items (${ITEMS.toLocaleString("en")} in the searched organization), ${counts.comments.toLocaleString("en")} comments, ${counts.articles.toLocaleString("en")} articles; ${loadSeconds ? `loaded in ${loadSeconds.toFixed(0)} s` : "reused from an earlier run"}. ${N} sequential HTTP requests per case after 10 warm-ups, queries rotating as listed; latency seen by the client (ms). Machine: ${os.cpus().length} cores, load average after the run ${load1}.`,
      `Index sizes: ${counts.sizes.map((x) => `${x.name} ${x.size}`).join(", ")}.`,
      "",
      "| case | p50 | p95 | max | results/request | aim (p95) |",
      "|---|---:|---:|---:|---:|---|",
      ...rows,
      "",
    ].join("\n");
  },
};
