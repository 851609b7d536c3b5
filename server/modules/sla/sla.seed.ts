import type { Actor, Deps } from "../../deps";
import { resyncOrganization } from "./sla.recompute";
import { createCalendar, createPolicy } from "./sla.service";

/**
 * Demo service levels: a Berlin business-hours calendar (with holidays) beside the built-in 24×7,
 * one policy per priority band with warnings and escalations, an OLA for the group holding the ticket;
 * then the open demo tickets get their clocks (started when they were created).
 */
export async function seedSla(deps: Deps, admin: Actor, opts: { escalationGroupId?: string } = {}): Promise<void> {
  const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: "08:00", end: "18:00" }));
  const office = await createCalendar(deps, admin, {
    name: "Business hours (Berlin)",
    description: "Monday to Friday 08:00–18:00, German public holidays",
    timeZone: "Europe/Berlin",
    hours: weekdays,
    holidays: [
      { date: "2026-01-01", yearly: true, name: "New Year's Day" },
      { date: "2026-05-01", yearly: true, name: "Labour Day" },
      { date: "2026-10-03", yearly: true, name: "German Unity Day" },
      { date: "2026-12-25", yearly: true, name: "Christmas Day" },
      { date: "2026-12-26", yearly: true, name: "St Stephen's Day" },
      { date: "2026-04-03", yearly: false, name: "Good Friday" },
      { date: "2026-04-06", yearly: false, name: "Easter Monday" },
    ],
    exceptions: [{ start: "2026-12-24T12:00", end: "2026-12-24T18:00", working: false, name: "Christmas Eve afternoon" }],
  });
  await createCalendar(deps, admin, {
    name: "Extended support (New York)",
    description: "Monday to Saturday, two shifts",
    timeZone: "America/New_York",
    hours: [1, 2, 3, 4, 5, 6].flatMap((day) => [
      { day, start: "07:00", end: "12:00" },
      { day, start: "13:00", end: "20:00" },
    ]),
    holidays: [{ date: "2026-07-04", yearly: true, name: "Independence Day" }],
    exceptions: [],
  });
  const warn = (percent: number) => ({ percent, action: "notify" as const, recipient: "assignee" as const });
  const common = { description: "", active: true, startWhen: [], stopWhen: [] };
  const onHold = [{ field: "state" as const, op: "in" as const, values: ["on_hold"] }];
  const target = (metric: "response" | "resolution", minutes: number, calendarId: string | null, thresholds: unknown[] = []) => ({
    ...common,
    kind: "sla" as const,
    metric,
    name: metric === "response" ? "Response" : "Resolution",
    groupId: null,
    durationMinutes: minutes,
    calendarId,
    pauseWhen: metric === "resolution" ? onHold : [],
    thresholds: thresholds as never,
  });
  const escalate = opts.escalationGroupId ? [{ percent: 100, action: "reassign" as const, groupId: opts.escalationGroupId }] : [];
  const policies = [
    {
      name: "P1 – critical (24×7)",
      priorities: [1],
      targets: [
        target("response", 15, null, [warn(50), { percent: 100, action: "notify", recipient: "group" }]),
        target("resolution", 240, null, [warn(75), { percent: 100, action: "notify", recipient: "group" }, ...escalate]),
        { ...target("resolution", 120, null, [warn(75)]), kind: "ola" as const, name: "Group resolution" },
      ],
    },
    {
      name: "P2 – high (24×7)",
      priorities: [2],
      targets: [target("response", 30, null, [warn(75)]), target("resolution", 480, null, [warn(75), { percent: 100, action: "raise_priority" }])],
    },
    {
      name: "P3 – moderate (business hours)",
      priorities: [3],
      targets: [target("response", 120, office.id, [warn(75)]), target("resolution", 1440, office.id, [warn(75)])],
    },
    {
      name: "P4/P5 – low (business hours)",
      priorities: [4, 5],
      targets: [target("response", 480, office.id), target("resolution", 3000, office.id, [warn(90)])],
    },
  ];
  for (const [i, p] of policies.entries()) {
    await createPolicy(deps, admin, {
      name: p.name,
      description: "",
      active: true,
      position: (i + 1) * 10,
      conditions: [
        { field: "type", op: "in", values: ["incident"] },
        { field: "priority", op: "in", values: p.priorities },
      ],
      targets: p.targets as never,
    });
  }
  await resyncOrganization(deps, admin.organizationId, "policy_changed");
}
