import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./change.tables";

/** One standard-change template of the organization. */
export function findTemplate(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("change_templates").selectAll().where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

/** Templates with their track record (closed changes made from them and how many failed). */
export async function listTemplates(db: DbOrTx, orgId: string) {
  const r = await sql<{
    id: string;
    name: string;
    description: string;
    implementation_plan: string;
    backout_plan: string;
    test_plan: string;
    service: { id: string; name: string } | null;
    uses: number;
    closed: number;
    failed: number;
  }>`select t.id, t.name, t.description, t.implementation_plan, t.backout_plan, t.test_plan,
      (select json_build_object('id', s.id, 'name', s.name) from services s where s.id = t.service_id) as service,
      (select count(*)::int from changes c where c.template_id = t.id) as uses,
      (select count(*)::int from changes c where c.template_id = t.id and c.outcome is not null) as closed,
      (select count(*)::int from changes c where c.template_id = t.id and c.outcome in ('failed', 'backed_out')) as failed
    from change_templates t where t.organization_id = ${orgId} and t.active order by t.name`.execute(db);
  return r.rows;
}

/** Adds a pre-approved template; a duplicate name is refused by the unique index. */
export async function insertTemplate(
  db: DbOrTx,
  t: { organizationId: string; name: string; description: string; implementationPlan: string; backoutPlan: string; testPlan: string; serviceId: string | null },
) {
  return db
    .insertInto("change_templates")
    .values({
      organization_id: t.organizationId,
      name: t.name,
      description: t.description,
      implementation_plan: t.implementationPlan,
      backout_plan: t.backoutPlan,
      test_plan: t.testPlan,
      service_id: t.serviceId,
    })
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
}
