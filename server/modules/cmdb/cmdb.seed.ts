import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { findIncidentIdsByTitle } from "./cmdb.repo";
import { createCiIn, updateCiIn } from "./cmdb.service";
import { createRelationshipIn, linkWorkItemCi } from "./cmdb-graph.service";
import * as assets from "../assets/assets.service";

type CiSeed = [key: string, cls: string, name: string, extra: Record<string, unknown>];

/** Demo CMDB: business services Email, ERP, VPN and Wi-Fi over applications, VMs, hosts, databases and network gear; some incidents linked. */
export async function seedCmdb(deps: Deps, ctx: { orgId: string; users: Record<string, string>; groups: Record<string, string> }): Promise<void> {
  const admin: Actor = { userId: ctx.users.admin, organizationId: ctx.orgId, role: "admin", groupIds: [] };
  const g = ctx.groups;
  const cis: CiSeed[] = [
    ["email", "business_service", "Email", { attributes: { criticality: "high", service_hours: "24×7" }, supportGroupId: g.apps, ownerId: ctx.users.admin }],
    ["erp", "business_service", "ERP", { attributes: { criticality: "critical", service_hours: "Mon–Fri 06:00–22:00" }, supportGroupId: g.apps }],
    ["vpn", "business_service", "VPN", { attributes: { criticality: "high", service_hours: "24×7" }, supportGroupId: g.network }],
    ["wifi", "business_service", "Office Wi-Fi", { attributes: { criticality: "medium" }, supportGroupId: g.network }],
    ["exchange", "application", "Exchange 2019", { attributes: { version: "CU14", vendor: "Microsoft", environment: "production" }, supportGroupId: g.apps }],
    [
      "sap",
      "application",
      "SAP S/4HANA",
      { attributes: { version: "2023 FPS02", vendor: "SAP", url: "https://erp.acme.test", environment: "production" }, supportGroupId: g.apps },
    ],
    [
      "gp",
      "application",
      "GlobalProtect portal",
      { attributes: { version: "6.2", vendor: "Palo Alto Networks", environment: "production" }, supportGroupId: g.network },
    ],
    [
      "vmMail",
      "virtual_machine",
      "vm-mail-01",
      {
        attributes: {
          hostname: "mail01.acme.test",
          ip_address: "10.10.1.21",
          os: "Windows Server 2022",
          cpu_count: 8,
          memory_gb: 32,
          environment: "production",
        },
      },
    ],
    [
      "vmErp1",
      "virtual_machine",
      "vm-erp-app-01",
      { attributes: { hostname: "erpapp01.acme.test", ip_address: "10.10.2.11", os: "SLES 15 SP5", cpu_count: 16, memory_gb: 128, environment: "production" } },
    ],
    [
      "vmErp2",
      "virtual_machine",
      "vm-erp-app-02",
      { attributes: { hostname: "erpapp02.acme.test", ip_address: "10.10.2.12", os: "SLES 15 SP5", cpu_count: 16, memory_gb: 128, environment: "production" } },
    ],
    [
      "erpDb",
      "database",
      "erp-db-01",
      { attributes: { engine: "other", version: "HANA 2.0 SPS07", port: 30015, environment: "production" }, supportGroupId: g.apps },
    ],
    [
      "esx1",
      "server",
      "esx-01",
      {
        serialNumber: "CZ2041ABCD",
        assetTag: "ACME-SRV-0001",
        location: "DC1 rack A3",
        attributes: { hostname: "esx01.acme.test", ip_address: "10.10.0.11", os: "VMware ESXi 8.0", cpu_count: 64, memory_gb: 768 },
      },
    ],
    [
      "esx2",
      "server",
      "esx-02",
      {
        serialNumber: "CZ2041ABCE",
        assetTag: "ACME-SRV-0002",
        location: "DC1 rack A4",
        attributes: { hostname: "esx02.acme.test", ip_address: "10.10.0.12", os: "VMware ESXi 8.0", cpu_count: 64, memory_gb: 768 },
      },
    ],
    [
      "core",
      "network_device",
      "core-sw-01",
      {
        serialNumber: "FDO2233X0AB",
        assetTag: "ACME-NET-0001",
        location: "DC1 rack A1",
        attributes: { device_type: "switch", ip_address: "10.10.0.2", firmware: "IOS-XE 17.9" },
        supportGroupId: g.network,
      },
    ],
    [
      "fw",
      "network_device",
      "fw-01",
      {
        serialNumber: "PA-3220-7781",
        assetTag: "ACME-NET-0002",
        location: "DC1 rack A1",
        attributes: { device_type: "firewall", ip_address: "10.10.0.1", firmware: "PAN-OS 11.1" },
        supportGroupId: g.network,
      },
    ],
    [
      "vpnGw",
      "network_device",
      "vpn-gw-01",
      {
        serialNumber: "PA-850-1190",
        assetTag: "ACME-NET-0003",
        location: "DC1 rack A2",
        attributes: { device_type: "firewall", ip_address: "203.0.113.10", firmware: "PAN-OS 11.1" },
        supportGroupId: g.network,
      },
    ],
    [
      "wlc",
      "network_device",
      "wlc-01",
      { assetTag: "ACME-NET-0004", location: "HQ floor 1", attributes: { device_type: "access_point", ip_address: "10.20.0.5" }, supportGroupId: g.network },
    ],
    [
      "lt42",
      "laptop",
      "LT-0042",
      {
        serialNumber: "5CG3301XYZ",
        assetTag: "ACME-LT-0042",
        ownerId: ctx.users.dave,
        attributes: { manufacturer: "HP", model: "EliteBook 840 G10", os: "Windows 11" },
      },
    ],
    [
      "lt43",
      "laptop",
      "LT-0043",
      {
        serialNumber: "5CG3301XZA",
        assetTag: "ACME-LT-0043",
        ownerId: ctx.users.erin,
        attributes: { manufacturer: "Lenovo", model: "ThinkPad T14 Gen 4", os: "Windows 11" },
      },
    ],
  ];
  const ids: Record<string, string> = {};
  await withTx(deps.db, async (tx) => {
    for (const [key, cls, name, extra] of cis) {
      ids[key] = await createCiIn(tx, admin, { class: cls, name, description: "", status: "operational", attributes: {}, ...extra } as never, "seed");
    }
    const rels: Array<[string, string, string]> = [
      ["email", "depends_on", "exchange"],
      ["exchange", "runs_on", "vmMail"],
      ["vmMail", "runs_on", "esx1"],
      ["erp", "depends_on", "sap"],
      ["sap", "runs_on", "vmErp1"],
      ["sap", "runs_on", "vmErp2"],
      ["sap", "depends_on", "erpDb"],
      ["erpDb", "runs_on", "esx2"],
      ["vmErp1", "runs_on", "esx1"],
      ["vmErp2", "runs_on", "esx2"],
      ["esx1", "connects_to", "core"],
      ["esx2", "connects_to", "core"],
      ["core", "connects_to", "fw"],
      ["vpn", "depends_on", "gp"],
      ["gp", "runs_on", "vpnGw"],
      ["vpnGw", "connects_to", "fw"],
      ["wifi", "depends_on", "wlc"],
      ["wlc", "connects_to", "core"],
    ];
    for (const [s, type, t] of rels) await createRelationshipIn(tx, admin, { type, sourceId: ids[s], targetId: ids[t] }, "seed");
    await updateCiIn(tx, admin, ids.vmMail, {
      attributes: { hostname: "mail01.acme.test", ip_address: "10.10.1.21", os: "Windows Server 2022", cpu_count: 8, memory_gb: 48, environment: "production" },
    });
  });
  const incidents = await findIncidentIdsByTitle(deps.db, ctx.orgId, [
    "VPN disconnects every few minutes",
    "Cannot post invoices in ERP",
    "ERP reports run very slowly",
    "Email bounces to external partners",
    "Laptop battery drains in an hour",
  ]);
  const links: Array<[string, string, "affected" | "caused_by"]> = [
    ["VPN disconnects every few minutes", "vpnGw", "affected"],
    ["Cannot post invoices in ERP", "sap", "affected"],
    ["ERP reports run very slowly", "erpDb", "caused_by"],
    ["ERP reports run very slowly", "sap", "affected"],
    ["Email bounces to external partners", "exchange", "affected"],
    ["Laptop battery drains in an hour", "lt42", "affected"],
  ];
  for (const [title, ci, role] of links) {
    const inc = incidents.get(title);
    if (inc) await linkWorkItemCi(deps, admin, inc, ids[ci], role);
  }

  await seedAssets(deps, admin, ctx, ids);
}

