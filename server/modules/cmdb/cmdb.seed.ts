import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { findIncidentIdsByTitle } from "./cmdb.repo";
import { createCiIn, updateCiIn } from "./cmdb.service";
import { createRelationshipIn, linkWorkItemCi } from "./cmdb-graph.service";

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
}
