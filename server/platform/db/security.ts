import { type Kysely, sql } from "kysely";
import { APP_ROLE } from "./db";

/** Tables the application may add rows to but never change or remove (the audit trail and its seals). */
export const APPEND_ONLY_TABLES = ["timeline_events", "audit_events", "audit_seals"] as const;

/** Name of the row-level security policy put on every tenant-owned table. */
export const TENANT_POLICY = "portico_tenant";

/**
 * Run by the migration runner (as the schema owner) after every migration batch, so it also covers the
 * tables other practices add later: the application role exists and may be assumed by the connecting
 * user; it may read and write the schema's tables except change or delete audit rows; and every table
 * with an organization_id column gets row-level security keyed on `portico.org_id` (set per request by
 * createDb; '*' = system context for jobs, sign-in and the CLI). Idempotent.
 */
export async function applyDbSecurity(db: Kysely<any>): Promise<{ tenantTables: string[] }> {
  await sql
    .raw(`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
        begin
          create role ${APP_ROLE} nologin;
        exception when duplicate_object or unique_violation then null;
        end;
      end if;
      if not pg_has_role(current_user, '${APP_ROLE}', 'member') then
        execute format('grant ${APP_ROLE} to %I', current_user);
      end if;
    end $$;
    create or replace function portico_current_org() returns uuid language sql stable as $f$
      select case when s ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' then s::uuid end
      from (select current_setting('portico.org_id', true) as s) x
    $f$;
    grant usage on schema public to ${APP_ROLE};
    grant select, insert, update, delete on all tables in schema public to ${APP_ROLE};
    grant usage, select, update on all sequences in schema public to ${APP_ROLE};
    grant execute on all functions in schema public to ${APP_ROLE};
    revoke update, delete, truncate on ${APPEND_ONLY_TABLES.join(", ")} from ${APP_ROLE};
    do $$ declare t text; begin
      if exists (select 1 from pg_namespace where nspname = 'graphile_worker') then
        grant usage on schema graphile_worker to ${APP_ROLE};
        grant select, insert, update, delete on all tables in schema graphile_worker to ${APP_ROLE};
        grant usage, select, update on all sequences in schema graphile_worker to ${APP_ROLE};
        grant execute on all functions in schema graphile_worker to ${APP_ROLE};
        -- The queue keeps row-level security on its private tables (no policy = owner only): let the
        -- application role, which enqueues and runs jobs, through.
        for t in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = 'graphile_worker' and c.relkind = 'r' and c.relrowsecurity loop
          if not exists (select 1 from pg_policies where schemaname = 'graphile_worker' and tablename = t and policyname = '${APP_ROLE}_queue') then
            execute format('create policy ${APP_ROLE}_queue on graphile_worker.%I to ${APP_ROLE} using (true) with check (true)', t);
          end if;
        end loop;
      end if;
    end $$;
  `)
    .execute(db);
  const tables = await sql<{ table_name: string; nullable: boolean; has_policy: boolean }>`
    select c.table_name, c.is_nullable = 'YES' as nullable,
      exists (select 1 from pg_policies p where p.schemaname = 'public' and p.tablename = c.table_name and p.policyname = ${TENANT_POLICY}) as has_policy
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = 'public' and c.column_name = 'organization_id'
    order by c.table_name`.execute(db);
  for (const t of tables.rows) {
    const name = `"${t.table_name.replace(/"/g, '""')}"`;
    // Rows without an organization (built-in CI classes, sign-in failures of unknown accounts) are shared.
    const shared = t.nullable ? " or organization_id is null" : "";
    const rule = `((select current_setting('portico.org_id', true)) = '*' or organization_id = (select portico_current_org())${shared})`;
    await sql.raw(`alter table ${name} enable row level security`).execute(db);
    if (!t.has_policy) {
      await sql.raw(`create policy ${TENANT_POLICY} on ${name} to ${APP_ROLE} using ${rule} with check ${rule}`).execute(db);
    }
  }
  return { tenantTables: tables.rows.map((t) => t.table_name) };
}
