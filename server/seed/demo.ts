import type { Actor, Deps } from "../deps";
import { withTx } from "../platform/db/db";
import { hashPassword } from "../modules/identity/password";
import { findFirstOrganizationId, insertGroup, insertOrganization, insertUser, setGroupMembers } from "../modules/identity/identity.repo";
import { createIncident, transitionIncident, updateIncident } from "../modules/incidents/incident.service";
import { seedSla } from "../modules/sla/sla.seed";
import { insertCategory, insertService } from "../modules/reference/reference.repo";
import { addComment } from "../modules/work-items/work-item.service";
import { seedKnowledge } from "../modules/knowledge/knowledge.seed";
import { seedCmdb } from "../modules/cmdb/cmdb.seed";
import { seedProblems } from "../modules/problems/problem.seed";
import { seedEmail } from "../modules/email-in/email-in.seed";
import { seedChanges } from "../modules/changes/change.seed";
import { seedCatalog } from "../modules/catalog/catalog.seed";
import { seedIntegrations } from "../modules/webhooks/webhook.seed";
import { seedAutomation } from "../modules/automation/automation.seed";
import { seedReporting } from "../modules/reporting/reporting.seed";
import { seedServiceProvider } from "../modules/organizations/organization.seed";

export const DEMO_PASSWORD = "portico-demo";
export const DEMO_LOGINS = [
  { email: "admin@acme.test", role: "admin", name: "Ada Admin" },
  { email: "alice@acme.test", role: "agent", name: "Alice Agent" },
  { email: "bob@acme.test", role: "agent", name: "Bob Network" },
  { email: "dave@acme.test", role: "requester", name: "Dave Requester" },
] as const;

/** Has the database any organization yet? */
export async function isEmpty(deps: Deps): Promise<boolean> {
  return !(await findFirstOrganizationId(deps.db));
}

