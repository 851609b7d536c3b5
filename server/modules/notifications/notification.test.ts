import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { closeTransports } from "../../platform/mail/transport";
import { createDesk, createOrg, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { runJobs, startSmtpSink } from "../../test/mail";
import { dispatchNotification, sendDelivery } from "./notification.dispatch";
import { DISPATCH_TASK } from "./notify";

let app: App;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let deps: Deps;
beforeAll(async () => {
  app = await testApp();
  sink = await startSmtpSink();
  deps = { ...testDeps(), config: { ...testDeps().config, PORTICO_SMTP_URL: sink.url } };
});
afterAll(async () => {
  closeTransports();
  await sink.close();
  await closeTestApp();
});

const base = { title: "VPN drops every hour", description: "Since Monday", impact: "medium", urgency: "medium" } as const;

async function deliveries(orgId: string) {
  return deps.db.selectFrom("mail_deliveries").selectAll().where("organization_id", "=", orgId).orderBy("created_at").execute();
}

describe("notifications end to end (real SMTP server)", () => {
  it("acknowledges a new incident to its requester and tells the group, not the agent who logged it", async () => {
    const d = await createDesk(deps);
    const inc = await http(app, d.agent).post("/api/v1/incidents", { ...base, requesterId: d.requester.id, assignmentGroupId: d.group.id });
    expect(inc.status).toBe(201);
    await runJobs(deps, d.org.id);
    const ack = sink.to(d.requester.email);
    expect(ack).toHaveLength(1);
    const m = ack[0].parsed;
    expect(m.subject).toBe(`[${inc.body.number}] Received: VPN drops every hour`);
    expect(m.text).toContain(inc.body.number);
    expect(m.html).toContain(inc.body.number);
    expect(m.headers.get("auto-submitted")).toBe("auto-generated");
    expect(m.inReplyTo).toBe(`<portico.${inc.body.id}@localhost>`);
    const log = await deliveries(d.org.id);
    expect(log.find((x) => x.to_address === d.requester.email)?.message_id).toBe(m.messageId);
    expect(log.every((x) => x.status === "sent")).toBe(true);
    // Group members hear of unassigned work; the agent who logged it does not.
    expect(sink.to(d.agent2.email)).toHaveLength(1);
    expect(sink.to(d.agent.email)).toHaveLength(0);
  });

  it("mails public comments to the requester and watchers; work notes reach staff only", async () => {
    const d = await createDesk(deps);
    const watcher = await createUser(deps, d.org.id, "requester");
    const inc = await http(app, d.requester).post("/api/v1/incidents", { ...base, watcherIds: [watcher.id] });
    await http(app, d.agent).patch(`/api/v1/incidents/${inc.body.id}`, { assigneeId: d.agent2.id, assignmentGroupId: d.group.id });
    await runJobs(deps, d.org.id);
    const before = sink.messages.length;
    await http(app, d.agent).post(`/api/v1/incidents/${inc.body.id}/comments`, { body: "Please restart the client", visibility: "public" });
    await http(app, d.agent).post(`/api/v1/incidents/${inc.body.id}/comments`, { body: "Secret: looks like the firewall rule", visibility: "internal" });
    await runJobs(deps, d.org.id);
    const fresh = sink.messages.slice(before);
    const toRequester = fresh.filter((m) => m.envelopeTo.includes(d.requester.email));
    expect(toRequester).toHaveLength(1);
    expect(toRequester[0].parsed.text).toContain("Please restart the client");
    expect(fresh.filter((m) => m.envelopeTo.includes(watcher.email))).toHaveLength(1);
    // Nothing internal ever reaches a requester.
    for (const m of fresh.filter((x) => !x.envelopeTo.includes(d.agent2.email))) expect(m.raw.toString()).not.toContain("firewall");
    const toAssignee = fresh.filter((m) => m.envelopeTo.includes(d.agent2.email));
    expect(toAssignee.map((m) => m.parsed.text).join("\n")).toContain("firewall");
  });

  it("tells the assignee when assigned and the requester when resolved", async () => {
    const d = await createDesk(deps);
    const inc = await http(app, d.requester).post("/api/v1/incidents", base);
    await runJobs(deps, d.org.id);
    await http(app, d.agent).patch(`/api/v1/incidents/${inc.body.id}`, { assigneeId: d.agent2.id });
    await http(app, d.agent2).post(`/api/v1/incidents/${inc.body.id}/transitions`, {
      action: "resolve",
      resolutionCode: "solved_permanently",
      resolutionNotes: "Replaced the VPN profile",
    });
    await runJobs(deps, d.org.id);
    const assigned = sink.to(d.agent2.email).map((m) => m.parsed.subject);
    expect(assigned).toContain(`[${inc.body.number}] Assigned to ${d.agent2.name}: VPN drops every hour`);
    const resolved = sink.to(d.requester.email).filter((m) => m.parsed.subject?.includes("Resolved"));
    expect(resolved).toHaveLength(1);
    expect(resolved[0].parsed.text).toContain("Replaced the VPN profile");
    // The resolver is not told of their own resolution.
    expect(sink.to(d.agent2.email).some((m) => m.parsed.subject?.includes("Resolved"))).toBe(false);
  });

  it("honours personal preferences and the organization's rules", async () => {
    const d = await createDesk(deps);
    const prefs = await http(app, d.requester).put("/api/v1/me/notification-preferences", { items: [{ event: "work_item.commented", email: false }] });
    expect(prefs.status).toBe(200);
    expect(prefs.body.items.find((p: { event: string }) => p.event === "work_item.commented").email).toBe(false);
    const rules = await http(app, d.admin).patch("/api/v1/admin/notifications/rules", {
      rules: [{ event: "work_item.created", audience: "requester", enabled: false }],
    });
    expect(rules.status).toBe(200);
    expect(rules.body.items.find((r: { event: string; audience: string }) => r.event === "work_item.created" && r.audience === "requester")).toMatchObject({
      enabled: false,
      isDefault: false,
    });
    const inc = await http(app, d.requester).post("/api/v1/incidents", base);
    await http(app, d.agent).post(`/api/v1/incidents/${inc.body.id}/comments`, { body: "On it", visibility: "public" });
    await http(app, d.agent).post(`/api/v1/incidents/${inc.body.id}/transitions`, {
      action: "resolve",
      resolutionCode: "solved_permanently",
      resolutionNotes: "done",
    });
    await runJobs(deps, d.org.id);
    expect(sink.to(d.requester.email).map((m) => m.parsed.subject)).toEqual([`[${inc.body.number}] Resolved: VPN drops every hour`]);
    expect(
      (await http(app, d.agent).patch("/api/v1/admin/notifications/rules", { rules: [{ event: "work_item.created", audience: "requester", enabled: true }] }))
        .status,
    ).toBe(403);
    expect(
      (await http(app, d.admin).patch("/api/v1/admin/notifications/rules", { rules: [{ event: "nope", audience: "requester", enabled: true }] })).status,
    ).toBe(400);
  });

  it("never sends twice for one event: a re-run dispatch or send job finds the log", async () => {
    const d = await createDesk(deps);
    const inc = await http(app, d.agent).post("/api/v1/incidents", { ...base, requesterId: d.requester.id });
    const job = await sql<{ payload: any }>`select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = ${DISPATCH_TASK} and j.payload->>'workItemId' = ${inc.body.id}`.execute(deps.db);
    const payload = job.rows[0].payload;
    // The worker ran the dispatch, then died before acknowledging it: the queue runs it again.
    expect(await dispatchNotification(deps, payload)).toBe(1);
    expect(await dispatchNotification(deps, payload)).toBe(0);
    const [delivery] = await deliveries(d.org.id);
    expect(await sendDelivery(deps, delivery.id)).toBe("sent");
    // Sent, then the worker died before acknowledging the send job: the re-run sends nothing.
    expect(await sendDelivery(deps, delivery.id)).toBe("done");
    await runJobs(deps, d.org.id);
    expect(sink.to(d.requester.email)).toHaveLength(1);
    const row = (await deliveries(d.org.id))[0];
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("retries a temporary SMTP failure with the same Message-ID", async () => {
    const flaky = await startSmtpSink({ failFirst: 1 });
    try {
      const local = { ...deps, config: { ...deps.config, PORTICO_SMTP_URL: flaky.url } };
      const d = await createDesk(deps);
      await http(app, d.agent).post("/api/v1/incidents", { ...base, requesterId: d.requester.id });
      await runJobs(local, d.org.id);
      expect(flaky.to(d.requester.email)).toHaveLength(1);
      const row = (await deliveries(d.org.id))[0];
      expect(row).toMatchObject({ status: "sent", attempts: 2 });
      expect(flaky.to(d.requester.email)[0].parsed.messageId).toBe(row.message_id);
    } finally {
      closeTransports();
      await flaky.close();
    }
  });

  it("renders each person's language and the organization's sender; admins preview drafts", async () => {
    const d = await createDesk(deps);
    await deps.db.updateTable("users").set({ locale: "de" }).where("id", "=", d.requester.id).execute();
    const put = await http(app, d.admin).put("/api/v1/admin/notifications/templates/work_item.created/de", {
      subject: "Eingegangen: {{title}}",
      body: "Hallo {{recipient}}, {{number}} ist angelegt.",
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ isDefault: false, language: "de" });
    const settings = await http(app, d.admin).put("/api/v1/admin/mail-settings", {
      fromName: "Acme IT",
      fromAddress: "it@acme.example",
      replyToAddress: "help@acme.example",
      enabled: true,
    });
    expect(settings.body).toMatchObject({ effectiveFrom: '"Acme IT" <it@acme.example>', effectiveReplyTo: "help@acme.example" });
    const inc = await http(app, d.agent).post("/api/v1/incidents", { ...base, requesterId: d.requester.id });
    await runJobs(deps, d.org.id);
    const m = sink.to(d.requester.email)[0].parsed;
    expect(m.subject).toBe(`[${inc.body.number}] Eingegangen: VPN drops every hour`);
    expect(m.text).toContain(`Hallo ${d.requester.name}, ${inc.body.number} ist angelegt.`);
    expect(m.from?.text).toBe('"Acme IT" <it@acme.example>');
    expect(m.replyTo?.text).toBe("help@acme.example");
    expect(m.messageId).toMatch(/@acme\.example>$/);

    const preview = await http(app, d.admin).post("/api/v1/admin/notifications/templates/preview", {
      event: "work_item.commented",
      subject: "Note on {{title}} <b>",
      body: "{{comment}} {{nonsense}} <script>",
      workItem: inc.body.number,
    });
    expect(preview.status).toBe(200);
    expect(preview.body.subject).toBe(`[${inc.body.number}] Note on VPN drops every hour <b>`);
    expect(preview.body.unknownVariables).toEqual(["nonsense"]);
    expect(preview.body.html).toContain("&lt;script&gt;");
    const list = await http(app, d.admin).get("/api/v1/admin/notifications/templates?language=de");
    expect(list.body.languages).toEqual(["de", "en"]);
    expect((await http(app, d.admin).delete("/api/v1/admin/notifications/templates/work_item.created/de")).status).toBe(204);
    expect((await http(app, d.admin).delete("/api/v1/admin/notifications/templates/work_item.created/de")).status).toBe(404);
    expect((await http(app, d.admin).put("/api/v1/admin/notifications/templates/work_item.created/german", { subject: "x", body: "y" })).status).toBe(400);
    expect((await http(app, d.agent).get("/api/v1/admin/notifications/templates")).status).toBe(403);
  });

  it("lists the delivery log for admins of the organization only", async () => {
    const d = await createDesk(deps);
    const other = await createOrg(deps);
    const otherAdmin = await createUser(deps, other.id, "admin");
    const inc = await http(app, d.agent).post("/api/v1/incidents", { ...base, requesterId: d.requester.id, assignmentGroupId: d.group.id });
    await runJobs(deps, d.org.id);
    const log = await http(app, d.admin).get(`/api/v1/admin/mail-deliveries?workItem=${inc.body.number}&limit=1`);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0]).toMatchObject({ workItemNumber: inc.body.number, status: "sent", event: "work_item.created" });
    const next = await http(app, d.admin).get(`/api/v1/admin/mail-deliveries?workItem=${inc.body.number}&limit=1&cursor=${log.body.nextCursor}`);
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0].id).not.toBe(log.body.items[0].id);
    expect((await http(app, otherAdmin).get(`/api/v1/admin/mail-deliveries?workItem=${inc.body.number}`)).body.items).toEqual([]);
    expect((await http(app, d.agent).get("/api/v1/admin/mail-deliveries")).status).toBe(403);
    expect((await http(app).get("/api/v1/admin/mail-deliveries")).status).toBe(401);
  });
});
