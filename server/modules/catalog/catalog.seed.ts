import type { z } from "zod";
import { ZCreateCatalogItemRequest } from "../../../contracts/catalog";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { decideApproval, listPendingForApprover } from "../approvals/approval.service";
import { createDesk } from "../desks/desk.service";
import { insertGroup, setGroupMembers } from "../identity/identity.repo";
import { transitionTask } from "../requests/request-task.service";
import { cancelServiceRequest, createServiceRequest, getServiceRequest } from "../requests/request.service";
import { addComment } from "../work-items/work-item.service";
import { createCatalogItem } from "./catalog.service";

const opt = (...labels: string[]) =>
  labels.map((label) => ({
    value: label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_|_$/g, ""),
    label,
  }));

/** Demo desks (IT, HR, Facilities), their catalogs, Dave's manager (Erin) and requests in every state. */
export async function seedCatalog(
  deps: Deps,
  d: { orgId: string; users: Record<string, string>; groups: Record<string, string>; categories: Record<string, string> },
) {
  const { orgId, users: u, groups: g } = d;
  const admin: Actor = { userId: u.admin, organizationId: orgId, role: "admin", groupIds: [g.desk] };
  const groups = await withTx(deps.db, async (tx) => {
    const hr = (await insertGroup(tx, { organizationId: orgId, name: "HR Operations", description: "People & Culture team", email: null })).id;
    const fac = (await insertGroup(tx, { organizationId: orgId, name: "Facilities", description: "Workplace team", email: null })).id;
    await setGroupMembers(tx, orgId, hr, [u.admin, u.alice]);
    await setGroupMembers(tx, orgId, fac, [u.bob]);
    // Erin manages Dave and Frank: she approves what they order.
    for (const who of ["dave", "frank"]) await tx.updateTable("users").set({ manager_id: u.erin }).where("id", "=", u[who]).execute();
    return { hr, fac };
  });
  const it = await createDesk(deps, admin, {
    name: "IT",
    slug: "it",
    brandingName: "IT Help",
    description: "Laptops, software, accounts and access.",
    icon: "laptop",
    position: 1,
    active: true,
    memberIds: [u.alice, u.bob, u.grace, u.admin],
    groupIds: [g.desk, g.network, g.apps],
    categoryIds: Object.entries(d.categories)
      .filter(([k]) => !k.includes("/"))
      .map(([, v]) => v),
  });
  const hr = await createDesk(deps, admin, {
    name: "Human Resources",
    slug: "hr",
    brandingName: "People & Culture",
    description: "Joining, leaving, and your personal details.",
    icon: "users",
    position: 2,
    active: true,
    memberIds: [u.admin, u.alice],
    groupIds: [groups.hr],
    categoryIds: [],
  });
  const fac = await createDesk(deps, admin, {
    name: "Facilities",
    slug: "facilities",
    brandingName: "Workplace",
    description: "Desks, rooms, badges and parking.",
    icon: "building",
    position: 3,
    active: true,
    memberIds: [u.bob],
    groupIds: [groups.fac],
    categoryIds: [],
  });

  // Parsed like an API call: the seed's definitions pass the same checks as an admin's.
  const item = (x: z.input<typeof ZCreateCatalogItemRequest>) => createCatalogItem(deps, admin, ZCreateCatalogItemRequest.parse(x));
  const laptop = await item({
    deskId: it.id,
    categoryId: d.categories.hardware,
    name: "New laptop",
    summary: "A work laptop, imaged and ready, delivered to your desk.",
    description: "Your manager approves the request; the Service Desk prepares the laptop and hands it over, usually within three working days.",
    icon: "laptop",
    form: {
      variables: [
        { name: "model", label: "Model", type: "choice", required: true, options: opt("MacBook Air 13", "ThinkPad X1 Carbon", "Dell Latitude 7440") },
        { name: "keyboard", label: "Keyboard layout", type: "choice", required: true, options: opt("US", "UK", "German", "French") },
        { name: "replacement", label: "Does it replace a laptop you have?", type: "yes_no", required: true },
        {
          name: "old_tag",
          label: "Asset tag of the old laptop",
          type: "text",
          required: true,
          pattern: "^[A-Z]{2}-\\d{4,6}$",
          patternMessage: "looks like AC-12345",
          help: "On the sticker under the laptop, e.g. AC-12345",
          visibleWhen: { variable: "replacement", operator: "is_true" },
        },
        { name: "accessories", label: "Accessories", type: "multi_choice", options: opt("Docking station", "Headset", "Mouse", "Laptop bag") },
        { name: "needed_by", label: "Needed by", type: "date" },
        { name: "reason", label: "Why do you need it?", type: "long_text", required: true, max: 2000 },
      ],
    },
    approvals: [{ name: "Manager approval", approvers: [{ kind: "manager" }], rule: "any" }],
    fulfilment: [
      {
        title: "Prepare and image the laptop",
        description: "Image with the standard build, enrol in device management.",
        groupId: g.desk,
        parallelWithPrevious: false,
      },
      { title: "Deliver and hand over", description: "Hand over in person; collect the old laptop if any.", groupId: g.desk, parallelWithPrevious: false },
    ],
  });
  const software = await item({
    deskId: it.id,
    categoryId: d.categories.software,
    name: "Software licence",
    summary: "Request a licence for paid software.",
    icon: "software",
    form: {
      variables: [
        { name: "product", label: "Software", type: "choice", required: true, options: opt("Adobe Acrobat Pro", "Figma", "JetBrains All Products", "Visio") },
        { name: "justification", label: "What will you use it for?", type: "long_text", required: true },
      ],
    },
    approvals: [{ name: "Applications team", approvers: [{ kind: "group", groupId: g.apps }], rule: "any" }],
    fulfilment: [{ title: "Assign the licence", groupId: g.apps, parallelWithPrevious: false }],
  });
  const vpn = await item({
    deskId: it.id,
    categoryId: d.categories.network,
    name: "VPN access",
    summary: "Work from home securely.",
    icon: "key",
    form: { variables: [{ name: "until", label: "Access until", type: "date", help: "Leave empty for permanent access" }] },
    fulfilment: [{ title: "Grant VPN access", groupId: g.network, parallelWithPrevious: false }],
  });
  const onboarding = await item({
    deskId: hr.id,
    name: "Onboard a new hire",
    summary: "Everything a new colleague needs on day one.",
    description: "For managers. HR prepares the contract, IT the accounts and laptop, Facilities the desk and badge.",
    icon: "user-plus",
    audience: "managers",
    form: {
      variables: [
        { name: "full_name", label: "New hire's full name", type: "text", required: true },
        { name: "start_date", label: "Start date", type: "date", required: true },
        { name: "job_title", label: "Job title", type: "text", required: true },
        { name: "department", label: "Department", type: "choice", required: true, options: opt("Finance", "Sales", "Engineering", "Operations") },
        { name: "needs_laptop", label: "Needs a laptop?", type: "yes_no", required: true },
        {
          name: "laptop_model",
          label: "Laptop model",
          type: "choice",
          required: true,
          options: opt("MacBook Air 13", "ThinkPad X1 Carbon"),
          visibleWhen: { variable: "needs_laptop", operator: "is_true" },
        },
        { name: "buddy", label: "Buddy", type: "person", help: "A colleague who shows them around" },
      ],
    },
    approvals: [{ name: "HR approval", approvers: [{ kind: "group", groupId: groups.hr }], rule: "any" }],
    fulfilment: [
      { title: "Prepare contract and payroll", groupId: groups.hr, parallelWithPrevious: false },
      { title: "Create accounts and prepare laptop", groupId: g.desk, parallelWithPrevious: true },
      { title: "Prepare desk and badge", groupId: groups.fac, parallelWithPrevious: false },
    ],
  });
  await item({
    deskId: hr.id,
    name: "Update my personal details",
    summary: "Address, bank account or emergency contact.",
    icon: "briefcase",
    form: {
      variables: [
        { name: "what", label: "What changes?", type: "multi_choice", required: true, options: opt("Address", "Bank account", "Emergency contact") },
        { name: "details", label: "New details", type: "long_text", required: true },
        { name: "proof", label: "Supporting document", type: "attachment" },
      ],
    },
    fulfilment: [{ title: "Update the HR record", groupId: groups.hr, parallelWithPrevious: false }],
  });
  const deskMove = await item({
    deskId: fac.id,
    name: "Desk move",
    summary: "Move to another desk or floor.",
    icon: "desk",
    form: {
      variables: [
        { name: "current_desk", label: "Current desk", type: "text", required: true, help: "e.g. 3.14" },
        {
          name: "new_location",
          label: "Where to",
          type: "choice",
          required: true,
          options: opt("Floor 2 - Finance", "Floor 3 - Sales", "Floor 4 - Engineering"),
        },
        { name: "move_date", label: "Move date", type: "date", required: true },
        { name: "notes", label: "Anything to know?", type: "long_text" },
      ],
    },
    approvals: [{ name: "Manager approval", approvers: [{ kind: "manager" }], rule: "any" }],
    fulfilment: [
      { title: "Move furniture and boxes", groupId: groups.fac, parallelWithPrevious: false },
      { title: "Reconnect equipment", groupId: g.desk, parallelWithPrevious: false },
    ],
  });
  await item({
    deskId: fac.id,
    name: "Parking permit",
    summary: "A permit for the company car park.",
    icon: "truck",
    form: { variables: [] },
    fulfilment: [{ title: "Issue the permit", groupId: groups.fac, parallelWithPrevious: false }],
  });

  // Requests in every state.
  const who = (k: string, role: Actor["role"], gs: string[] = []): Actor => ({ userId: u[k], organizationId: orgId, role, groupIds: gs });
  const dave = who("dave", "requester");
  const frank = who("frank", "requester");
  const erin = who("erin", "requester");
  const alice = who("alice", "agent", [g.desk, g.apps, groups.hr]);
  const bob = who("bob", "agent", [g.network, groups.fac]);
  const order = async (by: Actor, id: string, answers: Record<string, unknown>) =>
    (await createServiceRequest(deps, by, { catalogItemId: id, answers }, { via: "session" })).body;
  const decide = async (approver: Actor, requestId: string, decision: "approve" | "reject" = "approve", comment?: string) => {
    for (const a of await listPendingForApprover(deps, approver))
      if (a.item.id === requestId) await decideApproval(deps, approver, a.id, { decision, comment });
  };

  // Waiting for Erin: Dave's laptop.
  await order(dave, laptop.id, {
    model: "macbook_air_13",
    keyboard: "uk",
    replacement: true,
    old_tag: "AC-10422",
    accessories: ["docking_station", "headset"],
    reason: "My current laptop is five years old and the battery lasts an hour.",
  });
  // Approved and in progress: Frank's desk move, first task being worked.
  const move = await order(frank, deskMove.id, {
    current_desk: "3.14",
    new_location: "floor_2_finance",
    move_date: "2026-12-07",
    notes: "Two boxes of files.",
  });
  await decide(erin, move.id);
  await addComment(deps, frank, move.id, "request", "Could the move happen before 10:00? I have a call at 10:30.", "public");
  const moveTask = (await listTasksOf(deps, alice, move.id))[0];
  await transitionTask(deps, bob, moveTask, { action: "start" });
  // Done: Frank's VPN access.
  const vpnReq = await order(frank, vpn.id, {});
  for (const t of await listTasksOf(deps, bob, vpnReq.id)) await transitionTask(deps, bob, t, { action: "complete", notes: "Added to the VPN users group." });
  // Rejected: Dave's Figma licence.
  const figma = await order(dave, software.id, { product: "figma", justification: "To look at the new website designs." });
  await decide(alice, figma.id, "reject", "View-only access is free: open the link the designers share with you.");
  // Onboarding by Erin (a manager), approved by HR, contract done.
  const onb = await order(erin, onboarding.id, {
    full_name: "Ivy Newcomer",
    start_date: "2026-12-01",
    job_title: "Accountant",
    department: "finance",
    needs_laptop: true,
    laptop_model: "thinkpad_x1_carbon",
    buddy: u.dave,
  });
  await decide(alice, onb.id);
  const [contract] = await listTasksOf(deps, alice, onb.id);
  await transitionTask(deps, alice, contract, { action: "complete", notes: "Contract signed; payroll set up." });
  // Withdrawn: Dave changed his mind about a second VPN request.
  const dup = await order(dave, vpn.id, { until: "2026-12-31" });
  void dup;
  const extra = await order(dave, laptop.id, { model: "thinkpad_x1_carbon", keyboard: "us", replacement: false, reason: "Second screen setup for home." });
  await cancelServiceRequest(deps, dave, extra.id, "Ordered by mistake, the first request is enough.");
}

/** A request's task ids in plan order. */
async function listTasksOf(deps: Deps, agent: Actor, requestId: string): Promise<string[]> {
  return (await getServiceRequest(deps, agent, requestId)).tasks.map((t) => t.id);
}
