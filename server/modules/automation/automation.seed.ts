import type { Actor, Deps } from "../../deps";
import { updateAgent, updateGroupAssignment } from "./assignment.service";
import { createRule } from "./rule.service";
import { createSchedule } from "./schedule.service";

/** Demo automation: routing and escalation rules, a reminder schedule, assignment strategies, recurring checks. */
export async function seedAutomation(
  deps: Deps,
  p: { admin: Actor; users: Record<string, string>; groups: Record<string, string>; services: Record<string, string>; categories: Record<string, string> },
): Promise<void> {
  const { admin, users: u, groups: g, services: s, categories: c } = p;
  await updateGroupAssignment(deps, admin, g.network, { strategy: "round_robin", calendarId: null });
  await updateGroupAssignment(deps, admin, g.apps, { strategy: "skills", calendarId: null });
  await updateAgent(deps, admin, u.grace, {
    away: false,
    awayUntil: null,
    calendarId: null,
    skills: [`category:${c.software}`, `service:${s.erp}`, "language:en"],
  });
  await updateAgent(deps, admin, u.alice, { away: false, awayUntil: null, calendarId: null, skills: [`service:${s.email}`, "language:de"] });
  await createRule(deps, admin, {
    name: "Network issues to the Network team",
    description: "New incidents about the VPN or Wi-Fi go to Network, assigned round robin.",
    active: true,
    itemType: "incident",
    trigger: "work_item.created",
    timezone: "UTC",
    conditions: {
      all: [
        { field: "assignmentGroupId", op: "is_empty" },
        {
          any: [
            { field: "serviceId", op: "in", value: [s.vpn, s.wifi] },
            { field: "title", op: "matches", value: "(?i)\\b(vpn|wi-?fi|wlan)\\b" },
          ],
        },
      ],
    },
    actions: [
      { type: "assign", groupId: g.network, assignee: "auto" },
      { type: "add_comment", body: "Routed to Network by the rule {{rule.name}}.", visibility: "internal" },
    ],
    stopProcessing: true,
    reactToRules: false,
  });
  await createRule(deps, admin, {
    name: "Critical incidents: tell the Service Desk",
    description: "A P1 gets the desk's attention and the administrator as a watcher.",
    active: true,
    itemType: "incident",
    trigger: "work_item.created",
    timezone: "UTC",
    conditions: { field: "priority", op: "eq", value: 1 },
    actions: [
      { type: "notify", to: ["group", u.admin], message: "{{number}} is a P1: {{title}}" },
      { type: "add_watcher", userId: u.admin },
    ],
    stopProcessing: false,
    reactToRules: false,
  });
  await createRule(deps, admin, {
    name: "Requester replied while on hold",
    description: "When the requester answers an incident on hold, the assignee hears of it.",
    active: true,
    itemType: "incident",
    trigger: "comment.added",
    timezone: "UTC",
    conditions: {
      all: [
        { field: "actor.role", op: "eq", value: "requester" },
        { field: "state", op: "eq", value: "on_hold" },
      ],
    },
    actions: [
      { type: "notify", to: ["assignee"], message: "{{requester.name}} replied on {{number}} while it is on hold." },
      { type: "add_comment", body: "The requester replied: consider resuming work.", visibility: "internal" },
    ],
    stopProcessing: false,
    reactToRules: false,
  });
  await createRule(deps, admin, {
    name: "Pending for five days: remind the requester",
    description: "Weekdays at 09:00, incidents waiting on the caller for more than five days get a reminder.",
    active: true,
    itemType: "incident",
    trigger: "schedule",
    cron: "0 9 * * 1-5",
    timezone: "Europe/Berlin",
    conditions: {
      all: [
        { field: "state", op: "eq", value: "on_hold" },
        { field: "hoursSinceUpdated", op: "gt", value: 120 },
      ],
    },
    actions: [
      {
        type: "add_comment",
        body: "Hello {{requester.name}}, we are still waiting for your answer on {{number}}. Is this still an issue?",
        visibility: "public",
      },
    ],
    stopProcessing: false,
    reactToRules: false,
  });
  await createSchedule(deps, admin, {
    name: "Weekly backup restore test",
    active: true,
    cron: "0 8 * * 1",
    rrule: null,
    timezone: "Europe/Berlin",
    template: {
      type: "incident",
      title: "Backup restore test {{date}}",
      description: "Restore last night's ERP backup to the test system and record the result.",
      impact: "low",
      urgency: "medium",
      assignmentGroupId: g.apps,
      categoryId: null,
      serviceId: s.erp,
    },
  });
  await createSchedule(deps, admin, {
    name: "Monthly firewall rule review",
    active: true,
    cron: null,
    rrule: "FREQ=MONTHLY;BYDAY=2TU;BYHOUR=10;BYMINUTE=0;BYSECOND=0",
    timezone: "Europe/Berlin",
    template: {
      type: "incident",
      title: "Firewall rule review {{date}}",
      description: "Review the firewall change log and remove expired rules.",
      impact: "low",
      urgency: "low",
      assignmentGroupId: g.network,
      categoryId: c.network,
      serviceId: null,
    },
  });
}
