import { type Kysely, sql } from "kysely";

/** The shared work-item core, its child tables, reference data and the incident extension. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table services (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 200),
      description text not null default '',
      support_group_id uuid references groups(id),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index services_org_name_key on services (organization_id, lower(name));

    create table categories (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      parent_id uuid references categories(id),
      name text not null check (length(name) between 1 and 120),
      active boolean not null default true,
      created_at timestamptz not null default now()
    );
    create unique index categories_org_parent_name_key
      on categories (organization_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));

    create table priority_matrix (
      organization_id uuid not null references organizations(id),
      impact text not null check (impact in ('high', 'medium', 'low')),
      urgency text not null check (urgency in ('high', 'medium', 'low')),
      priority smallint not null check (priority between 1 and 5),
      primary key (organization_id, impact, urgency)
    );

    create sequence work_item_number_incident as bigint;

    create table work_items (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      type text not null check (type in ('incident')),
      number text not null unique,
      title text not null check (length(title) between 1 and 300),
      description text not null default '',
      state text not null,
      impact text not null check (impact in ('high', 'medium', 'low')),
      urgency text not null check (urgency in ('high', 'medium', 'low')),
      priority smallint not null check (priority between 1 and 5),
      category_id uuid references categories(id),
      subcategory_id uuid references categories(id),
      requester_id uuid not null references users(id),
      assignment_group_id uuid references groups(id),
      assignee_id uuid references users(id),
      service_id uuid references services(id),
      channel text not null default 'agent' check (channel in ('agent', 'portal', 'email', 'phone', 'api', 'chat', 'monitoring')),
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      resolved_at timestamptz,
      closed_at timestamptz,
      version integer not null default 1,
      search tsvector generated always as (
        setweight(to_tsvector('simple', number), 'A') ||
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', left(description, 100000)), 'B')
      ) stored
    );
    create index work_items_queue_created_idx on work_items (organization_id, type, created_at desc, id desc);
    create index work_items_queue_state_idx on work_items (organization_id, type, state, priority, created_at desc, id desc);
    create index work_items_assignee_idx on work_items (assignee_id, state) where assignee_id is not null;
    create index work_items_group_idx on work_items (assignment_group_id, state) where assignment_group_id is not null;
    create index work_items_requester_idx on work_items (requester_id, created_at desc);
    create index work_items_search_idx on work_items using gin (search);
    create index work_items_title_trgm on work_items using gin (title gin_trgm_ops);

    create table incidents (
      work_item_id uuid primary key references work_items(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      hold_reason text check (hold_reason in ('awaiting_caller', 'awaiting_vendor', 'awaiting_change', 'awaiting_problem', 'scheduled')),
      resolution_code text check (resolution_code in ('solved_permanently', 'solved_workaround', 'not_reproducible', 'duplicate', 'user_error', 'cancelled_by_caller', 'known_error')),
      resolution_notes text,
      reopen_count integer not null default 0
    );

    create table timeline_events (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations(id),
      work_item_id uuid not null references work_items(id) on delete cascade,
      actor_id uuid references users(id),
      kind text not null,
      visibility text not null default 'public' check (visibility in ('public', 'internal')),
      changes jsonb not null default '[]'::jsonb,
      data jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now()
    );
    create index timeline_events_item_idx on timeline_events (work_item_id, id);

    create table comments (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      work_item_id uuid not null references work_items(id) on delete cascade,
      author_id uuid references users(id),
      visibility text not null check (visibility in ('public', 'internal')),
      body text not null check (length(body) between 1 and 100000),
      created_at timestamptz not null default now()
    );
    create index comments_item_idx on comments (work_item_id, created_at);

    create table blobs (
      sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
      size bigint not null,
      content bytea not null,
      created_at timestamptz not null default now()
    );

    create table attachments (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      work_item_id uuid not null references work_items(id) on delete cascade,
      blob_sha256 text not null references blobs(sha256),
      filename text not null check (length(filename) between 1 and 255),
      content_type text not null,
      size bigint not null,
      uploaded_by_id uuid references users(id),
      created_at timestamptz not null default now()
    );
    create index attachments_item_idx on attachments (work_item_id, created_at);

    create table watchers (
      work_item_id uuid not null references work_items(id) on delete cascade,
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      created_at timestamptz not null default now(),
      primary key (work_item_id, user_id)
    );
    create index watchers_user_idx on watchers (user_id);

    create table work_item_links (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      source_id uuid not null references work_items(id) on delete cascade,
      target_id uuid not null references work_items(id) on delete cascade,
      kind text not null check (kind in ('child_of', 'duplicate_of', 'related_to')),
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      check (source_id <> target_id),
      unique (source_id, target_id, kind)
    );
    create index work_item_links_target_idx on work_item_links (target_id);

    create table idempotency_keys (
      user_id uuid not null references users(id) on delete cascade,
      key text not null,
      organization_id uuid not null references organizations(id),
      request_hash text not null,
      status_code integer,
      response jsonb,
      created_at timestamptz not null default now(),
      primary key (user_id, key)
    );
    create index idempotency_keys_created_idx on idempotency_keys (created_at);

    create table saved_views (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      owner_id uuid references users(id) on delete cascade,
      name text not null check (length(name) between 1 and 100),
      filters jsonb not null default '{}'::jsonb,
      sort text not null default '-createdAt',
      created_at timestamptz not null default now()
    );
    create index saved_views_owner_idx on saved_views (organization_id, owner_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table saved_views, idempotency_keys, work_item_links, watchers, attachments, blobs, comments,
      timeline_events, incidents, work_items, priority_matrix, categories, services;
    drop sequence work_item_number_incident;
  `.execute(db);
}
