import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { auditEvents, createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { licenceCompliance, sendRenewalNotices } from "./assets.service";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

type Desk = Awaited<ReturnType<typeof createDesk>>;
const vendor = async (d: Desk, name = "Dell") =>
  (await http(app, d.agent).post("/api/v1/vendors", { name, contactEmail: "sales@dell.example" })).body as { id: string };
const ci = async (d: Desk, body: object) => (await http(app, d.agent).post("/api/v1/cmdb/cis", body)).body as { id: string };
const daysFromNow = (n: number) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);

describe("assets", () => {
  it("registers assets with unique tags, links them to a CI and a person, and moves them through the lifecycle", async () => {
    const d = await createDesk(testDeps());
    const v = await vendor(d);
    const laptop = await ci(d, { class: "laptop", name: "LT-1" });
    const res = await http(app, d.agent).post("/api/v1/assets", {
      assetTag: "A-1",
      name: "Latitude 7440",
      serialNumber: "SN1",
      model: "7440",
      vendorId: v.id,
      purchaseDate: "2025-01-15",
      cost: 1499.9,
      warrantyEnd: "2025-06-01",
      status: "in_use",
      assignedToId: d.requester.id,
      ciId: laptop.id,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      assetTag: "A-1",
      purchaseDate: "2025-01-15",
      cost: 1499.9,
      warrantyExpired: true,
      vendor: { id: v.id, name: "Dell" },
      assignedTo: { id: d.requester.id },
      ci: { id: laptop.id, classKey: "laptop" },
      status: "in_use",
    });
    expect((await http(app, d.agent).post("/api/v1/assets", { assetTag: "a-1", name: "x" })).status).toBe(409);
    expect((await http(app, d.agent).post("/api/v1/assets", { assetTag: "A-2", name: "x", status: "in_use" })).body.error.details[0].field).toBe(
      "body.assignedToId",
    );
    expect((await http(app, d.agent).post("/api/v1/assets", { assetTag: "A-3", name: "x", purchaseDate: "2025-13-01" })).status).toBe(400);
    const other = await createDesk(testDeps());
    expect((await http(app, d.agent).post("/api/v1/assets", { assetTag: "A-4", name: "x", assignedToId: other.agent.id })).body.error.details[0].field).toBe(
      "body.assignedToId",
    );
    expect((await http(app, other.agent).get(`/api/v1/assets/${res.body.id}`)).status).toBe(404);
    expect((await http(app, d.requester).get("/api/v1/assets")).status).toBe(403);

    const retired = await http(app, d.agent).patch(`/api/v1/assets/${res.body.id}`, { status: "retired", version: res.body.version });
    expect(retired.body).toMatchObject({ status: "retired", assignedTo: null, version: 2 });
    expect((await http(app, d.agent).patch(`/api/v1/assets/${res.body.id}`, { name: "y", version: 1 })).status).toBe(409);
    expect((await http(app, d.agent).get("/api/v1/assets?q=latitude")).body.items).toHaveLength(1);
  });
});

describe("software licences", () => {
  it("computes compliance", () => {
    expect(licenceCompliance(10, 12)).toBe("under_licensed");
    expect(licenceCompliance(10, 3)).toBe("over_licensed");
    expect(licenceCompliance(2, 2)).toBe("compliant");
    expect(licenceCompliance(null, 500)).toBe("compliant");
  });

  it("assigns seats to devices or people by licence type and reports compliance", async () => {
    const d = await createDesk(testDeps());
    const dev1 = await ci(d, { class: "laptop", name: "LT-1" });
    const dev2 = await ci(d, { class: "laptop", name: "LT-2" });
    const perDevice = await http(app, d.agent).post("/api/v1/licences", { name: "Visio 2021", product: "Visio", licenceType: "per_device", entitlements: 1 });
    expect(perDevice.status).toBe(201);
    const url = `/api/v1/licences/${perDevice.body.id}/assignments`;
    expect((await http(app, d.agent).post(url, { userId: d.agent.id })).body.error.details[0].field).toBe("body.ciId");
    expect((await http(app, d.agent).post(url, { ciId: dev1.id })).body).toMatchObject({ used: 1, compliance: "compliant" });
    expect((await http(app, d.agent).post(url, { ciId: dev1.id })).status).toBe(409);
    const over = await http(app, d.agent).post(url, { ciId: dev2.id });
    expect(over.body).toMatchObject({ used: 2, entitlements: 1, compliance: "under_licensed" });
    expect(over.body.assignments.map((a: { ci: { name: string } }) => a.ci.name)).toEqual(["LT-1", "LT-2"]);
    const freed = await http(app, d.agent).delete(`${url}/${over.body.assignments[1].id}`);
    expect(freed.body).toMatchObject({ used: 1, compliance: "compliant" });
    expect((await http(app, d.agent).post(url, { ciId: dev1.id, userId: d.agent.id })).status).toBe(400);

    const perUser = await http(app, d.agent).post("/api/v1/licences", { name: "M365 E3", product: "Microsoft 365", licenceType: "per_user", entitlements: 50 });
    const u = await http(app, d.agent).post(`/api/v1/licences/${perUser.body.id}/assignments`, { userId: d.requester.id });
    expect(u.body).toMatchObject({ used: 1, compliance: "over_licensed" });
    expect((await http(app, d.agent).post("/api/v1/licences", { name: "x", product: "x", licenceType: "per_user", entitlements: null })).status).toBe(400);
    expect((await http(app, d.agent).post("/api/v1/licences", { name: "Site", product: "x", licenceType: "site" })).body).toMatchObject({
      entitlements: null,
      compliance: "compliant",
    });
    const list = await http(app, d.agent).get("/api/v1/licences");
    expect(list.body.items).toHaveLength(3);
  });
});

