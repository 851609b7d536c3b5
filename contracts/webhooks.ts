import { z } from "zod";

/**
 * Outbound webhooks: what Portico POSTs, how it is signed, and the admin API around subscriptions
 * and deliveries. The body of every delivery is a `WebhookEvent` (below); headers:
 * `X-Portico-Event` (event name), `X-Portico-Delivery` (delivery id, new on each redelivery),
 * `X-Portico-Timestamp` (Unix seconds) and `X-Portico-Signature: sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<raw body>" with the subscription's secret>`. Refuse a timestamp older than a few
 * minutes to stop replays; `id` is the same for redeliveries of one event, so receivers can de-duplicate.
 */

/** Events a subscription can choose, with what each means. */
export const WEBHOOK_EVENTS = {
  "work_item.created": "A work item (incident, request, problem, change, task) was created",
  "work_item.updated": "Fields of a work item changed (any field, state included)",
  "work_item.state_changed": "A work item moved to another state (resolved, closed, reopened…)",
  "work_item.assigned": "The assignment group or assignee of a work item changed",
  "work_item.commented": "A public comment or an internal work note was added",
  "sla.warning": "An SLA or OLA target reached a warning threshold",
  "sla.breached": "An SLA or OLA target was breached",
  "approval.decided": "An approval was approved or rejected",
  "alert.received": "An inbound alert created an incident or was added to an open one",
  ping: "A test delivery sent from the admin screen",
} as const;
export type WebhookEventName = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_NAMES = Object.keys(WEBHOOK_EVENTS) as [WebhookEventName, ...WebhookEventName[]];
export const ZWebhookEventName = z.enum(WEBHOOK_EVENT_NAMES).describe("Event name");

export const WORK_ITEM_TYPES_FOR_HOOKS = ["incident", "request", "request_task", "problem", "change", "change_task"] as const;

const ZRefOut = z.object({ id: z.uuid(), name: z.string() });
const ZPersonOut = z.object({ id: z.uuid(), name: z.string(), email: z.string() });

export const ZWebhookWorkItem = z
  .object({
    id: z.uuid(),
    /** Human number, e.g. INC0001042. */
    number: z.string().describe("Human number, e.g. INC0001042"),
    type: z.string().describe("incident, request, request_task, problem, change, change_task"),
    title: z.string(),
    state: z.string(),
    impact: z.string(),
    urgency: z.string(),
    /** 1 (critical) to 5 (planning). */
    priority: z.number().int().describe("1 (critical) to 5 (planning)"),
    requester: ZPersonOut.nullable(),
    assignmentGroup: ZRefOut.nullable(),
    assignee: ZPersonOut.nullable(),
    service: ZRefOut.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .meta({ id: "WebhookWorkItem", description: "The work item as it was when the event happened" });

export const ZWebhookEvent = z
  .object({
    /** Event id: the same for every delivery (and redelivery) of this event. */
    id: z.uuid().describe("Event id; the same for redeliveries of this event"),
    event: z.string().describe("One of the event names of GET /api/v1/admin/webhooks/events"),
    /** Envelope version; a breaking change to the shape gets a new number. */
    version: z.literal(1).describe("Envelope version"),
    occurredAt: z.string().describe("When it happened (ISO 8601, UTC)"),
    organization: z.object({ id: z.uuid(), name: z.string() }),
    data: z.object({
      workItem: ZWebhookWorkItem.nullable(),
      /** Field changes of this event: [{field, from, to}]. */
      changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })).describe("Field changes of this event"),
      actor: ZPersonOut.nullable().describe("Who did it; null for Portico itself (jobs, rules, alerts)"),
      /** Extra facts of the event (the comment of work_item.commented, the SLA target of sla.warning, a rule's own payload…). */
      details: z.record(z.string(), z.unknown()).describe("Event-specific facts"),
    }),
  })
  .meta({
    id: "WebhookEvent",
    description:
      "Body of every webhook delivery (POST, application/json). Headers: X-Portico-Event, X-Portico-Delivery, X-Portico-Timestamp, X-Portico-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + '.' + body)>.",
  });
export type TWebhookEvent = z.infer<typeof ZWebhookEvent>;

export const ZWebhookEventTypes = z
  .object({
    events: z.array(z.object({ name: ZWebhookEventName, description: z.string() })),
    /** An example body, as sent. */
    example: ZWebhookEvent,
  })
  .meta({ id: "WebhookEventTypes" });

const ZUrl = z.string().trim().min(1).max(2000).describe("http(s) URL that receives the POST; must resolve to a public address unless allowed");

