import { randomBytes, randomUUID } from "node:crypto";
import {
  type TCreateWebhookRequest,
  type TDelivery,
  type TUpdateWebhookRequest,
  type TWebhook,
  WEBHOOK_EVENTS,
  type WebhookEventName,
} from "../../../contracts/webhooks";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import * as repo from "./webhook.repo";
import { BlockedDestinationError, checkUrlShape, hostOf, resolveSafe } from "./safe-http";
import { buildEventEnvelope, hostAllowance, queueDelivery, redeliver } from "./webhook.delivery";
import type { DeliveryStatus } from "./webhook.tables";
import { setEventConsumer } from "../automation/events";

export { emitWebhookEvent, buildEventEnvelope, type WebhookEventInput } from "./webhook.delivery";

function requireAdmin(actor: Actor) {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators can manage webhooks");
}

const newSigningSecret = () => `whsec_${randomBytes(24).toString("base64url")}`;

function present(s: repo.SubscriptionRow): TWebhook {
  const last = s.last_delivery as { status: DeliveryStatus; code: number | null; at: string } | null;
  return {
    id: s.id,
    name: s.name,
    url: s.url,
    events: s.events as WebhookEventName[],
    workItemTypes: s.work_item_types,
    description: s.description,
    active: s.active,
    secretHint: `${s.secret_hint}…`,
    lastDelivery: last ? { status: last.status, statusCode: last.code, at: new Date(last.at).toISOString() } : null,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}

function presentDelivery(d: repo.DeliveryRow): TDelivery {
  return {
    id: d.id,
    webhookId: d.subscription_id,
    webhookName: d.subscription_name ?? null,
    ruleId: d.rule_id,
    event: d.event,
    eventId: d.event_id,
    url: d.url,
    status: d.status,
    attempts: d.attempts,
    maxAttempts: d.max_attempts,
    nextAttemptAt: d.next_attempt_at ? d.next_attempt_at.toISOString() : null,
    statusCode: d.last_status_code,
    error: d.last_error,
    durationMs: d.last_duration_ms,
    redeliveryOf: d.redelivery_of,
    createdAt: d.created_at.toISOString(),
    deliveredAt: d.delivered_at ? d.delivered_at.toISOString() : null,
  };
}

/**
 * Refuses a URL Portico must not call, with a readable reason: not http(s), credentials in it, or a
 * host that resolves (now) to a private, loopback or link-local address the organization has not
 * allowed. A host that does not resolve yet is accepted: sending checks again on every attempt.
 */
export async function assertDeliverableUrl(deps: Deps, db: DbOrTx, orgId: string, raw: string, field = "body.url"): Promise<string> {
  let url: URL;
  try {
    url = checkUrlShape(raw);
  } catch (e) {
    throw invalidField(field, (e as Error).message);
  }
  const allowed = await hostAllowance(deps, db, orgId);
  try {
    await resolveSafe(hostOf(url), allowed);
  } catch (e) {
    if (e instanceof BlockedDestinationError) throw invalidField(field, e.message);
  }
  return url.toString();
}

/** Keeps the organization listed as a consumer of work-item events exactly while it has an active webhook. */
async function refreshConsumer(tx: DbOrTx, orgId: string) {
  await setEventConsumer(tx, orgId, "webhooks", await repo.hasActiveSubscription(tx, orgId));
}

function isUniqueViolation(e: unknown) {
  return (e as { code?: string })?.code === "23505";
}
const nameTaken = (name: string) => new AppError("CONFLICT", `A webhook named ${name} already exists`, [{ field: "body.name", message: "already in use" }]);

/** The organization's subscriptions (admins). */
export async function listWebhooks(deps: Deps, actor: Actor): Promise<TWebhook[]> {
  requireAdmin(actor);
  return (await repo.listSubscriptions(deps.db, actor.organizationId)).map(present);
}

export async function getWebhook(deps: Deps, actor: Actor, id: string): Promise<TWebhook> {
  requireAdmin(actor);
  const s = await repo.findSubscription(deps.db, actor.organizationId, id);
  if (!s) throw notFound("Webhook");
  return present(s);
}

/** Adds a subscription (admins); the answer carries the signing secret, shown this once. */
export async function createWebhook(deps: Deps, actor: Actor, input: TCreateWebhookRequest): Promise<TWebhook & { secret: string }> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    const url = await assertDeliverableUrl(deps, tx, actor.organizationId, input.url);
    const secret = newSigningSecret();
    const id = await repo
      .insertSubscription(tx, {
        organizationId: actor.organizationId,
        name: input.name,
        url,
        events: [...new Set(input.events)],
        workItemTypes: [...new Set(input.workItemTypes)],
        description: input.description,
        active: input.active,
        secret,
        createdById: actor.userId,
      })
      .catch((e) => {
        if (isUniqueViolation(e)) throw nameTaken(input.name);
        throw e;
      });
    await repo.audit(tx, actor, "webhook.created", id, { name: input.name, url, events: input.events, active: input.active });
    await refreshConsumer(tx, actor.organizationId);
    const row = await repo.findSubscription(tx, actor.organizationId, id);
    return { ...present(row as repo.SubscriptionRow), secret };
  });
}

