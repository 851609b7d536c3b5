import { type Kysely, sql } from "kysely";

/**
 * Service levels: business calendars, SLA policies with their targets, clocks per work item and
 * metric with their history, fired thresholds (exactly once per clock and threshold), and the
 * nearest due time on work_items for the queue.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sla_calendars (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 100),
      description text not null default '',
      time_zone text not null,
      hours jsonb not null default '[]'::jsonb,
      holidays jsonb not null default '[]'::jsonb,
      exceptions jsonb not null default '[]'::jsonb,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index sla_calendars_org_name_key on sla_calendars (organization_id, lower(name));

    create table sla_policies (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 100),
      description text not null default '',
      active boolean not null default true,
      position integer not null default 100,
      conditions jsonb not null default '[]'::jsonb,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index sla_policies_org_name_key on sla_policies (organization_id, lower(name));
    create index sla_policies_order_idx on sla_policies (organization_id, position, created_at) where active;

    create table sla_targets (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      policy_id uuid not null references sla_policies(id) on delete cascade,
      ordinal integer not null,
      kind text not null check (kind in ('sla', 'ola')),
      metric text not null check (metric in ('response', 'resolution', 'custom')),
      name text not null default '',
      group_id uuid references groups(id),
      duration_minutes integer not null check (duration_minutes > 0),
      calendar_id uuid references sla_calendars(id),
      start_when jsonb not null default '[]'::jsonb,
      stop_when jsonb not null default '[]'::jsonb,
      pause_when jsonb not null default '[]'::jsonb,
      thresholds jsonb not null default '[]'::jsonb
    );
    create index sla_targets_policy_idx on sla_targets (policy_id, ordinal);
    create index sla_targets_calendar_idx on sla_targets (calendar_id) where calendar_id is not null;

    create table sla_clocks (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      work_item_id uuid not null references work_items(id) on delete cascade,
      policy_id uuid references sla_policies(id) on delete set null,
      kind text not null check (kind in ('sla', 'ola')),
      metric text not null check (metric in ('response', 'resolution', 'custom')),
      metric_key text not null,
      name text not null,
      group_id uuid references groups(id),
      calendar_id uuid references sla_calendars(id) on delete set null,
      target_ms bigint not null,
      thresholds jsonb not null default '[]'::jsonb,
      state text not null check (state in ('running', 'paused', 'met', 'breached', 'cancelled')),
      started_at timestamptz not null,
      elapsed_ms bigint not null default 0,
      elapsed_at timestamptz not null,
      paused_at timestamptz,
      paused_ms bigint not null default 0,
      due_at timestamptz,
      stopped_at timestamptz,
      breached_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index sla_clocks_item_idx on sla_clocks (work_item_id);
    -- One live clock per item, kind, metric and (for OLAs) group.
    create unique index sla_clocks_live_key on sla_clocks (work_item_id, kind, metric_key, coalesce(group_id, '00000000-0000-0000-0000-000000000000'::uuid))
      where state in ('running', 'paused');
    -- The breach sweep: running clocks past due and not yet marked.
    create index sla_clocks_sweep_idx on sla_clocks (due_at) where state = 'running' and breached_at is null;
    -- Recompute after a calendar change; at-risk lists.
    create index sla_clocks_calendar_idx on sla_clocks (calendar_id, id) where state = 'running';
    create index sla_clocks_open_due_idx on sla_clocks (organization_id, due_at) where state = 'running';
    create index sla_clocks_stopped_idx on sla_clocks (organization_id, stopped_at) where state in ('met', 'breached');

    create table sla_clock_events (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations(id),
      clock_id uuid not null references sla_clocks(id) on delete cascade,
      kind text not null,
      at timestamptz not null default now(),
      data jsonb not null default '{}'::jsonb
    );
    create index sla_clock_events_clock_idx on sla_clock_events (clock_id, id);

    create table sla_threshold_firings (
      clock_id uuid not null references sla_clocks(id) on delete cascade,
      threshold_key text not null,
      organization_id uuid not null references organizations(id),
      fired_at timestamptz not null default now(),
      primary key (clock_id, threshold_key)
    );

    alter table work_items add column sla_due_at timestamptz;
    -- The queue sorted by due time (no due time last), keyset on (due, id), open items only.
    create index work_items_open_sla_due_idx on work_items (organization_id, type, (coalesce(sla_due_at, 'infinity'::timestamptz)), id)
      where state in ('new', 'in_progress', 'on_hold');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index work_items_open_sla_due_idx;
    alter table work_items drop column sla_due_at;
    drop table sla_threshold_firings, sla_clock_events, sla_clocks, sla_targets, sla_policies, sla_calendars;
  `.execute(db);
}
