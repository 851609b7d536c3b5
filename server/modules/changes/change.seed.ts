import type { Actor, Deps } from "../../deps";
import { decideApproval, listPendingForApprover } from "../approvals/approval.service";
import { createGroup } from "../identity/identity.service";
import { createChangeTemplate, setChangeSettings } from "./change-admin.service";
import { createFreezeWindow } from "./change-calendar.service";
import { createChange, transitionChange } from "./change.service";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** A time `days` from now at `hour`:00 UTC. */
const at = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};
const plans = {
  implementationPlan: "1. Announce the window\n2. Apply the update on the passive node\n3. Fail over and update the other node",
  backoutPlan: "Fail back to the untouched node and restore the VM snapshot taken before step 2.",
  testPlan: "Log in, post a test invoice, run the month-end report.",
};

/** Demo changes: a CAB and change managers, a standard template, a freeze window, and changes in several states. */
export async function seedChanges(
  deps: Deps,
  ctx: { admin: Actor; requester: Actor; approvers: Actor[]; services: Record<string, string>; problem?: string },
): Promise<void> {
  const cab = await createGroup(deps, ctx.admin, {
    name: "Change Advisory Board",
    description: "Approves normal changes",
    memberIds: ctx.approvers.map((a) => a.userId),
  });
  const managers = await createGroup(deps, ctx.admin, {
    name: "Change managers",
    description: "Approve emergency changes, override freezes",
    memberIds: [ctx.admin.userId],
  });
  await setChangeSettings(deps, ctx.admin, { cabGroupId: cab.id, cabRule: "quorum", cabQuorum: 2, managerGroupId: managers.id });
  const tpl = await createChangeTemplate(deps, ctx.admin, {
    name: "Restart the mail relay",
    description: "Pre-approved: restart the relay service to clear its spool.",
    implementationPlan: "systemctl restart relay; watch the queue drain.",
    backoutPlan: "None needed: the service comes back by itself.",
    testPlan: "Send a test mail to an external address.",
    serviceId: ctx.services.email,
  });
  await createFreezeWindow(deps, ctx.admin, {
    name: "Quarter-end freeze",
    reason: "Finance closes the quarter",
    startsAt: at(20, 0),
    endsAt: at(27, 0),
    serviceId: null,
  });

  const mk = (body: Parameters<typeof createChange>[2]) => createChange(deps, ctx.requester, body).then((r) => (r.body as { number: string }).number);
  const risk = { userImpact: "many", downtime: "partial", tested: "yes", backout: "tested", experience: "once", complexity: "moderate" } as const;

  // Standard: from the template, scheduled at once.
  const std = await mk({
    type: "standard",
    templateId: tpl.id,
    description: "",
    justification: "",
    impact: "low",
    urgency: "low",
    plannedStart: at(2, 18),
    plannedEnd: at(2, 19),
  });
  await transitionChange(deps, ctx.requester, std, { action: "submit" });

  // Normal, awaiting the CAB.
  const waiting = await mk({
    type: "normal",
    title: "Upgrade ERP to 12.4",
    description: "Vendor release with the month-end performance fixes.",
    justification: "Month-end reports take 20 minutes.",
    impact: "high",
    urgency: "medium",
    plannedStart: at(9, 20),
    plannedEnd: at(9, 23),
    serviceIds: [ctx.services.erp],
    riskAnswers: risk,
    ...plans,
  });
  await transitionChange(deps, ctx.requester, waiting, { action: "submit" });
  await transitionChange(deps, ctx.requester, waiting, { action: "request_approval" });

  // Normal, approved by the CAB and the change manager: scheduled. It fixes the mail problem.
  const approved = await mk({
    type: "normal",
    title: "Rotate the mail relay's logs and grow its spool disk",
    description: "Permanent fix for the outgoing mail queue problem.",
    justification: "Mail queues every morning.",
    impact: "medium",
    urgency: "medium",
    plannedStart: at(5, 21),
    plannedEnd: at(5, 22),
    serviceIds: [ctx.services.email],
    riskAnswers: { ...risk, userImpact: "few", downtime: "none", experience: "routine", complexity: "simple" },
    problem: ctx.problem,
    ...plans,
  });
  await transitionChange(deps, ctx.requester, approved, { action: "submit" });
  await transitionChange(deps, ctx.requester, approved, { action: "request_approval" });
  for (const who of [...ctx.approvers.slice(0, 2), ctx.admin]) {
    const mine = (await listPendingForApprover(deps, who)).find((a) => a.item.number === approved);
    if (mine) await decideApproval(deps, who, mine.id, { decision: "approve", comment: "Looks safe; back-out is tested." });
  }

  // Normal, planned inside the freeze window: the calendar and the change show the conflict.
  const frozen = await mk({
    type: "normal",
    title: "Replace the core switch in building B",
    description: "End-of-life hardware.",
    justification: "Vendor support ends this quarter.",
    impact: "high",
    urgency: "low",
    plannedStart: at(22, 19),
    plannedEnd: at(22, 23),
    serviceIds: [ctx.services.wifi, ctx.services.vpn],
    riskAnswers: { ...risk, downtime: "full", tested: "partly" },
    ...plans,
  });
  await transitionChange(deps, ctx.requester, frozen, { action: "submit" });
}