/** Changes a subscription (admins). */
export async function updateWebhook(deps: Deps, actor: Actor, id: string, input: TUpdateWebhookRequest): Promise<TWebhook> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    const current = await repo.lockSubscription(tx, actor.organizationId, id);
    if (!current) throw notFound("Webhook");
    const url = input.url !== undefined ? await assertDeliverableUrl(deps, tx, actor.organizationId, input.url) : undefined;
    await repo
      .updateSubscription(tx, actor.organizationId, id, {
        name: input.name,
        url,
        events: input.events ? [...new Set(input.events)] : undefined,
        work_item_types: input.workItemTypes ? [...new Set(input.workItemTypes)] : undefined,
        description: input.description,
        active: input.active,
      })
      .catch((e) => {
        if (isUniqueViolation(e)) throw nameTaken(input.name ?? "");
        throw e;
      });
    await repo.audit(tx, actor, "webhook.updated", id, { ...input, ...(url ? { url } : {}) });
    await refreshConsumer(tx, actor.organizationId);
    return present((await repo.findSubscription(tx, actor.organizationId, id)) as repo.SubscriptionRow);
  });
}

/** A new signing secret (admins), shown once; deliveries from now on are signed with it. */
export async function rotateWebhookSecret(deps: Deps, actor: Actor, id: string): Promise<TWebhook & { secret: string }> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    if (!(await repo.lockSubscription(tx, actor.organizationId, id))) throw notFound("Webhook");
    const secret = newSigningSecret();
    await repo.updateSubscription(tx, actor.organizationId, id, { secret });
    await repo.audit(tx, actor, "webhook.secret_rotated", id, {});
    return { ...present((await repo.findSubscription(tx, actor.organizationId, id)) as repo.SubscriptionRow), secret };
  });
}

/** Removes a subscription (admins); its delivery log stays. */
export async function deleteWebhook(deps: Deps, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  await withTx(deps.db, async (tx) => {
    if (!(await repo.deleteSubscription(tx, actor.organizationId, id))) throw notFound("Webhook");
    await repo.audit(tx, actor, "webhook.deleted", id, {});
    await refreshConsumer(tx, actor.organizationId);
  });
}

