import { sql } from "kysely";
import type { RequestState, TaskState } from "../../../contracts/catalog";
import type { DbOrTx } from "../../platform/db/db";
import "../catalog/catalog.tables";

type Person = { id: string; name: string; email: string };
type Ref = { id: string; name: string };

const personOf = (col: string) => sql`(select json_build_object('id', u.id, 'name', u.name, 'email', u.email) from users u where u.id = ${sql.ref(col)})`;
const groupOf = (col: string) => sql`(select json_build_object('id', g.id, 'name', g.name) from groups g where g.id = ${sql.ref(col)})`;

/** A new work item of a type, numbered from its sequence, with its "created" timeline row; one statement. */
async function insertWorkItem(
  db: DbOrTx,
  n: {
    organizationId: string;
    type: "request" | "request_task";
    prefix: string;
    title: string;
    description: string;
    state: string;
    requesterId: string;
    groupId: string | null;
    channel: string;
    createdById: string | null;
    timelineData: Record<string, unknown>;
  },
) {
  const seq = n.type === "request" ? sql.raw("'work_item_number_request'") : sql.raw("'work_item_number_request_task'");
  const r = await sql<{ id: string; organization_id: string; number: string; requester_id: string; version: number; type: string }>`
    with seq as (select nextval(${seq})::text as v),
    w as (
      insert into work_items (organization_id, type, number, title, description, state, impact, urgency, priority,
        requester_id, assignment_group_id, channel, created_by_id)
      select ${n.organizationId}, ${n.type}, ${n.prefix} || lpad(seq.v, greatest(7, length(seq.v)), '0'), ${n.title}, ${n.description},
        ${n.state}, 'low', 'medium', 4, ${n.requesterId}, ${n.groupId}, ${n.channel}, ${n.createdById}
      from seq
      returning id, organization_id, number, requester_id, version, type
    ),
    t as (
      insert into timeline_events (organization_id, work_item_id, actor_id, kind, data)
      select organization_id, id, ${n.createdById}, 'created', ${JSON.stringify(n.timelineData)}::jsonb from w
    )
    select * from w`.execute(db);
  return r.rows[0];
}

/** Creates a service request (REQ…) with its extension row. */
export async function insertRequest(
  db: DbOrTx,
  n: {
    organizationId: string;
    title: string;
    description: string;
    requesterId: string;
    channel: string;
    createdById: string;
    catalogItemId: string;
    versionId: string;
    deskId: string;
    answers: Record<string, unknown>;
  },
) {
  const w = await insertWorkItem(db, {
    ...n,
    type: "request",
    prefix: "REQ",
    state: "pending_approval",
    groupId: null,
    timelineData: { channel: n.channel, catalogItemId: n.catalogItemId },
  });
  await db
    .insertInto("service_requests")
    .values({
      work_item_id: w.id,
      organization_id: n.organizationId,
      catalog_item_id: n.catalogItemId,
      catalog_item_version_id: n.versionId,
      desk_id: n.deskId,
      answers: JSON.stringify(n.answers),
      close_reason: null,
    })
    .execute();
  return w;
}

/** Replaces a request's stored answers (after attachments got their ids). */
export async function setAnswers(db: DbOrTx, requestId: string, answers: Record<string, unknown>): Promise<void> {
  await db
    .updateTable("service_requests")
    .set({ answers: JSON.stringify(answers) })
    .where("work_item_id", "=", requestId)
    .execute();
}

/** Creates a fulfilment task (TASK…) under a request. */
export async function insertTask(
  db: DbOrTx,
  n: {
    organizationId: string;
    requestId: string;
    requesterId: string;
    title: string;
    description: string;
    groupId: string;
    step: number;
    position: number;
    state: TaskState;
    createdById: string | null;
    requestNumber: string;
  },
) {
  const w = await insertWorkItem(db, {
    ...n,
    type: "request_task",
    prefix: "TASK",
    channel: "agent",
    timelineData: { request: n.requestNumber, step: n.step },
  });
  await db
    .insertInto("request_tasks")
    .values({ work_item_id: w.id, organization_id: n.organizationId, request_id: n.requestId, step: n.step, position: n.position, close_notes: null })
    .execute();
  return w;
}

export interface RequestRow {
  id: string;
  organization_id: string;
  number: string;
  title: string;
  description: string;
  state: RequestState;
  requester_id: string;
  requester: Person;
  created_by: Person | null;
  catalog_item_id: string;
  catalog_item_version_id: string;
  item_name: string;
  item_icon: string;
  item_version: number;
  desk: { id: string; name: string; slug: string };
  answers: Record<string, unknown>;
  close_reason: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  version: number;
  open_tasks: number;
  total_tasks: number;
}

