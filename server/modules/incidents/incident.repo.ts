import { type ExpressionBuilder, sql } from "kysely";
import type { IncidentState } from "../../../contracts/incidents";
import type { DbOrTx } from "../../platform/db/db";
import type { Database } from "../../platform/db/schema";

type Ref = { id: string; name: string } | null;
type PersonRef = { id: string; name: string; email: string } | null;

/** Fields every incident read has: the work item's own and the incident extension's. */
interface IncidentFields {
  id: string;
  organization_id: string;
  number: string;
  title: string;
  description: string;
  state: IncidentState;
  impact: "high" | "medium" | "low";
  urgency: "high" | "medium" | "low";
  priority: number;
  requester_id: string;
  assignee_id: string | null;
  assignment_group_id: string | null;
  hold_reason: string | null;
  resolution_code: string | null;
  resolution_notes: string | null;
  reopen_count: number;
  resolved_at: Date | null;
  version: number;
}

/** An incident with its references resolved to names, as reads present it. */
export interface IncidentRow extends IncidentFields {
  channel: string;
  requester: NonNullable<PersonRef>;
  assignee: PersonRef;
  created_by: PersonRef;
  assignment_group: Ref;
  service: Ref;
  category: Ref;
  subcategory: Ref;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  /** Nearest due time of the item's running SLA clocks. */
  sla_due_at: Date | null;
}

/** The raw ids an update compares against. */
export interface LockedIncident extends IncidentFields {
  category_id: string | null;
  subcategory_id: string | null;
  service_id: string | null;
}

const personOf = (col: string) => sql`(select json_build_object('id', u.id, 'name', u.name, 'email', u.email) from users u where u.id = ${sql.ref(col)})`;
const refOf = (table: "groups" | "services" | "categories", col: string) =>
  sql`(select json_build_object('id', x.id, 'name', x.name) from ${sql.table(table)} x where x.id = ${sql.ref(col)})`;

/**
 * Every column an incident read presents, over `w` (a work item) and `i` (its incident row), with the
 * references looked up by scalar subqueries rather than seven joins: planned in ~1 ms instead of 3-12 ms.
 */
const ROW_SELECT = sql`
  w.id, w.organization_id, w.number, w.title, w.description, w.state, w.impact, w.urgency, w.priority, w.channel,
  w.requester_id, w.assignee_id, w.assignment_group_id,
  ${personOf("w.requester_id")} as requester, ${personOf("w.assignee_id")} as assignee, ${personOf("w.created_by_id")} as created_by,
  ${refOf("groups", "w.assignment_group_id")} as assignment_group, ${refOf("services", "w.service_id")} as service,
  ${refOf("categories", "w.category_id")} as category, ${refOf("categories", "w.subcategory_id")} as subcategory,
  i.hold_reason, i.resolution_code, i.resolution_notes, i.reopen_count,
  w.created_at, w.updated_at, w.resolved_at, w.closed_at, w.version, w.sla_due_at`;

export interface NewIncident {
  organizationId: string;
  title: string;
  description: string;
  impact: string;
  urgency: string;
  defaultPriority: number;
  categoryId: string | null;
  subcategoryId: string | null;
  requesterId: string;
  assignmentGroupId: string | null;
  assigneeId: string | null;
  serviceId: string | null;
  channel: string;
  createdById: string;
  state: IncidentState;
  timelineData: Record<string, unknown>;
}

/**
 * Creates the work item, its incident extension and the "created" timeline event in one statement:
 * the number comes from a sequence (unique under concurrency), the priority from the organization's matrix.
 * One round trip; the references come back as scalar subqueries (a ten-way join here took longer to plan than to run).
 */
