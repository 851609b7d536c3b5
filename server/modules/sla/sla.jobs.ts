import { z } from "zod";
import type { Deps } from "../../deps";
import type { JobDefinition } from "../../platform/jobs/queue";
import type { RecomputeCalendarPayload } from "./sla.recompute";

/** Fires a clock's reached thresholds (warnings, escalations, the breach) once; keyed per clock. */
export const slaThresholdJob: JobDefinition<{ clockId: string }, Deps> = {
  id: "sla.threshold",
  payload: z.object({ clockId: z.uuid() }),
  maxAttempts: 10,
  handler: async () => {
    const { fireClockThresholds } = await import("./sla.escalate");
    return async (p, deps) => {
      await fireClockThresholds(deps, p.clockId);
    };
  },
};

/** Every minute: marks running clocks past due as breached if their keyed job has not (safety net). */
export const slaBreachSweepJob: JobDefinition<Record<string, unknown>, Deps> = {
  id: "sla.breach-sweep",
  payload: z.record(z.string(), z.unknown()),
  cron: "* * * * *",
  maxAttempts: 1,
  handler: async () => {
    const { sweepBreaches } = await import("./sla.escalate");
    return async (_p, deps) => {
      const n = await sweepBreaches(deps);
      if (n) deps.log.info({ clocks: n }, "sla breach sweep");
    };
  },
};

/** After a policy change: re-applies the policies to every open work item of the organization. */
export const slaResyncJob: JobDefinition<{ organizationId: string; reason: string }, Deps> = {
  id: "sla.resync-organization",
  payload: z.object({ organizationId: z.uuid(), reason: z.string() }),
  maxAttempts: 5,
  handler: async () => {
    const { resyncOrganization } = await import("./sla.recompute");
    return async (p, deps) => {
      await resyncOrganization(deps, p.organizationId, p.reason);
    };
  },
};

/** After a calendar change: recomputes the due times of the clocks running on it. */
export const slaRecomputeCalendarJob: JobDefinition<RecomputeCalendarPayload, Deps> = {
  id: "sla.recompute-calendar",
  payload: z.object({
    organizationId: z.uuid(),
    calendarId: z.uuid(),
    changedAt: z.string(),
    before: z.object({ timeZone: z.string(), hours: z.array(z.any()), holidays: z.array(z.any()), exceptions: z.array(z.any()) }),
  }) as never,
  maxAttempts: 5,
  handler: async () => {
    const { recomputeCalendarClocks } = await import("./sla.recompute");
    return async (p, deps) => {
      await recomputeCalendarClocks(deps, p);
    };
  },
};
