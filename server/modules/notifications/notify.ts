import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type NotificationEventType, ZNotificationEventType } from "../../../contracts/notifications";
import type { DbOrTx } from "../../platform/db/db";
import { enqueueJob } from "../../platform/jobs/queue";

export const DISPATCH_TASK = "notifications.dispatch";
export const SEND_TASK = "mail.send";

/** A notification event as practices raise it; the dispatch job turns it into mails. */
export const ZNotificationEvent = z.object({
  type: ZNotificationEventType,
  organizationId: z.uuid(),
  workItemId: z.uuid(),
  /** Who caused it (null: the system); they are not told of their own action, except a requester's acknowledgement. */
  actorId: z.uuid().nullable(),
  /** For work_item.commented: the comment (internal comments never reach requesters). */
  commentId: z.uuid().optional(),
  /** internal: only staff (agents, admins) may be told — work notes, internal SLA warnings. */
  visibility: z.enum(["public", "internal"]).default("public"),
  /** For approval.requested: the people asked to approve. */
  approverIds: z.array(z.uuid()).max(200).optional(),
  /** People told regardless of the audience rules (still subject to their own preferences). */
  recipientIds: z.array(z.uuid()).max(200).optional(),
  /** Tell only `recipientIds`, not the audiences of the organization's rules (automation's notify action). */
  onlyRecipients: z.boolean().optional(),
  /** Free text shown as {{message}} (a status update, an SLA warning's detail, an approval's question). */
  message: z.string().max(5000).optional(),
  /** Mail that must not be sent to these addresses (e.g. the sender of the mail that caused the event is already in the thread). */
  excludeAddresses: z.array(z.string()).max(50).optional(),
});
export type NotificationEvent = z.input<typeof ZNotificationEvent>;
export type ParsedNotificationEvent = z.infer<typeof ZNotificationEvent>;

export const ZDispatchPayload = ZNotificationEvent.extend({ eventId: z.uuid(), occurredAt: z.string() });
export type DispatchPayload = z.infer<typeof ZDispatchPayload>;

/**
 * Raises a notification event inside the caller's transaction: a dispatch job is queued and exists only
 * if the transaction commits. The job picks recipients by rule and audience, honours preferences,
 * renders the template and queues one `mail.send` per recipient, exactly once per event.
 */
export async function notify(tx: DbOrTx, event: NotificationEvent): Promise<string> {
  const parsed = ZNotificationEvent.parse(event);
  const eventId = randomUUID();
  const payload: DispatchPayload = { ...parsed, eventId, occurredAt: new Date().toISOString() };
  await enqueueJob(tx, DISPATCH_TASK, payload, { maxAttempts: 10 });
  // A resolution also offers the requester a satisfaction survey (reporting's job; it checks the organization's setting).
  if (parsed.type === "work_item.resolved")
    await enqueueJob(
      tx,
      "csat.offer",
      { organizationId: parsed.organizationId, workItemId: parsed.workItemId },
      { maxAttempts: 5, jobKey: `csat-offer:${parsed.workItemId}` },
    );
  return eventId;
}

export type { NotificationEventType };