const REQUEST_SELECT = sql`
  w.id, w.organization_id, w.number, w.title, w.description, w.state, w.requester_id,
  ${personOf("w.requester_id")} as requester, ${personOf("w.created_by_id")} as created_by,
  r.catalog_item_id, r.catalog_item_version_id, v.name as item_name, v.icon as item_icon, v.version as item_version,
  json_build_object('id', d.id, 'name', d.name, 'slug', d.slug) as desk,
  r.answers, r.close_reason, w.created_at, w.updated_at, w.closed_at, w.version,
  (select count(*)::int from request_tasks t join work_items tw on tw.id = t.work_item_id
    where t.request_id = w.id and tw.state in ('pending', 'open', 'in_progress')) as open_tasks,
  (select count(*)::int from request_tasks t where t.request_id = w.id) as total_tasks`;

const REQUEST_FROM = sql`from work_items w join service_requests r on r.work_item_id = w.id
  join catalog_item_versions v on v.id = r.catalog_item_version_id join desks d on d.id = r.desk_id`;

/** One request with what its page shows. */
export async function findRequest(db: DbOrTx, orgId: string, id: string): Promise<RequestRow | undefined> {
  const r = await sql<RequestRow>`select ${REQUEST_SELECT} ${REQUEST_FROM} where w.organization_id = ${orgId} and w.id = ${id}`.execute(db);
  return r.rows[0];
}

/** Locks a request for a state change. */
export async function lockRequest(db: DbOrTx, orgId: string, id: string) {
  const r = await sql<{ id: string; organization_id: string; type: string; number: string; state: RequestState; requester_id: string; version: number }>`
    select w.id, w.organization_id, w.type, w.number, w.state, w.requester_id, w.version
    from work_items w where w.organization_id = ${orgId} and w.id = ${id} and w.type = 'request' for update`.execute(db);
  return r.rows[0];
}
export type LockedRequest = NonNullable<Awaited<ReturnType<typeof lockRequest>>>;

/** Sets a work item's state (request or task), bumping its version; closing states stamp closed_at. */
export async function setState(db: DbOrTx, id: string, state: string, closed: boolean): Promise<number> {
  const now = new Date();
  const r = await db
    .updateTable("work_items")
    .set((eb) => ({
      state,
      updated_at: now,
      closed_at: closed ? now : null,
      resolved_at: closed ? now : null,
      version: eb("version", "+", 1),
    }))
    .where("id", "=", id)
    .returning("version")
    .executeTakeFirstOrThrow();
  return r.version;
}

/** Records why a request was closed (rejection reason, cancellation). */
export async function setCloseReason(db: DbOrTx, id: string, reason: string | null): Promise<void> {
  await db.updateTable("service_requests").set({ close_reason: reason }).where("work_item_id", "=", id).execute();
}

export interface RequestListFilter {
  organizationId: string;
  states?: RequestState[];
  requesterId?: string;
  deskId?: string;
  q?: string;
}

