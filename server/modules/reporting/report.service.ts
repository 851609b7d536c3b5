import { sql } from "kysely";
import type { TDrillQuery, TDrillResult, TRate, TReportFilters, TWidgetQuery, TWidgetResult, Widget } from "../../../contracts/reporting";
import type { Actor, Deps } from "../../deps";
import { type Tx, withReadOnlyTx } from "../../platform/db/db";
import { AppError, invalidField } from "../../platform/http/errors";
import { isStaffActor } from "../work-items/work-item.policy";
import * as csatRepo from "./csat.repo";
import { lastRefresh } from "./report-facts.repo";
import * as repo from "./report.repo";

const DAY_MS = 86_400_000;
const DEFAULT_TYPES = ["incident", "request"];

/** Report queries: read-only, on the replica when one is configured. */
export function readReport<T>(deps: Deps, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withReadOnlyTx(deps.reportDb ?? deps.db, fn);
}

/** Management figures are for staff: requesters get 403. */
export function assertCanReport(actor: Actor): void {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Dashboards and reports are for agents and administrators");
}

/** The viewer's own time zone (users.time_zone), the default for day buckets. */
async function viewerTimeZone(tx: Tx, actor: Actor): Promise<string> {
  const u = await tx.selectFrom("users").select("time_zone").where("id", "=", actor.userId).executeTakeFirst();
  return u?.time_zone || "UTC";
}

/** Filters → a scope: defaults, the caller's organization, sane period bounds. */
export async function resolveScope(tx: Tx, actor: Actor, f: TReportFilters & { states?: string[] }, maxDays = 731): Promise<repo.Scope> {
  if (f.organizationId && f.organizationId !== actor.organizationId) throw new AppError("FORBIDDEN", "You can only report on your own organization");
  const to = f.to ? new Date(f.to) : new Date();
  const from = f.from ? new Date(f.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (from >= to) throw invalidField("querystring.from", "must be before to");
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) throw invalidField("querystring.from", `the period may span at most ${maxDays} days`);
  return {
    organizationId: actor.organizationId,
    from,
    to,
    tz: f.tz ?? (await viewerTimeZone(tx, actor)),
    types: f.types?.length ? f.types : DEFAULT_TYPES,
    deskId: f.deskId,
    groupId: f.groupId,
    serviceId: f.serviceId,
    categoryId: f.categoryId,
    assigneeId: f.assigneeId,
    priority: f.priority,
    channel: f.channel,
    states: f.states,
  };
}

/** A rate with its parts; percent rounded to one decimal, null when nothing was measured. */
export function rate(numerator: number, denominator: number): TRate {
  return { numerator, denominator, percent: denominator ? Math.round((numerator / denominator) * 1000) / 10 : null };
}

/** One dashboard widget's figures for the caller's organization and filters. */
export async function widget(deps: Deps, actor: Actor, name: Widget, q: TWidgetQuery): Promise<TWidgetResult> {
  assertCanReport(actor);
  return readReport(deps, async (tx) => {
    const s = await resolveScope(tx, actor, q);
    if (name === "volume" && q.bucket === "day" && s.to.getTime() - s.from.getTime() > 400 * DAY_MS)
      throw invalidField("querystring.bucket", "use weekly buckets for periods over 400 days");
    const base: TWidgetResult = { widget: name, from: s.from.toISOString(), to: s.to.toISOString(), tz: s.tz, refreshedAt: null };
    const refreshed = await lastRefresh(tx);
    base.refreshedAt = refreshed ? refreshed.toISOString() : null;
    switch (name) {
      case "volume":
        return { ...base, series: await repo.volumeSeries(tx, s, q.bucket) };
      case "backlog": {
        const b = await repo.backlog(tx, s, new Date());
        return {
          ...base,
          total: b.total,
          meanAgeMs: b.meanAgeMs,
          slices: b.buckets.map((x) => ({ key: x.key, label: x.key, value: x.count, count: x.count })),
        };
      }
      case "times":
        return { ...base, ...(await repo.durations(tx, s)) };
      case "sla": {
        const c = await repo.resolvedCounts(tx, s);
        return {
          ...base,
          responseCompliance: rate(c.response_met, c.response_met + c.response_breached),
          resolutionCompliance: rate(c.resolution_met, c.resolution_met + c.resolution_breached),
        };
      }
      case "quality": {
        const c = await repo.resolvedCounts(tx, s);
        return { ...base, reopenRate: rate(c.reopened, c.resolved), fcrRate: rate(c.fcr, c.resolved) };
      }
      case "breakdown":
        return { ...base, slices: await repo.countBy(tx, s, "created", q.by ?? "category", 20) };
      case "workload": {
        const [agents, groups] = await Promise.all([repo.countBy(tx, s, "open", "assignee", 25), repo.countBy(tx, s, "open", "group", 25)]);
        return { ...base, slices: agents, groups };
      }
      case "changes": {
        const o = await repo.changeOutcomes(tx, s);
        const ok = o.filter((x) => x.outcome === "successful" || x.outcome === "successful_with_issues").reduce((a, x) => a + x.count, 0);
        const judged = o.filter((x) => x.outcome !== "none").reduce((a, x) => a + x.count, 0);
        return { ...base, successRate: rate(ok, judged), slices: o.map((x) => ({ key: x.outcome, label: x.outcome, value: x.count, count: x.count })) };
      }
      case "top-cis":
        return { ...base, slices: await repo.topCis(tx, s) };
      case "csat": {
        const by = q.by === "group" || q.by === "service" ? q.by : "assignee";
        const [summary, slices] = await Promise.all([csatRepo.csatSummary(tx, s), csatRepo.csatBy(tx, s, by)]);
        return { ...base, csat: summary, slices };
      }
    }
  });
}