/** Queues a test delivery (event `ping`) to one subscription, even an inactive one's URL checks apply. */
export async function pingWebhook(deps: Deps, actor: Actor, id: string): Promise<TDelivery> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    const s = await repo.lockSubscription(tx, actor.organizationId, id);
    if (!s) throw notFound("Webhook");
    if (!s.active) throw new AppError("CONFLICT", "The webhook is inactive; activate it to send a test delivery");
    const envelope = await buildEventEnvelope(tx, {
      organizationId: actor.organizationId,
      event: "ping",
      actorId: actor.userId,
      details: { webhookId: s.id, webhookName: s.name, message: "Test delivery from Portico" },
    });
    const deliveryId = await queueDelivery(tx, {
      organizationId: actor.organizationId,
      subscriptionId: s.id,
      ruleId: null,
      event: "ping",
      eventId: envelope.id,
      url: s.url,
      payload: envelope,
      signingSecret: null,
    });
    return presentDelivery((await repo.findDelivery(tx, actor.organizationId, deliveryId as string)) as repo.DeliveryRow);
  });
}

/** The documented event list and an example body. */
export function eventTypes() {
  return {
    events: Object.entries(WEBHOOK_EVENTS).map(([name, description]) => ({ name: name as WebhookEventName, description })),
    example: {
      id: "6f1c2a8e-1b7d-4c1e-9a55-0c3f5e2b7d10",
      event: "work_item.state_changed",
      version: 1 as const,
      occurredAt: "2026-11-25T10:15:00.000Z",
      organization: { id: "0b8e5d4c-2f7a-4d6b-8f5e-3c1a9e7d6b21", name: "Acme" },
      data: {
        workItem: {
          id: "3a7d9c1e-5b2f-4e8a-9d6c-1f0e2b3a4c5d",
          number: "INC0001042",
          type: "incident",
          title: "VPN drops every 10 minutes",
          state: "resolved",
          impact: "medium",
          urgency: "high",
          priority: 2,
          requester: { id: "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", name: "Rosa Diaz", email: "rosa@acme.example" },
          assignmentGroup: { id: "1d2c3b4a-5f6e-4d8c-9b0a-7e6f5d4c3b2a", name: "Network" },
          assignee: { id: "2e3d4c5b-6a7f-4e9d-8c1b-0a9f8e7d6c5b", name: "Amy Santiago", email: "amy@acme.example" },
          service: { id: "4f5e6d7c-8b9a-4f1e-8d2c-3b4a5f6e7d8c", name: "VPN" },
          createdAt: "2026-11-25T09:02:11.000Z",
          updatedAt: "2026-11-25T10:15:00.000Z",
          resolvedAt: "2026-11-25T10:15:00.000Z",
        },
        changes: [{ field: "state", from: "in_progress", to: "resolved" }],
        actor: { id: "2e3d4c5b-6a7f-4e9d-8c1b-0a9f8e7d6c5b", name: "Amy Santiago", email: "amy@acme.example" },
        details: {},
      },
    },
  };
}

/** The delivery log, newest first (admins). */
export async function listDeliveries(
  deps: Deps,
  actor: Actor,
  q: { webhookId?: string; status?: DeliveryStatus; limit: number; cursor?: string },
): Promise<{ items: TDelivery[]; nextCursor: string | null }> {
  requireAdmin(actor);
  let after: [string, string] | null = null;
  if (q.cursor) {
    const parts = Buffer.from(q.cursor, "base64url").toString("utf8").split("|");
    if (parts.length !== 2 || !/^\d{4}-/.test(parts[0]) || !/^[0-9a-f-]{36}$/.test(parts[1])) throw invalidField("query.cursor", "invalid cursor");
    after = [parts[0], parts[1]];
  }
  const rows = await repo.listDeliveries(deps.db, actor.organizationId, { subscriptionId: q.webhookId, status: q.status }, q.limit, after);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(presentDelivery),
    nextCursor: rows.length > q.limit && last ? Buffer.from(`${last.cursor_at}|${last.id}`).toString("base64url") : null,
  };
}

