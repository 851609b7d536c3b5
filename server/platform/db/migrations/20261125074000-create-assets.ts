import { type Kysely, sql } from "kysely";

/**
 * Asset management beside the CMDB: vendors, hardware/software assets (linked to their CI), software
 * licences with their assignments, third-party contracts (`vendor_contracts`; customer hour budgets are
 * `support_contracts`, elsewhere) with the CIs/assets they cover, and the renewal notices sent before
 * a contract ends or a licence renews.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table vendors (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 200),
      website text,
      contact_name text,
      contact_email text,
      phone text,
      notes text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index vendors_name_key on vendors (organization_id, lower(name));

    create table assets (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      asset_tag text not null check (length(asset_tag) between 1 and 100),
      kind text not null default 'hardware' check (kind in ('hardware', 'software')),
      name text not null check (length(name) between 1 and 200),
      serial_number text check (length(serial_number) between 1 and 100),
      model text,
      vendor_id uuid references vendors(id),
      purchase_date date,
      cost numeric(14, 2) check (cost >= 0),
      currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
      warranty_end date,
      assigned_to_id uuid references users(id),
      status text not null default 'stock' check (status in ('stock', 'in_use', 'maintenance', 'retired')),
      ci_id uuid references configuration_items(id),
      location text,
      notes text not null default '',
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index assets_tag_key on assets (organization_id, lower(asset_tag));
    create unique index assets_serial_key on assets (organization_id, serial_number) where serial_number is not null;
    create index assets_list_idx on assets (organization_id, lower(asset_tag));
    create index assets_ci_idx on assets (ci_id) where ci_id is not null;
    create index assets_assigned_idx on assets (assigned_to_id) where assigned_to_id is not null;

    create table software_licences (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 200),
      product text not null check (length(product) between 1 and 200),
      vendor_id uuid references vendors(id),
      licence_type text not null check (licence_type in ('per_device', 'per_user', 'subscription', 'site')),
      -- Seats bought; null for a site licence (unlimited within the site).
      entitlements integer check (entitlements >= 0),
      cost numeric(14, 2) check (cost >= 0),
      currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
      purchase_date date,
      renewal_date date,
      notice_days integer not null default 30 check (notice_days between 0 and 730),
      software_ci_id uuid references configuration_items(id),
      notes text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index software_licences_org_idx on software_licences (organization_id, lower(name));

    create table licence_assignments (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      licence_id uuid not null references software_licences(id) on delete cascade,
      ci_id uuid references configuration_items(id),
      user_id uuid references users(id),
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      check ((ci_id is null) <> (user_id is null))
    );
    create unique index licence_assignments_ci_key on licence_assignments (licence_id, ci_id) where ci_id is not null;
    create unique index licence_assignments_user_key on licence_assignments (licence_id, user_id) where user_id is not null;

    create table vendor_contracts (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 200),
      reference text,
      vendor_id uuid not null references vendors(id),
      kind text not null check (kind in ('maintenance', 'support', 'underpinning', 'warranty', 'lease', 'other')),
      start_date date not null,
      end_date date not null,
      notice_days integer not null default 60 check (notice_days between 0 and 730),
      auto_renew boolean not null default false,
      value numeric(14, 2) check (value >= 0),
      currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
      sla_reference text,
      owner_id uuid references users(id),
      terminated_at timestamptz,
      notes text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (end_date >= start_date)
    );
    create index vendor_contracts_org_idx on vendor_contracts (organization_id, end_date);

    create table vendor_contract_items (
      organization_id uuid not null references organizations(id),
      contract_id uuid not null references vendor_contracts(id) on delete cascade,
      ci_id uuid references configuration_items(id),
      asset_id uuid references assets(id),
      created_at timestamptz not null default now(),
      check ((ci_id is null) <> (asset_id is null))
    );
    create unique index vendor_contract_items_ci_key on vendor_contract_items (contract_id, ci_id) where ci_id is not null;
    create unique index vendor_contract_items_asset_key on vendor_contract_items (contract_id, asset_id) where asset_id is not null;

    create table renewal_notices (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      subject_type text not null check (subject_type in ('vendor_contract', 'software_licence')),
      subject_id uuid not null,
      -- The end or renewal date the notice is about: one notice per term.
      due_date date not null,
      notified_user_id uuid references users(id),
      created_at timestamptz not null default now(),
      unique (subject_type, subject_id, due_date)
    );
    create index renewal_notices_org_idx on renewal_notices (organization_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table renewal_notices, vendor_contract_items, vendor_contracts, licence_assignments, software_licences, assets, vendors`.execute(db);
}
