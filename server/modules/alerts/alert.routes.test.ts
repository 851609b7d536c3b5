import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk, createOrg, createService, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

function post(id: string, secret: string | null, body: unknown) {
  return app.inject({
    method: "POST",
    url: `/api/v1/integrations/alerts/${id}`,
    headers: { "content-type": "application/json", ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
    payload: JSON.stringify(body),
  });
}

describe("inbound alerts", () => {
  it("turns a storm of one alert key into one incident with a count, then resolves it", async () => {
    const d = await createDesk(testDeps());
    const svcRow = await createService(testDeps(), d.org.id, "Payments API");
    const created = await http(app, d.admin).post("/api/v1/admin/alert-integrations", {
      name: "Prometheus",
      assignmentGroupId: d.group.id,
      autoResolve: true,
      runAsUserId: d.agent.id,
    });
    expect(created.status).toBe(201);
    const { id, secret } = created.body;
    expect(secret).toMatch(/^pal_/);
    expect(created.body.endpoint).toBe(`/api/v1/integrations/alerts/${id}`);

    const alert = { key: `db-${uniq()}/disk`, title: "Disk 95% full on db-1", severity: "critical", service: "payments api", description: "/var at 95%" };
    // A storm: 20 at once still makes one incident.
    const storm = await Promise.all(Array.from({ length: 20 }, () => post(id, secret, alert)));
    expect(storm.every((r) => r.statusCode === 200)).toBe(true);
    const outcomes = storm.map((r) => r.json().results[0]);
    expect(outcomes.filter((o) => o.outcome === "created")).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.incidentNumber)).size).toBe(1);
    expect(Math.max(...outcomes.map((o) => o.count))).toBe(20);

    const inc = await http(app, d.agent).get(`/api/v1/incidents/${outcomes[0].incidentNumber}`);
    expect(inc.body).toMatchObject({ title: alert.title, impact: "high", urgency: "high", priority: "P1", channel: "monitoring" });
    expect(inc.body.assignmentGroup.id).toBe(d.group.id);
    expect(inc.body.service.id).toBe(svcRow.id);
    const notes = await http(app, d.agent).get(`/api/v1/incidents/${outcomes[0].incidentNumber}/comments`);
    expect(notes.body.items.filter((c: { body: string }) => c.body.includes("fired again"))).toHaveLength(1);

    const listed = await http(app, d.admin).get(`/api/v1/admin/alert-integrations/${id}/alerts`);
    expect(listed.body.items[0]).toMatchObject({ key: alert.key, status: "firing", count: 20 });

    const resolved = await post(id, secret, { ...alert, status: "resolved" });
    expect(resolved.json().results[0]).toMatchObject({ outcome: "resolved", count: 20 });
    expect((await http(app, d.agent).get(`/api/v1/incidents/${outcomes[0].incidentNumber}`)).body.state).toBe("resolved");
    // Firing again after the incident is resolved makes a new incident.
    const again = (await post(id, secret, alert)).json().results[0];
    expect(again.outcome).toBe("created");
    expect(again.incidentNumber).not.toBe(outcomes[0].incidentNumber);
    expect((await post(id, secret, { key: "never-seen", title: "x", status: "resolved" })).json().results[0].outcome).toBe("ignored");
  });

  it("accepts Alertmanager bodies and notes a resolve without auto-resolve", async () => {
    const d = await createDesk(testDeps());
    const { id, secret } = (await http(app, d.admin).post("/api/v1/admin/alert-integrations", { name: "AM" })).body;
    const am = (status: string) => ({
      version: "4",
      status,
      alerts: [
        {
          status,
          labels: { alertname: "HighLatency", instance: "api-1:9100", severity: "warning" },
          annotations: { summary: "p95 latency above 2 s" },
          fingerprint: "abc123",
        },
      ],
    });
    const first = (await post(id, secret, am("firing"))).json().results[0];
    expect(first).toMatchObject({ outcome: "created", key: "abc123" });
    expect((await post(id, secret, am("resolved"))).json().results[0].outcome).toBe("resolved");
    const inc = await http(app, d.agent).get(`/api/v1/incidents/${first.incidentNumber}`);
    expect(inc.body).toMatchObject({ title: "p95 latency above 2 s", state: "new", impact: "medium" });
    const notes = await http(app, d.agent).get(`/api/v1/incidents/${first.incidentNumber}/comments`);
    expect(notes.body.items.some((c: { body: string; visibility: string }) => c.visibility === "internal" && c.body.includes("resolved"))).toBe(true);
  });

  it("refuses wrong secrets, other organizations, inactive integrations and bad payloads", async () => {
    const d = await createDesk(testDeps());
    const { id, secret } = (await http(app, d.admin).post("/api/v1/admin/alert-integrations", { name: "Zabbix" })).body;
    expect((await post(id, null, { key: "k", title: "t" })).statusCode).toBe(401);
    expect((await post(id, `${secret}x`, { key: "k", title: "t" })).statusCode).toBe(401);
    expect((await post("00000000-0000-4000-8000-000000000000", secret, { key: "k", title: "t" })).statusCode).toBe(401);
    const bad = await post(id, secret, { key: "", title: "t" });
    expect(bad.statusCode).toBe(400);
    expect((await post(id, secret, { key: "k", title: "t", severity: "apocalyptic" })).statusCode).toBe(400);

    expect((await http(app, d.agent).get("/api/v1/admin/alert-integrations")).status).toBe(403);
    const other = await createOrg(testDeps());
    const otherAdmin = await createUser(testDeps(), other.id, "admin");
    expect((await http(app, otherAdmin).patch(`/api/v1/admin/alert-integrations/${id}`, { active: false })).status).toBe(404);
    expect((await http(app, d.admin).post("/api/v1/admin/alert-integrations", { name: "x", runAsUserId: d.requester.id })).status).toBe(400);
    expect((await http(app, d.admin).post("/api/v1/admin/alert-integrations", { name: "Zabbix" })).status).toBe(409);

    expect((await http(app, d.admin).patch(`/api/v1/admin/alert-integrations/${id}`, { active: false })).status).toBe(200);
    expect((await post(id, secret, { key: "k", title: "t" })).statusCode).toBe(403);
    const rotated = await http(app, d.admin).post(`/api/v1/admin/alert-integrations/${id}/rotate-secret`);
    await http(app, d.admin).patch(`/api/v1/admin/alert-integrations/${id}`, { active: true });
    expect((await post(id, secret, { key: "k", title: "t" })).statusCode).toBe(401);
    expect((await post(id, rotated.body.secret, { key: "k", title: "t" })).statusCode).toBe(200);
  });
});
