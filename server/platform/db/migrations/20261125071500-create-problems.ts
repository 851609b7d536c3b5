import { type Kysely, sql } from "kysely";

/**
 * Problem management: the problem extension (root cause, workaround, fix), known-error records (KE
 * numbers) and the `caused_by` link kind (incident caused by problem or by a failed change, change
 * raised for a problem), stored in the core's links table like every other relation between items.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table work_item_links drop constraint work_item_links_kind_check;
    alter table work_item_links add constraint work_item_links_kind_check
      check (kind in ('child_of', 'duplicate_of', 'related_to', 'caused_by'));
    create index work_item_links_kind_target_idx on work_item_links (target_id, kind);

    create table problems (
      work_item_id uuid primary key references work_items(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      root_cause text,
      workaround text,
      fix text,
      close_code text check (close_code in ('fix_applied', 'risk_accepted', 'duplicate', 'cancelled'))
    );

    create sequence known_error_number as bigint;
    create table known_errors (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      number text not null unique,
      problem_id uuid not null unique references work_items(id) on delete cascade,
      title text not null check (length(title) between 1 and 300),
      symptoms text not null default '',
      workaround text not null check (length(workaround) between 1 and 20000),
      published boolean not null default true,
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      retired_at timestamptz,
      search tsvector generated always as (
        setweight(to_tsvector('simple', number), 'A') ||
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', symptoms), 'B') ||
        setweight(to_tsvector('english', workaround), 'C')
      ) stored
    );
    create index known_errors_org_idx on known_errors (organization_id, created_at desc);
    create index known_errors_search_idx on known_errors using gin (search);
    create index work_items_service_recent_idx on work_items (organization_id, type, service_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index work_items_service_recent_idx;
    drop table known_errors, problems;
    drop sequence known_error_number;
    delete from work_item_links where kind = 'caused_by';
    drop index work_item_links_kind_target_idx;
    alter table work_item_links drop constraint work_item_links_kind_check;
    alter table work_item_links add constraint work_item_links_kind_check check (kind in ('child_of', 'duplicate_of', 'related_to'));
  `.execute(db);
}
