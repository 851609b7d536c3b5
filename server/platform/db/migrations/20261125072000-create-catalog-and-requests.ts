import { type Kysely, sql } from "kysely";

/**
 * The service catalog (items per desk, each change a new immutable version whose definition — form,
 * approval chain, fulfilment plan — is one JSON document, so a request always points at exactly what was
 * ordered), service requests (REQ) and their fulfilment tasks (TASK) as work-item extensions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table catalog_items (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      desk_id uuid not null references desks(id),
      category_id uuid references categories(id),
      audience text not null default 'everyone' check (audience in ('everyone', 'staff', 'managers')),
      active boolean not null default true,
      position integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index catalog_items_desk_idx on catalog_items (organization_id, desk_id);

    create table catalog_item_versions (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      catalog_item_id uuid not null references catalog_items(id) on delete cascade,
      version integer not null check (version >= 1),
      name text not null check (length(name) between 1 and 200),
      summary text not null default '',
      description text not null default '',
      icon text not null,
      form jsonb not null,
      approvals jsonb not null,
      fulfilment jsonb not null,
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      unique (catalog_item_id, version)
    );
    alter table catalog_items add column current_version_id uuid references catalog_item_versions(id);

    create table service_requests (
      work_item_id uuid primary key references work_items(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      catalog_item_id uuid not null references catalog_items(id),
      catalog_item_version_id uuid not null references catalog_item_versions(id),
      desk_id uuid not null references desks(id),
      answers jsonb not null,
      close_reason text
    );
    create index service_requests_catalog_item_idx on service_requests (catalog_item_id);

    create table request_tasks (
      work_item_id uuid primary key references work_items(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      request_id uuid not null references work_items(id) on delete cascade,
      step smallint not null check (step >= 1),
      position smallint not null,
      close_notes text
    );
    create index request_tasks_request_idx on request_tasks (request_id, step, position);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table request_tasks, service_requests;
    alter table catalog_items drop column current_version_id;
    drop table catalog_item_versions, catalog_items;
  `.execute(db);
}
