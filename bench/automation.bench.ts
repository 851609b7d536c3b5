// Bench part `automation`: the cost of rule matching per event with 200 active rules (pure, in memory,
// as the event consumer runs it after loading the event), the whole consumer per event against the
// database (load event + item, cached rules, match; no rule applies), and what event capture adds to
// creating an incident (the timeline trigger queuing one job) against an organization with no consumer.
import type { TRuleInput } from "../contracts/automation";
import type { Actor, Deps } from "../server/deps";
import { loadDomainEvent } from "../server/modules/automation/events";
import { compileCondition, type CompiledRule, type RuleContext, selectRules } from "../server/modules/automation/rule.engine";
import { activeRules, createRule, handleEvent } from "../server/modules/automation/rule.service";
import { createIncident } from "../server/modules/incidents/incident.service";
import { loadConfig } from "../server/platform/config";
import { createDb } from "../server/platform/db/db";
import { createMetrics } from "../server/platform/metrics";
import { withClient } from "./lib/database";
import type { BenchPart, BenchPartContext } from "./parts";

const env = process.env;
const RULES = Number(env.BENCH_AUTOMATION_RULES ?? 200);
const EVENTS = Number(env.BENCH_AUTOMATION_EVENTS ?? 20_000);
const DB_EVENTS = Number(env.BENCH_AUTOMATION_DB_EVENTS ?? 500);
const CREATES = Number(env.BENCH_AUTOMATION_CREATES ?? 300);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const msf = (ms: number) => `${ms.toFixed(2)} ms`;

const TRIGGERS = ["work_item.created", "work_item.updated", "work_item.state_changed", "comment.added"] as const;
const WORDS = ["vpn", "printer", "outlook", "password", "laptop", "erp", "wifi", "badge", "monitor", "backup"];

/** 200 realistic rules: a mix of equality, lists, numbers, text, a regex in one of five, nested any/not. */
function ruleInputs(ids: { group: string; user: string }): TRuleInput[] {
  return Array.from({ length: RULES }, (_, i) => {
    const w = WORDS[i % WORDS.length];
    const parts: NonNullable<TRuleInput["conditions"]>[] = [
      { field: "priority", op: "lte", value: 1 + (i % 5) },
      { field: "state", op: "in", value: ["new", "in_progress"] },
      {
        any: [
          { field: "title", op: "contains", value: `${w}-${i}` },
          { field: "description", op: "contains", value: `${w}-${i}` },
        ],
      },
      { not: { field: "assigneeId", op: "eq", value: ids.user } },
    ];
    if (i % 5 === 0) parts.push({ field: "title", op: "matches", value: `(?i)\\b${w}\\s+(down|broken|fails)\\b` });
    if (i % 7 === 0) parts.push({ field: "impact", op: "changed_to", value: "high" });
    return {
      name: `Bench rule ${i}`,
      description: "",
      active: true,
      itemType: "incident",
      trigger: TRIGGERS[i % TRIGGERS.length],
      timezone: "UTC",
      conditions: { all: parts },
      actions: [{ type: "add_comment", body: "bench", visibility: "internal" }],
      stopProcessing: false,
      reactToRules: false,
    };
  });
}

function pureMatching(inputs: TRuleInput[]) {
  const rules: CompiledRule[] = inputs.map((r, i) => ({
    id: String(i),
    name: r.name,
    itemType: r.itemType,
    trigger: r.trigger,
    stopProcessing: false,
    reactToRules: false,
    predicate: compileCondition(r.conditions),
  }));
  const times: number[] = [];
  let matched = 0;
  for (let i = 0; i < EVENTS; i++) {
    const w = WORDS[i % WORDS.length];
    const ctx: Omit<RuleContext, "trigger"> = {
      itemType: "incident",
      fields: {
        // Every event names one rule's keyword (the rule with the same number), so some rules do match.
        title: `${WORDS[(i % RULES) % WORDS.length]}-${i % RULES} down again on floor ${i % 9} — users cannot work (${w})`,
        description: `Reported by phone. ${"Details follow. ".repeat(20)}`,
        priority: 1 + (i % 5),
        state: i % 3 ? "new" : "in_progress",
        impact: "high",
        assigneeId: null,
      },
      changes: i % 2 ? { impact: { from: "low", to: "high" } } : {},
    };
    const t0 = performance.now();
    matched += selectRules(rules, [TRIGGERS[i % TRIGGERS.length]], ctx, null).length;
    times.push(performance.now() - t0);
  }
  return { times, matched };
}

