import { z } from "zod";
import type { Deps } from "../../deps";
import type { JobDefinition } from "../../platform/jobs/queue";

/** Every morning: retire expired articles and remind owners of articles due for review. */
export const knowledgeSweepJob: JobDefinition<Record<string, unknown>, Deps> = {
  id: "knowledge.sweep",
  payload: z.record(z.string(), z.unknown()),
  maxAttempts: 5,
  cron: "15 6 * * *",
  handler: async () => {
    const { sweepKnowledge } = await import("./article-sweep.service");
    return async (_p, deps) => {
      await sweepKnowledge(deps);
    };
  },
};
