import type { TFunction } from "i18next";
import type { TTimelineEvent } from "../../../../contracts/work-items";

/** "Rule “X”" (or "Recurring “X”") for timeline rows a rule or a schedule wrote; null for people's rows. */
export function automationActor(e: TTimelineEvent, t: TFunction): string | null {
  const rule = (e.data as { rule?: { name?: string; kind?: string } }).rule;
  if (e.actor || !rule?.name) return null;
  return rule.kind === "schedule" ? t("automation.timeline.bySchedule", { name: rule.name }) : t("automation.timeline.byRule", { name: rule.name });
}

/** Headlines of automation's own timeline rows. */
export function automationHeadline(e: TTimelineEvent, t: TFunction): string | null {
  const d = e.data as { actions?: string[]; reason?: string; message?: string };
  switch (e.kind) {
    case "rule_applied":
      return t("automation.timeline.rule_applied", { actions: (d.actions ?? []).join("; ") });
    case "automation_loop_stopped":
      return t("automation.timeline.automation_loop_stopped", { reason: d.reason ?? "" });
    case "automation_error":
      return t("automation.timeline.automation_error", { message: d.message ?? "" });
    default:
      return null;
  }
}
