import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { addMember, auditEvents, createDesk, createUser, type createUser as CU } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { insertTimeline } from "../work-items/work-item.repo";
import { DELIVER_TASK, loadDomainEvent } from "./events";
import { handleEvent, runScheduledRules } from "./rule.service";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

type Caller = Awaited<ReturnType<typeof CU>>;
const create = async (who: Caller, extra: Record<string, unknown> = {}) => {
  const r = await http(app, who).post("/api/v1/incidents", { title: "Password reset", description: "", impact: "low", urgency: "low", ...extra });
  expect(r.status).toBe(201);
  return r.body as { id: string; number: string };
};

/** Event jobs the timeline trigger queued for an organization's items. */
async function queuedEvents(orgId: string): Promise<{ id: number; eventId: number; consumer: string }[]> {
  const r = await sql<{ id: number; eventId: number; consumer: string }>`
    select j.id, e.id as "eventId", j.payload->>'consumer' as consumer
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    join timeline_events e on e.id::text = j.payload->>'eventId'
    where t.identifier = ${DELIVER_TASK} and j.payload->>'consumer' = 'automation' and e.organization_id = ${orgId} order by j.id`.execute(testDeps().db);
  return r.rows;
}

/**
 * Plays the worker for one organization: takes its queued event jobs in order until none are left. A
 * browser test's worker may run on the same database meanwhile: jobs it has locked are waited for, and
 * the claims on rule runs keep any event from being handled twice.
 */
async function drain(orgId: string): Promise<number> {
  let n = 0;
  for (let round = 0; round < 400; round++) {
    const jobs = await queuedEvents(orgId);
    if (!jobs.length) return n;
    const taken = (
      await sql<{
        id: number;
      }>`delete from graphile_worker._private_jobs where id = any(${jobs.map((j) => j.id)}::bigint[]) and locked_at is null returning id`.execute(testDeps().db)
    ).rows.map((r) => Number(r.id));
    if (!taken.length) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    for (const j of jobs.filter((x) => taken.includes(Number(x.id)))) {
      const e = await loadDomainEvent(testDeps().db, j.eventId);
      if (e) await handleEvent(testDeps(), e);
      n++;
    }
  }
  throw new Error("events kept coming");
}

const timeline = async (who: Caller, id: string) => (await http(app, who).get(`/api/v1/incidents/${id}/timeline?limit=200`)).body.items as any[];
const incident = async (who: Caller, id: string) => (await http(app, who).get(`/api/v1/incidents/${id}`)).body;

