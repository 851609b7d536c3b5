import type { TFunction } from "i18next";
import type { z } from "zod";

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