export const part: BenchPart = {
  async run(ctx: BenchPartContext): Promise<string> {
    const { db } = createDb(ctx.url, 4);
    const config = loadConfig({ ...env, DATABASE_URL: ctx.url });
    const deps: Deps = { db, config, log: ctx.log, metrics: createMetrics(), live: null };
    try {
      const setup = async (label: string) =>
        withClient(ctx.url, async (c) => {
          const org = (
            await c.query<{ id: string }>("insert into organizations (name, slug, settings) values ($1, $2, '{}') returning id", [
              label,
              `${label}-${Date.now()}`,
            ])
          ).rows[0].id;
          const user = (
            await c.query<{ id: string }>("insert into users (organization_id, email, name, role) values ($1, $2, 'Bench admin', 'admin') returning id", [
              org,
              `${label}-${Date.now()}@bench.test`,
            ])
          ).rows[0].id;
          const group = (await c.query<{ id: string }>("insert into groups (organization_id, name) values ($1, 'Bench group') returning id", [org])).rows[0].id;
          return { org, user, group, actor: { userId: user, organizationId: org, role: "admin", groupIds: [] } as Actor };
        });

      // 1. Pure matching, 200 rules, in memory.
      const quiet = await setup("auto-bench-quiet");
      const inputs = ruleInputs({ group: quiet.group, user: quiet.user });
      pureMatching(inputs.slice(0, 20)); // warm-up (JIT)
      const pure = pureMatching(inputs);
      ctx.say(`automation: pure matching median ${us(pct(pure.times, 0.5))}`);

      // 2. Creates without a consumer (no job queued by the trigger).
      const create = async (actor: Actor, i: number) => {
        const t0 = performance.now();
        await createIncident(deps, actor, { title: `Bench ${i} printer down`, description: "", impact: "low", urgency: "low" } as never, { via: "token" });
        return performance.now() - t0;
      };
      for (let i = 0; i < 30; i++) await create(quiet.actor, i);
      // Baseline: the same creates with automation's triggers switched off (as before event capture).
      const triggers = async (on: boolean) =>
        withClient(ctx.url, async (c) => {
          const verb = on ? "enable" : "disable";
          await c.query(`alter table timeline_events ${verb} trigger timeline_events_publish, ${verb} trigger timeline_events_automation_stamp`);
          await c.query(`alter table comments ${verb} trigger comments_automation_stamp`);
        });
      const createsBase: number[] = [];
      const createsQuiet: number[] = [];
      // Interleaved rounds so a noisy neighbour hurts both alike.
      for (let round = 0; round < 3; round++) {
        await triggers(false);
        for (let i = 0; i < CREATES / 3; i++) createsBase.push(await create(quiet.actor, i));
        await triggers(true);
        for (let i = 0; i < CREATES / 3; i++) createsQuiet.push(await create(quiet.actor, i));
      }

      // 3. An organization with 200 active rules: creates (one job queued each), then the consumer per event.
      const busy = await setup("auto-bench-busy");
      for (const r of ruleInputs({ group: busy.group, user: busy.user })) await createRule(deps, busy.actor, r);
      for (let i = 0; i < 30; i++) await create(busy.actor, i);
      const createsBusy: number[] = [];
      for (let i = 0; i < CREATES; i++) createsBusy.push(await create(busy.actor, i));
      const events = (
        await withClient(ctx.url, (c) =>
          c.query<{ id: number }>("select id from timeline_events where organization_id = $1 and kind = 'created' order by id desc limit $2", [
            busy.org,
            DB_EVENTS,
          ]),
        )
      ).rows.map((r) => Number(r.id));
      await activeRules(db, busy.org);
      const consumer: number[] = [];
      const loadOnly: number[] = [];
      for (const id of events) {
        const t0 = performance.now();
        const e = await loadDomainEvent(db, id);
        const t1 = performance.now();
        if (e) await handleEvent(deps, e);
        const t2 = performance.now();
        loadOnly.push(t1 - t0);
        consumer.push(t2 - t0);
      }
      const queued = (
        await withClient(ctx.url, (c) =>
          c.query<{ n: number }>(
            "select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = 'events.deliver'",
          ),
        )
      ).rows[0].n;
      const row = (label: string, xs: number[], f: (x: number) => string, aim = "") => `| ${label} | ${f(pct(xs, 0.5))} | ${f(pct(xs, 0.95))} | ${aim} |`;
      return [
        "### Automation: rule matching per event with 200 active rules",
        "",
        `${RULES} active rules (a mix of comparisons, lists, text contains, nested any/not, a regular expression in every fifth, "changed to" in every seventh), four triggers; ${EVENTS.toLocaleString("en")} synthetic events for the in-memory part, ${events.length} real events for the consumer.`,
        "",
        "| Measure | Median | p95 | Aim |",
        "|---|---|---|---|",
        row("Rule matching per event (compiled rules, in memory)", pure.times, us, "≤ 1 ms"),
        row("Consumer per event: load event + item (one query), cached rules, match (no rule applies)", consumer, msf),
        row("… of which loading the event", loadOnly, msf),
        row("Incident create, automation triggers off (baseline)", createsBase, msf),
        row("Incident create, organization without a consumer (triggers on, nothing queued)", createsQuiet, msf),
        row("Incident create, organization with 200 rules (trigger queues one job)", createsBusy, msf),
        "",
        `Matches found: ${pure.matched} over ${EVENTS} events. Event jobs queued in the database: ${queued}. Create cost of the triggers with no consumer (median): ${msf(pct(createsQuiet, 0.5) - pct(createsBase, 0.5))}; with a consumer (one job queued): ${msf(pct(createsBusy, 0.5) - pct(createsBase, 0.5))}. Each create is one transaction through \`createIncident\` (numbering, priority, SLA clocks, notifications) in the bench process.`,
        "",
      ].join("\n");
    } finally {
      await db.destroy();
    }
  },
};