describe("automation rules: API", () => {
  it("is for administrators only", async () => {
    const d = await createDesk(testDeps());
    expect((await http(app).get("/api/v1/automation/rules")).status).toBe(401);
    expect((await http(app, d.agent).get("/api/v1/automation/rules")).status).toBe(403);
    expect((await http(app, d.requester).post("/api/v1/automation/rules/dry-run", { workItem: "INC1", ruleId: d.group.id })).status).toBe(403);
  });

  it("refuses unknown fields, bad patterns, invalid cron and foreign references with 400s naming the field; nothing is saved", async () => {
    const d = await createDesk(testDeps());
    const other = await createDesk(testDeps());
    const a = http(app, d.admin);
    const base = { name: "R", trigger: "work_item.created", actions: [{ type: "add_comment", body: "hi" }] };
    const bad = [
      [{ ...base, conditions: { field: "colour", op: "eq", value: "red" } }, "body.conditions.field"],
      [{ ...base, conditions: { all: [{ field: "title", op: "matches", value: "(x+x+)+y" }] } }, "body.conditions.all.0.value"],
      [{ ...base, conditions: { field: "title", op: "matches", value: "(?<=a)b" } }, "body.conditions.value"],
      [{ ...base, trigger: "schedule", cron: "99 * * * *" }, "body.cron"],
      [{ ...base, trigger: "schedule", cron: "0 9 * * *", timezone: "Nowhere/Land" }, "body.timezone"],
      [{ ...base, actions: [{ type: "assign", groupId: other.group.id }] }, "body.actions.0.groupId"],
      [{ ...base, actions: [{ type: "set_field", field: "priority", value: 1 }] }, "body.actions.0.field"],
      [{ ...base, conditions: { field: "assigneeId", op: "eq", value: other.agent.id } }, "body.conditions.value"],
    ] as const;
    for (const [body, field] of bad) {
      const r = await a.post("/api/v1/automation/rules", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe("VALIDATION_FAILED");
      expect(r.body.error.details.map((x: { field: string }) => x.field)).toContain(field);
    }
    expect((await a.get("/api/v1/automation/rules")).body.items).toEqual([]);
    const ok = await a.post("/api/v1/automation/rules", { ...base, name: "Fine" });
    expect(ok.status).toBe(201);
    expect((await a.post("/api/v1/automation/rules", { ...base, name: "fine" })).status).toBe(409);
    expect(await auditEvents(testDeps(), "automation.rule_created", ok.body.id)).toHaveLength(1);
  });

  it("reorders, updates with a version check and deletes", async () => {
    const d = await createDesk(testDeps());
    const a = http(app, d.admin);
    const mk = async (name: string) =>
      (await a.post("/api/v1/automation/rules", { name, trigger: "comment.added", actions: [{ type: "add_watcher", userId: d.agent.id }] })).body;
    const [r1, r2, r3] = [await mk("One"), await mk("Two"), await mk("Three")];
    const order = await a.post("/api/v1/automation/rules/order", { ids: [r3.id, r1.id, r2.id] });
    expect(order.body.items.map((r: { name: string }) => r.name)).toEqual(["Three", "One", "Two"]);
    expect((await a.post("/api/v1/automation/rules/order", { ids: [r3.id, r1.id] })).status).toBe(400);
    const upd = await a.put(`/api/v1/automation/rules/${r1.id}`, {
      name: "One",
      active: false,
      trigger: "comment.added",
      actions: r1.actions,
      version: r1.version,
    });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ active: false, version: 2 });
    expect((await a.put(`/api/v1/automation/rules/${r1.id}`, { name: "One", trigger: "comment.added", actions: r1.actions, version: 1 })).status).toBe(409);
    expect((await a.delete(`/api/v1/automation/rules/${r2.id}`)).status).toBe(204);
    expect((await a.get("/api/v1/automation/rules")).body.items).toHaveLength(2);
  });
});

