import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { closeTransports } from "../../platform/mail/transport";
import { createCustomers, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";
import { runJobs, startSmtpSink } from "../../test/mail";
import { ingestMessage } from "../email-in/email-in.ingest";
import { refreshFactsOfOrganization } from "../reporting/report-facts.repo";

// Reports, exports and notifications for a person who is a requester in A and an agent in B: each
// organization's figures and mail reach them only as that organization's member, in that role.

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

const incident = (title: string, extra: object = {}) => ({ title, description: "", impact: "medium", urgency: "medium", ...extra });

describe("reports and exports follow the organization acted in", () => {
  it("a requester in A gets none; the same person as agent in B sees B's figures only", async () => {
    const { provider, a, b } = await createCustomers(deps);
    await deps.db
      .updateTable("groups")
      .set({ name: `Alpha desk ${uniq()}` })
      .where("id", "=", a.group.id)
      .execute();
    await deps.db
      .updateTable("groups")
      .set({ name: `Beta desk ${uniq()}` })
      .where("id", "=", b.group.id)
      .execute();
    const person = await createUser(deps, a.org.id, "requester");
    await http(app, provider.admin).put(`/api/v1/admin/organizations/${b.org.id}/members`, { email: person.email, role: "agent" });
    for (let i = 0; i < 3; i++) await http(app, a.agent).post("/api/v1/incidents", incident(`a${i}`, { assignmentGroupId: a.group.id }));
    const bItem = (await http(app, b.agent).post("/api/v1/incidents", incident("b0", { assignmentGroupId: b.group.id }))).body;
    await refreshFactsOfOrganization(deps.db, a.org.id);
    await refreshFactsOfOrganization(deps.db, b.org.id);
    const def = { type: "incident", basis: "created", periodDays: 7, groupBy: "group", measure: "count" };

    // The person's token acts in A (their home, as a requester): reports and exports are refused.
    const inA = http(app, person);
    expect((await inA.post("/api/v1/reports/run", def)).status).toBe(403);
    expect((await inA.post("/api/v1/reports/run.csv", def)).status).toBe(403);
    expect((await inA.get("/api/v1/reports/widgets/backlog")).status).toBe(403);
    expect((await inA.get("/api/v1/cmdb/export/cis?format=csv")).status).toBe(403);

    // A token made while acting in B acts in B, as an agent.
    const login = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      remoteAddress: "10.77.1.2",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email: person.email, password: "correct horse battery" }),
    });
    const cookie = ([] as string[])
      .concat(login.headers["set-cookie"] ?? [])
      .find((c) => c.startsWith("portico_session="))
      ?.split(";")[0] as string;
    const web = http(app, { cookie, csrf: login.json().csrfToken });
    expect((await web.post("/api/v1/session/organization", { organizationId: b.org.id })).status).toBe(200);
    const created = await web.post("/api/v1/me/tokens", { name: "b reports" });
    expect(created.status).toBe(201);
    const inB = http(app, { token: created.body.token, email: person.email, actor: person.actor });
    expect((await inB.get("/api/v1/me")).body).toMatchObject({ organization: { id: b.org.id }, role: "agent" });

    const run = await inB.post("/api/v1/reports/run", def);
    expect(run.status).toBe(200);
    expect(run.body.rows.map((r: { value: number }) => r.value)).toEqual([1]);
    const csv = await inB.post("/api/v1/reports/run.csv", def);
    expect(csv.raw.body).toContain("Beta desk");
    expect(csv.raw.body).not.toContain("Alpha desk");
    const drill = await inB.get("/api/v1/reports/drill?widget=backlog");
    expect(JSON.stringify(drill.body)).not.toMatch(/"a[0-2]"/);
    if (drill.status === 200) expect(JSON.stringify(drill.body)).toContain(bItem.number);
    // The same person's token in A still acts in A.
    expect((await inA.post("/api/v1/reports/run", def)).status).toBe(403);
  });
});

describe("notifications reach a person as a member of the item's organization, in their role there", () => {
  it("work notes in B reach them as B's agent; work notes on their own ticket in A never do", async () => {
    const { provider, a, b } = await createCustomers(deps);
    const person = await createUser(deps, a.org.id, "requester");
    await http(app, provider.admin).put(`/api/v1/admin/organizations/${b.org.id}/members`, { email: person.email, role: "agent" });
    await deps.db.insertInto("group_members").values({ group_id: b.group.id, user_id: person.id, organization_id: b.org.id }).execute();

    const mineInA = (await http(app, person).post("/api/v1/incidents", incident(`printer ${uniq()}`))).body;
    const inB = (await http(app, b.requester).post("/api/v1/incidents", incident(`router ${uniq()}`))).body;
    await runJobs(deps, a.org.id);
    await runJobs(deps, b.org.id);
    const before = sink.to(person.email).length;

    await http(app, b.agent).patch(`/api/v1/incidents/${inB.id}`, { assigneeId: person.id }, { "if-match": String(inB.version) });
    await http(app, b.agent).post(`/api/v1/incidents/${inB.id}/work-notes`, { body: `b-internal ${uniq()}` });
    await http(app, a.agent).post(`/api/v1/incidents/${mineInA.id}/work-notes`, { body: "a-internal secret" });
    await runJobs(deps, a.org.id);
    await runJobs(deps, b.org.id);
    const mails = sink.to(person.email).slice(before);
    const subjects = mails.map((m) => String(m.parsed.subject ?? ""));
    expect(subjects.some((s) => s.includes(inB.number))).toBe(true);
    expect(mails.some((m) => String(m.parsed.text ?? "").includes("a-internal secret"))).toBe(false);
    // A person outside B (the A requester) never hears of B's items.
    expect(sink.to(a.requester.email).some((m) => String(m.parsed.subject ?? "").includes(inB.number))).toBe(false);
  });
});

describe("inbound mail is routed to the mailbox's organization", () => {
  it("a member of several organizations writes to B's mailbox as B's member; a stranger to B is quarantined", async () => {
    const { provider, a, b } = await createCustomers(deps);
    const person = await createUser(deps, a.org.id, "requester");
    await http(app, provider.admin).put(`/api/v1/admin/organizations/${b.org.id}/members`, { email: person.email, role: "requester" });
    const created = await http(app, b.admin).post("/api/v1/admin/mailboxes", { name: "B desk", address: `help-${uniq()}@b.example`, kind: "smtp" });
    const box = (await deps.db.selectFrom("mailboxes").selectAll().where("id", "=", created.body.id).executeTakeFirstOrThrow()) as never;
    const mail = (from: string, subject: string) =>
      Buffer.from(`From: ${from}\r\nTo: help@b.example\r\nSubject: ${subject}\r\nMessage-ID: <${uniq()}@x.example>\r\n\r\nHello\r\n`);
    const subject = `Monitor flickers ${uniq()}`;
    const r = await ingestMessage(deps, box, mail(person.email, subject));
    expect(r.status).toBe("ticket");
    const item = await deps.db.selectFrom("work_items").select(["organization_id", "requester_id"]).where("title", "=", subject).executeTakeFirstOrThrow();
    expect(item).toEqual({ organization_id: b.org.id, requester_id: person.id });
    const outsider = await ingestMessage(deps, box, mail(a.requester.email, "Let me in"));
    expect(outsider).toMatchObject({ status: "quarantined" });
  });
});
