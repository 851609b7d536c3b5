import type { Actor, Deps } from "../../deps";
import { createIntegration } from "../alerts/alert.service";
import { createWebhook } from "./webhook.service";

/** Demo: a disabled example webhook (to show the editor and event list) and a monitoring integration. */
export async function seedIntegrations(deps: Deps, o: { admin: Actor; groupId: string; serviceId: string }): Promise<void> {
  await createWebhook(deps, o.admin, {
    name: "Chat ops (example)",
    url: "https://hooks.example.com/portico",
    events: ["work_item.created", "work_item.state_changed", "sla.warning"],
    workItemTypes: ["incident"],
    description: "Posts new and resolved incidents to the team chat. Point it at your receiver and activate it.",
    active: false,
  });
  await createIntegration(deps, o.admin, {
    name: "Prometheus",
    active: true,
    assignmentGroupId: o.groupId,
    serviceId: o.serviceId,
    severityMap: {
      critical: { impact: "high", urgency: "high" },
      high: { impact: "high", urgency: "medium" },
      warning: { impact: "medium", urgency: "medium" },
      medium: { impact: "medium", urgency: "medium" },
      low: { impact: "low", urgency: "low" },
      info: { impact: "low", urgency: "low" },
    },
    autoResolve: true,
    repeatNoteMinutes: 15,
  });
}
