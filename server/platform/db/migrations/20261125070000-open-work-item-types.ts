import { type Kysely, sql } from "kysely";

/**
 * Opens the work-item core to every ITIL practice at once (so that practices built side by side
 * never rewrite each other's type list): service requests (REQ), their fulfilment tasks (TASK),
 * problems (PRB), changes (CHG) and change tasks (CTASK), each with its own number sequence.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table work_items drop constraint work_items_type_check;
    alter table work_items add constraint work_items_type_check
      check (type in ('incident', 'request', 'request_task', 'problem', 'change', 'change_task'));
    create sequence work_item_number_request as bigint;
    create sequence work_item_number_request_task as bigint;
    create sequence work_item_number_problem as bigint;
    create sequence work_item_number_change as bigint;
    create sequence work_item_number_change_task as bigint;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop sequence work_item_number_request, work_item_number_request_task, work_item_number_problem,
      work_item_number_change, work_item_number_change_task;
    alter table work_items drop constraint work_items_type_check;
    alter table work_items add constraint work_items_type_check check (type in ('incident'));
  `.execute(db);
}
