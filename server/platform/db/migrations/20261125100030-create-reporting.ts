import { type Kysely, sql } from "kysely";

/**
 * Reporting: one pre-computed fact row per work item (first response, reopen count, FCR, calendar and
 * business durations, SLA outcome), refreshed every minute from what changed; CSAT surveys; saved
 * (and scheduled) custom reports.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table report_item_facts (
      work_item_id uuid primary key references work_items(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      type text not null,
      state text not null,
      priority smallint not null,
      channel text not null,
      group_id uuid,
      assignee_id uuid,
      service_id uuid,
      category_id uuid,
      desk_id uuid,
      requester_id uuid not null,
      created_at timestamptz not null,
      first_response_at timestamptz,
      resolved_at timestamptz,
      closed_at timestamptz,
      response_ms bigint,
      response_business_ms bigint,
      resolution_ms bigint,
      resolution_business_ms bigint,
      response_sla text check (response_sla in ('met', 'breached')),
      resolution_sla text check (resolution_sla in ('met', 'breached')),
      reopen_count integer not null default 0,
      staff_replies integer not null default 0,
      fcr boolean,
      change_outcome text,
      refreshed_at timestamptz not null default now()
    );
    create index report_facts_created_idx on report_item_facts (organization_id, created_at);
    create index report_facts_resolved_idx on report_item_facts (organization_id, resolved_at) where resolved_at is not null;
    create index report_facts_open_idx on report_item_facts (organization_id, created_at)
      include (type, group_id, assignee_id, desk_id, priority) where resolved_at is null and closed_at is null;

    -- Where the per-minute refresh got to (one row).
    create table report_refresh_state (
      id smallint primary key default 1 check (id = 1),
      watermark timestamptz,
      last_run_at timestamptz,
      last_items integer not null default 0
    );
    insert into report_refresh_state (id) values (1);

    create index work_items_updated_idx on work_items (updated_at);
    create index sla_clocks_updated_idx on sla_clocks (updated_at);

    create table csat_surveys (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      work_item_id uuid not null references work_items(id) on delete cascade,
      requester_id uuid not null references users(id),
      token_hash bytea not null unique,
      assignee_id uuid references users(id) on delete set null,
      group_id uuid references groups(id) on delete set null,
      service_id uuid references services(id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      score smallint check (score between 1 and 5),
      comment text check (length(comment) <= 5000),
      responded_at timestamptz,
      updated_at timestamptz not null default now()
    );
    create unique index csat_surveys_pending_key on csat_surveys (work_item_id) where responded_at is null;
    create index csat_surveys_responded_idx on csat_surveys (organization_id, responded_at) where responded_at is not null;
    create index csat_surveys_requester_idx on csat_surveys (requester_id, created_at desc);

    create table saved_reports (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      owner_id uuid references users(id) on delete set null,
      name text not null check (length(name) between 1 and 200),
      shared boolean not null default false,
      definition jsonb not null,
      schedule jsonb,
      next_run_at timestamptz,
      last_run_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index saved_reports_org_idx on saved_reports (organization_id, lower(name));
    create index saved_reports_due_idx on saved_reports (next_run_at) where next_run_at is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table saved_reports, csat_surveys, report_refresh_state, report_item_facts;
    drop index work_items_updated_idx;
    drop index sla_clocks_updated_idx;
  `.execute(db);
}
