import { type Kysely, sql } from "kysely";

/**
 * Indexes for the agent queue's common first pages, measured with bench/ at 1M incidents: partial
 * on the open states (what a queue shows; a minority of rows, so small and cheap to maintain), each
 * ending in the sort columns plus id so that keyset pages and the capped count are index walks.
 * - open by priority (sort=priority / -priority): was a parallel scan and top-N sort of every open row;
 * - one group's open work, newest first: the count was a bitmap heap scan over the group's rows;
 * - one assignee's open work (assigneeId=me / none), newest first: likewise.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index work_items_open_priority_idx on work_items (organization_id, type, priority, created_at, id)
      where state in ('new', 'in_progress', 'on_hold');
    create index work_items_open_group_idx on work_items (organization_id, type, assignment_group_id, created_at desc, id desc)
      where state in ('new', 'in_progress', 'on_hold');
    create index work_items_open_assignee_idx on work_items (organization_id, type, assignee_id, created_at desc, id desc)
      where state in ('new', 'in_progress', 'on_hold');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index work_items_open_priority_idx, work_items_open_group_idx, work_items_open_assignee_idx`.execute(db);
}
