import { z } from "zod";
import type { Deps } from "../../deps";
import type { JobDefinition } from "../../platform/jobs/queue";

/** Every minute: scheduled rules whose cron tick has come. */
export const scheduledRulesJob: JobDefinition<Record<string, unknown>, Deps> = {
  id: "automation.scheduled-rules",
  payload: z.record(z.string(), z.unknown()),
  cron: "* * * * *",
  maxAttempts: 3,
  handler: async () => {
    const { runScheduledRules } = await import("./rule.service");
    return async (_p, deps) => {
      await runScheduledRules(deps);
    };
  },
};

/** Every minute: recurring tickets whose occurrence has come (exactly once per occurrence). */
export const recurringTicketsJob: JobDefinition<Record<string, unknown>, Deps> = {
  id: "automation.recurring-tickets",
  payload: z.record(z.string(), z.unknown()),
  cron: "* * * * *",
  maxAttempts: 3,
  handler: async () => {
    const { runDueSchedules } = await import("./schedule.service");
    return async (_p, deps) => {
      await runDueSchedules(deps);
    };
  },
};
