import { type Kysely, sql } from "kysely";

/**
 * Notifications: per-organization rules (who hears of which event), admin-edited templates (per desk
 * and language; desk_id is the seam for desks, null = the organization's default), per-person
 * preferences, the sender per organization, and the delivery log that makes sending exactly-once per
 * event and recipient (stable Message-ID written before the SMTP conversation).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table notification_rules (
      organization_id uuid not null references organizations(id),
      event text not null,
      audience text not null check (audience in ('requester', 'assignee', 'group', 'watchers', 'approvers')),
      enabled boolean not null,
      updated_at timestamptz not null default now(),
      primary key (organization_id, event, audience)
    );

    create table notification_templates (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      desk_id uuid,
      event text not null,
      language text not null check (language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
      subject text not null check (length(subject) between 1 and 300),
      body text not null check (length(body) between 1 and 20000),
      updated_by_id uuid references users(id),
      updated_at timestamptz not null default now()
    );
    create unique index notification_templates_key
      on notification_templates (organization_id, coalesce(desk_id, '00000000-0000-0000-0000-000000000000'::uuid), event, language);

    create table notification_preferences (
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      event text not null,
      email boolean not null,
      updated_at timestamptz not null default now(),
      primary key (user_id, event)
    );

    create table mail_settings (
      organization_id uuid primary key references organizations(id),
      from_name text check (length(from_name) <= 120),
      from_address text,
      reply_to_address text,
      enabled boolean not null default true,
      updated_at timestamptz not null default now()
    );

    create table mail_deliveries (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      event_id uuid not null,
      event text not null,
      work_item_id uuid references work_items(id) on delete set null,
      recipient_id uuid references users(id) on delete set null,
      to_address text not null,
      message_id text not null unique,
      subject text not null,
      text_body text not null,
      html_body text not null,
      headers jsonb not null default '{}',
      status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed', 'skipped')),
      attempts integer not null default 0,
      last_error text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    );
    create unique index mail_deliveries_event_recipient_key on mail_deliveries (event_id, lower(to_address));
    create index mail_deliveries_org_created_idx on mail_deliveries (organization_id, created_at desc, id desc);
    create index mail_deliveries_work_item_idx on mail_deliveries (work_item_id) where work_item_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table mail_deliveries, mail_settings, notification_preferences, notification_templates, notification_rules`.execute(db);
}
