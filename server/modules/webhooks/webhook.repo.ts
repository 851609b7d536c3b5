import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import { sealSecret } from "../../platform/secrets";
import type { DeliveryStatus } from "./webhook.tables";
import "./webhook.tables";

const SUB_PUBLIC = [
  "s.id",
  "s.organization_id",
  "s.name",
  "s.url",
  "s.events",
  "s.work_item_types",
  "s.description",
  "s.active",
  "s.created_at",
  "s.updated_at",
  "s.secret_hint",
] as const;

function subsQuery(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("webhook_subscriptions as s")
    .select(SUB_PUBLIC)
    .select((eb) => [
      eb
        .selectFrom("webhook_deliveries as d")
        .select(
          sql<{
            status: DeliveryStatus;
            code: number | null;
            at: string;
          }>`json_build_object('status', d.status, 'code', d.last_status_code, 'at', d.created_at)`.as("x"),
        )
        .whereRef("d.subscription_id", "=", "s.id")
        .orderBy("d.created_at", "desc")
        .limit(1)
        .as("last_delivery"),
    ])
    .where("s.organization_id", "=", orgId);
}

/** An organization's subscriptions (never the secret, only its first characters). */
export function listSubscriptions(db: DbOrTx, orgId: string) {
  return subsQuery(db, orgId).orderBy("s.name").execute();
}
export type SubscriptionRow = Awaited<ReturnType<typeof listSubscriptions>>[number];

export function findSubscription(db: DbOrTx, orgId: string, id: string) {
  return subsQuery(db, orgId).where("s.id", "=", id).executeTakeFirst();
}

