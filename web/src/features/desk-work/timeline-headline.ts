import type { TFunction } from "i18next";
import type { TTimelineEvent } from "../../../../contracts/work-items";

/** Timeline headlines for the agent's-day events (merge, split, time, major incidents, macros); null for others. */
export function deskWorkHeadline(e: TTimelineEvent, t: TFunction): string | null {
  const d = e.data as Record<string, unknown>;
  const s = (v: unknown) => String(v ?? "");
  switch (e.kind) {
    case "merged":
      return t("deskWork.timeline.merged", { numbers: ((d.duplicates as Array<{ number: string }>) ?? []).map((x) => x.number).join(", ") });
    case "merged_into":
      return t("deskWork.timeline.merged_into", { number: s(d.number) });
    case "split":
      return t("deskWork.timeline.split", { number: s(d.number) });
    case "split_from":
      return t("deskWork.timeline.split_from", { number: s(d.number) });
    case "time_logged":
      return t("deskWork.timeline.time_logged", { minutes: s(d.minutes) });
    case "time_deleted":
      return t("deskWork.timeline.time_deleted", { minutes: s(d.minutes) });
    case "contract_threshold_reached":
      return t("deskWork.timeline.contract_threshold_reached", { name: s(d.name), threshold: s(d.threshold) });
    case "major_incident_declared":
      return t("deskWork.timeline.major_incident_declared", { name: s(d.manager) });
    case "post_incident_review_opened":
      return t("deskWork.timeline.post_incident_review_opened");
    case "post_incident_review_updated":
      return t("deskWork.timeline.post_incident_review_updated");
    case "macro_applied":
      return t("deskWork.timeline.macro_applied", { name: s(d.name) });
    default:
      return null;
  }
}