export const ZCreateWebhookRequest = z.object({
  /** Shown to admins, e.g. "Chat ops". */
  name: z.string().trim().min(1).max(120).describe('Shown to admins, e.g. "Chat ops"'),
  url: ZUrl,
  /** Events to deliver (at least one). */
  events: z.array(ZWebhookEventName).min(1).max(WEBHOOK_EVENT_NAMES.length).describe("Events to deliver"),
  /** Only work items of these types; empty: all. */
  workItemTypes: z.array(z.enum(WORK_ITEM_TYPES_FOR_HOOKS)).max(6).default([]).describe("Only these work item types; empty: all"),
  description: z.string().max(2000).default(""),
  active: z.boolean().default(true),
});
export type TCreateWebhookRequest = z.infer<typeof ZCreateWebhookRequest>;

export const ZUpdateWebhookRequest = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  url: ZUrl.optional(),
  events: z.array(ZWebhookEventName).min(1).max(WEBHOOK_EVENT_NAMES.length).optional(),
  workItemTypes: z.array(z.enum(WORK_ITEM_TYPES_FOR_HOOKS)).max(6).optional(),
  description: z.string().max(2000).optional(),
  active: z.boolean().optional(),
});
export type TUpdateWebhookRequest = z.infer<typeof ZUpdateWebhookRequest>;

export const DELIVERY_STATUSES = ["pending", "retrying", "delivered", "failed"] as const;
export const ZDeliveryStatus = z.enum(DELIVERY_STATUSES);

export const ZWebhook = z
  .object({
    id: z.uuid(),
    name: z.string(),
    url: z.string(),
    events: z.array(ZWebhookEventName),
    workItemTypes: z.array(z.string()),
    description: z.string(),
    active: z.boolean(),
    /** First characters of the secret, to tell secrets apart. */
    secretHint: z.string().describe("First characters of the signing secret"),
    lastDelivery: z.object({ status: ZDeliveryStatus, statusCode: z.number().int().nullable(), at: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Webhook" });
export type TWebhook = z.infer<typeof ZWebhook>;

/** The answer to create and rotate-secret: the only time the secret is shown. */
export const ZWebhookWithSecret = ZWebhook.extend({
  /** The signing secret: shown once, store it in the receiver. */
  secret: z.string().describe("Signing secret, shown only now"),
}).meta({ id: "WebhookWithSecret" });

export const ZDeliveryAttempt = z
  .object({
    attempt: z.number().int(),
    startedAt: z.string(),
    durationMs: z.number().int().nullable(),
    /** HTTP status of the receiver; null when no answer (refused, timeout, blocked address). */
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    /** The start of the receiver's answer (at most 4 KB kept). */
    responseBody: z.string().nullable(),
    url: z.string(),
  })
  .meta({ id: "WebhookDeliveryAttempt" });

export const ZDelivery = z
  .object({
    id: z.uuid(),
    webhookId: z.uuid().nullable(),
    webhookName: z.string().nullable(),
    /** Set when a rule's "call webhook" action made the delivery. */
    ruleId: z.uuid().nullable(),
    event: z.string(),
    eventId: z.uuid(),
    url: z.string(),
    status: ZDeliveryStatus,
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    redeliveryOf: z.uuid().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: "WebhookDelivery" });
export type TDelivery = z.infer<typeof ZDelivery>;

export const ZDeliveryDetail = ZDelivery.extend({
  payload: z.unknown().describe("The body sent (a WebhookEvent)"),
  history: z.array(ZDeliveryAttempt),
}).meta({ id: "WebhookDeliveryDetail" });

export const ZDeliveryPage = z.object({ items: z.array(ZDelivery), nextCursor: z.string().nullable() }).meta({ id: "WebhookDeliveryPage" });
export const ZListDeliveriesQuery = z.object({
  webhookId: z.uuid().optional().describe("Only deliveries of this subscription"),
  status: ZDeliveryStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50).describe("Page size (1–100)"),
  cursor: z.string().max(200).optional().describe("Opaque cursor from the previous page"),
});

export const ZAllowedHost = z
  .object({
    /** Host name or IP address, lower case. */
    host: z.string(),
    note: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "WebhookAllowedHost" });
export const ZAddAllowedHostRequest = z.object({
  /** A host name (exact, no wildcards) or an IP address whose private address webhooks may reach. */
  host: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(253)
    .regex(/^(\[?[0-9a-f:.]+\]?|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$/, "a host name or IP address, without scheme or port")
    .describe("Host name or IP address (exact)"),
  note: z.string().max(500).default("").describe("Why it is allowed"),
});
