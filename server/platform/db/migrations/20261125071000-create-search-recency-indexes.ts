import { type Kysely, sql } from "kysely";

/**
 * Search everywhere ranks the newest matches of a word: for a common word (tens of thousands of hits
 * at 1M items) walking the organization's rows newest first and testing the stored vector stops after a
 * few thousand rows, where the GIN bitmap would visit every hit. Measured with bench part `search`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index work_items_org_created_idx on work_items (organization_id, created_at desc);
    create index comments_org_created_idx on comments (organization_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index work_items_org_created_idx, comments_org_created_idx`.execute(db);
}
