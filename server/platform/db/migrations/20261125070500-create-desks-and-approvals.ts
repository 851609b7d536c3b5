import { type Kysely, sql } from "kysely";

/**
 * People's managers (for "the requester's manager" approvals), service desks (IT, HR, Facilities…) with
 * their agents, and the generic approvals any work item can carry: ordered stages, one approval row per
 * approver (group approvers are expanded to the members when the stage starts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users add column manager_id uuid references users(id) on delete set null;
    alter table users add constraint users_manager_not_self check (manager_id is null or manager_id <> id);
    create index users_manager_idx on users (manager_id) where manager_id is not null;

    create table desks (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 120),
      slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      branding_name text not null check (length(branding_name) between 1 and 120),
      description text not null default '',
      icon text not null default 'lifebuoy',
      position integer not null default 0,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (organization_id, slug)
    );

    create table desk_members (
      desk_id uuid not null references desks(id) on delete cascade,
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      created_at timestamptz not null default now(),
      primary key (desk_id, user_id)
    );
    create index desk_members_user_idx on desk_members (user_id);

    alter table categories add column desk_id uuid references desks(id);
    alter table groups add column desk_id uuid references desks(id);

    create table approval_stages (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      work_item_id uuid not null references work_items(id) on delete cascade,
      position smallint not null,
      name text not null check (length(name) between 1 and 200),
      rule text not null check (rule in ('any', 'all', 'quorum')),
      quorum smallint check (quorum is null or quorum >= 1),
      -- who approves, as defined (resolved to people when the stage starts)
      approver_sources jsonb not null,
      state text not null default 'waiting' check (state in ('waiting', 'pending', 'approved', 'rejected', 'skipped', 'cancelled')),
      started_at timestamptz,
      decided_at timestamptz,
      created_at timestamptz not null default now(),
      unique (work_item_id, position)
    );

    create table approvals (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      work_item_id uuid not null references work_items(id) on delete cascade,
      stage_id uuid not null references approval_stages(id) on delete cascade,
      approver_id uuid not null references users(id),
      source text not null check (source in ('user', 'manager', 'group')),
      group_id uuid references groups(id),
      state text not null default 'pending' check (state in ('pending', 'approved', 'rejected', 'not_required', 'cancelled')),
      comment text,
      decided_at timestamptz,
      created_at timestamptz not null default now(),
      unique (stage_id, approver_id)
    );
    create index approvals_pending_idx on approvals (approver_id, created_at) where state = 'pending';
    create index approvals_item_idx on approvals (work_item_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table approvals, approval_stages;
    alter table groups drop column desk_id;
    alter table categories drop column desk_id;
    drop table desk_members, desks;
    alter table users drop column manager_id;
  `.execute(db);
}
