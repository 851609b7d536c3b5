import { type Kysely, sql } from "kysely";

/**
 * The agent's day: time entries and timers, support contracts with monthly hour budgets and their
 * threshold alerts, macros, major incidents with status updates and post-incident reviews, and
 * columns on saved views (personal views agents share without an admin).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table support_contracts (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 200),
      starts_on date not null,
      ends_on date,
      monthly_hours numeric(8,2) not null check (monthly_hours > 0 and monthly_hours <= 10000),
      thresholds smallint[] not null default '{80,100}' check (cardinality(thresholds) between 0 and 5 and 0 < all(thresholds) and 1000 >= all(thresholds)),
      active boolean not null default true,
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      check (ends_on is null or ends_on >= starts_on)
    );
    create index support_contracts_org_idx on support_contracts (organization_id, starts_on);

    create table support_contract_alerts (
      contract_id uuid not null references support_contracts(id) on delete cascade,
      month date not null,
      threshold smallint not null,
      organization_id uuid not null references organizations(id),
      used_minutes integer not null,
      work_item_id uuid references work_items(id) on delete set null,
      reached_at timestamptz not null default now(),
      primary key (contract_id, month, threshold)
    );

    create table time_entries (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      work_item_id uuid not null references work_items(id) on delete cascade,
      user_id uuid not null references users(id),
      work_date date not null,
      minutes integer not null check (minutes between 1 and 1440),
      activity text not null check (activity in ('investigation', 'communication', 'fix', 'travel', 'meeting', 'documentation', 'other')),
      billable boolean not null default false,
      note text not null default '' check (length(note) <= 2000),
      source text not null default 'manual' check (source in ('manual', 'timer')),
      contract_id uuid references support_contracts(id),
      created_at timestamptz not null default now()
    );
    create index time_entries_item_idx on time_entries (work_item_id, created_at);
    create index time_entries_org_date_idx on time_entries (organization_id, work_date);
    create index time_entries_contract_idx on time_entries (contract_id, work_date) where contract_id is not null;

    create table time_timers (
      user_id uuid not null references users(id) on delete cascade,
      work_item_id uuid not null references work_items(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      started_at timestamptz not null default now(),
      primary key (user_id, work_item_id)
    );

    create table macros (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      owner_id uuid references users(id) on delete cascade,
      desk_id uuid,
      name text not null check (length(name) between 1 and 120),
      description text not null default '',
      actions jsonb not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index macros_name_key on macros (organization_id, coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));

    create table major_incidents (
      work_item_id uuid primary key references work_items(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      manager_id uuid not null references users(id),
      status text not null default 'active' check (status in ('active', 'resolved', 'closed')),
      audience text not null default '',
      update_cadence_minutes integer not null default 60 check (update_cadence_minutes between 5 and 1440),
      channels text[] not null default '{comment}',
      next_update_due_at timestamptz,
      declared_by_id uuid references users(id),
      declared_at timestamptz not null default now(),
      resolved_at timestamptz
    );
    create index major_incidents_org_idx on major_incidents (organization_id, status);

    create table major_incident_updates (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      work_item_id uuid not null references major_incidents(work_item_id) on delete cascade,
      body text not null check (length(body) between 1 and 20000),
      posted_by_id uuid references users(id),
      children_count integer not null default 0,
      created_at timestamptz not null default now()
    );
    create index major_incident_updates_idx on major_incident_updates (work_item_id, created_at);

    create table post_incident_reviews (
      work_item_id uuid primary key references major_incidents(work_item_id) on delete cascade,
      organization_id uuid not null references organizations(id),
      status text not null default 'draft' check (status in ('draft', 'completed')),
      owner_id uuid references users(id),
      summary text not null default '',
      root_cause text not null default '',
      lessons_learned text not null default '',
      follow_up_actions text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      completed_at timestamptz
    );

    alter table saved_views
      add column columns text[],
      add column shared boolean not null default false;
    update saved_views set shared = true where owner_id is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table saved_views drop column columns, drop column shared;
    drop table post_incident_reviews, major_incident_updates, major_incidents, macros, time_timers, time_entries,
      support_contract_alerts, support_contracts;
  `.execute(db);
}