/** A page of requests, newest first, keyset on (created_at, id). */
export async function listRequests(
  db: DbOrTx,
  f: RequestListFilter,
  limit: number,
  after: [string, string] | null,
): Promise<Array<RequestRow & { cursor_at: string }>> {
  const number = f.q && /^req\d+$/i.test(f.q.trim()) ? f.q.trim().toUpperCase() : null;
  const like = f.q && !number ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const r = await sql<RequestRow & { cursor_at: string }>`select ${REQUEST_SELECT}, w.created_at::text as cursor_at ${REQUEST_FROM}
    where w.organization_id = ${f.organizationId} and w.type = 'request'
      ${f.states ? sql`and w.state = any(${f.states})` : sql``}
      ${f.requesterId ? sql`and w.requester_id = ${f.requesterId}` : sql``}
      ${f.deskId ? sql`and r.desk_id = ${f.deskId}` : sql``}
      ${number ? sql`and w.number = ${number}` : sql``}
      ${like ? sql`and w.title ilike ${like}` : sql``}
      ${after ? sql`and (w.created_at, w.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by w.created_at desc, w.id desc
    limit ${limit + 1}`.execute(db);
  return r.rows;
}

export interface TaskRow {
  id: string;
  organization_id: string;
  number: string;
  title: string;
  description: string;
  state: TaskState;
  step: number;
  position: number;
  request_id: string;
  request: { id: string; number: string; title: string; state: RequestState };
  requester_id: string;
  requester: Person;
  assignment_group_id: string | null;
  assignee_id: string | null;
  assignment_group: Ref | null;
  assignee: Person | null;
  close_notes: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  version: number;
}

const TASK_SELECT = sql`
  w.id, w.organization_id, w.number, w.title, w.description, w.state, t.step, t.position, t.request_id,
  (select json_build_object('id', p.id, 'number', p.number, 'title', p.title, 'state', p.state) from work_items p where p.id = t.request_id) as request,
  w.requester_id, ${personOf("w.requester_id")} as requester, w.assignment_group_id, w.assignee_id,
  ${groupOf("w.assignment_group_id")} as assignment_group, ${personOf("w.assignee_id")} as assignee,
  t.close_notes, w.created_at, w.updated_at, w.closed_at, w.version`;

/** One task with its request. */
export async function findTask(db: DbOrTx, orgId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<TaskRow | undefined> {
  const r = await sql<TaskRow>`select ${TASK_SELECT} from work_items w join request_tasks t on t.work_item_id = w.id
    where w.organization_id = ${orgId} and w.id = ${id} ${opts.forUpdate ? sql`for update of w, t` : sql``}`.execute(db);
  return r.rows[0];
}

/** A request's tasks in plan order. */
export async function listRequestTasks(db: DbOrTx, requestId: string): Promise<TaskRow[]> {
  const r = await sql<TaskRow>`select ${TASK_SELECT} from work_items w join request_tasks t on t.work_item_id = w.id
    where t.request_id = ${requestId} order by t.step, t.position`.execute(db);
  return r.rows;
}

export interface TaskListFilter {
  organizationId: string;
  states?: TaskState[];
  groupIds?: string[];
  assigneeId?: string;
  requestId?: string;
}

/** A page of tasks, oldest first (work them in order), keyset on (created_at, id). */
export async function listTasks(db: DbOrTx, f: TaskListFilter, limit: number, after: [string, string] | null): Promise<Array<TaskRow & { cursor_at: string }>> {
  const r = await sql<TaskRow & { cursor_at: string }>`select ${TASK_SELECT}, w.created_at::text as cursor_at
    from work_items w join request_tasks t on t.work_item_id = w.id
    where w.organization_id = ${f.organizationId} and w.type = 'request_task'
      ${f.states ? sql`and w.state = any(${f.states})` : sql``}
      ${f.groupIds ? sql`and w.assignment_group_id = any(${f.groupIds}::uuid[])` : sql``}
      ${f.assigneeId ? sql`and w.assignee_id = ${f.assigneeId}` : sql``}
      ${f.requestId ? sql`and t.request_id = ${f.requestId}` : sql``}
      ${after ? sql`and (w.created_at, w.id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by w.created_at, w.id
    limit ${limit + 1}`.execute(db);
  return r.rows;
}

/** Changes a task's group/assignee and state fields, bumping its version. */
export async function updateTaskRow(
  db: DbOrTx,
  id: string,
  set: { assignment_group_id?: string | null; assignee_id?: string | null; state?: TaskState },
  closeNotes?: string | null,
): Promise<number> {
  const now = new Date();
  const closing = set.state === "completed" || set.state === "cancelled";
  const r = await db
    .updateTable("work_items")
    .set((eb) => ({ ...set, updated_at: now, ...(closing ? { closed_at: now, resolved_at: now } : {}), version: eb("version", "+", 1) }))
    .where("id", "=", id)
    .returning("version")
    .executeTakeFirstOrThrow();
  if (closeNotes !== undefined) await db.updateTable("request_tasks").set({ close_notes: closeNotes }).where("work_item_id", "=", id).execute();
  return r.version;
}

/** Is the person an active agent (or admin) of the organization, and in the group when given? */
export async function checkAssignee(db: DbOrTx, orgId: string, userId: string, groupId: string | null) {
  const r = await sql<{ ok: boolean; in_group: boolean }>`
    select true as ok, ${groupId ? sql`exists (select 1 from group_members gm where gm.user_id = u.id and gm.group_id = ${groupId})` : sql`true`} as in_group
    from users u join organization_memberships m on m.user_id = u.id and m.organization_id = ${orgId}
    where u.id = ${userId} and u.active and m.role in ('agent', 'admin')`.execute(db);
  return r.rows[0] ?? { ok: false, in_group: false };
}

/** Names of people by id (to show person answers). */
export async function personNames(db: DbOrTx, orgId: string, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom("users").select(["id", "name"]).where("organization_id", "=", orgId).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Is this an active group of the organization? */
export async function groupExists(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  return Boolean(
    await db.selectFrom("groups").select("id").where("organization_id", "=", orgId).where("id", "=", id).where("active", "=", true).executeTakeFirst(),
  );
}