export function lockSubscription(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("webhook_subscriptions").selectAll().where("organization_id", "=", orgId).where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function insertSubscription(
  db: DbOrTx,
  v: {
    organizationId: string;
    name: string;
    url: string;
    events: string[];
    workItemTypes: string[];
    description: string;
    active: boolean;
    secret: string;
    createdById: string;
  },
): Promise<string> {
  const r = await db
    .insertInto("webhook_subscriptions")
    .values({
      organization_id: v.organizationId,
      name: v.name,
      url: v.url,
      events: v.events,
      work_item_types: v.workItemTypes,
      description: v.description,
      active: v.active,
      secret: sealSecret(v.secret),
      secret_hint: v.secret.slice(0, 10),
      created_by_id: v.createdById,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateSubscription(
  db: DbOrTx,
  orgId: string,
  id: string,
  v: Partial<{ name: string; url: string; events: string[]; work_item_types: string[]; description: string; active: boolean; secret: string }>,
) {
  const { secret, ...rest } = v;
  await db
    .updateTable("webhook_subscriptions")
    .set({ ...rest, ...(secret ? { secret: sealSecret(secret), secret_hint: secret.slice(0, 10) } : {}), updated_at: new Date() })
    .where("organization_id", "=", orgId)
    .where("id", "=", id)
    .execute();
}

export async function deleteSubscription(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom("webhook_subscriptions").where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Active subscriptions of an organization listening to an event (and, when given, the item type). */
export function matchingSubscriptions(db: DbOrTx, orgId: string, event: string, itemType: string | null) {
  let q = db
    .selectFrom("webhook_subscriptions")
    .select(["id", "url"])
    .where("organization_id", "=", orgId)
    .where("active", "=", true)
    .where(sql<boolean>`${event} = any(events)`);
  if (itemType) q = q.where(sql<boolean>`(cardinality(work_item_types) = 0 or ${itemType} = any(work_item_types))`);
  return q.execute();
}

/** Does any active subscription of the organization listen to one of these events? (cheap "anyone listening" check) */
export async function hasActiveSubscription(db: DbOrTx, orgId: string, events?: string[]): Promise<boolean> {
  let q = db.selectFrom("webhook_subscriptions").select("id").where("organization_id", "=", orgId).where("active", "=", true);
  if (events?.length) q = q.where(sql<boolean>`events && ${sql.val(events)}::text[]`);
  return !!(await q.limit(1).executeTakeFirst());
}

export function listAllowedHosts(db: DbOrTx, orgId: string) {
  return db.selectFrom("webhook_allowed_hosts").select(["host", "note", "created_at"]).where("organization_id", "=", orgId).orderBy("host").execute();
}

export async function addAllowedHost(db: DbOrTx, orgId: string, host: string, note: string, userId: string): Promise<boolean> {
  const r = await db
    .insertInto("webhook_allowed_hosts")
    .values({ organization_id: orgId, host, note, created_by_id: userId })
    .onConflict((oc) => oc.columns(["organization_id", "host"]).doUpdateSet({ note }))
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows) > 0;
}

export async function removeAllowedHost(db: DbOrTx, orgId: string, host: string): Promise<boolean> {
  const r = await db.deleteFrom("webhook_allowed_hosts").where("organization_id", "=", orgId).where("host", "=", host).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function insertDelivery(
  db: DbOrTx,
  v: {
    organizationId: string;
    subscriptionId: string | null;
    ruleId: string | null;
    event: string;
    eventId: string;
    url: string;
    payload: unknown;
    signingSecret: string | null;
    maxAttempts: number;
    redeliveryOf?: string | null;
  },
): Promise<string | null> {
  const r = await db
    .insertInto("webhook_deliveries")
    .values({
      organization_id: v.organizationId,
      subscription_id: v.subscriptionId,
      rule_id: v.ruleId,
      event: v.event,
      event_id: v.eventId,
      url: v.url,
      payload: JSON.stringify(v.payload),
      signing_secret: v.signingSecret === null ? null : sealSecret(v.signingSecret),
      max_attempts: v.maxAttempts,
      next_attempt_at: new Date(),
      redelivery_of: v.redeliveryOf ?? null,
    })
    // One delivery per (subscription, event): a re-run of an event job adds nothing.
    .onConflict((oc) => oc.columns(["subscription_id", "event_id"]).where("subscription_id", "is not", null).where("redelivery_of", "is", null).doNothing())
    .returning("id")
    .executeTakeFirst();
  return r?.id ?? null;
}

/** A delivery with what sending needs: the secret (its own or the subscription's). */
export async function findDeliveryForSend(db: DbOrTx, id: string) {
  return db
    .selectFrom("webhook_deliveries as d")
    .leftJoin("webhook_subscriptions as s", "s.id", "d.subscription_id")
    .select([
      "d.id",
      "d.organization_id",
      "d.subscription_id",
      "d.event",
      "d.event_id",
      "d.url",
      "d.payload",
      "d.status",
      "d.attempts",
      "d.max_attempts",
      sql<string | null>`coalesce(d.signing_secret, s.secret)`.as("secret"),
      "s.active as subscription_active",
    ])
    .where("d.id", "=", id)
    .executeTakeFirst();
}

export async function allowedHostSet(db: DbOrTx, orgId: string): Promise<Set<string>> {
  const rows = await db.selectFrom("webhook_allowed_hosts").select("host").where("organization_id", "=", orgId).execute();
  return new Set(rows.map((r) => r.host));
}

export async function recordAttempt(
  db: DbOrTx,
  v: {
    deliveryId: string;
    organizationId: string;
    attempt: number;
    url: string;
    startedAt: Date;
    durationMs: number | null;
    statusCode: number | null;
    error: string | null;
    responseBody: string | null;
    status: DeliveryStatus;
    nextAttemptAt: Date | null;
  },
) {
  await db
    .insertInto("webhook_delivery_attempts")
    .values({
      delivery_id: v.deliveryId,
      organization_id: v.organizationId,
      attempt: v.attempt,
      url: v.url,
      started_at: v.startedAt,
      duration_ms: v.durationMs,
      status_code: v.statusCode,
      error: v.error,
      response_body: v.responseBody,
    })
    .execute();
  await db
    .updateTable("webhook_deliveries")
    .set({
      status: v.status,
      attempts: v.attempt,
      last_status_code: v.statusCode,
      last_error: v.error,
      last_duration_ms: v.durationMs,
      next_attempt_at: v.nextAttemptAt,
      delivered_at: v.status === "delivered" ? new Date() : null,
    })
    .where("id", "=", v.deliveryId)
    .where("attempts", "=", v.attempt - 1)
    .execute();
}

export async function markDelivery(db: DbOrTx, id: string, status: DeliveryStatus, error: string | null) {
  await db.updateTable("webhook_deliveries").set({ status, last_error: error, next_attempt_at: null }).where("id", "=", id).execute();
}

const DELIVERY_COLS = [
  "d.id",
  "d.subscription_id",
  "d.rule_id",
  "d.event",
  "d.event_id",
  "d.url",
  "d.status",
  "d.attempts",
  "d.max_attempts",
  "d.next_attempt_at",
  "d.last_status_code",
  "d.last_error",
  "d.last_duration_ms",
  "d.redelivery_of",
  "d.created_at",
  "d.delivered_at",
  "s.name as subscription_name",
] as const;

export function listDeliveries(
  db: DbOrTx,
  orgId: string,
  f: { subscriptionId?: string; status?: DeliveryStatus },
  limit: number,
  after: [string, string] | null,
) {
  let q = db
    .selectFrom("webhook_deliveries as d")
    .leftJoin("webhook_subscriptions as s", "s.id", "d.subscription_id")
    .select(DELIVERY_COLS)
    .select(sql<string>`to_char(d.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`.as("cursor_at"))
    .where("d.organization_id", "=", orgId);
  if (f.subscriptionId) q = q.where("d.subscription_id", "=", f.subscriptionId);
  if (f.status) q = q.where("d.status", "=", f.status);
  if (after) q = q.where(sql<boolean>`(d.created_at, d.id) < (${after[0]}::timestamp at time zone 'UTC', ${after[1]}::uuid)`);
  return q
    .orderBy("d.created_at", "desc")
    .orderBy("d.id", "desc")
    .limit(limit + 1)
    .execute();
}
export type DeliveryRow = Awaited<ReturnType<typeof listDeliveries>>[number];

export function findDelivery(db: DbOrTx, orgId: string, id: string) {
  return db
    .selectFrom("webhook_deliveries as d")
    .leftJoin("webhook_subscriptions as s", "s.id", "d.subscription_id")
    .select(DELIVERY_COLS)
    .select(["d.payload", "d.signing_secret", "d.organization_id"])
    .select(sql<string>`''`.as("cursor_at"))
    .where("d.organization_id", "=", orgId)
    .where("d.id", "=", id)
    .executeTakeFirst();
}

export function listAttempts(db: DbOrTx, deliveryId: string) {
  return db.selectFrom("webhook_delivery_attempts").selectAll().where("delivery_id", "=", deliveryId).orderBy("attempt").execute();
}

export function organizationName(db: DbOrTx, orgId: string) {
  return db.selectFrom("organizations").select(["id", "name"]).where("id", "=", orgId).executeTakeFirst();
}

/** The work item as the payload shows it, with names of the people and groups it refers to. */
export function workItemForPayload(db: DbOrTx, orgId: string, id: string) {
  return db
    .selectFrom("work_items as w")
    .leftJoin("users as r", "r.id", "w.requester_id")
    .leftJoin("users as a", "a.id", "w.assignee_id")
    .leftJoin("groups as g", "g.id", "w.assignment_group_id")
    .leftJoin("services as sv", "sv.id", "w.service_id")
    .select([
      "w.id",
      "w.number",
      "w.type",
      "w.title",
      "w.state",
      "w.impact",
      "w.urgency",
      "w.priority",
      "w.created_at",
      "w.updated_at",
      "w.resolved_at",
      "r.id as requester_id",
      "r.name as requester_name",
      "r.email as requester_email",
      "a.id as assignee_id",
      "a.name as assignee_name",
      "a.email as assignee_email",
      "g.id as group_id",
      "g.name as group_name",
      "sv.id as service_id",
      "sv.name as service_name",
    ])
    .where("w.organization_id", "=", orgId)
    .where("w.id", "=", id)
    .executeTakeFirst();
}

export function personForPayload(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("users").select(["id", "name", "email"]).where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

export async function audit(
  db: DbOrTx,
  a: { organizationId: string; userId: string; ip?: string | null },
  action: string,
  entityId: string,
  data: Record<string, unknown>,
) {
  await db
    .insertInto("audit_events")
    .values({
      organization_id: a.organizationId,
      actor_id: a.userId,
      action,
      entity_type: "webhook",
      entity_id: entityId,
      data: JSON.stringify(data),
      ip: a.ip ?? null,
    })
    .execute();
}
