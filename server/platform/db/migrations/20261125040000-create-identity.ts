import { type Kysely, sql } from "kysely";

/** Organizations, people, groups, sessions, API tokens, login throttling and the security audit log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists pg_trgm;

    create table organizations (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200),
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      settings jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table users (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      email text not null check (length(email) between 3 and 320),
      name text not null check (length(name) between 1 and 200),
      role text not null check (role in ('requester', 'agent', 'admin')),
      password_hash text,
      active boolean not null default true,
      locale text not null default 'en',
      time_zone text not null default 'UTC',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index users_email_key on users (lower(email));
    create index users_org_idx on users (organization_id, role, name);
    create index users_name_trgm on users using gin (name gin_trgm_ops);

    create table groups (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 120),
      description text not null default '',
      email text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index groups_org_name_key on groups (organization_id, lower(name));

    create table group_members (
      group_id uuid not null references groups(id) on delete cascade,
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      created_at timestamptz not null default now(),
      primary key (group_id, user_id)
    );
    create index group_members_user_idx on group_members (user_id);

    create table sessions (
      id uuid primary key default gen_random_uuid(),
      token_hash bytea not null unique,
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      csrf_token text not null,
      ip inet,
      user_agent text,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index sessions_user_idx on sessions (user_id);
    create index sessions_expiry_idx on sessions (expires_at);

    create table api_tokens (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 100),
      token_hash bytea not null unique,
      prefix text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      expires_at timestamptz,
      revoked_at timestamptz
    );
    create index api_tokens_user_idx on api_tokens (user_id);

    create table login_throttle (
      key text primary key,
      failures integer not null default 0,
      window_started_at timestamptz not null default now(),
      locked_until timestamptz
    );

    create table audit_events (
      id bigint generated always as identity primary key,
      organization_id uuid references organizations(id),
      actor_id uuid references users(id),
      action text not null,
      entity_type text not null,
      entity_id text,
      data jsonb not null default '{}'::jsonb,
      ip inet,
      created_at timestamptz not null default now()
    );
    create index audit_events_org_idx on audit_events (organization_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table audit_events, login_throttle, api_tokens, sessions, group_members, groups, users, organizations`.execute(db);
}
