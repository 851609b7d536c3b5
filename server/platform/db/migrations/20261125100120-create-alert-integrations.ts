import { type Kysely, sql } from "kysely";

/**
 * Inbound alert integrations: one row per monitoring system feeding an organization (bearer secret
 * stored as SHA-256, who the incidents are made by, routing and severity mapping), and one row per
 * alert key and incident: repeats of a firing key while its incident is open count on the same row
 * (a partial unique index keeps one firing row per key).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table alert_integrations (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 120),
      active boolean not null default true,
      token_hash bytea not null unique,
      token_hint text not null,
      run_as_user_id uuid not null references users(id),
      assignment_group_id uuid references groups(id) on delete set null,
      service_id uuid references services(id) on delete set null,
      severity_map jsonb not null,
      auto_resolve boolean not null default false,
      repeat_note_minutes integer not null default 15 check (repeat_note_minutes between 1 and 1440),
      last_received_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (organization_id, name)
    );

    create table alerts (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      integration_id uuid not null references alert_integrations(id) on delete cascade,
      alert_key text not null check (length(alert_key) between 1 and 255),
      status text not null default 'firing' check (status in ('firing', 'resolved')),
      work_item_id uuid references work_items(id) on delete set null,
      title text not null,
      count integer not null default 1,
      first_seen_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      last_noted_at timestamptz not null default now(),
      resolved_at timestamptz
    );
    create unique index alerts_firing_key on alerts (integration_id, alert_key) where status = 'firing';
    create index alerts_integration_idx on alerts (integration_id, last_seen_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table alerts, alert_integrations`.execute(db);
}
