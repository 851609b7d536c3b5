import { type Kysely, sql } from "kysely";

/**
 * Webhooks ride on automation's event capture: one delivery per (subscription, event) — a re-run of an
 * event job makes no second one (redeliveries are separate rows) — and organizations that already have
 * active subscriptions are listed as consumers of their events.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create unique index webhook_deliveries_event_key on webhook_deliveries (subscription_id, event_id)
      where subscription_id is not null and redelivery_of is null;
    insert into event_consumers (organization_id, consumer)
      select distinct organization_id, 'webhooks' from webhook_subscriptions where active
      on conflict do nothing;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index webhook_deliveries_event_key; delete from event_consumers where consumer = 'webhooks'`.execute(db);
}
