import { type Kysely, sql } from "kysely";

/**
 * Single sign-on, directory sync, MFA and provisioning: per-organization identity policy (MFA for
 * staff, local password sign-in, SCIM token), TOTP secrets and recovery codes, pending second-factor
 * challenges, OpenID Connect providers and their login states, LDAP directories, and the links from
 * Portico people to their external identities. People gain directory fields (external id,
 * department, phone, manager) and groups an external id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users add column if not exists manager_id uuid references users(id) on delete set null;
    alter table users
      add column external_id text,
      add column department text,
      add column phone text,
      add column deprovisioned_at timestamptz;
    create unique index users_org_external_id_key on users (organization_id, external_id) where external_id is not null;
    create index if not exists users_manager_idx on users (manager_id) where manager_id is not null;

    alter table groups add column external_id text;
    create unique index groups_org_external_id_key on groups (organization_id, external_id) where external_id is not null;

    create table identity_policies (
      organization_id uuid primary key references organizations(id),
      require_mfa_for_staff boolean not null default false,
      local_login_enabled boolean not null default true,
      scim_token_hash bytea unique,
      scim_token_prefix text,
      scim_token_created_at timestamptz,
      scim_default_role text not null default 'requester' check (scim_default_role in ('requester', 'agent')),
      updated_at timestamptz not null default now()
    );

    create table user_mfa (
      user_id uuid primary key references users(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      secret text not null,
      enabled_at timestamptz,
      last_time_step bigint,
      created_at timestamptz not null default now()
    );

    create table mfa_recovery_codes (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      code_hash bytea not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index mfa_recovery_codes_user_idx on mfa_recovery_codes (user_id);

    create table auth_challenges (
      id uuid primary key default gen_random_uuid(),
      token_hash bytea not null unique,
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      kind text not null check (kind in ('verify', 'enrol')),
      method text not null check (method in ('password', 'ldap')),
      attempts integer not null default 0,
      expires_at timestamptz not null,
      created_at timestamptz not null default now()
    );
    create index auth_challenges_expiry_idx on auth_challenges (expires_at);

    create table oidc_providers (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      name text not null check (length(name) between 1 and 100),
      issuer text not null,
      client_id text not null,
      client_secret text,
      scopes text not null default 'openid email profile',
      claim_mapping jsonb not null default '{}'::jsonb,
      default_role text not null default 'requester' check (default_role in ('requester', 'agent', 'admin')),
      jit_create boolean not null default true,
      enabled boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index oidc_providers_org_idx on oidc_providers (organization_id);

    create table oidc_login_states (
      state_hash bytea primary key,
      provider_id uuid not null references oidc_providers(id) on delete cascade,
      browser_hash bytea not null,
      code_verifier text not null,
      nonce text not null,
      return_to text not null default '/',
      expires_at timestamptz not null,
      created_at timestamptz not null default now()
    );

    create table ldap_directories (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 100),
      url text not null,
      bind_dn text not null default '',
      bind_password text,
      base_dn text not null,
      user_filter text not null default '(objectClass=inetOrgPerson)',
      group_base_dn text,
      group_filter text not null default '(objectClass=groupOfNames)',
      disabled_filter text,
      attribute_map jsonb not null default '{}'::jsonb,
      default_role text not null default 'requester' check (default_role in ('requester', 'agent', 'admin')),
      login_enabled boolean not null default true,
      sync_enabled boolean not null default true,
      last_sync_at timestamptz,
      last_sync_result jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index ldap_directories_org_idx on ldap_directories (organization_id);

    create table external_identities (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      user_id uuid not null references users(id) on delete cascade,
      source text not null check (source in ('oidc', 'ldap')),
      source_id uuid not null,
      subject text not null,
      last_login_at timestamptz,
      created_at timestamptz not null default now(),
      unique (source_id, subject)
    );
    create index external_identities_user_idx on external_identities (user_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table external_identities, ldap_directories, oidc_login_states, oidc_providers, auth_challenges,
      mfa_recovery_codes, user_mfa, identity_policies;
    alter table groups drop column external_id;
    alter table users drop column external_id, drop column department, drop column phone, drop column deprovisioned_at;
  `.execute(db);
}
