import { type Kysely, sql } from "kysely";

/**
 * Breakdowns (category, service, channel, priority, agent) over a period read the created-at index only,
 * and the satisfaction widget counts surveys sent in a period through an index instead of a scan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index report_facts_created_idx;
    create index report_facts_created_idx on report_item_facts (organization_id, created_at)
      include (type, group_id, desk_id, response_ms, response_business_ms, category_id, service_id, channel, priority, assignee_id);
    create index csat_surveys_created_idx on csat_surveys (organization_id, created_at) include (work_item_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index csat_surveys_created_idx;
    drop index report_facts_created_idx;
    create index report_facts_created_idx on report_item_facts (organization_id, created_at)
      include (type, group_id, desk_id, response_ms, response_business_ms);
  `.execute(db);
}