export async function insertIncident(db: DbOrTx, n: NewIncident): Promise<IncidentRow> {
  const r = await sql<IncidentRow>`
    with seq as (select nextval('work_item_number_incident')::text as v),
    w as (
      insert into work_items (organization_id, type, number, title, description, state, impact, urgency, priority,
        category_id, subcategory_id, requester_id, assignment_group_id, assignee_id, service_id, channel, created_by_id)
      select ${n.organizationId}, 'incident', 'INC' || lpad(seq.v, greatest(7, length(seq.v)), '0'), ${n.title}, ${n.description},
        ${n.state}, ${n.impact}, ${n.urgency},
        coalesce((select pm.priority from priority_matrix pm where pm.organization_id = ${n.organizationId}
          and pm.impact = ${n.impact} and pm.urgency = ${n.urgency}), ${n.defaultPriority}),
        ${n.categoryId}, ${n.subcategoryId}, ${n.requesterId}, ${n.assignmentGroupId}, ${n.assigneeId}, ${n.serviceId},
        ${n.channel}, ${n.createdById}
      from seq
      returning *
    ),
    i as (
      insert into incidents (work_item_id, organization_id) select id, organization_id from w
      returning work_item_id, hold_reason, resolution_code, resolution_notes, reopen_count
    ),
    t as (
      insert into timeline_events (organization_id, work_item_id, actor_id, kind, data)
      select organization_id, id, ${n.createdById}, 'created', ${JSON.stringify(n.timelineData)}::jsonb from w
    )
    select ${ROW_SELECT}
    from w join i on i.work_item_id = w.id`.execute(db);
  return r.rows[0];
}

/** One incident with everything the detail page shows, scoped to the organization. */
export async function findIncident(db: DbOrTx, orgId: string, id: string): Promise<IncidentRow | undefined> {
  const r = await sql<IncidentRow>`select ${ROW_SELECT} from work_items w join incidents i on i.work_item_id = w.id
    where w.organization_id = ${orgId} and w.id = ${id} and w.type = 'incident'`.execute(db);
  return r.rows[0];
}

/** Locks an incident row (work item + extension) for an update and returns its raw fields. */
export async function lockIncident(db: DbOrTx, orgId: string, id: string): Promise<LockedIncident | undefined> {
  const r = await sql<LockedIncident>`select w.id, w.organization_id, w.number, w.title, w.description, w.state, w.impact, w.urgency, w.priority,
      w.category_id, w.subcategory_id, w.service_id, w.requester_id, w.assignment_group_id, w.assignee_id,
      w.resolved_at, w.version, i.hold_reason, i.resolution_code, i.resolution_notes, i.reopen_count
    from work_items w join incidents i on i.work_item_id = w.id
    where w.organization_id = ${orgId} and w.id = ${id} and w.type = 'incident'
    for update of w, i`.execute(db);
  return r.rows[0];
}

/** The organization of a work item, whoever asks (for jobs that act without a caller). */
export async function findItemOrganization(db: DbOrTx, id: string): Promise<string | undefined> {
  const r = await db.selectFrom("work_items").select("organization_id").where("id", "=", id).executeTakeFirst();
  return r?.organization_id;
}

/** Looks up the priority for an impact/urgency in the organization's matrix. */
export async function lookupPriority(db: DbOrTx, orgId: string, impact: string, urgency: string): Promise<number | null> {
  const r = await db
    .selectFrom("priority_matrix")
    .select("priority")
    .where("organization_id", "=", orgId)
    .where("impact", "=", impact)
    .where("urgency", "=", urgency)
    .executeTakeFirst();
  return r?.priority ?? null;
}

/** Writes changed core and extension fields and bumps the version. */
export async function updateIncidentRow(
  db: DbOrTx,
  id: string,
  core: Partial<
    Record<
      | "title"
      | "description"
      | "state"
      | "impact"
      | "urgency"
      | "category_id"
      | "subcategory_id"
      | "service_id"
      | "requester_id"
      | "assignment_group_id"
      | "assignee_id",
      string | null
    >
  > & {
    priority?: number;
    resolved_at?: Date | null;
    closed_at?: Date | null;
  },
  ext: Partial<{ hold_reason: string | null; resolution_code: string | null; resolution_notes: string | null; reopen_count: number }>,
): Promise<number> {
  const r = await db
    .updateTable("work_items")
    .set((eb) => ({ ...(core as Record<string, unknown>), version: eb("version", "+", 1), updated_at: new Date() }))
    .where("id", "=", id)
    .returning("version")
    .executeTakeFirstOrThrow();
  if (Object.keys(ext).length > 0) await db.updateTable("incidents").set(ext).where("work_item_id", "=", id).execute();
  return r.version;
}