/** One delivery with the body sent and every attempt (admins). */
export async function getDelivery(deps: Deps, actor: Actor, id: string) {
  requireAdmin(actor);
  const d = await repo.findDelivery(deps.db, actor.organizationId, id);
  if (!d) throw notFound("Delivery");
  const attempts = await repo.listAttempts(deps.db, id);
  return {
    ...presentDelivery(d),
    payload: d.payload,
    history: attempts.map((a) => ({
      attempt: a.attempt,
      startedAt: a.started_at.toISOString(),
      durationMs: a.duration_ms,
      statusCode: a.status_code,
      error: a.error,
      responseBody: a.response_body,
      url: a.url,
    })),
  };
}

/** Sends a delivery's event again as a new delivery (admins), e.g. after fixing the receiver. */
export async function redeliverDelivery(deps: Deps, actor: Actor, id: string): Promise<TDelivery> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    const newId = await redeliver(tx, actor.organizationId, id);
    if (!newId) throw notFound("Delivery");
    await repo.audit(tx, actor, "webhook.redelivered", id, { newDeliveryId: newId });
    return presentDelivery((await repo.findDelivery(tx, actor.organizationId, newId)) as repo.DeliveryRow);
  });
}

/** Hosts whose private addresses webhooks may reach (admins). */
export async function listAllowedHosts(deps: Deps, actor: Actor) {
  requireAdmin(actor);
  return (await repo.listAllowedHosts(deps.db, actor.organizationId)).map((h) => ({ host: h.host, note: h.note, createdAt: h.created_at.toISOString() }));
}

const stripBrackets = (h: string) => h.replace(/^\[|\]$/g, "");

export async function addAllowedHost(deps: Deps, actor: Actor, input: { host: string; note: string }) {
  requireAdmin(actor);
  const host = stripBrackets(input.host);
  await withTx(deps.db, async (tx) => {
    await repo.addAllowedHost(tx, actor.organizationId, host, input.note, actor.userId);
    await repo.audit(tx, actor, "webhook.host_allowed", host, { host, note: input.note });
  });
  return listAllowedHosts(deps, actor);
}

export async function removeAllowedHost(deps: Deps, actor: Actor, host: string) {
  requireAdmin(actor);
  await withTx(deps.db, async (tx) => {
    if (!(await repo.removeAllowedHost(tx, actor.organizationId, stripBrackets(host.toLowerCase())))) throw notFound("Allowed host");
    await repo.audit(tx, actor, "webhook.host_disallowed", host, { host });
  });
}

/**
 * For the rules engine's "call webhook" action: queues a POST of `payload` (sent as given, e.g. an
 * envelope from buildEventEnvelope) to `url` inside the caller's transaction, signed with `secret`
 * when one is given, with the same SSRF checks, retries and delivery log as subscriptions.
 * Throws a 400 AppError for a URL that can never be called (shape, or an IP literal that is private).
 */
export async function enqueueWebhookCall(
  tx: DbOrTx,
  call: { organizationId: string; url: string; payload: unknown; secret?: string | null; ruleId?: string | null; event?: string; eventId?: string },
): Promise<string> {
  let url: URL;
  try {
    url = checkUrlShape(call.url);
  } catch (e) {
    throw invalidField("url", (e as Error).message);
  }
  const eventId =
    call.eventId ??
    (typeof (call.payload as { id?: unknown })?.id === "string" && /^[0-9a-f-]{36}$/i.test((call.payload as { id: string }).id)
      ? (call.payload as { id: string }).id
      : randomUUID());
  // Without a subscription a delivery never collides with another: there is always an id.
  return (await queueDelivery(tx, {
    organizationId: call.organizationId,
    subscriptionId: null,
    ruleId: call.ruleId ?? null,
    event: call.event ?? "rule.webhook",
    eventId,
    url: url.toString(),
    payload: call.payload,
    signingSecret: call.secret ?? null,
  })) as string;
}

/** Does anyone in the organization listen for webhook events? (for the event capture's cheap check) */
export function hasWebhookListeners(db: DbOrTx, orgId: string, events?: string[]): Promise<boolean> {
  return repo.hasActiveSubscription(db, orgId, events);
}
