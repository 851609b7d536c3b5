import { z } from "zod";
import type { Deps } from "../../deps";
import type { JobDefinition } from "../../platform/jobs/queue";
import { CSAT_OFFER_TASK } from "./csat.service";

/** Every minute: recomputes the report facts of items changed since the last run (dashboards lag ≤ about a minute). */
export const reportRefreshJob: JobDefinition<Record<string, unknown>, Deps> = {
  id: "reports.refresh-facts",
  payload: z.record(z.string(), z.unknown()),
  cron: "* * * * *",
  maxAttempts: 1,
  handler: async () => {
    const { refreshReportFacts } = await import("./report-refresh.service");
    return async (_p, deps) => {
      const n = await refreshReportFacts(deps);
      if (n) deps.log.debug({ items: n }, "report facts refreshed");
    };
  },
};

/** After a resolution: the requester's satisfaction survey (when the organization has surveys on). */
export const csatOfferJob: JobDefinition<{ organizationId: string; workItemId: string }, Deps> = {
  id: CSAT_OFFER_TASK,
  payload: z.object({ organizationId: z.uuid(), workItemId: z.uuid() }),
  maxAttempts: 5,
  handler: async () => {
    const { offerSurvey } = await import("./csat.service");
    return async (p, deps) => {
      await offerSurvey(deps, p.organizationId, p.workItemId);
    };
  },
};

/** Every 15 minutes: sends the scheduled reports that are due, each as a CSV attachment. */
export const scheduledReportsJob: JobDefinition<Record<string, unknown>, Deps> = {
  id: "reports.send-scheduled",
  payload: z.record(z.string(), z.unknown()),
  cron: "*/15 * * * *",
  maxAttempts: 1,
  handler: async () => {
    const { sendDueReports } = await import("./custom-report.service");
    return async (_p, deps) => {
      await sendDueReports(deps);
    };
  },
};
