import { z } from "zod";

/** What can be announced by mail; practices raise these through `notify(tx, event)`. */
export const NOTIFICATION_EVENTS = [
  "work_item.created",
  "work_item.assigned",
  "work_item.commented",
  "work_item.resolved",
  "work_item.status_changed",
  "approval.requested",
  "sla.warning",
] as const;
export const ZNotificationEventType = z.enum(NOTIFICATION_EVENTS);
export type NotificationEventType = z.infer<typeof ZNotificationEventType>;

/** Who hears of an event: roles relative to the work item, plus people the caller names. */
export const NOTIFICATION_AUDIENCES = ["requester", "assignee", "group", "watchers", "approvers"] as const;
export const ZNotificationAudience = z.enum(NOTIFICATION_AUDIENCES);
export type NotificationAudience = z.infer<typeof ZNotificationAudience>;

/** The rules an organization starts with (ITIL-usual): who is told of what. */
export const DEFAULT_NOTIFICATION_RULES: Record<NotificationEventType, NotificationAudience[]> = {
  "work_item.created": ["requester", "assignee", "group"],
  "work_item.assigned": ["assignee", "group"],
  "work_item.commented": ["requester", "assignee", "watchers"],
  "work_item.resolved": ["requester", "watchers"],
  "work_item.status_changed": ["requester", "watchers"],
  "approval.requested": ["approvers"],
  "sla.warning": ["assignee", "group"],
};

export const ZNotificationRule = z
  .object({
    event: ZNotificationEventType,
    audience: ZNotificationAudience,
    /** Whether this audience is mailed for this event. */
    enabled: z.boolean().describe("Whether this audience is mailed for this event"),
    /** True when the organization has not changed the built-in rule. */
    isDefault: z.boolean().describe("True while the built-in rule applies"),
  })
  .meta({ id: "NotificationRule" });
export type TNotificationRule = z.infer<typeof ZNotificationRule>;

export const ZUpdateNotificationRulesRequest = z.object({
  /** The rules to change; others keep their value. */
  rules: z
    .array(z.object({ event: ZNotificationEventType, audience: ZNotificationAudience, enabled: z.boolean() }))
    .min(1)
    .max(100)
    .describe("Rules to change; others keep their value"),
});

export const ZLanguage = z
  .string()
  .regex(/^[a-z]{2}(-[A-Z]{2})?$/, "a language code such as en or pt-BR")
  .describe("Language code, e.g. en or pt-BR");

export const ZNotificationTemplate = z
  .object({
    event: ZNotificationEventType,
    language: z.string(),
    /** Subject; `[{{number}}]` is added when missing so replies thread. */
    subject: z.string().describe("Subject; [{{number}}] is added when missing"),
    /** Plain-text body with {{variables}}; the HTML part is derived from it. */
    body: z.string().describe("Plain-text body with {{variables}}"),
    /** True when this is the built-in text (no organization override). */
    isDefault: z.boolean(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "NotificationTemplate" });
export type TNotificationTemplate = z.infer<typeof ZNotificationTemplate>;

export const ZTemplateParams = z.object({ event: ZNotificationEventType, language: ZLanguage });

export const ZPutTemplateRequest = z.object({
  /** Subject line with {{variables}} (1–300 characters). */
  subject: z.string().trim().min(1).max(300).describe("Subject line with {{variables}}"),
  /** Body with {{variables}} (up to 20,000 characters). */
  body: z.string().trim().min(1).max(20_000).describe("Plain-text body with {{variables}}"),
});

export const ZPreviewTemplateRequest = ZPutTemplateRequest.extend({
  event: ZNotificationEventType,
  /** Render against this work item (number or id) instead of sample data. */
  workItem: z.string().trim().max(64).optional().describe("Render against this work item (number or UUID) instead of sample data"),
});

export const ZRenderedMessage = z
  .object({ subject: z.string(), text: z.string(), html: z.string(), unknownVariables: z.array(z.string()) })
  .meta({ id: "RenderedMessage" });

/** Template variables an admin may use, for the editor's help. */
export const TEMPLATE_VARIABLES = [
  "number",
  "title",
  "state",
  "priority",
  "url",
  "requester",
  "assignee",
  "group",
  "actor",
  "recipient",
  "comment",
  "message",
  "desk",
] as const;

export const ZNotificationPreference = z
  .object({
    event: ZNotificationEventType,
    /** Whether the person is mailed for this event. */
    email: z.boolean().describe("Mail me for this event"),
  })
  .meta({ id: "NotificationPreference" });
export const ZNotificationPreferences = z.object({ items: z.array(ZNotificationPreference) }).meta({ id: "NotificationPreferences" });
export const ZPutPreferencesRequest = z.object({ items: z.array(ZNotificationPreference).min(1).max(20) });

export const ZMailSettings = z
  .object({
    /** Display name on outgoing mail, e.g. "Acme IT". */
    fromName: z.string().trim().max(120).nullable().describe('Display name on outgoing mail, e.g. "Acme IT"'),
    /** Sender address; empty uses the server default (PORTICO_MAIL_FROM). */
    fromAddress: z.email().nullable().describe("Sender address; null uses the server default"),
    /** Where replies go when no mailbox is configured (else the desk's mailbox). */
    replyToAddress: z.email().nullable().describe("Reply address when no mailbox is configured"),
    /** Off stops all outgoing notification mail for the organization. */
    enabled: z.boolean().describe("Off stops all outgoing notification mail"),
  })
  .meta({ id: "MailSettings" });
export type TMailSettings = z.infer<typeof ZMailSettings>;

export const DELIVERY_STATUSES = ["queued", "sending", "sent", "failed", "skipped"] as const;
export const ZDelivery = z
  .object({
    id: z.uuid(),
    event: z.string(),
    workItemNumber: z.string().nullable(),
    to: z.string(),
    subject: z.string(),
    messageId: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: "MailDelivery" });
export const ZDeliveryPage = z.object({ items: z.array(ZDelivery), nextCursor: z.string().nullable() }).meta({ id: "MailDeliveryPage" });
export const ZListDeliveriesQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional().describe("Only deliveries in this status"),
  workItem: z.string().trim().max(64).optional().describe("Only deliveries about this work item (number)"),
  limit: z.coerce.number().int().min(1).max(100).default(50).describe("Page size (1–100)"),
  cursor: z.string().max(200).optional().describe("Opaque cursor from the previous page"),
});
