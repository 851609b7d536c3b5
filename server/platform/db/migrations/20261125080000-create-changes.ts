import { type Kysely, sql } from "kysely";

/**
 * Change enablement: the change extension (type, window, plans, risk, outcome, freeze override),
 * affected services (the seam where configuration items plug in), standard-change templates,
 * freeze/blackout windows, per-organization CAB settings, change tasks and iCalendar feed tokens.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table change_templates (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 200),
      description text not null default '',
      implementation_plan text not null default '',
      backout_plan text not null default '',
      test_plan text not null default '',
      service_id uuid references services(id),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index change_templates_org_name_key on change_templates (organization_id, lower(name));

    create table changes (
      work_item_id uuid primary key references work_items(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      change_type text not null check (change_type in ('standard', 'normal', 'emergency')),
      template_id uuid references change_templates(id),
      planned_start timestamptz,
      planned_end timestamptz,
      actual_start timestamptz,
      actual_end timestamptz,
      implementation_plan text not null default '',
      backout_plan text not null default '',
      test_plan text not null default '',
      justification text not null default '',
      risk text check (risk in ('low', 'moderate', 'high', 'very_high')),
      risk_score smallint,
      risk_answers jsonb,
      risk_factors jsonb,
      approved_at timestamptz,
      outcome text check (outcome in ('successful', 'successful_with_issues', 'failed', 'backed_out')),
      review_notes text,
      freeze_override_by_id uuid references users(id),
      freeze_override_reason text,
      freeze_override_start timestamptz,
      freeze_override_end timestamptz,
      check (planned_end > planned_start),
      check (actual_end is null or actual_start is null or actual_end >= actual_start)
    );
    create index changes_window_idx on changes (organization_id, planned_start, planned_end) where planned_start is not null;

    create table change_affected_services (
      change_id uuid not null references work_items(id) on delete cascade,
      service_id uuid not null references services(id),
      organization_id uuid not null references organizations(id),
      primary key (change_id, service_id)
    );
    create index change_affected_services_service_idx on change_affected_services (service_id);

    create table freeze_windows (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 200),
      reason text not null default '',
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      service_id uuid references services(id),
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      check (ends_at > starts_at)
    );
    create index freeze_windows_org_idx on freeze_windows (organization_id, starts_at, ends_at);

    create table change_settings (
      organization_id uuid primary key references organizations(id),
      cab_group_id uuid references groups(id),
      cab_rule text not null default 'all' check (cab_rule in ('all', 'quorum')),
      cab_quorum smallint check (cab_quorum is null or cab_quorum >= 1),
      manager_group_id uuid references groups(id),
      updated_at timestamptz not null default now()
    );

    create table calendar_feeds (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      owner_id uuid not null references users(id) on delete cascade,
      name text not null check (length(name) between 1 and 120),
      token_hash bytea not null unique,
      prefix text not null,
      service_id uuid references services(id),
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index calendar_feeds_owner_idx on calendar_feeds (owner_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table calendar_feeds, change_settings, freeze_windows, change_affected_services, changes, change_templates;
  `.execute(db);
}
