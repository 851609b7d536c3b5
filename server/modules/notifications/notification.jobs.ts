import { z } from "zod";
import type { Deps } from "../../deps";
import type { JobDefinition } from "../../platform/jobs/queue";
import { DISPATCH_TASK, type DispatchPayload, SEND_TASK, ZDispatchPayload } from "./notify";

/** Step one of a notification: recipients, preferences, rendering, delivery log (see notify()). */
export const dispatchNotificationJob: JobDefinition<DispatchPayload, Deps> = {
  id: DISPATCH_TASK,
  payload: ZDispatchPayload,
  maxAttempts: 10,
  handler: async () => {
    const { dispatchNotification } = await import("./notification.dispatch");
    return async (p, deps) => {
      await dispatchNotification(deps, p);
    };
  },
};

/** Step two: one logged mail over SMTP, retried with the queue's exponential backoff. */
export const sendMailJob: JobDefinition<{ deliveryId: string; organizationId: string }, Deps> = {
  id: SEND_TASK,
  payload: z.object({ deliveryId: z.uuid(), organizationId: z.uuid() }),
  maxAttempts: 8,
  handler: async () => {
    const { sendDelivery } = await import("./notification.dispatch");
    return async (p, deps) => {
      await sendDelivery(deps, p.deliveryId);
    };
  },
};
