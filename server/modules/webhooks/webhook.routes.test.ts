import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { withTx } from "../../platform/db/db";
import { createDesk, createOrg, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { startHttpReceiver } from "../../test/http-receiver";
import { runJobs } from "../../test/mail";
import { emitWebhookEvent, enqueueWebhookCall } from "./webhook.service";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

function verify(secret: string, headers: Record<string, unknown>, body: string) {
  const ts = String(headers["x-portico-timestamp"]);
  const expected = `sha256=${createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex")}`;
  return headers["x-portico-signature"] === expected;
}

describe("webhook subscriptions and deliveries", () => {
  it("refuses loopback until the host is allowed, then delivers signed events, retrying a 500", async () => {
    const d = await createDesk(testDeps());
    const rx = await startHttpReceiver((_r, n) => (n === 1 ? { status: 500, body: "boom" } : { status: 204 }));
    try {
      const body = { name: "Ops", url: rx.url(), events: ["work_item.created", "work_item.state_changed"] };
      const blocked = await http(app, d.admin).post("/api/v1/admin/webhooks", body);
      expect(blocked.status).toBe(400);
      expect(blocked.body.error.details[0].field).toBe("body.url");
      expect(blocked.body.error.message).toContain("loopback");
      for (const url of [
        "http://10.0.0.5/x",
        "http://169.254.169.254/latest",
        "http://[::1]:80/",
        "http://[::ffff:127.0.0.1]/",
        "http://0x7f000001/",
        "ftp://example.com/",
      ]) {
        const res = await http(app, d.admin).post("/api/v1/admin/webhooks", { ...body, url });
        expect(res.status, url).toBe(400);
      }

      expect((await http(app, d.admin).post("/api/v1/admin/webhook-allowed-hosts", { host: "127.0.0.1", note: "test receiver" })).status).toBe(200);
      const created = await http(app, d.admin).post("/api/v1/admin/webhooks", body);
      expect(created.status).toBe(201);
      const secret: string = created.body.secret;
      expect(secret).toMatch(/^whsec_/);
      const listed = await http(app, d.admin).get("/api/v1/admin/webhooks");
      expect(listed.body.items).toHaveLength(1);
      expect(listed.body.items[0].secret).toBeUndefined();
      expect(listed.body.items[0].secretHint).toBe(`${secret.slice(0, 10)}…`);
      const stored = await testDeps().db.selectFrom("webhook_subscriptions").select("secret").where("id", "=", created.body.id).executeTakeFirstOrThrow();
      expect(stored.secret).toMatch(/^enc:v1:/);

      // An event nobody listens to makes nothing; a listened one makes one delivery.
      const deps = testDeps();
      const item = await http(app, d.agent).post("/api/v1/incidents", { title: "Printer on fire", impact: "high", urgency: "high" });
      expect(await withTx(deps.db, (tx) => emitWebhookEvent(tx, { organizationId: d.org.id, event: "sla.warning", workItemId: item.body.id }))).toBe(0);
      await withTx(deps.db, (tx) =>
        emitWebhookEvent(tx, {
          organizationId: d.org.id,
          event: "work_item.state_changed",
          workItemId: item.body.id,
          workItemType: "incident",
          actorId: d.agent.id,
          changes: [{ field: "state", from: "new", to: "in_progress" }],
        }),
      );
      await runJobs(deps, d.org.id, ["webhooks.deliver"]);
      await rx.waitFor(2);
      expect(rx.received).toHaveLength(2);
      const [first, second] = rx.received;
      expect(first.headers["x-portico-delivery"]).toBe(second.headers["x-portico-delivery"]);
      expect(second.headers["x-portico-event"]).toBe("work_item.state_changed");
      expect(verify(secret, second.headers, second.body)).toBe(true);
      expect(verify("wrong", second.headers, second.body)).toBe(false);
      const payload = JSON.parse(second.body);
      expect(payload).toMatchObject({
        event: "work_item.state_changed",
        version: 1,
        organization: { id: d.org.id },
        data: { workItem: { id: item.body.id, number: item.body.number, type: "incident" }, actor: { id: d.agent.id }, changes: [{ field: "state" }] },
      });

      const log = await http(app, d.admin).get("/api/v1/admin/webhook-deliveries");
      expect(log.body.items).toHaveLength(1);
      expect(log.body.items[0]).toMatchObject({ status: "delivered", attempts: 2, statusCode: 204, webhookName: "Ops", eventId: payload.id });
      const detail = await http(app, d.admin).get(`/api/v1/admin/webhook-deliveries/${log.body.items[0].id}`);
      expect(detail.body.history.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 204]);
      expect(detail.body.history[0]).toMatchObject({ error: "HTTP 500", responseBody: "boom" });
      expect(detail.body.payload).toEqual(payload);

      // Redelivery: same event id and body, a new delivery id.
      const again = await http(app, d.admin).post(`/api/v1/admin/webhook-deliveries/${log.body.items[0].id}/redeliver`);
      expect(again.status).toBe(202);
      expect(again.body).toMatchObject({ status: "pending", eventId: payload.id, redeliveryOf: log.body.items[0].id });
      await runJobs(deps, d.org.id, ["webhooks.deliver"]);
      await rx.waitFor(3);
      expect(JSON.parse(rx.received[2].body)).toEqual(payload);
      expect(rx.received[2].headers["x-portico-delivery"]).toBe(again.body.id);
      expect(verify(secret, rx.received[2].headers, rx.received[2].body)).toBe(true);

      // Rotating the secret: later deliveries are signed with the new one.
      const rotated = await http(app, d.admin).post(`/api/v1/admin/webhooks/${created.body.id}/rotate-secret`);
      expect(rotated.body.secret).not.toBe(secret);
      await http(app, d.admin).post(`/api/v1/admin/webhooks/${created.body.id}/ping`);
      await runJobs(deps, d.org.id, ["webhooks.deliver"]);
      await rx.waitFor(4);
      expect(rx.received[3].headers["x-portico-event"]).toBe("ping");
      expect(verify(rotated.body.secret, rx.received[3].headers, rx.received[3].body)).toBe(true);
    } finally {
      await rx.close();
    }
  });

  it("blocks a delivery when the allowance is withdrawn, and a redirect to a host that is not allowed", async () => {
    const d = await createDesk(testDeps());
    const deps = testDeps();
    const target = await startHttpReceiver();
    const rx = await startHttpReceiver((r) =>
      r.path === "/redirect" ? { status: 307, headers: { location: `http://localhost:${target.port}/hook` } } : { status: 200 },
    );
    try {
      await http(app, d.admin).post("/api/v1/admin/webhook-allowed-hosts", { host: "127.0.0.1" });
      const hook = await http(app, d.admin).post("/api/v1/admin/webhooks", { name: "Redirecting", url: rx.url("/redirect"), events: ["ping"] });
      expect(hook.status).toBe(201);
      await http(app, d.admin).post(`/api/v1/admin/webhooks/${hook.body.id}/ping`);
      await runJobs(deps, d.org.id, ["webhooks.deliver"]);
      const [redirected] = (await http(app, d.admin).get("/api/v1/admin/webhook-deliveries")).body.items;
      expect(redirected).toMatchObject({ status: "failed", attempts: 1, statusCode: null });
      expect(redirected.error).toContain("localhost resolves to 127.0.0.1 (loopback)");
      expect(target.received).toHaveLength(0);

      const direct = await http(app, d.admin).patch(`/api/v1/admin/webhooks/${hook.body.id}`, { url: rx.url("/hook") });
      expect(direct.status).toBe(200);
      expect((await http(app, d.admin).delete("/api/v1/admin/webhook-allowed-hosts/127.0.0.1")).status).toBe(204);
      await http(app, d.admin).post(`/api/v1/admin/webhooks/${hook.body.id}/ping`);
      await runJobs(deps, d.org.id, ["webhooks.deliver"]);
      const [blocked] = (await http(app, d.admin).get("/api/v1/admin/webhook-deliveries?status=failed")).body.items;
      expect(blocked.error).toContain("127.0.0.1 resolves to 127.0.0.1 (loopback)");
      expect(rx.received.filter((r) => r.path === "/hook")).toHaveLength(0);
    } finally {
      await rx.close();
      await target.close();
    }
  });

  it("sends a rule's call (its own secret) and keeps it in the log", async () => {
    const d = await createDesk(testDeps());
    const deps = testDeps();
    const rx = await startHttpReceiver();
    try {
      await http(app, d.admin).post("/api/v1/admin/webhook-allowed-hosts", { host: "127.0.0.1" });
      const ruleId = "00000000-0000-4000-8000-000000000001";
      await withTx(deps.db, (tx) =>
        enqueueWebhookCall(tx, { organizationId: d.org.id, url: rx.url("/rule"), payload: { hello: "world" }, secret: "s3cret", ruleId }),
      );
      await expect(withTx(deps.db, (tx) => enqueueWebhookCall(tx, { organizationId: d.org.id, url: "gopher://x", payload: {}, ruleId }))).rejects.toMatchObject(
        {
          code: "VALIDATION_FAILED",
        },
      );
      await runJobs(deps, d.org.id, ["webhooks.deliver"]);
      await rx.waitFor(1);
      expect(JSON.parse(rx.received[0].body)).toEqual({ hello: "world" });
      expect(verify("s3cret", rx.received[0].headers, rx.received[0].body)).toBe(true);
      const [logged] = (await http(app, d.admin).get("/api/v1/admin/webhook-deliveries")).body.items;
      expect(logged).toMatchObject({ ruleId, webhookId: null, status: "delivered", event: "rule.webhook" });
    } finally {
      await rx.close();
    }
  });

  it("is for admins of the organization only, and validates input", async () => {
    const d = await createDesk(testDeps());
    const hook = await http(app, d.admin).post("/api/v1/admin/webhooks", {
      name: "Public",
      url: "https://hooks.example.com/portico",
      events: ["ping"],
      active: false,
    });
    expect(hook.status).toBe(201);
    expect((await http(app, d.agent).get("/api/v1/admin/webhooks")).status).toBe(403);
    expect((await http(app, d.agent).post("/api/v1/admin/webhooks", { name: "x", url: "https://a.example", events: ["ping"] })).status).toBe(403);
    expect((await http(app).get("/api/v1/admin/webhooks")).status).toBe(401);
    const other = await createOrg(testDeps());
    const otherAdmin = await createUser(testDeps(), other.id, "admin");
    expect((await http(app, otherAdmin).get(`/api/v1/admin/webhooks/${hook.body.id}`)).status).toBe(404);
    expect((await http(app, otherAdmin).patch(`/api/v1/admin/webhooks/${hook.body.id}`, { active: true })).status).toBe(404);
    expect((await http(app, otherAdmin).delete(`/api/v1/admin/webhooks/${hook.body.id}`)).status).toBe(404);
    expect((await http(app, otherAdmin).get("/api/v1/admin/webhooks")).body.items).toEqual([]);

    const bad = await http(app, d.admin).post("/api/v1/admin/webhooks", { name: "x", url: "https://a.example", events: ["nope"] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain("events");
    expect((await http(app, d.admin).post("/api/v1/admin/webhooks", { name: "Public", url: "https://b.example", events: ["ping"] })).status).toBe(409);
    expect((await http(app, d.admin).post(`/api/v1/admin/webhooks/${hook.body.id}/ping`)).status).toBe(409);
    expect((await http(app, d.admin).post("/api/v1/admin/webhook-allowed-hosts", { host: "http://x/" })).status).toBe(400);
    const events = await http(app, d.admin).get("/api/v1/admin/webhooks/events");
    expect(events.body.events.map((e: { name: string }) => e.name)).toContain("work_item.created");

    const audit = await testDeps().db.selectFrom("audit_events").select("action").where("entity_id", "=", hook.body.id).execute();
    expect(audit.map((a) => a.action)).toEqual(["webhook.created"]);
    expect((await http(app, d.admin).delete(`/api/v1/admin/webhooks/${hook.body.id}`)).status).toBe(204);
  });
});
