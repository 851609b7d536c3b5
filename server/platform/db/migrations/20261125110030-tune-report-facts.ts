import { type Kysely, sql } from "kysely";

/**
 * Covering indexes for the dashboard's period scans: the filter columns (type, group, desk) and the
 * measured values ride in the index, so a widget over a period is an index-only scan of that range.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index report_facts_created_idx;
    drop index report_facts_resolved_idx;
    create index report_facts_created_idx on report_item_facts (organization_id, created_at)
      include (type, group_id, desk_id, response_ms, response_business_ms);
    create index report_facts_resolved_idx on report_item_facts (organization_id, resolved_at)
      include (type, group_id, desk_id, resolution_ms, resolution_business_ms, response_sla, resolution_sla, reopen_count, fcr, change_outcome)
      where resolved_at is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index report_facts_created_idx;
    drop index report_facts_resolved_idx;
    create index report_facts_created_idx on report_item_facts (organization_id, created_at);
    create index report_facts_resolved_idx on report_item_facts (organization_id, resolved_at) where resolved_at is not null;
  `.execute(db);
}
