import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

const countCis = async (orgId: string) =>
  Number(
    (
      await testDeps()
        .db.selectFrom("configuration_items")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("organization_id", "=", orgId)
        .executeTakeFirstOrThrow()
    ).n,
  );

const CSV = (
  group: string,
  owner: string,
) => `class,name,status,owner_email,support_group,location,serial_number,asset_tag,attr.hostname,attr.ip_address,attr.environment
server,web01,operational,${owner},${group},DC1,SN-1,AT-1,web01.acme,10.0.0.1,production
server,web02,,,,DC1,SN-2,AT-2,web02.acme,10.0.0.2,staging
database,db01,operational,,,,,,,,
`;

describe("CMDB import and export", () => {
  it("previews a CSV import (dry run changes nothing), reports errors per row, and refuses to apply while any row fails", async () => {
    const d = await createDesk(testDeps());
    const content = CSV(d.group.name, d.agent.email);
    const preview = await http(app, d.agent).post("/api/v1/cmdb/import", { kind: "cis", format: "csv", content, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, applied: false, summary: { create: 2, update: 0, unchanged: 0, error: 1 } });
    expect(preview.body.rows.map((r: { row: number; action: string }) => [r.row, r.action])).toEqual([
      [2, "create"],
      [3, "create"],
      [4, "error"],
    ]);
    expect(preview.body.rows[2].errors).toEqual([{ field: "attr.engine", message: "required" }]);
    expect(await countCis(d.org.id)).toBe(0);

    const real = await http(app, d.agent).post("/api/v1/cmdb/import", { kind: "cis", format: "csv", content, dryRun: false });
    expect(real.body).toMatchObject({ applied: false, summary: { error: 1 } });
    expect(await countCis(d.org.id)).toBe(0);

    const partial = await http(app, d.agent).post("/api/v1/cmdb/import", { kind: "cis", format: "csv", content, dryRun: false, partial: true });
    expect(partial.body).toMatchObject({ applied: true, summary: { create: 2, error: 1 } });
    expect(await countCis(d.org.id)).toBe(2);
    const web01 = await http(app, d.agent).get(`/api/v1/cmdb/cis/${partial.body.rows[0].id}`);
    expect(web01.body).toMatchObject({
      name: "web01",
      owner: { id: d.agent.id },
      supportGroup: { id: d.group.id },
      attributes: { hostname: "web01.acme", ip_address: "10.0.0.1", environment: "production" },
    });
    const hist = await http(app, d.agent).get(`/api/v1/cmdb/cis/${web01.body.id}/history`);
    expect(hist.body.items[0]).toMatchObject({ kind: "created", data: { via: "import" } });
  });

  it("matches existing CIs by serial number, asset tag or name and reports updates and unchanged rows", async () => {
    const d = await createDesk(testDeps());
    await http(app, d.agent).post("/api/v1/cmdb/import", {
      kind: "cis",
      format: "csv",
      content: CSV(d.group.name, d.agent.email).split("\n").slice(0, 3).join("\n"),
      dryRun: false,
    });
    const again = `class,name,serial_number,attr.environment
server,web01-renamed,SN-1,production
server,web02,,test
`;
    const r = await http(app, d.agent).post("/api/v1/cmdb/import", { kind: "cis", format: "csv", content: again, dryRun: false });
    expect(r.body.summary).toEqual({ create: 0, update: 2, unchanged: 0, error: 0 });
    expect(r.body.rows[0].changes).toEqual(["name"]);
    expect(r.body.rows[1].changes).toEqual(["attributes.environment"]);
    // Attributes merge: the host name from the first import stays.
    expect((await http(app, d.agent).get(`/api/v1/cmdb/cis/${r.body.rows[1].id}`)).body.attributes).toEqual({
      hostname: "web02.acme",
      ip_address: "10.0.0.2",
      environment: "test",
    });
    const same = await http(app, d.agent).post("/api/v1/cmdb/import", { kind: "cis", format: "csv", content: again, dryRun: false });
    expect(same.body.summary).toEqual({ create: 0, update: 0, unchanged: 2, error: 0 });
    // Matching by name only: a serial-less row with another name is new.
    const byName = await http(app, d.agent).post("/api/v1/cmdb/import", {
      kind: "cis",
      format: "json",
      rows: [{ class: "server", name: "WEB02", serial_number: "SN-X" }],
      matchBy: ["name"],
      dryRun: true,
    });
    expect(byName.body.rows[0]).toMatchObject({ action: "update", changes: ["name", "serialNumber"] });
  });

  it("reports bad values per row with the column; a repeated serial in one file updates the CI the earlier row made", async () => {
    const d = await createDesk(testDeps());
    const content = `class,name,serial_number,status,attr.ip_address,owner_email
server,a,SN-9,,,
server,b,SN-9,,,
server,c,,broken,,
server,d,,,999.1.1.1,
nope,e,,,,
server,f,,,,nobody@example.test
`;
    const r = await http(app, d.agent).post("/api/v1/cmdb/import", { kind: "cis", format: "csv", content, dryRun: true });
    const errs = r.body.rows.map((x: { action: string; errors: Array<{ field?: string }> }) => [x.action, x.errors.map((e) => e.field).join(",")]);
    expect(errs).toEqual([
      ["create", ""],
      ["update", ""],
      ["error", "status"],
      ["error", "attr.ip_address"],
      ["error", "class"],
      ["error", "owner_email"],
    ]);
    const bad = await http(app, d.agent).post("/api/v1/cmdb/import", { kind: "cis", format: "csv", content: 'class,name\n"unterminated', dryRun: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe("body.content");
  });

  it("imports relationships by CI names (duplicates unchanged, cycles and unknown CIs reported) and exports both round-trip", async () => {
    const d = await createDesk(testDeps());
    await http(app, d.agent).post("/api/v1/cmdb/import", {
      kind: "cis",
      format: "json",
      rows: [
        { class: "business_service", name: "Email", "attr.criticality": "high" },
        { class: "application", name: "Exchange" },
        { class: "virtual_machine", name: "vm-mail" },
      ],
      dryRun: false,
    });
    const rels = `type,source_class,source,target_class,target
depends_on,business_service,Email,application,Exchange
runs_on,,Exchange,,vm-mail
runs_on,,Exchange,,vm-mail
runs_on,,vm-mail,,Exchange
depends_on,,Email,,ghost
`;
    const r = await http(app, d.agent).post("/api/v1/cmdb/import", { kind: "relationships", format: "csv", content: rels, dryRun: false, partial: true });
    expect(r.body.rows.map((x: { action: string }) => x.action)).toEqual(["create", "create", "unchanged", "error", "error"]);
    expect(r.body.rows[3].errors[0].message).toMatch(/cycle/);
    expect(r.body.rows[4].errors[0]).toMatchObject({ field: "target" });

    const csv = await http(app, d.agent).get("/api/v1/cmdb/export/cis?format=csv");
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    expect(csv.raw.body.split("\n")[0]).toMatch(/^class,name,status,description,owner_email,support_group,location,serial_number,asset_tag,attr\./);
    const relCsv = await http(app, d.agent).get("/api/v1/cmdb/export/relationships?format=csv");
    expect(relCsv.raw.body.trim().split("\n")).toEqual([
      "type,source_class,source,target_class,target",
      "depends_on,business_service,Email,application,Exchange",
      "runs_on,application,Exchange,virtual_machine,vm-mail",
    ]);
    // The export imports into another organization unchanged.
    const other = await createDesk(testDeps());
    const back = await http(app, other.agent).post("/api/v1/cmdb/import", { kind: "cis", format: "csv", content: csv.raw.body, dryRun: false });
    expect(back.body.summary).toMatchObject({ create: 3, error: 0 });
    const backRels = await http(app, other.agent).post("/api/v1/cmdb/import", {
      kind: "relationships",
      format: "csv",
      content: relCsv.raw.body,
      dryRun: false,
    });
    expect(backRels.body.summary).toMatchObject({ create: 2, error: 0 });
    const json = await http(app, other.agent).get("/api/v1/cmdb/export/cis?format=json");
    expect(json.body.items).toHaveLength(3);
    expect((await http(app, d.requester).get("/api/v1/cmdb/export/cis")).status).toBe(403);
  });
});
