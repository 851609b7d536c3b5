import { type Kysely, sql } from "kysely";

/**
 * Service providers: organizations in a hierarchy, people in several organizations (one membership per
 * organization with a role there), provider groups that serve customer organizations (their members get
 * derived agent memberships), and per-organization identity (branding, portal host, language,
 * requester sharing, default calendar) in `organization_profiles`, where a null column means "inherit".
 * (Mail sender and templates stay in the notifications module's per-organization tables; they inherit too.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table organizations add column parent_id uuid references organizations(id);
    alter table organizations add constraint organizations_parent_not_self check (parent_id is null or parent_id <> id);
    create index organizations_parent_idx on organizations (parent_id);

    create table organization_memberships (
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id) on delete cascade,
      role text not null check (role in ('requester', 'agent', 'admin')),
      organization_manager boolean not null default false,
      source text not null check (source in ('home', 'direct', 'derived')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (user_id, organization_id)
    );
    create index organization_memberships_org_idx on organization_memberships (organization_id, role);

    insert into organization_memberships (user_id, organization_id, role, source)
      select id, organization_id, role, 'home' from users;

    create table group_served_organizations (
      group_id uuid not null references groups(id) on delete cascade,
      served_organization_id uuid not null references organizations(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      created_at timestamptz not null default now(),
      primary key (group_id, served_organization_id)
    );
    create index group_served_organizations_served_idx on group_served_organizations (served_organization_id);

    create table organization_profiles (
      organization_id uuid primary key references organizations(id) on delete cascade,
      display_name text check (length(display_name) between 1 and 200),
      logo_sha256 text references blobs(sha256),
      logo_content_type text,
      primary_color text check (primary_color ~ '^#[0-9a-f]{6}$'),
      portal_host text check (portal_host ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?$'),
      portal_locale text check (length(portal_locale) between 2 and 20),
      requester_visibility text check (requester_visibility in ('own', 'organization')),
      default_calendar_id uuid,
      updated_at timestamptz not null default now()
    );
    create unique index organization_profiles_host_key on organization_profiles (portal_host) where portal_host is not null;

    -- The nearest-first chain of an organization and its ancestors (depth 0 = itself), at most 8 deep.
    create function portico_org_chain(org uuid) returns table (id uuid, depth int) language sql stable as $fn$
      with recursive up(id, parent_id, depth) as (
        select o.id, o.parent_id, 0 from organizations o where o.id = org
        union all
        select o.id, o.parent_id, up.depth + 1 from organizations o join up on o.id = up.parent_id where up.depth < 8
      )
      select id, depth from up
    $fn$;

    -- Derived memberships: staff of a group's organization get agent membership in every organization
    -- the group serves. Recomputed from scratch per person, so any change converges.
    create function portico_recompute_derived_memberships(uid uuid) returns void language plpgsql as $fn$
    begin
      delete from organization_memberships m
      where m.user_id = uid and m.source = 'derived'
        and m.organization_id not in (
          select s.served_organization_id
          from group_members gm
          join groups g on g.id = gm.group_id and g.active
          join group_served_organizations s on s.group_id = gm.group_id
          join organization_memberships pm on pm.user_id = uid and pm.organization_id = g.organization_id
            and pm.source <> 'derived' and pm.role in ('agent', 'admin')
          join users u on u.id = uid and u.active
          where gm.user_id = uid);
      insert into organization_memberships (user_id, organization_id, role, source)
      select distinct uid, s.served_organization_id, 'agent', 'derived'
      from group_members gm
      join groups g on g.id = gm.group_id and g.active
      join group_served_organizations s on s.group_id = gm.group_id
      join organization_memberships pm on pm.user_id = uid and pm.organization_id = g.organization_id
        and pm.source <> 'derived' and pm.role in ('agent', 'admin')
      join users u on u.id = uid and u.active
      where gm.user_id = uid
      on conflict (user_id, organization_id) do nothing;
    end
    $fn$;

    -- users.organization_id/role stay the home organization and role: mirrored into the home membership.
    create function portico_sync_home_membership() returns trigger language plpgsql as $fn$
    begin
      if tg_op = 'UPDATE' and old.organization_id <> new.organization_id then
        delete from organization_memberships where user_id = new.id and organization_id = old.organization_id and source = 'home';
      end if;
      insert into organization_memberships (user_id, organization_id, role, source)
      values (new.id, new.organization_id, new.role, 'home')
      on conflict (user_id, organization_id) do update set role = excluded.role, source = 'home', updated_at = now();
      perform portico_recompute_derived_memberships(new.id);
      return null;
    end
    $fn$;
    create trigger users_home_membership after insert or update of role, organization_id, active on users
      for each row execute function portico_sync_home_membership();

    create function portico_group_members_changed() returns trigger language plpgsql as $fn$
    begin
      perform portico_recompute_derived_memberships(case when tg_op = 'DELETE' then old.user_id else new.user_id end);
      return null;
    end
    $fn$;
    create trigger group_members_derived after insert or delete on group_members
      for each row execute function portico_group_members_changed();

    create function portico_group_serves_changed() returns trigger language plpgsql as $fn$
    declare gid uuid := case when tg_op = 'DELETE' then old.group_id else new.group_id end;
    begin
      perform portico_recompute_derived_memberships(gm.user_id) from group_members gm where gm.group_id = gid;
      return null;
    end
    $fn$;
    create trigger group_served_organizations_derived after insert or delete on group_served_organizations
      for each row execute function portico_group_serves_changed();

    create function portico_group_active_changed() returns trigger language plpgsql as $fn$
    begin
      perform portico_recompute_derived_memberships(gm.user_id) from group_members gm where gm.group_id = new.id;
      return null;
    end
    $fn$;
    create trigger groups_active_derived after update of active on groups
      for each row when (old.active is distinct from new.active) execute function portico_group_active_changed();

    -- A membership that ends or changes role ends that person's live streams in that organization
    -- (every instance hears it); their sessions there stop resolving on the next request.
    create function portico_membership_changed() returns trigger language plpgsql as $fn$
    begin
      if tg_op = 'DELETE' or old.role <> new.role or old.organization_manager <> new.organization_manager then
        perform pg_notify('portico_live', json_build_object('type', 'membership.changed', 'organizationId', old.organization_id, 'id', old.user_id)::text);
      end if;
      return null;
    end
    $fn$;
    create trigger organization_memberships_changed after update or delete on organization_memberships
      for each row execute function portico_membership_changed();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger organization_memberships_changed on organization_memberships;
    drop trigger groups_active_derived on groups;
    drop trigger group_served_organizations_derived on group_served_organizations;
    drop trigger group_members_derived on group_members;
    drop trigger users_home_membership on users;
    drop function portico_membership_changed, portico_group_active_changed, portico_group_serves_changed,
      portico_group_members_changed, portico_sync_home_membership, portico_recompute_derived_memberships, portico_org_chain;
    drop table organization_profiles, group_served_organizations, organization_memberships;
    alter table organizations drop column parent_id;
  `.execute(db);
}
