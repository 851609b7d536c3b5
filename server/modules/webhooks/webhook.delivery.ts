import { createHmac, randomUUID } from "node:crypto";
import type { TWebhookEvent } from "../../../contracts/webhooks";
import type { Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { enqueueJob } from "../../platform/jobs/queue";
import { openSecret } from "../../platform/secrets";
import * as repo from "./webhook.repo";
import { BlockedDestinationError, safeRequest } from "./safe-http";

export const DELIVER_TASK = "webhooks.deliver";
export const DEFAULT_MAX_ATTEMPTS = 8;
const RESPONSE_KEEP_BYTES = 4096;
// One key per attempt: a retry queued while this attempt's job is still running never replaces it.
const deliveryKey = (id: string, attempt: number) => `webhook-delivery:${id}:${attempt}`;

/** Wait before attempt n+1 after n failures: 10 s, 30 s, 1.5 min, 4.5 min … capped at 6 h, ±10 % jitter. */
export function backoffMs(failures: number, random = Math.random): number {
  const base = Math.min(10_000 * 3 ** Math.max(0, failures - 1), 6 * 3600_000);
  return Math.round(base * (0.9 + 0.2 * random()));
}

/** The signature header value: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What to send, captured in the caller's transaction: the body is frozen now and sent as is. */
export interface DeliveryInput {
  organizationId: string;
  subscriptionId: string | null;
  ruleId: string | null;
  event: string;
  eventId: string;
  url: string;
  payload: unknown;
  signingSecret: string | null;
  maxAttempts?: number;
  redeliveryOf?: string | null;
}

/** Records a delivery and queues its first attempt, inside the caller's transaction (outbox). */
export async function queueDelivery(tx: DbOrTx, d: DeliveryInput): Promise<string | null> {
  const id = await repo.insertDelivery(tx, { ...d, maxAttempts: d.maxAttempts ?? DEFAULT_MAX_ATTEMPTS });
  if (!id) return null;
  await enqueueJob(tx, DELIVER_TASK, { organizationId: d.organizationId, deliveryId: id }, { jobKey: deliveryKey(id, 1), maxAttempts: 5 });
  return id;
}

/** Hosts every organization may reach on private addresses (operator's setting, e.g. tests). */
function configuredHosts(deps: Deps): Set<string> {
  return new Set(
    deps.config.PORTICO_WEBHOOK_ALLOWED_HOSTS.split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** The allow-list check for one organization: its admins' hosts plus the operator's. */
export async function hostAllowance(deps: Deps, db: DbOrTx, orgId: string): Promise<(host: string) => boolean> {
  const own = await repo.allowedHostSet(db, orgId);
  const global = configuredHosts(deps);
  return (host) => own.has(host) || global.has(host);
}

/**
 * Sends one attempt of a delivery (the job). The HTTP call happens outside any transaction; the
 * outcome is recorded after, with the next attempt queued at its back-off time when it failed.
 * A refused destination (private address) fails at once: retrying cannot help.
 */
export async function attemptDelivery(deps: Deps, deliveryId: string): Promise<repo.DeliveryRow["status"] | null> {
  const d = await repo.findDeliveryForSend(deps.db, deliveryId);
  if (!d || d.status === "delivered" || d.status === "failed") return d?.status ?? null;
  if (d.subscription_id && d.subscription_active === false) {
    await repo.markDelivery(deps.db, d.id, "failed", "the subscription is inactive");
    return "failed";
  }
  const isHostAllowed = await hostAllowance(deps, deps.db, d.organization_id);
  const body = JSON.stringify(d.payload);
  const ts = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Portico-Webhooks/1",
    "x-portico-event": d.event,
    "x-portico-delivery": d.id,
    "x-portico-timestamp": String(ts),
  };
  if (d.secret) headers["x-portico-signature"] = signPayload(openSecret(d.secret), ts, body);
  const attempt = d.attempts + 1;
  const startedAt = new Date();
  const t0 = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  let responseBody: string | null = null;
  let finalUrl = d.url;
  let permanent = false;
  try {
    const res = await safeRequest({ url: d.url, method: "POST", headers, body, timeoutMs: 10_000, maxResponseBytes: RESPONSE_KEEP_BYTES, isHostAllowed });
    statusCode = res.status;
    responseBody = res.body + (res.truncated ? "\n…(truncated)" : "");
    finalUrl = res.url;
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    permanent = e instanceof BlockedDestinationError || /must use http|not a valid URL|user name or password/.test(error);
  }
  const durationMs = Math.round(performance.now() - t0);
  const ok = error === null;
  const exhausted = attempt >= d.max_attempts;
  const status = ok ? "delivered" : permanent || exhausted ? "failed" : "retrying";
  const nextAttemptAt = status === "retrying" ? new Date(Date.now() + backoffMs(attempt)) : null;
  await withTx(deps.db, async (tx) => {
    await repo.recordAttempt(tx, {
      deliveryId: d.id,
      organizationId: d.organization_id,
      attempt,
      url: finalUrl,
      startedAt,
      durationMs,
      statusCode,
      error: error?.slice(0, 1000) ?? null,
      responseBody: responseBody?.replace(/\0/g, "") ?? null,
      status,
      nextAttemptAt,
    });
    if (nextAttemptAt)
      await enqueueJob(
        tx,
        DELIVER_TASK,
        { organizationId: d.organization_id, deliveryId: d.id },
        { jobKey: deliveryKey(d.id, attempt + 1), runAt: nextAttemptAt, maxAttempts: 5 },
      );
  });
  deps.metrics.jobsCompleted.inc({ task: `webhook:${status}`, outcome: ok ? "ok" : "error" });
  return status;
}

/** A fresh delivery of the same event (same body and event id, new delivery id), e.g. from the UI. */
export async function redeliver(tx: DbOrTx, orgId: string, deliveryId: string): Promise<string | null> {
  const d = await repo.findDelivery(tx, orgId, deliveryId);
  if (!d) return null;
  return queueDelivery(tx, {
    organizationId: orgId,
    subscriptionId: d.subscription_id,
    ruleId: d.rule_id,
    event: d.event,
    eventId: d.event_id,
    url: d.url,
    payload: d.payload,
    signingSecret: d.signing_secret === null ? null : openSecret(d.signing_secret),
    redeliveryOf: d.id,
  });
}

/** Input for an event envelope: what happened, to which item, by whom. */
export interface WebhookEventInput {
  organizationId: string;
  event: string;
  workItemId?: string | null;
  changes?: Array<{ field: string; from: unknown; to: unknown }>;
  actorId?: string | null;
  details?: Record<string, unknown>;
  occurredAt?: Date;
  eventId?: string;
}

/** Builds the versioned envelope (contracts/webhooks ZWebhookEvent) from the database as it is now. */
export async function buildEventEnvelope(db: DbOrTx, e: WebhookEventInput): Promise<TWebhookEvent> {
  const [org, item, actor] = await Promise.all([
    repo.organizationName(db, e.organizationId),
    e.workItemId ? repo.workItemForPayload(db, e.organizationId, e.workItemId) : Promise.resolve(undefined),
    e.actorId ? repo.personForPayload(db, e.organizationId, e.actorId) : Promise.resolve(undefined),
  ]);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: e.eventId ?? randomUUID(),
    event: e.event,
    version: 1,
    occurredAt: (e.occurredAt ?? new Date()).toISOString(),
    organization: { id: e.organizationId, name: org?.name ?? "" },
    data: {
      workItem: item
        ? {
            id: item.id,
            number: item.number,
            type: item.type,
            title: item.title,
            state: item.state,
            impact: item.impact,
            urgency: item.urgency,
            priority: item.priority,
            requester: item.requester_id ? { id: item.requester_id, name: item.requester_name ?? "", email: item.requester_email ?? "" } : null,
            assignmentGroup: item.group_id ? { id: item.group_id, name: item.group_name ?? "" } : null,
            assignee: item.assignee_id ? { id: item.assignee_id, name: item.assignee_name ?? "", email: item.assignee_email ?? "" } : null,
            service: item.service_id ? { id: item.service_id, name: item.service_name ?? "" } : null,
            createdAt: item.created_at.toISOString(),
            updatedAt: item.updated_at.toISOString(),
            resolvedAt: iso(item.resolved_at),
          }
        : null,
      changes: e.changes ?? [],
      actor: actor ? { id: actor.id, name: actor.name, email: actor.email } : null,
      details: e.details ?? {},
    },
  };
}

/**
 * Raises an event for the organization's webhook subscriptions, inside the caller's transaction:
 * one delivery per active subscription listening to it (and to the item's type). Costs one indexed
 * query when nobody listens. Returns the number of deliveries queued.
 */
export async function emitWebhookEvent(tx: DbOrTx, e: WebhookEventInput & { workItemType?: string | null }): Promise<number> {
  const subs = await repo.matchingSubscriptions(tx, e.organizationId, e.event, e.workItemType ?? null);
  if (!subs.length) return 0;
  const envelope = await buildEventEnvelope(tx, e);
  for (const s of subs) {
    await queueDelivery(tx, {
      organizationId: e.organizationId,
      subscriptionId: s.id,
      ruleId: null,
      event: e.event,
      eventId: envelope.id,
      url: s.url,
      payload: envelope,
      signingSecret: null,
    });
  }
  return subs.length;
}
