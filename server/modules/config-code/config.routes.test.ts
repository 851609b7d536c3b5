import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { ZRuleInput } from "../../../contracts/automation";
import { createRule } from "../automation/rule.service";
import { createCatalogItem } from "../catalog/catalog.service";
import { createClass } from "../cmdb/cmdb.service";
import { createDesk } from "../desks/desk.service";
import { createGroup } from "../identity/identity.service";
import { putTemplate } from "../notifications/notification.service";
import { createCategory, createService } from "../reference/reference.service";
import { createCalendar, createPolicy } from "../sla/sla.service";
import { createOrg, createUser } from "../../test/factories";
import { type Caller, closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

function yamlCall(who: Caller, method: "GET" | "POST", url: string, body?: string) {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${who.token}`, ...(body !== undefined ? { "content-type": "application/yaml" } : {}) },
    payload: body,
  });
}

/** An organization with one of every kind of configuration, built through the modules' services. */
async function configuredOrg(deps: Deps) {
  const org = await createOrg(deps);
  const admin = await createUser(deps, org.id, "admin");
  const a = admin.actor;
  const network = await createGroup(deps, a, { name: "Network", description: "Routers and VPN", email: null, memberIds: [] });
  const desk1 = await createGroup(deps, a, { name: "Service Desk", description: "", email: "desk@acme.example", memberIds: [] });
  const vpn = await createService(deps, a, { name: "VPN", description: "", supportGroupId: null });
  const hw = await createCategory(deps, a, { name: "Hardware", parentId: null });
  await createCategory(deps, a, { name: "Laptop", parentId: hw.id });
  const it = await createDesk(deps, a, {
    name: "IT",
    slug: "it",
    brandingName: "IT help",
    description: "Everything with a plug",
    icon: "laptop",
    position: 1,
    active: true,
    memberIds: [],
    groupIds: [network.id, desk1.id],
    categoryIds: [hw.id],
  });
  const cal = await createCalendar(deps, a, {
    name: "Office hours",
    description: "",
    timeZone: "Europe/Berlin",
    hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: "08:00", end: "17:00" })),
    holidays: [{ date: "2026-12-25", yearly: true, name: "Christmas" }],
    exceptions: [],
  });
  await createPolicy(deps, a, {
    name: "Network incidents",
    description: "",
    active: true,
    position: 10,
    conditions: [
      { field: "type", op: "in", values: ["incident"] },
      { field: "assignmentGroupId", op: "in", values: [network.id] },
    ],
    targets: [
      {
        kind: "sla",
        metric: "resolution",
        name: "",
        groupId: null,
        durationMinutes: 480,
        calendarId: cal.id,
        startWhen: [],
        stopWhen: [],
        pauseWhen: [{ field: "state", op: "in", values: ["on_hold"] }],
        thresholds: [{ percent: 75, action: "notify", recipient: "user", userId: admin.id }],
      },
      {
        kind: "ola",
        metric: "response",
        name: "",
        groupId: network.id,
        durationMinutes: 60,
        calendarId: null,
        startWhen: [],
        stopWhen: [],
        pauseWhen: [],
        thresholds: [{ percent: 100, action: "reassign", groupId: desk1.id }],
      },
    ],
  });
  await createClass(deps, a, {
    key: "load_balancer",
    name: "Load balancer",
    description: "",
    attributes: [{ key: "vip", label: "Virtual IP", type: "ip", required: true }],
  });
  await createCatalogItem(deps, a, {
    deskId: it.id,
    categoryId: hw.id,
    audience: "everyone",
    active: true,
    name: "New laptop",
    summary: "A laptop for work",
    description: "",
    icon: "laptop",
    form: { variables: [{ name: "model", label: "Model", type: "choice", required: true, options: [{ value: "x1", label: "X1" }] }] },
    approvals: [
      { name: "Manager", rule: "any", approvers: [{ kind: "manager" }] },
      { name: "IT", rule: "any", approvers: [{ kind: "group", groupId: desk1.id }] },
    ],
    fulfilment: [{ title: "Prepare it", description: "", groupId: desk1.id, parallelWithPrevious: false }],
  });
  await putTemplate(deps, a, "work_item.created", "en", { subject: "[{{number}}] We have your ticket", body: "Hello {{requester.name}}, thanks." });
  await createRule(
    deps,
    a,
    ZRuleInput.parse({
      name: "VPN to Network",
      trigger: "work_item.created",
      conditions: {
        all: [
          { field: "serviceId", op: "in", value: [vpn.id] },
          { field: "priority", op: "lte", value: 2 },
        ],
      },
      actions: [
        { type: "assign", groupId: network.id },
        { type: "add_comment", body: "Routed by {{rule.name}}", visibility: "internal" },
        { type: "call_webhook", url: "https://hooks.example.com/vpn", secret: "a-very-secret-signing-key" },
      ],
    }),
  );
  return { org, admin };
}

describe("configuration as code", () => {
  it("round-trips: export org A, import into an empty org B, export B — equal", async () => {
    const deps = testDeps();
    const a = await configuredOrg(deps);
    const exported = await yamlCall(a.admin, "GET", "/api/v1/config/export");
    expect(exported.statusCode).toBe(200);
    expect(exported.headers["content-type"]).toContain("application/yaml");
    const yamlA = exported.body;
    expect(yamlA).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    const docA = YAML.parse(yamlA);
    expect(docA.slaPolicies[0].conditions[1]).toEqual({ field: "assignmentGroupId", op: "in", values: ["Network"] });
    expect(docA.catalogItems[0]).toMatchObject({ desk: "it", category: "Hardware", fulfilment: [{ group: "Service Desk" }] });
    expect(docA.rules[0].conditions.all[0]).toEqual({ field: "serviceId", op: "in", value: ["VPN"] });
    expect(docA.rules[0].actions[0]).toEqual({ type: "assign", groupId: "Network" });
    expect(yamlA).not.toContain("a-very-secret-signing-key");

    const orgB = await createOrg(deps);
    const adminB = await createUser(deps, orgB.id, "admin", { email: a.admin.email.replace("@", `-b${uniq()}@`) });
    // The threshold names a person: the same person must exist in B (people are not configuration).
    const personB = await createUser(deps, orgB.id, "agent");
    const yamlForB = yamlA.replaceAll(a.admin.email, personB.email);

    const preview = await yamlCall(adminB, "POST", "/api/v1/config/import?dryRun=true", yamlForB);
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({ dryRun: true, applied: false, summary: { added: 11, changed: 0 } });
    expect(preview.json().diff).toContain("+  - slug: it");
    expect((await yamlCall(adminB, "GET", "/api/v1/config/export")).body).not.toContain("slug: it");

    const applied = await yamlCall(adminB, "POST", "/api/v1/config/import", yamlForB);
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ applied: true, summary: { added: 11 } });
    const yamlB = (await yamlCall(adminB, "GET", "/api/v1/config/export")).body;
    expect(yamlB).toBe(yamlForB);

    // Importing the same again changes nothing.
    const again = await yamlCall(adminB, "POST", "/api/v1/config/import", yamlForB);
    expect(again.json().summary).toEqual({ added: 0, changed: 0, unchanged: 11, onlyInPortico: 0 });
    const audit = await deps.db
      .selectFrom("audit_events")
      .select("action")
      .where("organization_id", "=", orgB.id)
      .where("action", "=", "desk.created")
      .execute();
    expect(audit).toHaveLength(1);
  });

  it("previews a change as a diff, and applies nothing when any item is wrong", async () => {
    const deps = testDeps();
    const a = await configuredOrg(deps);
    const doc = YAML.parse((await yamlCall(a.admin, "GET", "/api/v1/config/export")).body);
    doc.desks[0].brandingName = "IT service desk";
    doc.groups.push({ name: "Database", description: "", email: null });
    const preview = (await yamlCall(a.admin, "POST", "/api/v1/config/import?dryRun=true", YAML.stringify(doc))).json();
    expect(preview.changes).toEqual(
      expect.arrayContaining([
        { kind: "desks", key: "it", change: "changed" },
        { kind: "groups", key: "database", change: "added" },
      ]),
    );
    expect(preview.diff).toContain("-    brandingName: IT help");
    expect(preview.diff).toContain("+    brandingName: IT service desk");

    // A reference to a calendar that does not exist: the whole import is refused, the new group too.
    doc.slaPolicies[0].targets[0].calendar = "Nights";
    const refused = await yamlCall(a.admin, "POST", "/api/v1/config/import", YAML.stringify(doc));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details[0].field).toBe("slaPolicies.0.targets.0.calendar");
    expect(refused.json().error.message).toContain('no calendar named "Nights"');
    const groups = await deps.db.selectFrom("groups").select("name").where("organization_id", "=", a.org.id).execute();
    expect(groups.map((g) => g.name)).not.toContain("Database");

    // Schema errors name the path; YAML syntax errors the line.
    doc.slaPolicies[0].targets[0].calendar = null;
    doc.calendars[0].timeZone = "Mars/Olympus";
    const invalid = (await yamlCall(a.admin, "POST", "/api/v1/config/import", YAML.stringify(doc))).json();
    expect(invalid.error.details[0].field).toBe("calendars.0.timeZone");
    const broken = await yamlCall(a.admin, "POST", "/api/v1/config/import", "apiVersion: portico.config/v1\ngroups:\n  - name: [unclosed\n");
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.message).toMatch(/line \d+/);
    const wrongVersion = await yamlCall(a.admin, "POST", "/api/v1/config/import", "apiVersion: v0\n");
    expect(wrongVersion.json().error.details[0].field).toBe("apiVersion");
    const twice = await yamlCall(a.admin, "POST", "/api/v1/config/import", "apiVersion: portico.config/v1\nservices:\n  - name: VPN\n  - name: vpn\n");
    expect(twice.json().error.message).toContain("appears twice");

    // A changed rule keeps the webhook secret it had (secrets are never in the document).
    doc.calendars[0].timeZone = "Europe/Berlin";
    doc.rules[0].description = "Network routing";
    doc.rules[0].actions[0].groupId = "Nobody";
    const unknownGroup = (await yamlCall(a.admin, "POST", "/api/v1/config/import", YAML.stringify(doc))).json();
    expect(unknownGroup.error.details[0].field).toBe("rules.0.actions.0.groupId");
    doc.rules[0].actions[0].groupId = "Network";
    expect((await yamlCall(a.admin, "POST", "/api/v1/config/import", YAML.stringify(doc))).statusCode).toBe(200);
    const rule = await deps.db
      .selectFrom("automation_rules")
      .select(["description", "actions"])
      .where("organization_id", "=", a.org.id)
      .executeTakeFirstOrThrow();
    expect(rule.description).toBe("Network routing");
    expect(JSON.stringify(rule.actions)).toContain("a-very-secret-signing-key");
  });

  it("is for admins only", async () => {
    const deps = testDeps();
    const org = await createOrg(deps);
    const agent = await createUser(deps, org.id, "agent");
    expect((await yamlCall(agent, "GET", "/api/v1/config/export")).statusCode).toBe(403);
    expect((await yamlCall(agent, "POST", "/api/v1/config/import", "apiVersion: portico.config/v1\n")).statusCode).toBe(403);
    expect((await http(app).get("/api/v1/config/export")).status).toBe(401);
  });
});