describe("vendor contracts and renewal notices", () => {
  it("records contracts with covered CIs and assets, computes status, and sends one renewal notice per term through the job", async () => {
    const d = await createDesk(testDeps());
    const v = await vendor(d, "Cisco");
    const sw = await ci(d, { class: "network_device", name: "core-1", attributes: { device_type: "switch" } });
    const asset = (await http(app, d.agent).post("/api/v1/assets", { assetTag: "N-1", name: "Catalyst 9300" })).body;
    const res = await http(app, d.agent).post("/api/v1/vendor-contracts", {
      name: "SmartNet core",
      vendorId: v.id,
      kind: "maintenance",
      startDate: daysFromNow(-300),
      endDate: daysFromNow(20),
      noticeDays: 30,
      slaReference: "8×5×NBD",
      ownerId: d.admin.id,
      ciIds: [sw.id],
      assetIds: [asset.id],
      value: 12000,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: "expiring",
      daysLeft: 20,
      vendor: { name: "Cisco" },
      cis: [{ id: sw.id }],
      assets: [{ id: asset.id }],
      owner: { id: d.admin.id },
    });
    const later = await http(app, d.agent).post("/api/v1/vendor-contracts", {
      name: "Later",
      vendorId: v.id,
      kind: "support",
      startDate: daysFromNow(-1),
      endDate: daysFromNow(400),
    });
    expect(later.body.status).toBe("active");
    const bad = await http(app, d.agent).post("/api/v1/vendor-contracts", {
      name: "Bad",
      vendorId: v.id,
      kind: "support",
      startDate: "2026-05-01",
      endDate: "2026-04-01",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe("body.endDate");
    const other = await createDesk(testDeps());
    expect(
      (
        await http(app, other.agent).post("/api/v1/vendor-contracts", {
          name: "x",
          vendorId: v.id,
          kind: "support",
          startDate: "2026-01-01",
          endDate: "2026-02-01",
        })
      ).status,
    ).toBe(400);
    expect((await http(app, other.agent).get(`/api/v1/vendor-contracts/${res.body.id}`)).status).toBe(404);

    const lic = await http(app, d.agent).post("/api/v1/licences", {
      name: "Adobe CC",
      product: "Creative Cloud",
      licenceType: "subscription",
      entitlements: 5,
      renewalDate: daysFromNow(10),
      noticeDays: 14,
    });
    expect(lic.status).toBe(201);

    await sendRenewalNotices(testDeps());
    const notices = await http(app, d.agent).get("/api/v1/renewal-notices");
    expect(notices.body.items.map((n: { subjectName: string }) => n.subjectName).sort()).toEqual(["Adobe CC", "SmartNet core"]);
    expect(notices.body.items.find((n: { subjectName: string }) => n.subjectName === "SmartNet core").notifiedUser.id).toBe(d.admin.id);
    expect(await auditEvents(testDeps(), "renewal_notice.sent", res.body.id)).toHaveLength(1);
    // Once per term: a second sweep sends nothing new; a renewed contract gets a notice again near its new end.
    await sendRenewalNotices(testDeps());
    expect((await http(app, d.agent).get("/api/v1/renewal-notices")).body.items).toHaveLength(2);
    const renewed = await http(app, d.agent).patch(`/api/v1/vendor-contracts/${res.body.id}`, { endDate: daysFromNow(385), ciIds: [] });
    expect(renewed.body).toMatchObject({ status: "active", cis: [], assets: [{ id: asset.id }] });
    await sendRenewalNotices(testDeps(), daysFromNow(360));
    const names = (await http(app, d.agent).get("/api/v1/renewal-notices")).body.items.map((n: { subjectName: string }) => n.subjectName).sort();
    expect(names).toEqual(["Adobe CC", "Later", "SmartNet core", "SmartNet core"]);
    const ended = await http(app, d.agent).patch(`/api/v1/vendor-contracts/${res.body.id}`, { terminated: true });
    expect(ended.body.status).toBe("terminated");
  });
});
