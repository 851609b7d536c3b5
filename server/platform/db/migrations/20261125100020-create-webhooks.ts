import { type Kysely, sql } from "kysely";

/**
 * Outbound webhooks: subscriptions per organization (events chosen from a documented list, a signing
 * secret, active flag), hosts an administrator allows despite private addresses, and deliveries — one
 * row per event sent to one URL, its body frozen as sent, status and the next attempt — with one row
 * per attempt (status code, duration, the start of the answer). Rule actions make deliveries without a
 * subscription (rule_id, their own secret). Secrets are sealed (platform/secrets).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table webhook_subscriptions (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 120),
      url text not null check (length(url) between 1 and 2000),
      events text[] not null check (cardinality(events) >= 1),
      work_item_types text[] not null default '{}',
      description text not null default '',
      secret text not null,
      secret_hint text not null,
      active boolean not null default true,
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (organization_id, name)
    );
    create index webhook_subscriptions_active_idx on webhook_subscriptions (organization_id) where active;

    create table webhook_allowed_hosts (
      organization_id uuid not null references organizations(id),
      host text not null check (host = lower(host) and length(host) between 1 and 253),
      note text not null default '',
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      primary key (organization_id, host)
    );

    create table webhook_deliveries (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      subscription_id uuid references webhook_subscriptions(id) on delete set null,
      rule_id uuid,
      event text not null,
      event_id uuid not null,
      url text not null,
      payload jsonb not null,
      signing_secret text,
      status text not null default 'pending' check (status in ('pending', 'retrying', 'delivered', 'failed')),
      attempts integer not null default 0,
      max_attempts integer not null default 8 check (max_attempts between 1 and 20),
      next_attempt_at timestamptz,
      last_status_code integer,
      last_error text,
      last_duration_ms integer,
      redelivery_of uuid references webhook_deliveries(id) on delete set null,
      created_at timestamptz not null default now(),
      delivered_at timestamptz
    );
    create index webhook_deliveries_org_idx on webhook_deliveries (organization_id, created_at desc, id desc);
    create index webhook_deliveries_sub_idx on webhook_deliveries (subscription_id, created_at desc, id desc) where subscription_id is not null;

    create table webhook_delivery_attempts (
      delivery_id uuid not null references webhook_deliveries(id) on delete cascade,
      attempt integer not null,
      organization_id uuid not null references organizations(id),
      url text not null,
      started_at timestamptz not null,
      duration_ms integer,
      status_code integer,
      error text,
      response_body text,
      primary key (delivery_id, attempt)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table webhook_delivery_attempts, webhook_deliveries, webhook_allowed_hosts, webhook_subscriptions`.execute(db);
}
