import { z } from "zod";
import type { Deps } from "../../deps";
import type { JobDefinition } from "../../platform/jobs/queue";

/** Every minute: chains the settled rows of the timeline and the audit log into seals (tamper evidence). */
export const sealAuditJob: JobDefinition<Record<string, unknown>, Deps> = {
  id: "audit.seal",
  payload: z.record(z.string(), z.unknown()),
  cron: "* * * * *",
  maxAttempts: 1,
  handler: async () => {
    const { sealAuditTrail } = await import("./audit.service");
    return async (_p, deps) => {
      for (const r of await sealAuditTrail(deps)) {
        if (r.deferred) deps.log.warn({ stream: r.stream }, "audit sealing deferred: a long transaction is still running");
        else if (r.rows) deps.log.info(r, "audit trail sealed");
      }
    };
  },
};
