import { z } from "zod";
import type { Deps } from "../../deps";
import type { JobDefinition } from "../../platform/jobs/queue";

/** Every morning: a renewal notice for each vendor contract and licence whose notice period has begun (once per term). */
export const renewalNoticesJob: JobDefinition<Record<string, never>, Deps> = {
  id: "assets.renewal-notices",
  payload: z.object({}).passthrough() as never,
  cron: "20 6 * * *",
  maxAttempts: 5,
  handler: async () => {
    const { sendRenewalNotices } = await import("./assets.service");
    return async (_p, deps) => {
      await sendRenewalNotices(deps);
    };
  },
};
