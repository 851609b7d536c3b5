import { type Kysely, sql } from "kysely";

/**
 * When a person's membership in an organization ends (removed, or a serving group no longer grants it),
 * they also leave that organization's groups: no stale group membership keeps them on assignment lists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function portico_membership_ended() returns trigger language plpgsql as $fn$
    begin
      delete from group_members where user_id = old.user_id and organization_id = old.organization_id;
      return null;
    end
    $fn$;
    create trigger organization_memberships_ended after delete on organization_memberships
      for each row execute function portico_membership_ended();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger organization_memberships_ended on organization_memberships; drop function portico_membership_ended;`.execute(db);
}