const inDays = (n: number) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);

/** Demo vendors, assets linked to CIs, licences (one under-licensed), two vendor contracts and the morning's renewal notices. */
async function seedAssets(deps: Deps, admin: Actor, ctx: { users: Record<string, string> }, ids: Record<string, string>) {
  const dell = (
    await assets.saveVendor(deps, admin, null, {
      name: "Dell Technologies",
      website: "https://www.dell.com",
      contactName: "Key account team",
      contactEmail: "acme@dell.example",
    })
  ).id;
  const cisco = (
    await assets.saveVendor(deps, admin, null, {
      name: "Cisco Systems",
      website: "https://www.cisco.com",
      contactEmail: "smartnet@cisco.example",
      phone: "+1 800 553 2447",
    })
  ).id;
  const microsoft = (await assets.saveVendor(deps, admin, null, { name: "Microsoft", website: "https://www.microsoft.com" })).id;
  const a = (x: Parameters<typeof assets.createAsset>[2]) => assets.createAsset(deps, admin, x);
  const base = { kind: "hardware" as const, currency: "EUR", notes: "" };
  const esx1 = await a({
    ...base,
    assetTag: "ACME-SRV-0001",
    name: "PowerEdge R760",
    serialNumber: "CZ2041ABCD",
    model: "R760",
    vendorId: dell,
    purchaseDate: "2024-03-12",
    cost: 18450,
    warrantyEnd: inDays(400),
    status: "in_use",
    ciId: ids.esx1,
  });
  const esx2 = await a({
    ...base,
    assetTag: "ACME-SRV-0002",
    name: "PowerEdge R760",
    serialNumber: "CZ2041ABCE",
    model: "R760",
    vendorId: dell,
    purchaseDate: "2024-03-12",
    cost: 18450,
    warrantyEnd: inDays(400),
    status: "in_use",
    ciId: ids.esx2,
  });
  await a({
    ...base,
    assetTag: "ACME-LT-0042",
    name: "Latitude 7440",
    serialNumber: "5CG3301XYZ",
    model: "7440",
    vendorId: dell,
    purchaseDate: "2023-02-01",
    cost: 1420,
    warrantyEnd: inDays(-20),
    status: "in_use",
    assignedToId: ctx.users.dave,
    ciId: ids.lt42,
  });
  await a({
    ...base,
    assetTag: "ACME-LT-0043",
    name: "Latitude 7440",
    serialNumber: "5CG3301XZA",
    model: "7440",
    vendorId: dell,
    purchaseDate: "2024-09-10",
    cost: 1390,
    warrantyEnd: inDays(700),
    status: "in_use",
    assignedToId: ctx.users.erin,
    ciId: ids.lt43,
  });
  await a({
    ...base,
    assetTag: "ACME-LT-0050",
    name: "Latitude 7450",
    model: "7450",
    vendorId: dell,
    purchaseDate: "2025-10-01",
    cost: 1510,
    warrantyEnd: inDays(1000),
    status: "stock",
    location: "IT store room",
  });
  const m365 = await assets.saveLicence(deps, admin, null, {
    name: "Microsoft 365 E3",
    product: "Microsoft 365",
    vendorId: microsoft,
    licenceType: "per_user",
    entitlements: 25,
    cost: 8100,
    currency: "EUR",
    renewalDate: inDays(120),
    noticeDays: 60,
    notes: "",
  });
  for (const u of ["dave", "erin", "alice", "bob"]) await assets.assignLicence(deps, admin, m365.id, { userId: ctx.users[u] });
  const visio = await assets.saveLicence(deps, admin, null, {
    name: "Visio Professional 2021",
    product: "Visio",
    vendorId: microsoft,
    licenceType: "per_device",
    entitlements: 1,
    cost: 580,
    currency: "EUR",
    noticeDays: 30,
    notes: "",
  });
  for (const d of ["lt42", "lt43"]) await assets.assignLicence(deps, admin, visio.id, { ciId: ids[d] });
  await assets.saveLicence(deps, admin, null, {
    name: "Adobe Acrobat site licence",
    product: "Acrobat",
    licenceType: "site",
    currency: "EUR",
    renewalDate: inDays(20),
    noticeDays: 30,
    notes: "",
  });
  await assets.saveContract(deps, admin, null, {
    name: "SmartNet 8×5×NBD — data centre network",
    reference: "SN-7781-2291",
    vendorId: cisco,
    kind: "maintenance",
    startDate: inDays(-320),
    endDate: inDays(45),
    noticeDays: 60,
    autoRenew: false,
    value: 14200,
    currency: "EUR",
    slaReference: "Next business day hardware replacement, 8×5 TAC",
    ownerId: ctx.users.bob,
    ciIds: [ids.core, ids.fw, ids.vpnGw],
    assetIds: [],
    notes: "",
    terminated: false,
  });
  await assets.saveContract(deps, admin, null, {
    name: "ProSupport Plus — virtualisation hosts",
    reference: "DELL-PSP-4410",
    vendorId: dell,
    kind: "support",
    startDate: inDays(-400),
    endDate: inDays(330),
    noticeDays: 90,
    autoRenew: true,
    value: 6900,
    currency: "EUR",
    slaReference: "4-hour mission critical onsite",
    ownerId: ctx.users.admin,
    ciIds: [ids.esx1, ids.esx2],
    assetIds: [esx1.id, esx2.id],
    notes: "",
    terminated: false,
  });
  await assets.sendRenewalNotices(deps);
}
