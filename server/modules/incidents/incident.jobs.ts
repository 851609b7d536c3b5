import { z } from "zod";
import type { Deps } from "../../deps";
import type { JobDefinition } from "../../platform/jobs/queue";
import { AUTO_CLOSE_TASK } from "./incident.service";

/** Closes a resolved incident when its reopen window has passed; queued (keyed) when it is resolved. */
export const autoCloseJob: JobDefinition<{ incidentId: string; resolvedAt: string }, Deps> = {
  id: AUTO_CLOSE_TASK,
  payload: z.object({ incidentId: z.uuid(), resolvedAt: z.string() }),
  maxAttempts: 10,
  handler: async () => {
    const { autoCloseIncident } = await import("./incident.service");
    return async (p, deps) => {
      await autoCloseIncident(deps, p.incidentId, p.resolvedAt);
    };
  },
};