describe("event capture", () => {
  it("queues nothing while an organization has no consumer, one job per event once it has one", async () => {
    const d = await createDesk(testDeps());
    await create(d.agent);
    expect(await queuedEvents(d.org.id)).toEqual([]);
    await http(app, d.admin).post("/api/v1/automation/rules", {
      name: "Any",
      trigger: "comment.added",
      actions: [{ type: "add_comment", body: "x", visibility: "internal" }],
    });
    const inc = await create(d.agent);
    await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/comments`, { body: "hello" });
    const events = await sql<{ id: number; kind: string }>`select id, kind from timeline_events where work_item_id = ${inc.id} order by id`.execute(
      testDeps().db,
    );
    const jobs = await sql<{ consumer: string; queue: string | null }>`
      select j.payload->>'consumer' as consumer, q.queue_name as queue
      from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      left join graphile_worker._private_job_queues q on q.id = j.job_queue_id
      where t.identifier = ${DELIVER_TASK} and j.payload->>'eventId' = any(${events.rows.map((e) => String(e.id))}::text[])`.execute(testDeps().db);
    // (A browser test's worker on the same database may already have taken some.)
    for (const j of jobs.rows) expect(j).toEqual({ consumer: "automation", queue: `wi:${inc.id}` });
    const comment = events.rows.find((e) => e.kind === "comment_added");
    const e = await loadDomainEvent(testDeps().db, Number(comment?.id));
    expect(e).toMatchObject({
      kind: "comment_added",
      triggers: ["comment.added"],
      workItem: { id: inc.id, number: inc.number, type: "incident" },
      actor: { id: d.agent.id },
    });
    expect(e?.workItem.fields["comment.body"]).toBe("hello");
    await drain(d.org.id);
    const notes = (await http(app, d.admin).get(`/api/v1/incidents/${inc.id}/comments`)).body.items.map((c: { body: string }) => c.body);
    expect(notes).toEqual(["hello", "x"]);
  });
});

describe("rules at work", () => {
  it("applies actions on a matching event, in one transaction, named on the timeline with no human actor", async () => {
    const d = await createDesk(testDeps());
    const network = await createUser(testDeps(), d.org.id, "agent");
    const r = await http(app, d.admin).post("/api/v1/automation/rules", {
      name: "VPN to network team",
      trigger: "work_item.created",
      conditions: {
        all: [
          { field: "title", op: "matches", value: "(?i)\\bvpn\\b" },
          { field: "priority", op: "lte", value: 3 },
        ],
      },
      actions: [
        { type: "assign", groupId: d.group.id, assignee: d.agent2.id },
        { type: "add_comment", body: "Routed {{number}} by {{rule.name}}", visibility: "internal" },
        { type: "add_watcher", userId: network.id },
        { type: "notify", to: ["requester", network.id], message: "We are on it" },
      ],
    });
    expect(r.status).toBe(201);
    const hit = await create(d.agent, { title: "VPN drops every hour", impact: "high", urgency: "medium", requesterId: d.requester.id });
    const miss = await create(d.agent, { title: "VPN drops", impact: "low", urgency: "low" });
    await drain(d.org.id);
    expect(await incident(d.admin, hit.id)).toMatchObject({ assignmentGroup: { id: d.group.id }, assignee: { id: d.agent2.id }, state: "in_progress" });
    expect((await incident(d.admin, miss.id)).assignee).toBeNull();
    const tl = await timeline(d.admin, hit.id);
    const byRule = tl.filter((e) => e.data?.rule?.name === "VPN to network team");
    expect(byRule.map((e) => e.kind)).toEqual(expect.arrayContaining(["state_changed", "work_note_added", "watcher_added", "rule_applied"]));
    expect(byRule.every((e) => e.actor === null)).toBe(true);
    const note = (await http(app, d.admin).get(`/api/v1/incidents/${hit.id}/comments`)).body.items.at(-1);
    expect(note).toMatchObject({ body: `Routed ${hit.number} by VPN to network team`, visibility: "internal", author: null });
    const runs = (await http(app, d.admin).get("/api/v1/automation/runs")).body.items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ outcome: "applied", workItem: { number: hit.number } });
    expect(runs[0].message).toMatch(/notified 2 people/);
    // A retried job changes nothing twice.
    const created = tl.find((e) => e.kind === "created");
    const again = await loadDomainEvent(testDeps().db, Number(created.id));
    await handleEvent(testDeps(), again as never);
    expect((await timeline(d.admin, hit.id)).length).toBe(tl.length);
  });

  it("runs rules in order and stops after a stop-processing rule; changed from/to reads the event", async () => {
    const d = await createDesk(testDeps());
    const a = http(app, d.admin);
    await a.post("/api/v1/automation/rules", {
      name: "First",
      trigger: "work_item.updated",
      conditions: { field: "impact", op: "changed_to", value: "high" },
      actions: [{ type: "add_comment", body: "first", visibility: "internal" }],
      stopProcessing: true,
    });
    await a.post("/api/v1/automation/rules", {
      name: "Second",
      trigger: "work_item.updated",
      actions: [{ type: "add_comment", body: "second", visibility: "internal" }],
    });
    const inc = await create(d.agent);
    await drain(d.org.id);
    await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { impact: "high" });
    await drain(d.org.id);
    await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { urgency: "high" });
    await drain(d.org.id);
    const notes = (await http(app, d.admin).get(`/api/v1/incidents/${inc.id}/comments`)).body.items.map((c: { body: string }) => c.body);
    expect(notes).toEqual(["first", "second"]);
  });

  it("stops a loop between rules and records it on the ticket", async () => {
    const d = await createDesk(testDeps());
    const a = http(app, d.admin);
    await a.post("/api/v1/automation/rules", {
      name: "Calm down",
      trigger: "work_item.updated",
      conditions: { field: "impact", op: "changed_to", value: "high" },
      actions: [{ type: "set_field", field: "impact", value: "low" }],
      reactToRules: true,
    });
    await a.post("/api/v1/automation/rules", {
      name: "Escalate",
      trigger: "work_item.updated",
      conditions: { field: "impact", op: "changed_to", value: "low" },
      actions: [{ type: "set_field", field: "impact", value: "high" }],
      reactToRules: true,
    });
    const inc = await create(d.agent, { impact: "medium" });
    await http(app, d.agent).patch(`/api/v1/incidents/${inc.id}`, { impact: "high" });
    await drain(d.org.id);
    const tl = await timeline(d.admin, inc.id);
    const stop = tl.find((e) => e.kind === "automation_loop_stopped");
    expect(stop.data.reason).toMatch(/Calm down → Escalate → Calm down/);
    expect((await incident(d.admin, inc.id)).impact).toBe("high");
    const runs = (await a.get("/api/v1/automation/runs")).body.items.map((r: { ruleName: string; outcome: string }) => `${r.ruleName}:${r.outcome}`);
    expect(runs).toEqual(["Calm down:loop_stopped", "Escalate:applied", "Calm down:applied"]);
  });

  it("an action that fails changes nothing and is reported", async () => {
    const d = await createDesk(testDeps());
    await http(app, d.admin).post("/api/v1/automation/rules", {
      name: "Resolve bad",
      trigger: "comment.added",
      actions: [
        { type: "add_comment", body: "before", visibility: "internal" },
        { type: "set_field", field: "assigneeId", value: d.requester.id },
      ],
    });
    const inc = await create(d.agent);
    await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/comments`, { body: "hi" });
    await drain(d.org.id);
    const comments = (await http(app, d.admin).get(`/api/v1/incidents/${inc.id}/comments`)).body.items.map((c: { body: string }) => c.body);
    expect(comments).toEqual(["hi"]);
    const tl = await timeline(d.admin, inc.id);
    expect(tl.at(-1)).toMatchObject({ kind: "automation_error" });
    expect((await http(app, d.admin).get("/api/v1/automation/runs")).body.items[0]).toMatchObject({ outcome: "error" });
  });

  it("calls a webhook through the webhooks module (SSRF-checked on save and on sending)", async () => {
    const d = await createDesk(testDeps());
    const a = http(app, d.admin);
    const local = await a.post("/api/v1/automation/rules", {
      name: "Hook",
      trigger: "work_item.created",
      actions: [{ type: "call_webhook", url: "http://127.0.0.1:9/x" }],
    });
    expect(local.status).toBe(400);
    expect(local.body.error.details[0].field).toBe("body.actions.0.url");
    const ok = await a.post("/api/v1/automation/rules", {
      name: "Hook",
      trigger: "work_item.created",
      actions: [{ type: "call_webhook", url: "https://hooks.invalid/portico", secret: "0123456789abcdef0123" }],
    });
    expect(ok.status).toBe(201);
    const inc = await create(d.agent);
    await drain(d.org.id);
    const rows = await testDeps().db.selectFrom("webhook_deliveries").selectAll().where("organization_id", "=", d.org.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rule_id: ok.body.id, url: "https://hooks.invalid/portico" });
    expect(JSON.stringify(rows[0].payload)).toContain(inc.number);
  });

  it("dry-runs a rule against a ticket: shows what would change and saves nothing", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent, { title: "Printer jam", impact: "medium" });
    const before = await timeline(d.admin, inc.id);
    const r = await http(app, d.admin).post("/api/v1/automation/rules/dry-run", {
      workItem: inc.number,
      rule: {
        name: "Printers",
        trigger: "work_item.created",
        conditions: {
          all: [
            { field: "title", op: "contains", value: "printer" },
            { field: "impact", op: "eq", value: "medium" },
          ],
        },
        actions: [
          { type: "set_field", field: "urgency", value: "high" },
          { type: "add_comment", body: "Printer team is on it", visibility: "public" },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.matched).toBe(true);
    expect(r.body.conditions).toEqual([
      { text: 'title contains "printer"', ok: true },
      { text: 'impact eq "medium"', ok: true },
    ]);
    expect(r.body.changes).toEqual(expect.arrayContaining([{ field: "urgency", from: "low", to: "high" }]));
    expect(r.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(["updated", "comment_added", "rule_applied"]);
    expect(await timeline(d.admin, inc.id)).toHaveLength(before.length);
    expect((await incident(d.admin, inc.id)).urgency).toBe("low");
    const miss = await http(app, d.admin).post("/api/v1/automation/rules/dry-run", {
      workItem: inc.number,
      rule: {
        name: "No",
        trigger: "work_item.created",
        conditions: { field: "impact", op: "eq", value: "high" },
        actions: [{ type: "add_watcher", userId: d.agent.id }],
      },
    });
    expect(miss.body).toMatchObject({ matched: false, conditions: [{ ok: false }], changes: [] });
    expect(
      (
        await http(app, d.admin).post("/api/v1/automation/rules/dry-run", {
          workItem: "INC9999999",
          rule: miss.body && { name: "x", trigger: "work_item.created", actions: [{ type: "add_watcher", userId: d.agent.id }] },
        })
      ).status,
    ).toBe(404);
  });

  it("scheduled rules remind on items pending too long, once per tick", async () => {
    const d = await createDesk(testDeps());
    const r = await http(app, d.admin).post("/api/v1/automation/rules", {
      name: "Pending reminder",
      trigger: "schedule",
      cron: "0 9 * * *",
      timezone: "Europe/Berlin",
      conditions: {
        all: [
          { field: "state", op: "eq", value: "on_hold" },
          { field: "hoursSinceUpdated", op: "gt", value: 120 },
        ],
      },
      actions: [{ type: "add_comment", body: "Still waiting on you for {{number}}?", visibility: "public" }],
    });
    expect(r.status).toBe(201);
    expect(r.body.nextRunAt).toMatch(/T0[78]:00:00/);
    const old = await create(d.agent, { assigneeId: d.agent.id });
    await http(app, d.agent).post(`/api/v1/incidents/${old.id}/transitions`, { action: "hold", holdReason: "awaiting_caller" });
    const fresh = await create(d.agent, { assigneeId: d.agent.id });
    await http(app, d.agent).post(`/api/v1/incidents/${fresh.id}/transitions`, { action: "hold", holdReason: "awaiting_caller" });
    await sql`update work_items set updated_at = now() - interval '6 days' where id = ${old.id}`.execute(testDeps().db);
    await sql`update automation_rules set next_run_at = now() - interval '1 minute' where id = ${r.body.id}`.execute(testDeps().db);
    // Twice (a browser test's worker may tick too): the claim on (rule, tick, item) makes it once.
    await runScheduledRules(testDeps());
    await runScheduledRules(testDeps());
    const c = (id: string) => http(app, d.admin).get(`/api/v1/incidents/${id}/comments`);
    expect((await c(old.id)).body.items.map((x: { body: string }) => x.body)).toEqual([`Still waiting on you for ${old.number}?`]);
    expect((await c(fresh.id)).body.items).toEqual([]);
  });
});