/** The work items behind one part of a widget (the same filters, plus the clicked bucket or slice). */
export async function drill(deps: Deps, actor: Actor, q: TDrillQuery): Promise<TDrillResult> {
  assertCanReport(actor);
  return readReport(deps, async (tx) => {
    const s = await resolveScope(tx, actor, q);
    const key = q.key;
    const bucketCond = (col: "created_at" | "resolved_at") => {
      if (!key || !/^\d{4}-\d{2}-\d{2}$/.test(key)) throw invalidField("querystring.key", "a bucket date YYYY-MM-DD");
      return sql`date_trunc(${q.bucket}, ${sql.ref(`f.${col}`)} at time zone ${s.tz}) = ${key}::timestamp`;
    };
    const sliceCond = (col: string) => (key === "none" || !key ? sql`${sql.ref(`f.${col}`)} is null` : sql`${sql.ref(`f.${col}`)}::text = ${key}`);
    let r: Awaited<ReturnType<typeof repo.drillItems>>;
    switch (q.widget) {
      case "volume":
        r =
          q.series === "resolved"
            ? await repo.drillItems(tx, s, "resolved", [bucketCond("resolved_at")], q.limit)
            : await repo.drillItems(tx, s, "created", [bucketCond("created_at")], q.limit);
        break;
      case "backlog": {
        const b = repo.AGE_BUCKETS.findIndex((x) => x.key === key);
        const extra = [];
        const now = new Date();
        if (b >= 0) {
          const lo = b > 0 ? repo.AGE_BUCKETS[b - 1].max : 0;
          const hi = repo.AGE_BUCKETS[b].max;
          extra.push(sql`f.created_at <= ${new Date(now.getTime() - (lo ?? 0) * DAY_MS)}`);
          if (hi !== null) extra.push(sql`f.created_at > ${new Date(now.getTime() - hi * DAY_MS)}`);
        }
        r = await repo.drillItems(tx, s, "open", extra, q.limit);
        break;
      }
      case "breakdown":
        r = await repo.drillItems(tx, s, "created", [sliceCond(repo.dimensionColumn(q.by ?? "category"))], q.limit);
        break;
      case "workload":
        r = await repo.drillItems(tx, s, "open", [sliceCond(q.series === "group" ? "group_id" : "assignee_id")], q.limit);
        break;
      case "sla": {
        const col = q.series === "response" ? "response_sla" : "resolution_sla";
        r = await repo.drillItems(tx, s, "resolved", [sql`${sql.ref(`f.${col}`)} = ${key === "met" ? "met" : "breached"}`], q.limit);
        break;
      }
      case "quality":
        r = await repo.drillItems(tx, s, "resolved", [q.series === "fcr" ? sql`f.fcr` : sql`f.reopen_count > 0`], q.limit);
        break;
      case "times":
        r = await repo.drillItems(
          tx,
          s,
          q.series === "response" ? "created" : "resolved",
          q.series === "response" ? [sql`f.response_ms is not null`] : [],
          q.limit,
        );
        break;
      case "changes":
        r = await repo.drillItems(tx, { ...s, types: ["change"] }, "resolved", key ? [sliceCond("change_outcome")] : [], q.limit);
        break;
      case "top-cis":
        if (!key) throw invalidField("querystring.key", "the CI id");
        r = await repo.drillItems(
          tx,
          { ...s, types: ["incident"] },
          "created",
          [sql`exists (select 1 from work_item_cis wc where wc.work_item_id = f.work_item_id and wc.ci_id::text = ${key})`],
          q.limit,
        );
        break;
      case "csat":
        r = await csatRepo.drillResponses(tx, s, key ? Number(key) : null, q.limit);
        break;
    }
    return {
      total: r.total,
      items: r.items.map((x) => ({
        id: x.id,
        number: x.number,
        type: x.type as TDrillResult["items"][number]["type"],
        title: x.title,
        state: x.state,
        priority: x.priority,
        createdAt: new Date(x.created_at).toISOString(),
        resolvedAt: x.resolved_at ? new Date(x.resolved_at).toISOString() : null,
      })),
    };
  });
}