/** What references a create/update names, checked against the organization in one round trip. */
export interface ReferenceIds {
  categoryId?: string | null;
  subcategoryId?: string | null;
  serviceId?: string | null;
  groupId?: string | null;
  assigneeId?: string | null;
  requesterId?: string | null;
}

export async function checkReferences(db: DbOrTx, orgId: string, refs: ReferenceIds) {
  const r = await sql<{
    category: boolean;
    subcategory_parent: string | null;
    subcategory: boolean;
    service: boolean;
    group: boolean;
    assignee: boolean;
    assignee_in_group: boolean;
    requester: boolean;
  }>`select
      exists(select 1 from categories where id = ${refs.categoryId ?? null}::uuid and organization_id = ${orgId} and parent_id is null and active) as category,
      (select parent_id from categories where id = ${refs.subcategoryId ?? null}::uuid and organization_id = ${orgId} and active) as subcategory_parent,
      exists(select 1 from categories where id = ${refs.subcategoryId ?? null}::uuid and organization_id = ${orgId} and active) as subcategory,
      exists(select 1 from services where id = ${refs.serviceId ?? null}::uuid and organization_id = ${orgId} and active) as service,
      exists(select 1 from groups where id = ${refs.groupId ?? null}::uuid and organization_id = ${orgId} and active) as group,
      exists(select 1 from organization_memberships m join users u on u.id = m.user_id
        where m.user_id = ${refs.assigneeId ?? null}::uuid and m.organization_id = ${orgId} and u.active and m.role in ('agent', 'admin')) as assignee,
      exists(select 1 from group_members where user_id = ${refs.assigneeId ?? null}::uuid and group_id = ${refs.groupId ?? null}::uuid) as assignee_in_group,
      exists(select 1 from organization_memberships m join users u on u.id = m.user_id
        where m.user_id = ${refs.requesterId ?? null}::uuid and m.organization_id = ${orgId} and u.active) as requester`.execute(db);
  return r.rows[0];
}

export interface QueueFilter {
  organizationId: string;
  states?: IncidentState[];
  priorities?: number[];
  groupIds?: string[];
  includeUnassignedGroup?: boolean;
  assigneeId?: string | "none";
  requesterId?: string;
  serviceId?: string;
  categoryId?: string;
  /** Only (true) or no (false) major incidents. */
  major?: boolean;
  q?: string;
  /** Requesters: only these people's items or those they watch. */
  visibleTo?: string;
}

export type QueueSort = { columns: Array<"created_at" | "updated_at" | "priority" | "number" | "sla_due">; desc: boolean };

