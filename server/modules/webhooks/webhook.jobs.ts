import { z } from "zod";
import type { Deps } from "../../deps";
import type { JobDefinition } from "../../platform/jobs/queue";

/** Sends one attempt of a webhook delivery; a failure schedules the next attempt itself (see attemptDelivery). */
export const deliverWebhookJob: JobDefinition<{ organizationId: string; deliveryId: string }, Deps> = {
  id: "webhooks.deliver",
  payload: z.object({ organizationId: z.uuid(), deliveryId: z.uuid() }),
  maxAttempts: 5,
  handler: async () => {
    const { attemptDelivery } = await import("./webhook.delivery");
    return async (p, deps) => {
      await attemptDelivery(deps, p.deliveryId);
    };
  },
};
