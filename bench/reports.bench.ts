// Bench part `reports`: every dashboard widget on 1M work items (p50/p95 over repeated runs), the
// per-minute facts refresh, and the first fill. Data is loaded with set-based SQL, then the facts are
// built by the real refresh statement (so the fill is measured too).
import type { Widget } from "../contracts/reporting";
import type { Actor, Deps } from "../server/deps";
import { loadConfig } from "../server/platform/config";
import { createDb } from "../server/platform/db/db";
import { createMetrics } from "../server/platform/metrics";
import { dbNow, refreshFactsChangedSince, refreshFactsSlice } from "../server/modules/reporting/report-facts.repo";
import { widget } from "../server/modules/reporting/report.service";
import { withClient } from "./lib/database";
import type { BenchPart, BenchPartContext } from "./parts";

const env = process.env;
const ITEMS = Number(env.BENCH_REPORT_ITEMS ?? 1_000_000);
const DAYS = Number(env.BENCH_REPORT_DAYS ?? 730);
const RUNS = Number(env.BENCH_REPORT_RUNS ?? 20);
const CHANGED = 1_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function load(ctx: BenchPartContext) {
  return withClient(ctx.url, async (c) => {
    // BENCH_REUSE_DB=1: the organization loaded by an earlier run is measured again (loading 1M items takes long).
    if (env.BENCH_REUSE_DB === "1") {
      const old = (await c.query<{ id: string }>("select id from organizations where name = 'Reports bench' order by created_at desc limit 1")).rows[0];
      if (old) {
        const agent = (await c.query<{ id: string }>("select id from users where organization_id = $1 and role = 'agent' order by name limit 1", [old.id]))
          .rows[0].id;
        const groups = (await c.query<{ id: string }>("select id from groups where organization_id = $1 order by name", [old.id])).rows.map((r) => r.id);
        const rows = Number((await c.query("select count(*) from work_items")).rows[0].count);
        return { org: old.id, agent, loadSeconds: Number.NaN, rows, groups, reused: true };
      }
    }
    await c.query("set synchronous_commit = off");
    const org = (
      await c.query<{ id: string }>(
        "insert into organizations (name, slug, settings) values ('Reports bench', 'reports-bench-' || floor(random() * 1e9)::text, '{}') returning id",
      )
    ).rows[0].id;
    const mk = async (sql: string, n: number) => (await c.query<{ id: string }>(sql, [org, n])).rows.map((r) => r.id);
    const groups = await mk("insert into groups (organization_id, name) select $1, 'Group ' || i from generate_series(1, $2) i returning id", 10);
    const agents = await mk(
      "insert into users (organization_id, email, name, role) select $1, 'agent' || i || '-' || floor(random() * 1e9)::text || '@bench.test', 'Agent ' || i, 'agent' from generate_series(1, $2) i returning id",
      50,
    );
    const requesters = await mk(
      "insert into users (organization_id, email, name, role) select $1, 'req' || i || '-' || floor(random() * 1e9)::text || '@bench.test', 'Requester ' || i, 'requester' from generate_series(1, $2) i returning id",
      200,
    );
    const services = await mk("insert into services (organization_id, name) select $1, 'Service ' || i from generate_series(1, $2) i returning id", 20);
    const cats = await mk("insert into categories (organization_id, name) select $1, 'Category ' || i from generate_series(1, $2) i returning id", 30);
    const cls = (await c.query<{ id: string }>("select id from ci_classes where organization_id is null limit 1")).rows[0]?.id;
    const cis = cls
      ? (
          await c.query<{ id: string }>(
            "insert into configuration_items (organization_id, class_id, name) select $1, $2, 'CI ' || i from generate_series(1, 200) i returning id",
            [org, cls],
          )
        ).rows.map((r) => r.id)
      : [];
    const t0 = performance.now();
    // Spread over DAYS days; 5 % open; 70 % incidents, 25 % requests, 5 % changes; resolution 1–72 h after creation.
    const step = 200_000;
    for (let from = 1; from <= ITEMS; from += step) {
      const to = Math.min(ITEMS, from + step - 1);
      await c.query(
        `insert into work_items (organization_id, type, number, title, state, impact, urgency, priority, requester_id, assignment_group_id,
           assignee_id, service_id, category_id, channel, created_at, updated_at, resolved_at, closed_at)
         select $1, x.type, 'BRP' || lpad(i::text, 8, '0'), 'Bench item ' || i,
           case when i % 20 = 0 then 'in_progress' when x.type = 'change' then 'closed' else 'resolved' end,
           'medium', 'medium', 1 + i % 5, ($2::uuid[])[1 + i % 200], ($3::uuid[])[1 + i % 10], ($4::uuid[])[1 + i % 50],
           ($5::uuid[])[1 + i % 20], ($6::uuid[])[1 + i % 30], (array['agent','portal','email','phone','api','chat','monitoring'])[1 + i % 7],
           x.created, x.created,
           case when i % 20 = 0 or x.type = 'change' then null else x.created + (1 + i % 72) * interval '1 hour' end,
           case when i % 20 = 0 or x.type <> 'change' then null else x.created + (1 + i % 72) * interval '1 hour' end
         from generate_series($7::int, $8::int) i
         cross join lateral (select case when i % 20 in (1, 2, 3, 4, 5) then 'request' when i % 20 = 6 then 'change' else 'incident' end as type,
           now() - ($9::float8 * i / $10::float8) * interval '1 day' - (i % 7) * interval '1 minute' as created) x`,
        [org, requesters, groups, agents, services, cats, from, to, DAYS, ITEMS],
      );
      ctx.say(`reports: work items ${to}/${ITEMS}`);
    }
    await c.query(
      `insert into changes (work_item_id, organization_id, change_type, outcome)
       select id, organization_id, 'normal', (array['successful','successful','successful','successful_with_issues','failed','backed_out'])[1 + abs(hashtext(id::text)) % 6]
       from work_items where organization_id = $1 and type = 'change'`,
      [org],
    );
    // One public staff reply per item (30 min in), a second on every third; a staff state change on resolved ones; reopen on 1 in 25.
    await c.query(
      `insert into comments (organization_id, work_item_id, author_id, visibility, body, created_at)
       select w.organization_id, w.id, w.assignee_id, 'public', 'On it', w.created_at + interval '30 minutes' from work_items w where w.organization_id = $1
       union all
       select w.organization_id, w.id, w.assignee_id, 'public', 'Update', w.created_at + interval '50 minutes' from work_items w
       where w.organization_id = $1 and abs(hashtext(w.id::text)) % 3 = 0`,
      [org],
    );
    ctx.say("reports: comments");
    await c.query(
      `insert into timeline_events (organization_id, work_item_id, actor_id, kind, data, created_at)
       select w.organization_id, w.id, w.assignee_id, 'state_changed',
         case when abs(hashtext(w.id::text)) % 25 = 0 then '{"action":"reopen"}'::jsonb else '{"action":"resolve"}'::jsonb end,
         coalesce(w.resolved_at, w.closed_at)
       from work_items w where w.organization_id = $1 and coalesce(w.resolved_at, w.closed_at) is not null`,
      [org],
    );
    ctx.say("reports: timeline");
    // Stopped SLA clocks on resolved incidents and requests: response and resolution, ~8 % breached.
    await c.query(
      `insert into sla_clocks (organization_id, work_item_id, kind, metric, metric_key, name, target_ms, state, started_at, elapsed_ms, elapsed_at, stopped_at)
       select w.organization_id, w.id, 'sla', m.metric, m.metric, m.metric, m.target,
         case when abs(hashtext(w.id::text || m.metric)) % 12 = 0 then 'breached' else 'met' end,
         w.created_at, case when m.metric = 'response' then 1800000 else extract(epoch from w.resolved_at - w.created_at)::bigint * 400 end,
         w.resolved_at, w.resolved_at
       from work_items w cross join (values ('response', 3600000::bigint), ('resolution', 28800000::bigint)) m(metric, target)
       where w.organization_id = $1 and w.resolved_at is not null`,
      [org],
    );
    ctx.say("reports: clocks");
    if (cis.length)
      await c.query(
        `insert into work_item_cis (organization_id, work_item_id, ci_id)
         select w.organization_id, w.id, ($2::uuid[])[1 + (abs(hashtext(w.id::text)) % 200)]
         from work_items w where w.organization_id = $1 and w.type = 'incident' and abs(hashtext(w.id::text)) % 3 = 0`,
        [org, cis],
      );
    // CSAT: a survey on 1 in 10 resolved items, answered on 1 in 3 of those.
    await c.query(
      `insert into csat_surveys (organization_id, work_item_id, requester_id, token_hash, assignee_id, group_id, service_id, created_at, expires_at, score, responded_at)
       select w.organization_id, w.id, w.requester_id, sha256(w.id::text::bytea), w.assignee_id, w.assignment_group_id, w.service_id,
         w.resolved_at, w.resolved_at + interval '14 days',
         case when abs(hashtext(w.id::text)) % 3 = 0 then 1 + abs(hashtext(w.number)) % 5 end,
         case when abs(hashtext(w.id::text)) % 3 = 0 then w.resolved_at + interval '2 hours' end
       from work_items w where w.organization_id = $1 and w.resolved_at is not null and abs(hashtext(w.id::text)) % 10 = 0`,
      [org],
    );
    await c.query("analyze");
    const rows = Number((await c.query("select count(*) from work_items")).rows[0].count);
    return { org, agent: agents[0], loadSeconds: (performance.now() - t0) / 1000, rows, groups, reused: false };
  });
}

