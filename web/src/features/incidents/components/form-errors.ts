import type { TFunction } from "i18next";
import type { z } from "zod";
import { ApiError } from "../../../app/api";
import { fieldLabel } from "../detail/activity/describe-change";

/** zod issues → one message per top-level field; "too short" on a string reads as "Required". */
export function zodFieldErrors(error: z.ZodError, t: TFunction): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "");
    if (!key || out[key]) continue;
    const required =
      (issue.code === "too_small" && "minimum" in issue && Number(issue.minimum) <= 1) || (issue.code === "invalid_type" && issue.input === undefined);
    out[key] = required ? t("errors.required") : issue.message;
  }
  return out;
}

/** An API error as one readable sentence: field errors name the field by its label, not `body.x`. */
export function errorText(err: unknown, t: TFunction): string {
  if (!(err instanceof ApiError)) return t("errors.generic");
  if (err.code === "NETWORK") return t("errors.network");
  const detail = err.details.find((d) => d.field);
  if (err.code === "VALIDATION_FAILED" && detail?.field) return `${fieldLabel(detail.field.replace(/^(body|query|params)\./, ""), t)}: ${detail.message}`;
  return err.message;
}
