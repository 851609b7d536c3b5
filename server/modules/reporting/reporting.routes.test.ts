import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import { withReadOnlyTx } from "../../platform/db/db";
import type { App } from "../../platform/http/app";
import { closeTransports } from "../../platform/mail/transport";
import { createDesk, createGroup, createOrg, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";
import { runJobs, startSmtpSink } from "../../test/mail";
import { sendDueReports } from "./custom-report.service";
import { refreshFactsOfOrganization } from "./report-facts.repo";
import { refreshReportFacts } from "./report-refresh.service";

let app: App;
let deps: Deps;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  app = await testApp();
  sink = await startSmtpSink();
  deps = { ...testDeps(), config: { ...testDeps().config, PORTICO_SMTP_URL: sink.url, PORTICO_PUBLIC_URL: "https://portico.test" } };
});
afterAll(async () => {
  closeTransports();
  await sink.close();
  await closeTestApp();
});

const H = 3_600_000;
type ItemOpts = {
  type?: string;
  createdAt: string;
  resolvedAt?: string | null;
  closedAt?: string | null;
  state?: string;
  groupId?: string | null;
  assigneeId?: string | null;
  channel?: string;
};

/** A work item with exact times (the dataset the figures are asserted against). */
async function item(orgId: string, requesterId: string, o: ItemOpts): Promise<string> {
  const r = await deps.db
    .insertInto("work_items")
    .values({
      organization_id: orgId,
      type: (o.type ?? "incident") as never,
      number: `R${uniq().toUpperCase()}`,
      title: `Item ${uniq()}`,
      state: o.state ?? (o.resolvedAt ? "resolved" : "new"),
      impact: "medium",
      urgency: "medium",
      priority: 3,
      requester_id: requesterId,
      assignment_group_id: o.groupId ?? null,
      assignee_id: o.assigneeId ?? null,
      channel: o.channel ?? "portal",
      created_at: o.createdAt,
      updated_at: o.createdAt,
      resolved_at: o.resolvedAt ?? null,
      closed_at: o.closedAt ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

async function comment(orgId: string, itemId: string, authorId: string, at: string, visibility: "public" | "internal" = "public") {
  await deps.db
    .insertInto("comments")
    .values({ organization_id: orgId, work_item_id: itemId, author_id: authorId, visibility, body: "reply", created_at: at })
    .execute();
}

async function stateChange(orgId: string, itemId: string, actorId: string, at: string, action: string) {
  await deps.db
    .insertInto("timeline_events")
    .values({
      organization_id: orgId,
      work_item_id: itemId,
      actor_id: actorId,
      kind: "state_changed",
      changes: "[]",
      data: JSON.stringify({ action }),
      created_at: at,
    })
    .execute();
}

async function clock(orgId: string, itemId: string, metric: "response" | "resolution", state: "met" | "breached", elapsedMs: number, at: string) {
  await deps.db
    .insertInto("sla_clocks")
    .values({
      organization_id: orgId,
      work_item_id: itemId,
      kind: "sla",
      metric,
      metric_key: metric,
      name: metric,
      target_ms: 8 * H,
      state,
      started_at: at,
      elapsed_ms: elapsedMs,
      elapsed_at: at,
      stopped_at: at,
      thresholds: "[]",
    })
    .execute();
}

// Berlin is UTC+1 in November: the period is 1–3 November, local days.
const period = `from=${encodeURIComponent("2026-11-01T00:00:00+01:00")}&to=${encodeURIComponent("2026-11-04T00:00:00+01:00")}`;

describe("dashboard figures on a known dataset", () => {
  let d: Awaited<ReturnType<typeof createDesk>>;
  let g1: { id: string };
  let g2: { id: string };
  beforeAll(async () => {
    d = await createDesk(deps);
    g1 = await createGroup(deps, d.org.id, "Network");
    g2 = await createGroup(deps, d.org.id, "Apps");
    const o = d.org.id;
    const req = d.requester.id;
    // A: 1 h to the first reply, resolved after 4 h, one staff reply → FCR; SLA met (business 1 h / 3 h).
    const a = await item(o, req, { createdAt: "2026-11-01T08:00:00Z", resolvedAt: "2026-11-01T12:00:00Z", groupId: g1.id });
    await comment(o, a, d.agent.id, "2026-11-01T09:00:00Z");
    await comment(o, a, d.agent.id, "2026-11-01T09:30:00Z", "internal");
    await comment(o, a, d.requester.id, "2026-11-01T08:10:00Z");
    await clock(o, a, "response", "met", 1 * H, "2026-11-01T09:00:00Z");
    await clock(o, a, "resolution", "met", 3 * H, "2026-11-01T12:00:00Z");
    // B: created 23:30 UTC = 00:30 on 2 November in Berlin; first response is a staff state change after 2 h;
    // resolved after 10 h with two staff replies (not FCR); resolution SLA breached (business 5 h).
    const b = await item(o, req, { createdAt: "2026-11-01T23:30:00Z", resolvedAt: "2026-11-02T09:30:00Z", groupId: g1.id });
    await stateChange(o, b, d.agent.id, "2026-11-02T01:30:00Z", "start");
    await comment(o, b, d.agent.id, "2026-11-02T02:00:00Z");
    await comment(o, b, d.agent2.id, "2026-11-02T03:00:00Z");
    await clock(o, b, "resolution", "breached", 5 * H, "2026-11-02T09:30:00Z");
    // C: 30 min to the first reply, resolved after 24 h, reopened once on the way (not FCR).
    const c = await item(o, req, { createdAt: "2026-11-02T10:00:00Z", resolvedAt: "2026-11-03T10:00:00Z", groupId: g2.id, channel: "email" });
    await comment(o, c, d.agent.id, "2026-11-02T10:30:00Z");
    await stateChange(o, c, d.requester.id, "2026-11-02T15:00:00Z", "reopen");
    // D: open, only the requester wrote (no first response); assigned.
    const dd = await item(o, req, { createdAt: "2026-11-03T09:00:00Z", assigneeId: d.agent.id });
    await comment(o, dd, d.requester.id, "2026-11-03T09:05:00Z");
    // E: created before the period, resolved at 23:59 Berlin on 3 November (22:59 UTC) without a reply (FCR).
    await item(o, req, { createdAt: "2026-10-20T10:00:00Z", resolvedAt: "2026-11-03T22:59:00Z" });
    // F: an open request on 2 November.
    await item(o, req, { type: "request", createdAt: "2026-11-02T12:00:00Z", state: "submitted" });
    // G: 00:30 on 4 November in Berlin — outside the period (but 3 November in UTC).
    await item(o, req, { createdAt: "2026-11-03T23:30:00Z" });
    // A problem in the period (other type) and another organization's incident: never counted.
    await item(o, req, { type: "problem", createdAt: "2026-11-02T12:00:00Z" });
    const other = await createOrg(deps);
    const stranger = await createUser(deps, other.id, "requester");
    await item(other.id, stranger.id, { createdAt: "2026-11-02T12:00:00Z", resolvedAt: "2026-11-02T13:00:00Z" });
    await refreshFactsOfOrganization(deps.db, o);
    await refreshFactsOfOrganization(deps.db, other.id);
  });

  it("counts incoming and resolved per local day of the viewer's time zone (boundary at midnight)", async () => {
    const berlin = await http(app, d.agent).get(`/api/v1/reports/widgets/volume?${period}&tz=Europe/Berlin`);
    expect(berlin.status).toBe(200);
    expect(berlin.body.series).toEqual([
      { bucket: "2026-11-01", incoming: 1, resolved: 1 },
      { bucket: "2026-11-02", incoming: 3, resolved: 1 },
      { bucket: "2026-11-03", incoming: 1, resolved: 2 },
    ]);
    // The same instants bucketed in UTC: B moves to 1 November, the period starts at 23:00 on 31 October.
    const utc = await http(app, d.agent).get(`/api/v1/reports/widgets/volume?${period}&tz=UTC`);
    expect(utc.body.series).toEqual([
      { bucket: "2026-10-31", incoming: 0, resolved: 0 },
      { bucket: "2026-11-01", incoming: 2, resolved: 1 },
      { bucket: "2026-11-02", incoming: 2, resolved: 1 },
      { bucket: "2026-11-03", incoming: 1, resolved: 2 },
    ]);
    // Without tz: the viewer's own zone (users.time_zone).
    await deps.db.updateTable("users").set({ time_zone: "Europe/Berlin" }).where("id", "=", d.agent2.id).execute();
    expect((await http(app, d.agent2).get(`/api/v1/reports/widgets/volume?${period}`)).body.series).toEqual(berlin.body.series);
    // Drill-down: the three items that came in on 2 November (Berlin).
    const drill = await http(app, d.agent).get(`/api/v1/reports/drill?widget=volume&series=incoming&key=2026-11-02&${period}&tz=Europe/Berlin`);
    expect(drill.status).toBe(200);
    expect(drill.body.total).toBe(3);
    expect(drill.body.items.map((i: { type: string }) => i.type).sort()).toEqual(["incident", "incident", "request"]);
  });

  it("gives exact means and medians of first response and resolution, calendar and business", async () => {
    const r = await http(app, d.agent).get(`/api/v1/reports/widgets/times?${period}&tz=Europe/Berlin`);
    expect(r.status).toBe(200);
    // Responses of items created in the period: A 1 h, B 2 h, C 30 min (D has none).
    expect(r.body.response).toEqual({ count: 3, meanMs: 4_200_000, medianMs: 3_600_000, businessCount: 1, businessMeanMs: H, businessMedianMs: H });
    // Resolutions in the period: A 4 h, B 10 h, C 24 h, E 14 d 12 h 59 min.
    const e = 14 * 24 * H + 12 * H + 59 * 60_000;
    expect(r.body.resolution).toEqual({
      count: 4,
      meanMs: (4 * H + 10 * H + 24 * H + e) / 4,
      medianMs: (10 * H + 24 * H) / 2,
      businessCount: 2,
      businessMeanMs: 4 * H,
      businessMedianMs: 4 * H,
    });
  });

  it("computes SLA compliance, reopen rate and first-contact resolution", async () => {
    const sla = await http(app, d.agent).get(`/api/v1/reports/widgets/sla?${period}&tz=Europe/Berlin`);
    expect(sla.body.responseCompliance).toEqual({ numerator: 1, denominator: 1, percent: 100 });
    expect(sla.body.resolutionCompliance).toEqual({ numerator: 1, denominator: 2, percent: 50 });
    const q = await http(app, d.agent).get(`/api/v1/reports/widgets/quality?${period}&tz=Europe/Berlin`);
    expect(q.body.reopenRate).toEqual({ numerator: 1, denominator: 4, percent: 25 });
    expect(q.body.fcrRate).toEqual({ numerator: 2, denominator: 4, percent: 50 });
    const breached = await http(app, d.agent).get(`/api/v1/reports/drill?widget=sla&series=resolution&key=breached&${period}&tz=Europe/Berlin`);
    expect(breached.body.total).toBe(1);
  });

  it("breaks volumes down by group and channel, and shows open work per agent", async () => {
    const byGroup = await http(app, d.agent).get(`/api/v1/reports/widgets/breakdown?by=group&${period}&tz=Europe/Berlin`);
    expect(byGroup.body.error).toBeUndefined();
    expect(byGroup.body.slices).toEqual([
      { key: g1.id, label: "Network", value: 2, count: 2 },
      { key: "none", label: "", value: 2, count: 2 },
      { key: g2.id, label: "Apps", value: 1, count: 1 },
    ]);
    const byChannel = await http(app, d.agent).get(`/api/v1/reports/widgets/breakdown?by=channel&${period}&tz=Europe/Berlin&types=incident`);
    expect(byChannel.body.slices.map((s: { key: string; count: number }) => [s.key, s.count])).toEqual([
      ["portal", 3],
      ["email", 1],
    ]);
    const work = await http(app, d.agent).get(`/api/v1/reports/widgets/workload?${period}`);
    expect(work.body.slices.find((s: { key: string }) => s.key === d.agent.id)).toMatchObject({ count: 1, label: d.agent.name });
    const filtered = await http(app, d.agent).get(`/api/v1/reports/widgets/volume?${period}&tz=Europe/Berlin&groupId=${g1.id}`);
    expect(filtered.body.series.map((p: { incoming: number }) => p.incoming)).toEqual([1, 1, 0]);
  });

  it("keeps requesters out and figures inside the organization", async () => {
    expect((await http(app, d.requester).get(`/api/v1/reports/widgets/volume?${period}`)).status).toBe(403);
    expect((await http(app, d.requester).get(`/api/v1/reports/drill?widget=volume&key=2026-11-02&${period}`)).status).toBe(403);
    expect((await http(app).get(`/api/v1/reports/widgets/volume?${period}`)).status).toBe(401);
    const other = await createOrg(deps);
    const outsider = await createUser(deps, other.id, "admin");
    const theirs = await http(app, outsider).get(`/api/v1/reports/widgets/volume?${period}&tz=Europe/Berlin`);
    expect(theirs.body.series.every((p: { incoming: number; resolved: number }) => p.incoming === 0 && p.resolved === 0)).toBe(true);
    expect((await http(app, outsider).get(`/api/v1/reports/widgets/volume?${period}&organizationId=${d.org.id}`)).status).toBe(403);
    expect((await http(app, d.agent).get(`/api/v1/reports/widgets/volume?${period}&tz=Mars/Olympus`)).status).toBe(400);
    expect((await http(app, d.agent).get("/api/v1/reports/widgets/nope")).status).toBe(400);
  });
});

describe("backlog, changes and CIs", () => {
  it("ages the open backlog and rates changes by outcome", async () => {
    const d = await createDesk(deps);
    const o = d.org.id;
    const now = Date.now(); // one instant: durations between rows must not drift by the milliseconds between calls
    const ago = (ms: number) => new Date(now - ms).toISOString();
    await item(o, d.requester.id, { createdAt: ago(2 * H) });
    await item(o, d.requester.id, { createdAt: ago(50 * H) });
    await item(o, d.requester.id, { createdAt: ago(40 * 24 * H) });
    await item(o, d.requester.id, { createdAt: ago(3 * H), resolvedAt: ago(H) });
    for (const outcome of ["successful", "successful_with_issues", "failed", "backed_out"]) {
      const id = await item(o, d.requester.id, { type: "change", createdAt: ago(5 * 24 * H), closedAt: ago(2 * 24 * H), state: "closed" });
      await deps.db
        .insertInto("changes" as never)
        .values({ work_item_id: id, organization_id: o, change_type: "normal", outcome } as never)
        .execute();
    }
    await refreshFactsOfOrganization(deps.db, o);
    const b = await http(app, d.agent).get("/api/v1/reports/widgets/backlog?types=incident");
    expect(b.body.total).toBe(3);
    expect(b.body.slices.map((s: { key: string; count: number }) => [s.key, s.count])).toEqual([
      ["lt1d", 1],
      ["1to3d", 1],
      ["3to7d", 0],
      ["7to30d", 0],
      ["gt30d", 1],
    ]);
    const drill = await http(app, d.agent).get("/api/v1/reports/drill?widget=backlog&key=gt30d&types=incident");
    expect(drill.body.total).toBe(1);
    const ch = await http(app, d.agent).get("/api/v1/reports/widgets/changes");
    expect(ch.body.successRate).toEqual({ numerator: 2, denominator: 4, percent: 50 });
  });
});

describe("per-minute refresh", () => {
  it("fills every item once, then recomputes what changed since the watermark", async () => {
    const d = await createDesk(deps);
    const id = await item(d.org.id, d.requester.id, { createdAt: new Date().toISOString() });
    await refreshReportFacts(deps);
    const fact = () => deps.db.selectFrom("report_item_facts").select(["state", "first_response_at"]).where("work_item_id", "=", id).executeTakeFirst();
    expect((await fact())?.state).toBe("new");
    const state = await deps.db.selectFrom("report_refresh_state").selectAll().executeTakeFirstOrThrow();
    expect(state.watermark).not.toBeNull();
    await comment(d.org.id, id, d.agent.id, new Date().toISOString());
    await deps.db.updateTable("work_items").set({ state: "in_progress", updated_at: new Date() }).where("id", "=", id).execute();
    await refreshReportFacts(deps);
    expect(await fact()).toMatchObject({ state: "in_progress", first_response_at: expect.any(Date) });
  });
});

describe("read-only reporting connection", () => {
  it("refuses writes in a report transaction (replica-safe)", async () => {
    await expect(
      withReadOnlyTx(deps.reportDb ?? deps.db, async (tx) => {
        await sql`insert into report_refresh_state (id) values (1)`.execute(tx);
      }),
    ).rejects.toMatchObject({ code: "25006" });
    const r = await withReadOnlyTx(deps.db, async (tx) => sql<{ transaction_read_only: string }>`show transaction_read_only`.execute(tx));
    expect(r.rows[0].transaction_read_only).toBe("on");
  });
});

describe("custom reports", () => {
  it("runs, saves, shares and exports with formula cells escaped", async () => {
    const d = await createDesk(deps);
    const evil = await createGroup(deps, d.org.id, '=HYPERLINK("http://x")');
    const now = Date.now(); // one instant (see above)
    const ago = (ms: number) => new Date(now - ms).toISOString();
    await item(d.org.id, d.requester.id, { createdAt: ago(2 * H), groupId: evil.id, resolvedAt: ago(H) });
    await item(d.org.id, d.requester.id, { createdAt: ago(5 * H), groupId: evil.id, resolvedAt: ago(2 * H) });
    await item(d.org.id, d.requester.id, { createdAt: ago(5 * H), groupId: d.group.id });
    await refreshFactsOfOrganization(deps.db, d.org.id);
    const def = { type: "incident", basis: "created", periodDays: 7, groupBy: "group", measure: "count" };
    const run = await http(app, d.agent).post("/api/v1/reports/run", def);
    expect(run.status).toBe(200);
    expect(run.body.rows.map((r: { label: string; value: number }) => [r.label, r.value])).toEqual([
      ['=HYPERLINK("http://x")', 2],
      ["Service Desk", 1],
    ]);
    const mean = await http(app, d.agent).post("/api/v1/reports/run", { ...def, basis: "resolved", measure: "mean_resolution" });
    expect(mean.body.rows).toEqual([{ key: evil.id, label: '=HYPERLINK("http://x")', value: 2 * H, count: 2 }]);
    expect(mean.body.unit).toBe("ms");
    const csv = await http(app, d.agent).post("/api/v1/reports/run.csv", def);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.raw.body.split("\n")[1]).toBe(`"'=HYPERLINK(""http://x"")",2,2,${evil.id}`);

    const saved = await http(app, d.agent).post("/api/v1/reports/saved", { name: "By group", definition: def });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ shared: false, canEdit: true, schedule: null });
    // Private: a colleague neither lists nor opens it; shared: they can run it but not change it.
    expect((await http(app, d.agent2).get(`/api/v1/reports/saved/${saved.body.id}`)).status).toBe(404);
    const shared = await http(app, d.agent).put(`/api/v1/reports/saved/${saved.body.id}`, { name: "By group", shared: true, definition: def });
    expect(shared.body.shared).toBe(true);
    const list = await http(app, d.agent2).get("/api/v1/reports/saved");
    expect(list.body.items.map((r: { name: string; canEdit: boolean }) => [r.name, r.canEdit])).toEqual([["By group", false]]);
    expect((await http(app, d.agent2).put(`/api/v1/reports/saved/${saved.body.id}`, { name: "Mine", definition: def })).status).toBe(403);
    const exported = await http(app, d.agent2).get(`/api/v1/reports/saved/${saved.body.id}/export.csv`);
    expect(exported.headers["content-disposition"]).toContain("By_group.csv");
    expect((await http(app, d.requester).post("/api/v1/reports/run", def)).status).toBe(403);
    expect((await http(app, d.agent).post("/api/v1/reports/run", { ...def, measure: "vibes" })).status).toBe(400);
    const audit = await deps.db.selectFrom("audit_events").select("action").where("entity_id", "=", saved.body.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["report.created", "report.updated"]);
    expect((await http(app, d.agent).delete(`/api/v1/reports/saved/${saved.body.id}`)).status).toBe(204);
  });

  it("mails a scheduled report with its CSV attached, once per slot", async () => {
    const d = await createDesk(deps);
    await item(d.org.id, d.requester.id, { createdAt: new Date(Date.now() - H).toISOString(), groupId: d.group.id });
    await refreshFactsOfOrganization(deps.db, d.org.id);
    const to = `boss-${uniq()}@example.test`;
    const saved = await http(app, d.agent).post("/api/v1/reports/saved", {
      name: "Weekly volume",
      definition: { type: "incident", groupBy: "group" },
      schedule: { frequency: "weekly", hour: 7, weekday: 1, recipients: [to] },
    });
    expect(saved.status).toBe(201);
    const next = new Date(saved.body.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getUTCHours()).toBe(7);
    expect(next.getUTCDay()).toBe(1);
    await deps.db
      .updateTable("saved_reports")
      .set({ next_run_at: new Date(Date.now() - 1000) })
      .where("id", "=", saved.body.id)
      .execute();
    expect(await sendDueReports(deps)).toBeGreaterThanOrEqual(1);
    expect(await sendDueReports(deps)).toBe(0);
    const mails = sink.to(to);
    expect(mails).toHaveLength(1);
    expect(mails[0].parsed.subject).toContain("Weekly volume");
    const att = mails[0].parsed.attachments[0];
    expect(att.filename).toMatch(/^Weekly_volume-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(att.content.toString()).toBe(`label,value,count,key\nService Desk,1,1,${d.group.id}\n`);
  });
});

describe("satisfaction surveys", () => {
  it("mails a one-click survey on resolution; opening the link records nothing; the answer writes csat_received", async () => {
    const d = await createDesk(deps);
    expect((await http(app, d.agent).put("/api/v1/admin/csat-settings", { enabled: true })).status).toBe(403);
    expect((await http(app, d.admin).put("/api/v1/admin/csat-settings", { enabled: true })).body).toEqual({ enabled: true });
    const inc = await http(app, d.requester).post("/api/v1/incidents", { title: "Laptop fan loud", description: "x", impact: "low", urgency: "low" });
    await http(app, d.agent).patch(`/api/v1/incidents/${inc.body.id}`, { assigneeId: d.agent.id, assignmentGroupId: d.group.id });
    const res = await http(app, d.agent).post(`/api/v1/incidents/${inc.body.id}/transitions`, {
      action: "resolve",
      resolutionCode: "solved_permanently",
      resolutionNotes: "Cleaned",
    });
    expect(res.status).toBe(200);
    await runJobs(deps, d.org.id);
    const mail = sink.to(d.requester.email).find((m) => m.parsed.subject?.includes("How did we do?"));
    expect(mail).toBeDefined();
    const links = [...(mail?.parsed.text ?? "").matchAll(/https:\/\/portico\.test\/survey\/([A-Za-z0-9_-]+)\?score=(\d)/g)];
    expect(links.map((l) => l[2])).toEqual(["5", "4", "3", "2", "1"]);
    const token = links[0][1];
    // A second resolution event for the same item does not make a second pending survey.
    const pending = await http(app, d.requester).get("/api/v1/me/csat-surveys");
    expect(pending.body.items).toHaveLength(1);
    expect(pending.body.items[0]).toMatchObject({ number: inc.body.number, score: null, expired: false });
    expect((await http(app, d.agent).get("/api/v1/me/csat-surveys")).body.items).toHaveLength(0);

    const opened = await http(app).get(`/api/v1/csat/surveys/${token}`);
    expect(opened.status).toBe(200);
    expect(opened.body.score).toBeNull();
    const answered = await http(app).post(`/api/v1/csat/surveys/${token}/response`, { score: 2 });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ score: 2, comment: null });
    const again = await http(app).post(`/api/v1/csat/surveys/${token}/response`, { score: 2, comment: "Took two days" });
    expect(again.body).toMatchObject({ score: 2, comment: "Took two days" });
    const events = await deps.db
      .selectFrom("timeline_events")
      .select(["kind", "data", "actor_id"])
      .where("work_item_id", "=", inc.body.id)
      .where("kind", "like", "csat%")
      .orderBy("id")
      .execute();
    expect(events.map((e) => [e.kind, (e.data as { score: number }).score, (e.data as { comment: string | null }).comment])).toEqual([
      ["csat_received", 2, null],
      ["csat_updated", 2, "Took two days"],
    ]);
    expect(events[0].actor_id).toBe(d.requester.id);
    expect((await http(app).post(`/api/v1/csat/surveys/${token}/response`, { score: 9 })).status).toBe(400);
    expect((await http(app).get(`/api/v1/csat/surveys/cs_${"x".repeat(40)}`)).status).toBe(404);
    expect((await http(app, d.requester).get("/api/v1/me/csat-surveys")).body.items).toHaveLength(0);

    await refreshFactsOfOrganization(deps.db, d.org.id);
    const w = await http(app, d.agent).get("/api/v1/reports/widgets/csat?by=assignee");
    expect(w.body.csat).toEqual({ responses: 1, sent: 1, average: 2, satisfiedPercent: 0, distribution: [0, 1, 0, 0, 0] });
    expect(w.body.slices).toEqual([{ key: d.agent.id, label: d.agent.name, value: 2, count: 1 }]);
    const byGroup = await http(app, d.agent).get("/api/v1/reports/widgets/csat?by=group");
    expect(byGroup.body.slices).toEqual([{ key: d.group.id, label: "Service Desk", value: 2, count: 1 }]);
    expect((await http(app, d.requester).get("/api/v1/reports/widgets/csat")).status).toBe(403);
  });

  it("sends nothing while surveys are off, and a requester answers in the portal only their own", async () => {
    const d = await createDesk(deps);
    const inc = await http(app, d.requester).post("/api/v1/incidents", { title: "Printer", description: "x", impact: "low", urgency: "low" });
    await http(app, d.agent).post(`/api/v1/incidents/${inc.body.id}/transitions`, {
      action: "resolve",
      resolutionCode: "solved_permanently",
      resolutionNotes: "ok",
    });
    await runJobs(deps, d.org.id);
    expect(await deps.db.selectFrom("csat_surveys").select("id").where("work_item_id", "=", inc.body.id).execute()).toHaveLength(0);
    await http(app, d.admin).put("/api/v1/admin/csat-settings", { enabled: true });
    await http(app, d.agent).post(`/api/v1/incidents/${inc.body.id}/transitions`, { action: "reopen", reason: "still jams" });
    await http(app, d.agent).post(`/api/v1/incidents/${inc.body.id}/transitions`, {
      action: "resolve",
      resolutionCode: "solved_permanently",
      resolutionNotes: "ok",
    });
    await runJobs(deps, d.org.id);
    const [survey] = (await http(app, d.requester).get("/api/v1/me/csat-surveys")).body.items;
    expect(survey).toBeDefined();
    expect((await http(app, d.requester2).post(`/api/v1/me/csat-surveys/${survey.id}/response`, { score: 5 })).status).toBe(404);
    const ok = await http(app, d.requester).post(`/api/v1/me/csat-surveys/${survey.id}/response`, { score: 5, comment: "Thanks" });
    expect(ok.body).toMatchObject({ score: 5, comment: "Thanks" });
    await deps.db
      .updateTable("csat_surveys")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", survey.id)
      .execute();
    expect((await http(app, d.requester).post(`/api/v1/me/csat-surveys/${survey.id}/response`, { score: 1 })).status).toBe(409);
  });
});
