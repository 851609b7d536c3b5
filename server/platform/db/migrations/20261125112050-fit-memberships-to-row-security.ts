import { type Kysely, sql } from "kysely";

/**
 * Memberships under row-level security. A person is seen in every organization they belong to (not only
 * their home one), so the users policy also admits members of the organization acted in. The triggers
 * that keep home and derived memberships and group memberships in step write rows of other
 * organizations by design (a provider's group change grants access to its customers): they run as the
 * schema owner (security definer), which row-level security does not restrict.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'portico_app') then
        begin
          create role portico_app nologin;
        exception when duplicate_object or unique_violation then null;
        end;
      end if;
    end $$;
    alter function portico_recompute_derived_memberships(uuid) security definer set search_path = public;
    alter function portico_sync_home_membership() security definer set search_path = public;
    alter function portico_group_members_changed() security definer set search_path = public;
    alter function portico_group_serves_changed() security definer set search_path = public;
    alter function portico_group_active_changed() security definer set search_path = public;
    alter function portico_membership_ended() security definer set search_path = public;
    alter function portico_membership_changed() security definer set search_path = public;
    alter table users enable row level security;
    drop policy if exists portico_tenant on users;
    create policy portico_tenant on users to portico_app
      using (
        (select current_setting('portico.org_id', true)) = '*'
        or organization_id = (select case when current_setting('portico.org_id', true) ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' then current_setting('portico.org_id', true)::uuid end)
        or exists (select 1 from organization_memberships m where m.user_id = users.id
          and m.organization_id = (select case when current_setting('portico.org_id', true) ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' then current_setting('portico.org_id', true)::uuid end))
      )
      with check (
        (select current_setting('portico.org_id', true)) = '*'
        or organization_id = (select case when current_setting('portico.org_id', true) ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' then current_setting('portico.org_id', true)::uuid end)
      );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop policy if exists portico_tenant on users;`.execute(db);
}