/** Demo data: two organizations (kept strictly apart), agents, groups, services, categories and incidents in every state. */
export async function seedDemo(deps: Deps): Promise<void> {
  const hash = await hashPassword(DEMO_PASSWORD);
  const orgId = await insertOrganization(deps.db, { name: "Acme Corporation", slug: "acme" });
  const ids = await withTx(deps.db, async (tx) => {
    const u: Record<string, string> = {};
    const people = [
      ...DEMO_LOGINS,
      { email: "erin@acme.test", role: "requester", name: "Erin Finance" },
      { email: "frank@acme.test", role: "requester", name: "Frank Sales" },
      { email: "grace@acme.test", role: "agent", name: "Grace Apps" },
    ] as const;
    for (const p of people) {
      u[p.email.split("@")[0]] = (await insertUser(tx, { organizationId: orgId, email: p.email, name: p.name, role: p.role, passwordHash: hash })).id;
    }
    const g: Record<string, string> = {};
    for (const [key, name, members] of [
      ["desk", "Service Desk", ["alice", "admin"]],
      ["network", "Network", ["bob"]],
      ["apps", "Applications", ["grace", "alice"]],
    ] as const) {
      g[key] = (await insertGroup(tx, { organizationId: orgId, name, description: `${name} team`, email: null })).id;
      await setGroupMembers(
        tx,
        orgId,
        g[key],
        members.map((m) => u[m]),
      );
    }
    const s: Record<string, string> = {};
    for (const [key, name, group] of [
      ["email", "Email", "apps"],
      ["vpn", "VPN", "network"],
      ["wifi", "Office Wi-Fi", "network"],
      ["erp", "ERP", "apps"],
      ["laptop", "Laptops", "desk"],
    ] as const) {
      s[key] = (await insertService(tx, { organizationId: orgId, name, description: `${name} service`, supportGroupId: g[group] })).id;
    }
    const c: Record<string, string> = {};
    for (const [key, name, subs] of [
      ["hardware", "Hardware", ["Laptop", "Printer", "Monitor"]],
      ["software", "Software", ["Email client", "ERP client", "Office suite"]],
      ["network", "Network", ["VPN", "Wi-Fi"]],
      ["access", "Access", ["Password reset", "Permissions"]],
    ] as const) {
      c[key] = (await insertCategory(tx, { organizationId: orgId, name, parentId: null })).id;
      for (const sub of subs) c[`${key}/${sub}`] = (await insertCategory(tx, { organizationId: orgId, name: sub, parentId: c[key] })).id;
    }
    return { u, g, s, c };
  });
  const actor = (k: string, role: Actor["role"], groups: string[] = []): Actor => ({ userId: ids.u[k], organizationId: orgId, role, groupIds: groups });
  const alice = actor("alice", "agent", [ids.g.desk, ids.g.apps]);
  const bob = actor("bob", "agent", [ids.g.network]);
  const dave = actor("dave", "requester");
  const erin = actor("erin", "requester");

  const demo: Array<{
    by: Actor;
    title: string;
    description: string;
    impact: "high" | "medium" | "low";
    urgency: "high" | "medium" | "low";
    service: string;
    category: string;
    sub: string;
    group?: string;
    assignee?: string;
    outcome?: "resolve" | "hold" | "close" | "cancel";
  }> = [
    {
      by: dave,
      title: "VPN disconnects every few minutes",
      description: "Since this morning the VPN drops every 5–10 minutes when working from home.",
      impact: "medium",
      urgency: "high",
      service: "vpn",
      category: "network",
      sub: "network/VPN",
      group: "network",
      assignee: "bob",
    },
    {
      by: erin,
      title: "Cannot post invoices in ERP",
      description: "Posting fails with error FI-204 for all invoices over 10k.",
      impact: "high",
      urgency: "high",
      service: "erp",
      category: "software",
      sub: "software/ERP client",
      group: "apps",
    },
    {
      by: dave,
      title: "Laptop battery drains in an hour",
      description: "Battery health shows 41%.",
      impact: "low",
      urgency: "medium",
      service: "laptop",
      category: "hardware",
      sub: "hardware/Laptop",
      group: "desk",
      assignee: "alice",
      outcome: "hold",
    },
    {
      by: erin,
      title: "Outlook asks for password repeatedly",
      description: "Prompt appears every hour since the password change.",
      impact: "low",
      urgency: "high",
      service: "email",
      category: "software",
      sub: "software/Email client",
      group: "desk",
      assignee: "alice",
      outcome: "resolve",
    },
    {
      by: dave,
      title: "Wi-Fi slow in meeting room 3",
      description: "Video calls freeze; other rooms are fine.",
      impact: "medium",
      urgency: "medium",
      service: "wifi",
      category: "network",
      sub: "network/Wi-Fi",
      group: "network",
    },
    {
      by: erin,
      title: "Printer on floor 2 jams",
      description: "Paper jam light stays on after clearing.",
      impact: "low",
      urgency: "low",
      service: "laptop",
      category: "hardware",
      sub: "hardware/Printer",
      group: "desk",
      outcome: "cancel",
    },
    {
      by: dave,
      title: "Need access to the finance share",
      description: "New role in finance from Monday.",
      impact: "low",
      urgency: "medium",
      service: "email",
      category: "access",
      sub: "access/Permissions",
      group: "desk",
      assignee: "alice",
      outcome: "close",
    },
    {
      by: erin,
      title: "Email bounces to external partners",
      description: "Messages to partner.example return 550 errors.",
      impact: "high",
      urgency: "medium",
      service: "email",
      category: "software",
      sub: "software/Email client",
    },
    {
      by: dave,
      title: "Second monitor not detected",
      description: "Docking station shows only one display.",
      impact: "low",
      urgency: "low",
      service: "laptop",
      category: "hardware",
      sub: "hardware/Monitor",
    },
    {
      by: erin,
      title: "ERP reports run very slowly",
      description: "Month-end reports take 20 minutes instead of 2.",
      impact: "medium",
      urgency: "medium",
      service: "erp",
      category: "software",
      sub: "software/ERP client",
      group: "apps",
      assignee: "grace",
    },
  ];
  for (const d of demo) {
    const created = await createIncident(
      deps,
      d.by,
      {
        title: d.title,
        description: d.description,
        impact: d.impact,
        urgency: d.urgency,
        serviceId: ids.s[d.service],
        categoryId: ids.c[d.category],
        subcategoryId: ids.c[d.sub],
      },
      { via: "session" },
    );
    const id = (created.body as { id: string }).id;
    const agent = d.group === "network" ? bob : alice;
    if (d.group) await updateIncident(deps, agent, id, { assignmentGroupId: ids.g[d.group], ...(d.assignee ? { assigneeId: ids.u[d.assignee] } : {}) });
    if (d.assignee) {
      await addComment(deps, agent, id, "incident", "Thanks for reporting this — I'm looking into it now.", "public");
      await addComment(deps, agent, id, "incident", "Checked the logs; nothing obvious yet.", "internal");
    }
    if (d.outcome === "hold") await transitionIncident(deps, agent, id, { action: "hold", holdReason: "awaiting_vendor" });
    if (d.outcome === "resolve" || d.outcome === "close")
      await transitionIncident(deps, agent, id, {
        action: "resolve",
        resolutionCode: "solved_permanently",
        resolutionNotes: "Cleared cached credentials and re-added the account.",
      });
    if (d.outcome === "close") await transitionIncident(deps, d.by, id, { action: "close" });
    if (d.outcome === "cancel") await transitionIncident(deps, agent, id, { action: "cancel", reason: "Reported twice; handled in another ticket." });
  }

  await seedKnowledge(deps, { admin: actor("admin", "admin", [ids.g.desk]), author: alice, reviewer: bob, readers: [dave, erin] });
  await seedCmdb(deps, { orgId, users: ids.u, groups: ids.g });
  await seedSla(deps, actor("admin", "admin", [ids.g.desk]), { escalationGroupId: ids.g.desk });
  await seedEmail(deps, { orgId, groupId: ids.g.desk });
  const problem = await seedProblems(deps, { agent: alice, requester: dave, services: ids.s });
  await seedChanges(deps, { admin: actor("admin", "admin"), requester: alice, approvers: [bob, actor("grace", "agent")], services: ids.s, problem });
  await seedCatalog(deps, { orgId, users: ids.u, groups: ids.g, categories: ids.c });
  await seedIntegrations(deps, { admin: actor("admin", "admin", [ids.g.desk]), groupId: ids.g.network, serviceId: ids.s.vpn });
  await seedAutomation(deps, { admin: actor("admin", "admin", [ids.g.desk]), users: ids.u, groups: ids.g, services: ids.s, categories: ids.c });
  await seedReporting(deps, {
    orgId,
    agents: [alice, bob, actor("grace", "agent", [ids.g.apps])],
    requesters: [dave, erin, actor("frank", "requester")],
    groups: Object.values(ids.g),
    services: Object.values(ids.s),
    categories: Object.entries(ids.c)
      .filter(([k]) => !k.includes("/"))
      .map(([, v]) => v),
  });
  await seedServiceProvider(deps, hash);

  // A second customer organization, to show that organizations never see each other's records.
  const globex = await insertOrganization(deps.db, { name: "Globex", slug: "globex" });
  await withTx(deps.db, async (tx) => {
    const agent = await insertUser(tx, { organizationId: globex, email: "hank@globex.test", name: "Hank Globex", role: "agent", passwordHash: hash });
    const grp = await insertGroup(tx, { organizationId: globex, name: "Globex Desk", description: "", email: null });
    await setGroupMembers(tx, globex, grp.id, [agent.id]);
  });
}
