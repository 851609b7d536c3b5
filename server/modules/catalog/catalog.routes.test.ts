import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk, createUser, setManager } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);
const deps = () => testDeps();

async function setup() {
  const d = await createDesk(deps());
  const admin = http(app, d.admin);
  const it = (await admin.post("/api/v1/desks", { name: "IT", slug: "it", brandingName: "IT Help" })).body;
  const hr = (await admin.post("/api/v1/desks", { name: "HR", slug: "hr" })).body;
  return { ...d, admin, itDesk: it, hrDesk: hr };
}

const laptopForm = {
  variables: [
    {
      name: "model",
      label: "Model",
      type: "choice",
      required: true,
      options: [
        { value: "mac", label: "MacBook" },
        { value: "pc", label: "ThinkPad" },
      ],
    },
    { name: "reason", label: "Why", type: "long_text", required: true, visibleWhen: { variable: "model", operator: "equals", value: "mac" } },
  ],
};

describe("catalog items", () => {
  it("admins define items with a form, approvals and a plan; everyone browses by desk and words", async () => {
    const s = await setup();
    const created = await s.admin.post("/api/v1/catalog/items", {
      deskId: s.itDesk.id,
      name: "New laptop",
      summary: "A laptop for work",
      icon: "laptop",
      form: laptopForm,
      approvals: [{ name: "Manager", approvers: [{ kind: "manager" }], rule: "any" }],
      fulfilment: [{ title: "Prepare", groupId: s.group.id }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "New laptop", version: 1, desk: { slug: "it" }, approvalStages: 1, canRequest: true });
    await s.admin.post("/api/v1/catalog/items", { deskId: s.hrDesk.id, name: "Onboarding", audience: "managers" });
    await s.admin.post("/api/v1/catalog/items", { deskId: s.hrDesk.id, name: "Old form", active: false });

    const requester = http(app, s.requester);
    const all = await requester.get("/api/v1/catalog/items");
    expect(all.body.items.map((i: { name: string }) => i.name)).toEqual(["New laptop"]);
    const one = await requester.get(`/api/v1/catalog/items/${created.body.id}`);
    expect(one.body.form.variables.length).toBe(2);
    expect(one.body.fulfilment).toEqual([]);
    expect((await requester.get("/api/v1/catalog/items?q=lapt")).body.items.length).toBe(1);
    expect((await requester.get("/api/v1/catalog/items?desk=hr")).body.items.length).toBe(0);

    // Managers see the items meant for them.
    await setManager(deps(), s.requester2.id, s.requester.id);
    expect((await requester.get("/api/v1/catalog/items?desk=hr")).body.items.map((i: { name: string }) => i.name)).toEqual(["Onboarding"]);
    expect((await s.admin.get("/api/v1/catalog/items?all=true")).body.items.length).toBe(3);
  });

  it("a changed definition makes a new version; settings change in place; stale edits get 409", async () => {
    const s = await setup();
    const c = (await s.admin.post("/api/v1/catalog/items", { deskId: s.itDesk.id, name: "Monitor", form: laptopForm })).body;
    const same = await s.admin.patch(`/api/v1/catalog/items/${c.id}`, { audience: "staff", form: laptopForm });
    expect(same.body).toMatchObject({ version: 1, audience: "staff" });
    const v2 = await s.admin.patch(`/api/v1/catalog/items/${c.id}`, { name: "Monitor (27 inch)", version: 1 });
    expect(v2.body.version).toBe(2);
    const stale = await s.admin.patch(`/api/v1/catalog/items/${c.id}`, { name: "Other", version: 1 });
    expect(stale.status).toBe(409);
    const versions = await s.admin.get(`/api/v1/catalog/items/${c.id}/versions`);
    expect(versions.body.items.map((v: { version: number; name: string }) => [v.version, v.name])).toEqual([
      [2, "Monitor (27 inch)"],
      [1, "Monitor"],
    ]);
    expect((await s.admin.get(`/api/v1/catalog/items/${c.id}/versions/1`)).body.name).toBe("Monitor");
  });

  it("refuses incoherent forms, foreign references and non-admins", async () => {
    const s = await setup();
    const bad = await s.admin.post("/api/v1/catalog/items", {
      deskId: s.itDesk.id,
      name: "Bad",
      form: {
        variables: [
          { name: "a", label: "A", type: "choice" },
          { name: "a", label: "B", type: "text", visibleWhen: { variable: "zzz", operator: "is_set" } },
        ],
      },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(["body.form.variables.0.options", "body.form.variables.1.name", "body.form.variables.1.visibleWhen.variable"]),
    );
    const other = await createDesk(deps());
    const foreignGroup = await s.admin.post("/api/v1/catalog/items", { deskId: s.itDesk.id, name: "X", fulfilment: [{ title: "T", groupId: other.group.id }] });
    expect(foreignGroup.status).toBe(400);
    expect(foreignGroup.body.error.details[0].field).toBe("body.fulfilment.0.groupId");
    const foreignApprover = await s.admin.post("/api/v1/catalog/items", {
      deskId: s.itDesk.id,
      name: "X",
      approvals: [{ name: "A", approvers: [{ kind: "user", userId: other.admin.id }] }],
    });
    expect(foreignApprover.body.error.details[0].field).toBe("body.approvals.0.approvers.0.userId");
    expect((await s.admin.post("/api/v1/catalog/items", { deskId: other.group.id, name: "X" })).status).toBe(400);
    expect((await http(app, s.agent).post("/api/v1/catalog/items", { deskId: s.itDesk.id, name: "X" })).status).toBe(403);
    const stranger = await createUser(deps(), other.org.id, "admin");
    const mine = (await s.admin.post("/api/v1/catalog/items", { deskId: s.itDesk.id, name: "Mine" })).body;
    expect((await http(app, stranger).get(`/api/v1/catalog/items/${mine.id}`)).status).toBe(404);
    expect((await http(app, stranger).patch(`/api/v1/catalog/items/${mine.id}`, { name: "Taken" })).status).toBe(404);
  });
});