describe("assignment", () => {
  it("assigns new items in a group round robin, skipping agents who are away", async () => {
    const d = await createDesk(testDeps());
    const third = await createUser(testDeps(), d.org.id, "agent", { name: "Zed" });
    await addMember(testDeps(), d.org.id, d.group.id, third.id);
    const a = http(app, d.admin);
    const set = await a.put(`/api/v1/automation/assignment/groups/${d.group.id}`, { strategy: "round_robin" });
    expect(set.status).toBe(200);
    expect(set.body.members).toHaveLength(3);
    expect((await http(app, third).put(`/api/v1/automation/agents/${third.id}`, { away: true })).status).toBe(200);
    expect((await http(app, third).put(`/api/v1/automation/agents/${d.agent.id}`, { away: true })).status).toBe(403);
    const items = [];
    for (let i = 0; i < 4; i++) items.push(await create(d.requester, { title: `Laptop ${i}` }));
    await drain(d.org.id);
    // Requesters cannot pick a group: route them in with a rule that assigns the group automatically.
    await a.post("/api/v1/automation/rules", {
      name: "Route",
      trigger: "work_item.created",
      actions: [{ type: "assign", groupId: d.group.id, assignee: "auto" }],
    });
    const routed = [];
    for (let i = 0; i < 4; i++) routed.push(await create(d.requester, { title: `Phone ${i}` }));
    const direct = await create(d.agent, { title: "Direct", assignmentGroupId: d.group.id });
    await drain(d.org.id);
    const assignees = [];
    for (const x of [...routed, direct]) assignees.push((await incident(d.admin, x.id)).assignee?.id);
    expect(assignees.every((x) => x === d.agent.id || x === d.agent2.id)).toBe(true);
    expect(assignees.slice(0, 4).filter((x) => x === d.agent.id)).toHaveLength(2);
    expect(assignees[4]).toBeTruthy();
    expect((await incident(d.admin, items[0].id)).assignee).toBeNull();
    const tl = await timeline(d.admin, direct.id);
    expect(tl.find((e) => e.kind === "rule_applied")?.data.rule.name).toBe("Automatic assignment");
  });

  it("least loaded and skills pick by open work and by language; refuses bad input", async () => {
    const d = await createDesk(testDeps());
    const a = http(app, d.admin);
    await a.put(`/api/v1/automation/assignment/groups/${d.group.id}`, { strategy: "skills" });
    await a.put(`/api/v1/automation/agents/${d.agent2.id}`, { away: false, skills: ["language:de"] });
    await sql`update users set locale = 'de-DE' where id = ${d.requester2.id}`.execute(testDeps().db);
    const x = await create(d.agent, { assignmentGroupId: d.group.id, requesterId: d.requester2.id });
    await drain(d.org.id);
    expect((await incident(d.admin, x.id)).assignee.id).toBe(d.agent2.id);
    expect((await a.put(`/api/v1/automation/agents/${d.agent.id}`, { away: false, skills: ["<script>"] })).status).toBe(400);
    expect((await a.put(`/api/v1/automation/assignment/groups/${d.group.id}`, { strategy: "sometimes" })).status).toBe(400);
    expect((await a.put(`/api/v1/automation/assignment/groups/${d.group.id}`, { strategy: "least_loaded", calendarId: d.org.id })).status).toBe(400);
  });
});

describe("automation on satisfaction answers", () => {
  it("a low survey score (csat_received) fires a rule; a good one does not", async () => {
    const d = await createDesk(testDeps());
    const rule = await http(app, d.admin).post("/api/v1/automation/rules", {
      name: "Unhappy customer",
      trigger: "csat.received",
      conditions: { field: "csat.score", op: "lte", value: 2 },
      actions: [{ type: "add_comment", body: "Low satisfaction score: call the customer back", visibility: "internal" }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const unhappy = await create(d.agent);
    const happy = await create(d.agent);
    // The timeline rows the survey answer writes (see reporting/csat.service).
    const db = testDeps().db;
    for (const [item, score] of [
      [unhappy, 1],
      [happy, 5],
    ] as const)
      await insertTimeline(db, { organizationId: d.org.id, workItemId: item.id, actorId: null, kind: "csat_received", data: { score, comment: "" } });
    await drain(d.org.id);
    const notes = async (id: string) => (await timeline(d.agent, id)).filter((e) => e.kind === "work_note_added" || e.kind === "comment_added");
    expect((await notes(unhappy.id)).length).toBe(1);
    expect((await notes(happy.id)).length).toBe(0);
  });
});