export const part: BenchPart = {
  async run(ctx) {
    const data = await load(ctx);
    const { db } = createDb(ctx.url, 4);
    const config = loadConfig({ ...env, DATABASE_URL: ctx.url });
    const deps: Deps = { db, config, log: ctx.log, metrics: createMetrics(), live: null };
    try {
      // First fill through the real upsert, in the refresh's slices.
      const t0 = performance.now();
      let after: string | null = null;
      if (!data.reused) {
        do after = await refreshFactsSlice(db, after, 20_000);
        while (after);
      }
      const fillS = (performance.now() - t0) / 1000;
      await withClient(ctx.url, (c) => c.query("vacuum analyze report_item_facts"));
      ctx.say(`reports: facts filled in ${fillS.toFixed(0)} s`);

      const actor: Actor = { userId: data.agent, organizationId: data.org, role: "agent", groupIds: [] };
      const now = new Date();
      const periods = [
        { name: "30 days", from: new Date(now.getTime() - 30 * 86_400_000) },
        { name: "365 days", from: new Date(now.getTime() - 365 * 86_400_000) },
      ];
      const widgets: Array<{ w: Widget; by?: string; label: string }> = [
        { w: "volume", label: "incoming vs resolved per day" },
        { w: "backlog", label: "backlog by age" },
        { w: "times", label: "first response / resolve, mean + median, calendar + business" },
        { w: "sla", label: "SLA compliance" },
        { w: "quality", label: "reopen rate + FCR" },
        { w: "breakdown", by: "category", label: "volume by category" },
        { w: "workload", label: "open work per agent and group" },
        { w: "changes", label: "change success rate" },
        { w: "top-cis", label: "top CIs by incidents" },
        { w: "csat", by: "assignee", label: "CSAT by agent" },
      ];
      const lines: string[] = [];
      let worst = 0;
      for (const p of periods) {
        for (const w of widgets) {
          const q = {
            from: p.from.toISOString(),
            to: now.toISOString(),
            tz: "Europe/Berlin",
            bucket: p.name === "365 days" ? ("week" as const) : ("day" as const),
            by: w.by as never,
          };
          await widget(deps, actor, w.w, q); // warm-up
          const times: number[] = [];
          for (let i = 0; i < RUNS; i++) {
            const t = performance.now();
            await widget(deps, actor, w.w, q);
            times.push(performance.now() - t);
          }
          const p95 = pct(times, 95);
          worst = Math.max(worst, p95);
          lines.push(`| ${w.w} (${w.label}) | ${p.name} | ${pct(times, 50).toFixed(1)} | ${p95.toFixed(1)} | ${p95 <= 300 ? "yes" : "**no**"} |`);
          ctx.say(`reports: ${w.w} ${p.name} p95 ${p95.toFixed(1)} ms`);
        }
      }
      // With a group filter (the 30-day period): the filters narrow the same index range.
      const filtered: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await widget(deps, actor, "times", { from: periods[0].from.toISOString(), to: now.toISOString(), tz: "UTC", bucket: "day", groupId: data.groups[3] });
        filtered.push(performance.now() - t);
      }
      // The per-minute refresh: CHANGED items touched (as a busy minute would), then refreshed.
      const since = await dbNow(db);
      await withClient(ctx.url, (c) =>
        c.query(
          `update work_items set updated_at = now(), state = case when state = 'in_progress' then 'on_hold' else state end
           where id in (select id from work_items where organization_id = $1 order by created_at desc limit $2)`,
          [data.org, CHANGED],
        ),
      );
      const tr = performance.now();
      const refreshed = await refreshFactsChangedSince(db, since);
      const refreshMs = performance.now() - tr;
      const idle: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await refreshFactsChangedSince(db, new Date());
        idle.push(performance.now() - t);
      }
      return [
        "### Reports: dashboard widgets at 1M work items",
        "",
        `${data.rows.toLocaleString("en")} work items in the table, ${ITEMS.toLocaleString("en")} in the bench organization spread over ${DAYS} days (~${Math.round(ITEMS / DAYS)}/day; 70 % incidents, 25 % requests, 5 % changes; 5 % open), one or two staff replies, a state change, two stopped SLA clocks per resolved item, CIs on a third of the incidents, CSAT on a tenth; ${data.reused ? "data and facts reused from the previous run (BENCH_REUSE_DB=1)." : `loaded with set-based SQL in ${data.loadSeconds.toFixed(0)} s.`}`,
        data.reused
          ? ""
          : `Facts (one row per item) first filled through the refresh's own upsert in ${fillS.toFixed(0)} s (${Math.round(ITEMS / fillS).toLocaleString("en")} items/s).`,
        `Each widget runs in its own read-only transaction, as the API does (service call, no HTTP); ${RUNS} timed runs after one warm-up; the 365-day volume uses weekly buckets.`,
        "",
        "| Widget | Period | p50 ms | p95 ms | p95 ≤ 300 ms |",
        "|---|---|---|---|---|",
        ...lines,
        `| times, filtered to one group of ten | 30 days | ${pct(filtered, 50).toFixed(1)} | ${pct(filtered, 95).toFixed(1)} | ${pct(filtered, 95) <= 300 ? "yes" : "**no**"} |`,
        "",
        `Per-minute refresh: ${refreshed.toLocaleString("en")} changed items recomputed in ${refreshMs.toFixed(0)} ms; a minute with no change costs ${pct(idle, 50).toFixed(1)} ms (median of 5). Worst widget p95: ${worst.toFixed(0)} ms.`,
        "",
      ].join("\n");
    } finally {
      await db.destroy();
    }
  },
};
