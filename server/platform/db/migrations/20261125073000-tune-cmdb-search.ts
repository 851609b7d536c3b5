import { type Kysely, sql } from "kysely";

/** CI typeahead: a prefix index on lower(name) whatever the database collation (LIKE 'abc%' walks it). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index configuration_items_prefix_idx on configuration_items (organization_id, lower(name) text_pattern_ops)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index configuration_items_prefix_idx`.execute(db);
}
