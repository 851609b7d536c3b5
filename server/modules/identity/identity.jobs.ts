import { z } from "zod";
import type { Deps } from "../../deps";
import type { JobDefinition } from "../../platform/jobs/queue";

/** Hourly: drops expired sessions, day-old idempotency records and stale login throttles. */
export const purgeExpiredJob: JobDefinition<Record<string, unknown>, Deps> = {
  id: "identity.purge-expired",
  payload: z.record(z.string(), z.unknown()),
  cron: "17 * * * *",
  handler: async () => {
    const { purgeExpired } = await import("./identity.repo");
    return async (_p, deps) => {
      const n = await purgeExpired(deps.db);
      deps.log.info(n, "purged expired sessions and keys");
    };
  },
};
