import type { TFunction } from "i18next";
import type { NameLookup } from "../../../reference/reference.api";

const FIELD_LABELS: Record<string, string> = {
  title: "field.title",
  description: "field.description",
  impact: "field.impact",
  urgency: "field.urgency",
  priority: "field.priority",
  state: "field.state",
  categoryId: "field.category",
  subcategoryId: "field.subcategory",
  serviceId: "field.service",
  assignmentGroupId: "field.assignmentGroup",
  assigneeId: "field.assignee",
  requesterId: "field.requester",
  holdReason: "field.holdReason",
  resolutionCode: "field.resolutionCode",
  resolutionNotes: "field.resolutionNotes",
  reopenCount: "field.reopenCount",
};

/** A timeline field name as a label ("assigneeId" → "Assignee"). */
export function fieldLabel(field: string, t: TFunction): string {
  const key = FIELD_LABELS[field];
  return key ? (t(key as never) as string) : field;
}

const short = (s: string, n = 120) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A before/after value in words: names instead of UUIDs (the server's label when the record is not loaded), labels instead of codes. */
export function formatValue(field: string, value: unknown, t: TFunction, names: NameLookup, serverLabel?: string | null): string {
  if (value === null || value === undefined || value === "") return t("activity.empty_value");
  const s = String(value);
  const tr = (key: string) => t(key as never, { defaultValue: s }) as string;
  switch (field) {
    case "state":
      return tr(`state.${s}`);
    case "impact":
    case "urgency":
      return tr(`level.${s}`);
    case "holdReason":
      return tr(`holdReason.${s}`);
    case "resolutionCode":
      return tr(`resolutionCode.${s}`);
    case "assigneeId":
    case "requesterId":
      return names.user(s) ?? serverLabel ?? t("activity.unknownPerson");
    case "assignmentGroupId":
      return names.group(s) ?? serverLabel ?? t("activity.unknownRecord");
    case "serviceId":
      return names.service(s) ?? serverLabel ?? t("activity.unknownRecord");
    case "categoryId":
    case "subcategoryId":
      return names.category(s) ?? serverLabel ?? t("activity.unknownRecord");
    default:
      return short(s);
  }
}