function applyFilter(eb: ExpressionBuilder<Database & { w: Database["work_items"] }, "w">, f: QueueFilter) {
  const conds = [eb("w.organization_id", "=", f.organizationId), eb("w.type", "=", "incident")];
  if (f.states?.length) conds.push(eb("w.state", "in", f.states));
  if (f.priorities?.length) conds.push(eb("w.priority", "in", f.priorities));
  if (f.groupIds?.length || f.includeUnassignedGroup) {
    const ors = [];
    if (f.groupIds?.length) ors.push(eb("w.assignment_group_id", "in", f.groupIds));
    if (f.includeUnassignedGroup) ors.push(eb("w.assignment_group_id", "is", null));
    conds.push(eb.or(ors));
  }
  if (f.assigneeId === "none") conds.push(eb("w.assignee_id", "is", null));
  else if (f.assigneeId) conds.push(eb("w.assignee_id", "=", f.assigneeId));
  if (f.requesterId) conds.push(eb("w.requester_id", "=", f.requesterId));
  if (f.serviceId) conds.push(eb("w.service_id", "=", f.serviceId));
  if (f.categoryId) conds.push(eb.or([eb("w.category_id", "=", f.categoryId), eb("w.subcategory_id", "=", f.categoryId)]));
  if (f.major !== undefined) {
    const majors = eb.selectFrom("major_incidents").select("work_item_id").where("organization_id", "=", f.organizationId);
    conds.push(f.major ? eb("w.id", "in", majors) : eb("w.id", "not in", majors));
  }
  if (f.visibleTo) {
    const uid = f.visibleTo;
    conds.push(eb.or([eb("w.requester_id", "=", uid), eb("w.id", "in", eb.selectFrom("watchers").select("work_item_id").where("user_id", "=", uid))]));
  }
  if (f.q) {
    const q = f.q;
    if (/^[A-Za-z]{3}\d{1,12}$/.test(q)) conds.push(eb("w.number", "=", q.toUpperCase()));
    else {
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conds.push(eb.or([sql<boolean>`w.search @@ websearch_to_tsquery('english', ${q})`, eb("w.title", "ilike", like)]));
    }
  }
  return eb.and(conds);
}

const SORT_EXPR: Record<string, string> = {
  created_at: "w.created_at",
  updated_at: "w.updated_at",
  priority: "w.priority",
  number: "w.number",
  // No due time sorts last; matches the partial index work_items_open_sla_due_idx.
  sla_due: "coalesce(w.sla_due_at, 'infinity'::timestamptz)",
};
const colSql = (c: string) => (c.includes("(") ? sql.raw(c) : sql.ref(c));

/** One page of the queue (keyset on the sort columns plus id) and, if asked, the count capped at `countCap`. */
export async function listIncidentPage(db: DbOrTx, f: QueueFilter, sort: QueueSort, limit: number, after: unknown[] | null, countCap: number | null) {
  const dir = sort.desc ? "desc" : "asc";
  const cols = [...sort.columns.map((c) => SORT_EXPR[c]), "w.id"];
  let ids = db
    .selectFrom("work_items as w")
    .select(["w.id", ...sort.columns.filter((c) => c !== "sla_due").map((c) => `w.${c}` as const)])
    .where((eb) => applyFilter(eb, f));
  if (after) {
    const lhs = sql.join(cols.map(colSql));
    const rhs = sql.join(after.map((v) => sql`${v}`));
    ids = ids.where(sort.desc ? sql<boolean>`(${lhs}) < (${rhs})` : sql<boolean>`(${lhs}) > (${rhs})`);
  }
  for (const c of cols) ids = ids.orderBy(colSql(c), dir);
  ids = ids.limit(limit + 1);
  // The page's ids first (an index walk), then its 51 rows with their references as scalar subqueries:
  // a ten-way join cost ~8-12 ms of planning on every request, more than executing it.
  const pageQuery = sql<IncidentRow & { cursor: unknown[] }>`
    with page as (${ids})
    select ${ROW_SELECT}, json_build_array(${sql.join(cols.map(colSql))}) as cursor
    from page p join work_items w on w.id = p.id join incidents i on i.work_item_id = w.id
    order by ${sql.join(cols.map((c) => sql`${colSql(c)} ${sql.raw(dir)}`))}`;
  const countQuery =
    countCap === null
      ? null
      : db
          .selectFrom(
            db
              .selectFrom("work_items as w")
              .select(sql`1`.as("one"))
              .where((eb) => applyFilter(eb, f))
              .limit(countCap + 1)
              .as("t"),
          )
          .select((eb) => eb.fn.countAll<number>().as("n"));
  const [rows, count] = await Promise.all([pageQuery.execute(db), countQuery ? countQuery.executeTakeFirstOrThrow() : Promise.resolve(null)]);
  return { rows: rows.rows, count: count ? Number(count.n) : null };
}
