import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";

type PersonRef = { id: string; name: string; email: string } | null;

/** Creates a change task (CTASK number) as a child of its change, with its "created" event. */
export async function insertChangeTask(
  db: DbOrTx,
  t: { organizationId: string; changeId: string; title: string; description: string; assigneeId: string | null; groupId: string | null; createdById: string },
) {
  const r = await sql<{ id: string; organization_id: string; number: string; requester_id: string; version: number }>`
    with seq as (select nextval('work_item_number_change_task')::text as v),
    w as (
      insert into work_items (organization_id, type, number, title, description, state, impact, urgency, priority,
        requester_id, assignment_group_id, assignee_id, channel, created_by_id)
      select ${t.organizationId}, 'change_task', 'CTASK' || lpad(seq.v, greatest(7, length(seq.v)), '0'), ${t.title}, ${t.description},
        'new', 'medium', 'medium', 3, ${t.createdById}, ${t.groupId}, ${t.assigneeId}, 'agent', ${t.createdById}
      from seq returning id, organization_id, number, requester_id, version
    ),
    l as (insert into work_item_links (organization_id, source_id, target_id, kind, created_by_id)
      select organization_id, id, ${t.changeId}, 'child_of', ${t.createdById} from w),
    e as (insert into timeline_events (organization_id, work_item_id, actor_id, kind, data)
      select organization_id, id, ${t.createdById}, 'created', '{}'::jsonb from w)
    select * from w`.execute(db);
  return r.rows[0];
}

/** A change's tasks in creation order. */
export async function listTasks(db: DbOrTx, changeId: string) {
  const r = await sql<{ id: string; number: string; title: string; state: string; assignee: PersonRef }>`
    select t.id, t.number, t.title, t.state,
      (select json_build_object('id', u.id, 'name', u.name, 'email', u.email) from users u where u.id = t.assignee_id) as assignee
    from work_item_links l join work_items t on t.id = l.source_id
    where l.target_id = ${changeId} and l.kind = 'child_of' and t.type = 'change_task'
    order by t.created_at, t.number`.execute(db);
  return r.rows;
}

/** How many of a change's tasks are neither closed nor cancelled. */
export async function countOpen(db: DbOrTx, changeId: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from work_item_links l join work_items t on t.id = l.source_id
    where l.target_id = ${changeId} and l.kind = 'child_of' and t.type = 'change_task' and t.state not in ('closed', 'cancelled')`.execute(db);
  return r.rows[0].n;
}

/** Moves a task to a new state (and closes it when done). */
export async function setTaskState(db: DbOrTx, id: string, state: string): Promise<number> {
  const r = await db
    .updateTable("work_items")
    .set((eb) => ({
      state,
      version: eb("version", "+", 1),
      updated_at: new Date(),
      ...(state === "closed" || state === "cancelled" ? { closed_at: new Date() } : {}),
    }))
    .where("id", "=", id)
    .returning("version")
    .executeTakeFirstOrThrow();
  return r.version;
}

/** The change a task belongs to. */
export async function parentChangeOf(db: DbOrTx, taskId: string): Promise<string | undefined> {
  const r = await db.selectFrom("work_item_links").select("target_id").where("source_id", "=", taskId).where("kind", "=", "child_of").executeTakeFirst();
  return r?.target_id;
}
