import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { startHttpReceiver } from "../../test/http-receiver";
import { runJobs } from "../../test/mail";
import { deliverEventJob } from "../automation/events";
import { eventUuid, WEBHOOK_CONSUMER, webhookEventsOf } from "./webhook.consumer";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

/** The webhooks consumer's queued event jobs of one organization. */
async function queued(orgId: string) {
  const r = await sql<{ id: number; eventId: number }>`
    select j.id, (j.payload->>'eventId')::bigint as "eventId"
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    join timeline_events e on e.id = (j.payload->>'eventId')::bigint
    where t.identifier = 'events.deliver' and j.payload->>'consumer' = ${WEBHOOK_CONSUMER} and e.organization_id = ${orgId} order by j.id`.execute(
    testDeps().db,
  );
  return r.rows;
}

/** Plays the worker: hands the organization's events to the webhooks consumer (twice each: a re-run must not duplicate). */
async function drain(orgId: string) {
  const handler = await deliverEventJob.handler();
  const jobs = await queued(orgId);
  await sql`delete from graphile_worker._private_jobs where id = any(${jobs.map((j) => j.id)}::bigint[])`.execute(testDeps().db);
  for (const j of jobs) {
    await handler({ eventId: j.eventId, consumer: WEBHOOK_CONSUMER }, testDeps());
    await handler({ eventId: j.eventId, consumer: WEBHOOK_CONSUMER }, testDeps());
  }
  return jobs.length;
}

describe("webhooks on work-item events", () => {
  it("maps timeline events to webhook events", () => {
    expect(webhookEventsOf({ kind: "created", changes: [] })).toEqual(["work_item.created"]);
    expect(webhookEventsOf({ kind: "state_changed", changes: [{ field: "state", from: "new", to: "resolved" }] })).toEqual([
      "work_item.updated",
      "work_item.state_changed",
    ]);
    expect(webhookEventsOf({ kind: "updated", changes: [{ field: "assigneeId", from: null, to: "x" }] })).toEqual(["work_item.updated", "work_item.assigned"]);
    expect(webhookEventsOf({ kind: "work_note_added", changes: [] })).toEqual(["work_item.commented"]);
    expect(webhookEventsOf({ kind: "sla_breached", changes: [] })).toEqual(["sla.breached"]);
    expect(webhookEventsOf({ kind: "watcher_added", changes: [] })).toEqual([]);
    expect(eventUuid(42, "work_item.created")).toBe(eventUuid(42, "work_item.created"));
    expect(eventUuid(42, "work_item.created")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("delivers created, commented and state changes once each; nothing is queued while no subscription is active", async () => {
    const d = await createDesk(testDeps());
    const deps = testDeps();
    const rx = await startHttpReceiver();
    try {
      // No active subscription: writes queue no event job for webhooks.
      const before = await http(app, d.agent).post("/api/v1/incidents", { title: "Before", impact: "low", urgency: "low" });
      expect(before.status).toBe(201);
      expect(await queued(d.org.id)).toHaveLength(0);

      await http(app, d.admin).post("/api/v1/admin/webhook-allowed-hosts", { host: "127.0.0.1" });
      const hook = await http(app, d.admin).post("/api/v1/admin/webhooks", {
        name: "Chat",
        url: rx.url(),
        events: ["work_item.created", "work_item.commented", "work_item.state_changed"],
        workItemTypes: ["incident"],
      });
      const inc = await http(app, d.agent).post("/api/v1/incidents", { title: "Mail down", impact: "high", urgency: "high" });
      await http(app, d.agent).post(`/api/v1/incidents/${inc.body.id}/comments`, { body: "Looking into it", visibility: "internal" });
      const started = await http(app, d.agent).post(`/api/v1/incidents/${inc.body.id}/transitions`, { action: "start" });
      expect(started.status).toBe(200);
      expect(await drain(d.org.id)).toBeGreaterThanOrEqual(3);
      await runJobs(deps, d.org.id, ["webhooks.deliver"]);
      await rx.waitFor(3);
      const events = rx.received.map((r) => JSON.parse(r.body));
      expect(events.map((e) => e.event).sort()).toEqual(["work_item.commented", "work_item.created", "work_item.state_changed"]);
      const commented = events.find((e) => e.event === "work_item.commented");
      expect(commented.data).toMatchObject({
        workItem: { number: inc.body.number },
        actor: { id: d.agent.id },
        details: { body: "Looking into it", visibility: "internal" },
      });
      expect(events.find((e) => e.event === "work_item.state_changed").data.changes).toContainEqual({ field: "state", from: "new", to: "in_progress" });

      // Deactivated: the organization stops being a consumer.
      await http(app, d.admin).patch(`/api/v1/admin/webhooks/${hook.body.id}`, { active: false });
      await http(app, d.agent).post("/api/v1/incidents", { title: "After", impact: "low", urgency: "low" });
      expect(await queued(d.org.id)).toHaveLength(0);
    } finally {
      await rx.close();
    }
  });
});
