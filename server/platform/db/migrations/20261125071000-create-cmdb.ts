import { type Kysely, sql } from "kysely";

/**
 * The configuration management database: CI classes (built-in ones shared by every organization, with
 * organization_id null, plus each organization's own), configuration items, typed directional
 * relationships kept with their validity period (for "as of" maps), per-CI history, and the link from
 * work items (incidents, problems, changes) to the CIs they affect.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ci_classes (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid references organizations(id),
      key text not null check (key ~ '^[a-z][a-z0-9_]{1,39}$'),
      name text not null check (length(name) between 1 and 80),
      description text not null default '',
      attributes jsonb not null default '[]'::jsonb check (jsonb_typeof(attributes) = 'array'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index ci_classes_key on ci_classes (coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid), key);

    create table ci_relationship_types (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid references organizations(id),
      key text not null check (key ~ '^[a-z][a-z0-9_]{1,39}$'),
      name text not null check (length(name) between 1 and 80),
      reverse_name text not null check (length(reverse_name) between 1 and 80),
      dependent_end text not null check (dependent_end in ('source', 'target')),
      acyclic boolean not null default false,
      created_at timestamptz not null default now()
    );
    create unique index ci_relationship_types_key on ci_relationship_types (coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid), key);

    create table configuration_items (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      class_id uuid not null references ci_classes(id),
      name text not null check (length(name) between 1 and 200),
      description text not null default '',
      status text not null default 'operational' check (status in ('planned', 'in_build', 'operational', 'maintenance', 'retired')),
      owner_id uuid references users(id),
      support_group_id uuid references groups(id),
      location text check (length(location) <= 200),
      serial_number text check (length(serial_number) between 1 and 100),
      asset_tag text check (length(asset_tag) between 1 and 100),
      attributes jsonb not null default '{}'::jsonb check (jsonb_typeof(attributes) = 'object'),
      version integer not null default 1,
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index configuration_items_name_key on configuration_items (organization_id, class_id, lower(name));
    create unique index configuration_items_serial_key on configuration_items (organization_id, serial_number) where serial_number is not null;
    create unique index configuration_items_tag_key on configuration_items (organization_id, lower(asset_tag)) where asset_tag is not null;
    create index configuration_items_list_idx on configuration_items (organization_id, lower(name), id);
    create index configuration_items_class_idx on configuration_items (organization_id, class_id, lower(name), id);
    create index configuration_items_name_trgm on configuration_items using gin (name gin_trgm_ops);

    create table ci_relationships (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      type_id uuid not null references ci_relationship_types(id),
      source_id uuid not null references configuration_items(id),
      target_id uuid not null references configuration_items(id),
      -- Which end needs the other (copied from the type, which never changes it): impact walks these.
      dependent_id uuid not null references configuration_items(id),
      dependency_id uuid not null references configuration_items(id),
      valid_from timestamptz not null default now(),
      valid_to timestamptz,
      created_by_id uuid references users(id),
      ended_by_id uuid references users(id),
      check (source_id <> target_id),
      check (valid_to is null or valid_to >= valid_from)
    );
    create unique index ci_relationships_current_key on ci_relationships (source_id, target_id, type_id) where valid_to is null;
    create index ci_relationships_dependency_idx on ci_relationships (dependency_id) include (dependent_id) where valid_to is null;
    create index ci_relationships_dependent_idx on ci_relationships (dependent_id) include (dependency_id) where valid_to is null;
    create index ci_relationships_source_idx on ci_relationships (source_id, valid_from);
    create index ci_relationships_target_idx on ci_relationships (target_id, valid_from);

    create table ci_history (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations(id),
      ci_id uuid not null references configuration_items(id) on delete cascade,
      actor_id uuid references users(id),
      kind text not null,
      changes jsonb not null default '[]'::jsonb,
      data jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now()
    );
    create index ci_history_ci_idx on ci_history (ci_id, id);

    create table work_item_cis (
      organization_id uuid not null references organizations(id),
      work_item_id uuid not null references work_items(id) on delete cascade,
      ci_id uuid not null references configuration_items(id),
      role text not null default 'affected' check (role in ('affected', 'caused_by')),
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      primary key (work_item_id, ci_id, role)
    );
    create index work_item_cis_ci_idx on work_item_cis (ci_id);
  `.execute(db);

  await sql`
    insert into ci_relationship_types (key, name, reverse_name, dependent_end, acyclic) values
      ('depends_on', 'depends on', 'used by', 'source', true),
      ('runs_on', 'runs on', 'hosts', 'source', true),
      ('connects_to', 'connects to', 'connected from', 'source', false),
      ('contains', 'contains', 'member of', 'target', true);
  `.execute(db);

  const env = { key: "environment", label: "Environment", type: "choice", choices: ["production", "staging", "test", "development"] };
  const ip = { key: "ip_address", label: "IP address", type: "ip" };
  const os = { key: "os", label: "Operating system", type: "string" };
  const classes: Array<[string, string, string, unknown[]]> = [
    [
      "business_service",
      "Business service",
      "A service the business consumes (Email, ERP, VPN)",
      [
        { key: "criticality", label: "Criticality", type: "choice", choices: ["critical", "high", "medium", "low"], required: true },
        { key: "service_hours", label: "Service hours", type: "string" },
      ],
    ],
    [
      "application",
      "Application",
      "Software that delivers a service",
      [
        { key: "version", label: "Version", type: "string" },
        { key: "vendor", label: "Vendor", type: "string" },
        { key: "url", label: "URL", type: "url" },
        env,
      ],
    ],
    [
      "server",
      "Server",
      "A physical server",
      [
        { key: "hostname", label: "Host name", type: "string", unique: true },
        ip,
        os,
        { key: "cpu_count", label: "CPUs", type: "integer", min: 1 },
        { key: "memory_gb", label: "Memory (GB)", type: "number", min: 0 },
        env,
      ],
    ],
    [
      "virtual_machine",
      "Virtual machine",
      "A virtual server on a hypervisor or cloud",
      [
        { key: "hostname", label: "Host name", type: "string", unique: true },
        ip,
        os,
        { key: "cpu_count", label: "vCPUs", type: "integer", min: 1 },
        { key: "memory_gb", label: "Memory (GB)", type: "number", min: 0 },
        env,
      ],
    ],
    [
      "database",
      "Database",
      "A database instance",
      [
        { key: "engine", label: "Engine", type: "choice", choices: ["postgresql", "mysql", "oracle", "sql_server", "mongodb", "other"], required: true },
        { key: "version", label: "Version", type: "string" },
        { key: "port", label: "Port", type: "integer", min: 1, max: 65535 },
        env,
      ],
    ],
    [
      "network_device",
      "Network device",
      "Router, switch, firewall, load balancer or access point",
      [
        {
          key: "device_type",
          label: "Device type",
          type: "choice",
          choices: ["router", "switch", "firewall", "load_balancer", "access_point", "other"],
          required: true,
        },
        ip,
        { key: "firmware", label: "Firmware", type: "string" },
      ],
    ],
    [
      "laptop",
      "Laptop",
      "A person's laptop",
      [{ key: "manufacturer", label: "Manufacturer", type: "string" }, { key: "model", label: "Model", type: "string" }, os],
    ],
    [
      "mobile",
      "Mobile device",
      "Phone or tablet",
      [
        { key: "manufacturer", label: "Manufacturer", type: "string" },
        { key: "model", label: "Model", type: "string" },
        os,
        { key: "phone_number", label: "Phone number", type: "string" },
      ],
    ],
    [
      "software",
      "Software",
      "An installed software product",
      [
        { key: "publisher", label: "Publisher", type: "string" },
        { key: "version", label: "Version", type: "string" },
      ],
    ],
  ];
  for (const [key, name, description, attributes] of classes) {
    await sql`insert into ci_classes (key, name, description, attributes) values (${key}, ${name}, ${description}, ${JSON.stringify(attributes)}::jsonb)`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table work_item_cis, ci_history, ci_relationships, configuration_items, ci_relationship_types, ci_classes`.execute(db);
}
