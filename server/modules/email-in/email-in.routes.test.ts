import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk, createGroup, createOrg, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";
import { ingestMessage } from "./email-in.ingest";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

const smtpBox = () => ({ name: "Help", address: `help-${uniq()}@acme.example`, kind: "smtp" });

describe("mailbox administration", () => {
  it("creates, lists, changes and removes mailboxes; admins only, per organization", async () => {
    const d = await createDesk(testDeps());
    const created = await http(app, d.admin).post("/api/v1/admin/mailboxes", { ...smtpBox(), defaultGroupId: d.group.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "smtp", active: true, acceptUnknownSenders: true, imap: null, defaultGroupId: d.group.id });
    const id = created.body.id;
    expect((await http(app, d.admin).get("/api/v1/admin/mailboxes")).body.items.map((m: { id: string }) => m.id)).toEqual([id]);
    const changed = await http(app, d.admin).patch(`/api/v1/admin/mailboxes/${id}`, { active: false, acceptUnknownSenders: false });
    expect(changed.body).toMatchObject({ active: false, acceptUnknownSenders: false });
    const audit = await testDeps().db.selectFrom("audit_events").select("action").where("entity_id", "=", id).orderBy("created_at").execute();
    expect(audit.map((a) => a.action)).toEqual(["mailbox.created", "mailbox.updated"]);

    expect((await http(app, d.agent).get("/api/v1/admin/mailboxes")).status).toBe(403);
    expect((await http(app, d.agent).post("/api/v1/admin/mailboxes", smtpBox())).status).toBe(403);
    expect((await http(app).get("/api/v1/admin/mailboxes")).status).toBe(401);
    const other = await createOrg(testDeps());
    const otherAdmin = await createUser(testDeps(), other.id, "admin");
    expect((await http(app, otherAdmin).patch(`/api/v1/admin/mailboxes/${id}`, { active: true })).status).toBe(404);
    expect((await http(app, otherAdmin).delete(`/api/v1/admin/mailboxes/${id}`)).status).toBe(404);
    expect((await http(app, otherAdmin).get("/api/v1/admin/mailboxes")).body.items).toEqual([]);

    expect((await http(app, d.admin).delete(`/api/v1/admin/mailboxes/${id}`)).status).toBe(204);
    expect((await http(app, d.admin).delete(`/api/v1/admin/mailboxes/${id}`)).status).toBe(404);
  });

  it("refuses bad input with the field named", async () => {
    const d = await createDesk(testDeps());
    const bad = async (body: unknown, field: string, status = 400) => {
      const res = await http(app, d.admin).post("/api/v1/admin/mailboxes", body);
      expect(res.status).toBe(status);
      expect(res.body.error.details?.[0]?.field ?? res.body.error.message).toContain(field);
    };
    await bad({ ...smtpBox(), address: "not-an-address" }, "address");
    await bad({ ...smtpBox(), kind: "pop3" }, "kind");
    await bad({ ...smtpBox(), kind: "imap" }, "body.imap");
    const otherGroup = await createGroup(testDeps(), (await createOrg(testDeps())).id);
    await bad({ ...smtpBox(), defaultGroupId: otherGroup.id }, "body.defaultGroupId");
    const box = smtpBox();
    expect((await http(app, d.admin).post("/api/v1/admin/mailboxes", box)).status).toBe(201);
    await bad({ ...box, address: box.address.toUpperCase() }, "body.address", 409);
    const created = await http(app, d.admin).post("/api/v1/admin/mailboxes", smtpBox());
    expect((await http(app, d.admin).post(`/api/v1/admin/mailboxes/${created.body.id}/poll`)).status).toBe(409);
  });

  it("processes a quarantined message again once its cause is fixed", async () => {
    const d = await createDesk(testDeps());
    const created = await http(app, d.admin).post("/api/v1/admin/mailboxes", { ...smtpBox(), acceptUnknownSenders: false });
    const box = (await testDeps().db.selectFrom("mailboxes").selectAll().where("id", "=", created.body.id).executeTakeFirstOrThrow()) as never;
    const stranger = `stranger-${uniq()}@else.example`;
    const raw = Buffer.from(`From: ${stranger}\r\nTo: x@acme.example\r\nSubject: Let me in\r\nMessage-ID: <${uniq()}@else.example>\r\n\r\nHello\r\n`);
    expect(await ingestMessage(testDeps(), box, raw)).toMatchObject({ status: "quarantined", reason: `unknown sender ${stranger}` });
    const q = await http(app, d.admin).get("/api/v1/admin/inbound-messages?status=quarantined");
    expect(q.body.items).toHaveLength(1);
    expect((await http(app, d.agent).post(`/api/v1/admin/inbound-messages/${q.body.items[0].id}/retry`)).status).toBe(403);
    await createUser(testDeps(), d.org.id, "requester", { email: stranger });
    const retried = await http(app, d.admin).post(`/api/v1/admin/inbound-messages/${q.body.items[0].id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: "ticket" });
    expect(retried.body.workItemNumber).toMatch(/^INC/);
    expect((await http(app, d.admin).get("/api/v1/admin/inbound-messages?status=quarantined")).body.items).toEqual([]);
    expect((await http(app, d.admin).get("/api/v1/admin/inbound-messages")).body.items[0]).toMatchObject({
      status: "ticket",
      workItemNumber: retried.body.workItemNumber,
    });
  });
});
